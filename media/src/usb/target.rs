//! Which targets `usb write` may write, and why it refuses the others.
//!
//! [`blockdev::inspect()`] gathers the facts about a target: what the path
//! is, and for a disk what sysfs and procfs say about it (removable, size,
//! partitions, devices built on it, mounts, swap). [`check`] and
//! [`check_all`] decide from those facts alone, before anything is opened
//! for writing.
//!
//! Refused, whatever the flags: a path that does not exist, anything that
//! is neither a disk nor a regular file, a partition (the whole stick is
//! written), a block device sysfs does not list, a disk any part of which
//! is mounted, used as swap or held by device mapper or RAID, the disk of
//! the running system's `/` or `/boot`, a disk smaller than the image, the
//! image itself and a target named twice. Refused unless allowed: a disk
//! that is not removable ([`Allow::non_removable`], `--force`) and a
//! regular file ([`Allow::files`], `--file-ok`).

use std::fmt;
use std::path::PathBuf;

use blockdev::inspect::{Disk, Facts, Identity, Kind, Mount};
use blockdev::sysfs::dev_path;
use blockdev::DevNum;

/// The image to write, as the checks need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Image {
    /// Bytes.
    pub size: u64,
    /// Logical sector size its partition table is made for (512 or 4096);
    /// `None` without one.
    pub sector_size: Option<u64>,
}

impl From<u64> for Image {
    /// An image of `size` bytes without a partition table.
    fn from(size: u64) -> Image {
        Image {
            size,
            sector_size: None,
        }
    }
}

/// What the admin allowed beyond the default.
#[derive(Debug, Clone, Copy, Default)]
pub struct Allow {
    /// Disks that are not removable (`--force`).
    pub non_removable: bool,
    /// Regular files, i.e. image files (`--file-ok`).
    pub files: bool,
}

/// Why a target is refused. The messages follow "refusing PATH: ".
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    Missing,
    Unreadable {
        error: String,
    },
    RegularFile,
    NotBlockDevice,
    UnknownBlock {
        dev: DevNum,
    },
    Partition {
        name: String,
        disk: String,
    },
    /// The disk holds the running system's `/` or `/boot`.
    RunningSystem {
        disk: String,
        device: String,
        mount_point: String,
    },
    Mounted {
        device: String,
        mount_point: String,
    },
    Swap {
        device: String,
    },
    Held {
        device: String,
        holder: String,
    },
    NotRemovable {
        disk: String,
    },
    TooSmall {
        disk: String,
        size: u64,
        needed: u64,
    },
    /// The image's partition table is in sectors of another size than
    /// the disk's: the firmware would not find it, so the stick would not
    /// boot.
    SectorSize {
        disk: String,
        disk_sector: u64,
        image_sector: u64,
    },
    Unchecked {
        what: String,
    },
    IsTheImage,
    NamedTwice {
        first: PathBuf,
    },
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Missing => write!(
                f,
                "it does not exist; is the stick plugged in? `lsblk -d -o NAME,SIZE,MODEL,TRAN` lists the disks"
            ),
            Reason::Unreadable { error } => write!(f, "it cannot be examined: {error}"),
            Reason::RegularFile => write!(
                f,
                "it is a regular file, not a disk; to write an image file on purpose, add --file-ok"
            ),
            Reason::NotBlockDevice => write!(f, "it is neither a disk nor a regular file"),
            Reason::UnknownBlock { dev } => write!(
                f,
                "block device {dev} is not listed in /sys/block, so whether it is removable, \
                 mounted or big enough cannot be checked"
            ),
            Reason::Partition { name, disk } => write!(
                f,
                "{name} is a partition of {disk}; write the whole stick, /dev/{}",
                dev_path(disk)
            ),
            Reason::RunningSystem {
                disk,
                device,
                mount_point,
            } => write!(
                f,
                "{disk} holds the running system ({device} is mounted on {mount_point})"
            ),
            Reason::Mounted {
                device,
                mount_point,
            } => write!(
                f,
                "{device} is mounted on {mount_point}; unmount it first (umount {mount_point})"
            ),
            Reason::Swap { device } => write!(
                f,
                "{device} is in use as swap; stop that first (swapoff /dev/{})",
                dev_path(device)
            ),
            Reason::Held { device, holder } => write!(
                f,
                "{device} is in use by {holder} (LVM, encryption or RAID); stop that first"
            ),
            Reason::NotRemovable { disk } => write!(
                f,
                "{disk} is not a removable disk and may be an internal one; \
                 add --force only if you are sure it is the stick"
            ),
            Reason::TooSmall { disk, size: 0, .. } => write!(
                f,
                "{disk} has no medium (size 0); insert the stick or card"
            ),
            Reason::TooSmall { disk, size, needed } => write!(
                f,
                // Exact bytes too: a stick a few sectors short shows the
                // same rounded size as the image.
                "{disk} holds {} ({size} bytes), the image needs {} ({needed} bytes)",
                units::size(*size),
                units::size(*needed)
            ),
            Reason::SectorSize {
                disk,
                disk_sector,
                image_sector,
            } => write!(
                f,
                "{disk} has {disk_sector}-byte sectors, but the image is made for \
                 {image_sector}-byte sectors: the stick would not boot; build an image for it \
                 with `media-builder usb-image --sector-size {disk_sector}`"
            ),
            Reason::Unchecked { what } => {
                write!(f, "{what}, so it is not safe to write")
            }
            Reason::IsTheImage => write!(f, "it is the image itself"),
            Reason::NamedTwice { first } => {
                write!(f, "it is the same target as {}", first.display())
            }
        }
    }
}

/// A target refused, with every reason found.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub path: PathBuf,
    pub reasons: Vec<Reason>,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "refusing {}: ", self.path.display())?;
        for (i, r) in self.reasons.iter().enumerate() {
            if i > 0 {
                write!(f, "; ")?;
            }
            write!(f, "{r}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Refusal {}

fn is_system_mount(mount_point: &str) -> bool {
    mount_point == "/" || mount_point == "/boot" || mount_point.starts_with("/boot/")
}

/// Decide whether one target may be written with `image`.
pub fn check(facts: &Facts, image: Image, allow: Allow) -> Result<(), Refusal> {
    let reasons = match &facts.kind {
        Kind::Missing => vec![Reason::Missing],
        Kind::Unreadable { error } => vec![Reason::Unreadable {
            error: error.clone(),
        }],
        Kind::File { .. } if allow.files => Vec::new(),
        Kind::File { .. } => vec![Reason::RegularFile],
        Kind::Other => vec![Reason::NotBlockDevice],
        Kind::UnknownBlock { dev } => vec![Reason::UnknownBlock { dev: *dev }],
        Kind::Partition { name, disk, .. } => vec![Reason::Partition {
            name: name.clone(),
            disk: disk.clone(),
        }],
        Kind::Disk(d) => disk_reasons(d, image, allow),
    };
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(Refusal {
            path: facts.path.clone(),
            reasons,
        })
    }
}

fn disk_reasons(d: &Disk, image: Image, allow: Allow) -> Vec<Reason> {
    let image_size = image.size;
    let mut reasons = Vec::new();
    for what in &d.unchecked {
        reasons.push(Reason::Unchecked { what: what.clone() });
    }
    let (system, other): (Vec<&Mount>, Vec<&Mount>) = d
        .mounts
        .iter()
        .partition(|m| is_system_mount(&m.mount_point));
    for m in system {
        reasons.push(Reason::RunningSystem {
            disk: d.facts.name.clone(),
            device: m.device.clone(),
            mount_point: m.mount_point.clone(),
        });
    }
    for m in other {
        reasons.push(Reason::Mounted {
            device: m.device.clone(),
            mount_point: m.mount_point.clone(),
        });
    }
    for s in &d.swaps {
        reasons.push(Reason::Swap { device: s.clone() });
    }
    for h in &d.holders {
        reasons.push(Reason::Held {
            device: h.device.clone(),
            holder: h.holder.clone(),
        });
    }
    if !d.facts.removable && !allow.non_removable {
        reasons.push(Reason::NotRemovable {
            disk: d.facts.name.clone(),
        });
    }
    if d.facts.size < image_size {
        reasons.push(Reason::TooSmall {
            disk: d.facts.name.clone(),
            size: d.facts.size,
            needed: image_size,
        });
    }
    match image.sector_size {
        Some(image_sector) if image_sector != d.facts.logical_block_size => {
            reasons.push(Reason::SectorSize {
                disk: d.facts.name.clone(),
                disk_sector: d.facts.logical_block_size,
                image_sector,
            })
        }
        _ => {}
    }
    reasons
}

/// Decide for every target: those that may be written, in order, and the
/// refusals. Beyond [`check`], refuses the image itself (`image` is its
/// [`blockdev::inspect::identity`]) and a target that another one
/// already names.
pub fn check_all(
    targets: Vec<Facts>,
    image_id: Option<Identity>,
    image: Image,
    allow: Allow,
) -> (Vec<Facts>, Vec<Refusal>) {
    let mut ok: Vec<Facts> = Vec::new();
    let mut refused = Vec::new();
    let mut seen: Vec<(Identity, PathBuf)> = Vec::new();
    for f in targets {
        let mut reasons = match check(&f, image, allow) {
            Ok(()) => Vec::new(),
            Err(r) => r.reasons,
        };
        if let Some(id) = f.id {
            if image_id == Some(id) {
                reasons.insert(0, Reason::IsTheImage);
            }
            if let Some((_, first)) = seen.iter().find(|(s, _)| *s == id) {
                reasons.insert(
                    0,
                    Reason::NamedTwice {
                        first: first.clone(),
                    },
                );
            } else {
                seen.push((id, f.path.clone()));
            }
        }
        if reasons.is_empty() {
            ok.push(f);
        } else {
            refused.push(Refusal {
                path: f.path,
                reasons,
            });
        }
    }
    (ok, refused)
}

#[cfg(test)]
mod tests {
    use super::*;
    use blockdev::inspect::{block_facts, identity, inspect};
    use blockdev::Roots;
    use std::fs;
    use std::path::Path;

    const GIB: u64 = 1 << 30;

    /// A fake sysfs and procfs in a temporary directory. The running
    /// system is on `sda` (`sda1` on /boot/efi, `sda2` on /); `sdb` is a
    /// 16 GiB removable stick with one partition, `sdb1`, not mounted.
    struct Tree {
        dir: tempfile::TempDir,
        mountinfo: Vec<String>,
        swaps: Vec<String>,
    }

    impl Tree {
        fn new() -> Tree {
            let mut t = Tree {
                dir: tempfile::tempdir().unwrap(),
                mountinfo: Vec::new(),
                swaps: Vec::new(),
            };
            t.disk("sda", "8:0", false, 500 * GIB / 512);
            t.partition("sda", "sda1", "8:1");
            t.partition("sda", "sda2", "8:2");
            t.disk("sdb", "8:16", true, 16 * GIB / 512);
            t.write("sdb/device/vendor", "SanDisk");
            t.write("sdb/device/model", "Cruzer Blade");
            t.write("sdb/device/serial", "4C530001");
            t.partition("sdb", "sdb1", "8:17");
            t.mount("0:21", "/proc", "proc", "proc");
            t.mount("8:2", "/", "ext4", "/dev/sda2");
            t.mount("0:22", "/sys", "sysfs", "sysfs");
            t.mount("8:1", "/boot/efi", "vfat", "/dev/sda1");
            t
        }

        /// Writes the proc files and returns the roots.
        fn roots(&self) -> Roots {
            let proc = self.dir.path().join("proc");
            fs::create_dir_all(proc.join("self")).unwrap();
            fs::write(proc.join("self/mountinfo"), self.mountinfo.concat()).unwrap();
            let swaps = format!(
                "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n{}",
                self.swaps.concat()
            );
            fs::write(proc.join("swaps"), swaps).unwrap();
            Roots {
                sys: self.dir.path().join("sys"),
                proc,
            }
        }

        fn write(&self, rel: &str, text: &str) {
            let p = self.dir.path().join("sys/block").join(rel);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, format!("{text}\n")).unwrap();
        }

        fn mkdir(&self, rel: &str) {
            fs::create_dir_all(self.dir.path().join("sys/block").join(rel)).unwrap();
        }

        fn disk(&self, name: &str, dev: &str, removable: bool, sectors: u64) {
            self.write(&format!("{name}/dev"), dev);
            self.write(
                &format!("{name}/removable"),
                if removable { "1" } else { "0" },
            );
            self.write(&format!("{name}/size"), &sectors.to_string());
            self.mkdir(&format!("{name}/holders"));
        }

        fn partition(&self, disk: &str, name: &str, dev: &str) {
            self.write(&format!("{disk}/{name}/dev"), dev);
            self.write(&format!("{disk}/{name}/partition"), "1");
            self.write(&format!("{disk}/{name}/size"), "2048");
            self.mkdir(&format!("{disk}/{name}/holders"));
        }

        /// `holder` (dm or md, a disk of its own) is built on `held`, a
        /// path under sys/block such as "sdb/sdb1".
        fn holder(&self, held: &str, holder: &str, dev: &str, dm_name: Option<&str>) {
            self.mkdir(&format!("{held}/holders/{holder}"));
            self.disk(holder, dev, false, 1 << 20);
            if let Some(n) = dm_name {
                self.write(&format!("{holder}/dm/name"), n);
            }
        }

        fn mount(&mut self, dev: &str, at: &str, fstype: &str, source: &str) {
            let id = self.mountinfo.len() + 20;
            self.mountinfo.push(format!(
                "{id} 1 {dev} / {at} rw,relatime shared:{id} - {fstype} {source} rw\n"
            ));
        }

        fn swap(&mut self, file: &str) {
            self.swaps
                .push(format!("{file}\tpartition\t1048572\t0\t-2\n"));
        }

        /// The facts about the block device `dev`, named `path`.
        fn facts(&self, path: &str, dev: DevNum) -> Facts {
            Facts {
                path: PathBuf::from(path),
                id: Some(Identity::Block(dev)),
                kind: block_facts(dev, &self.roots()),
            }
        }

        fn sdb(&self) -> Facts {
            self.facts("/dev/sdb", DevNum::new(8, 16))
        }
    }

    const IMAGE: u64 = 1 << 30;

    fn reasons(f: &Facts, allow: Allow) -> Vec<Reason> {
        match check(f, IMAGE.into(), allow) {
            Ok(()) => Vec::new(),
            Err(r) => {
                assert_eq!(r.path, f.path);
                r.reasons
            }
        }
    }

    fn force() -> Allow {
        Allow {
            non_removable: true,
            files: false,
        }
    }

    fn message(f: &Facts, allow: Allow) -> String {
        check(f, IMAGE.into(), allow).unwrap_err().to_string()
    }

    #[test]
    fn an_image_for_other_sectors_than_the_sticks_is_refused() {
        let t = Tree::new();
        let image = |sector_size| Image {
            size: IMAGE,
            sector_size,
        };
        // sdb reports no sector size: 512, as sysfs says of most sticks.
        let f = t.sdb();
        assert_eq!(check(&f, image(Some(512)), Allow::default()), Ok(()));
        assert_eq!(check(&f, image(None), Allow::default()), Ok(()));
        let e = check(&f, image(Some(4096)), Allow::default()).unwrap_err();
        assert_eq!(
            e.reasons,
            vec![Reason::SectorSize {
                disk: "sdb".into(),
                disk_sector: 512,
                image_sector: 4096,
            }]
        );
        t.write("sdb/queue/logical_block_size", "4096");
        let f = t.sdb();
        assert_eq!(check(&f, image(Some(4096)), Allow::default()), Ok(()));
        let m = check(&f, image(Some(512)), Allow::default())
            .unwrap_err()
            .to_string();
        assert!(
            m.contains("sdb has 4096-byte sectors, but the image is made for 512-byte sectors")
                && m.contains("usb-image --sector-size 4096"),
            "{m}"
        );
    }

    #[test]
    fn a_removable_unmounted_stick_big_enough_is_accepted() {
        let t = Tree::new();
        let f = t.sdb();
        let Kind::Disk(d) = &f.kind else {
            panic!("{f:?}")
        };
        assert_eq!(d.facts.name, "sdb");
        assert_eq!(d.dev, DevNum::new(8, 16));
        assert!(d.facts.removable);
        assert_eq!(d.facts.size, 16 * GIB);
        assert_eq!(d.facts.model.as_deref(), Some("SanDisk Cruzer Blade"));
        assert_eq!(d.facts.serial.as_deref(), Some("4C530001"));
        assert!(d.mounts.is_empty() && d.swaps.is_empty() && d.holders.is_empty());
        assert_eq!(check(&f, IMAGE.into(), Allow::default()), Ok(()));
        // Exactly the image's size is enough.
        assert_eq!(check(&f, (16 * GIB).into(), Allow::default()), Ok(()));
    }

    #[test]
    fn a_disk_that_is_not_removable_is_refused_unless_forced() {
        let t = Tree::new();
        t.disk("sdc", "8:32", false, 64 * GIB / 512);
        let f = t.facts("/dev/sdc", DevNum::new(8, 32));
        assert_eq!(
            reasons(&f, Allow::default()),
            vec![Reason::NotRemovable { disk: "sdc".into() }]
        );
        let m = message(&f, Allow::default());
        assert!(
            m.starts_with("refusing /dev/sdc: sdc is not a removable disk"),
            "{m}"
        );
        assert!(m.contains("--force"), "{m}");
        assert_eq!(check(&f, IMAGE.into(), force()), Ok(()));
        // A missing `removable` file counts as not removable.
        fs::remove_file(t.dir.path().join("sys/block/sdc/removable")).unwrap();
        let f = t.facts("/dev/sdc", DevNum::new(8, 32));
        assert_eq!(
            reasons(&f, Allow::default()),
            vec![Reason::NotRemovable { disk: "sdc".into() }]
        );
    }

    #[test]
    fn a_mounted_partition_is_refused_even_when_forced() {
        let mut t = Tree::new();
        t.mount("8:17", "/media/tech/FERRY", "vfat", "/dev/sdb1");
        let f = t.sdb();
        let want = vec![Reason::Mounted {
            device: "sdb1".into(),
            mount_point: "/media/tech/FERRY".into(),
        }];
        assert_eq!(reasons(&f, Allow::default()), want);
        assert_eq!(reasons(&f, force()), want);
        let m = message(&f, force());
        assert_eq!(
            m,
            "refusing /dev/sdb: sdb1 is mounted on /media/tech/FERRY; \
             unmount it first (umount /media/tech/FERRY)"
        );
    }

    #[test]
    fn a_mounted_whole_disk_is_refused() {
        let mut t = Tree::new();
        t.mount("8:16", "/mnt", "iso9660", "/dev/sdb");
        assert_eq!(
            reasons(&t.sdb(), force()),
            vec![Reason::Mounted {
                device: "sdb".into(),
                mount_point: "/mnt".into()
            }]
        );
    }

    #[test]
    fn mounts_are_found_by_source_when_the_device_number_is_anonymous() {
        // btrfs reports an anonymous 0:N device in mountinfo.
        let mut t = Tree::new();
        t.mount("0:45", "/media/my\\040stick", "btrfs", "/dev/sdb1");
        assert_eq!(
            reasons(&t.sdb(), Allow::default()),
            vec![Reason::Mounted {
                device: "sdb1".into(),
                mount_point: "/media/my stick".into()
            }]
        );
    }

    #[test]
    fn the_disk_of_the_running_root_is_refused_even_when_forced() {
        let t = Tree::new();
        let f = t.facts("/dev/sda", DevNum::new(8, 0));
        let r = reasons(&f, force());
        assert_eq!(
            r,
            vec![
                Reason::RunningSystem {
                    disk: "sda".into(),
                    device: "sda2".into(),
                    mount_point: "/".into()
                },
                Reason::RunningSystem {
                    disk: "sda".into(),
                    device: "sda1".into(),
                    mount_point: "/boot/efi".into()
                },
            ]
        );
        let m = message(&f, force());
        assert!(
            m.starts_with("refusing /dev/sda: sda holds the running system (sda2 is mounted on /)"),
            "{m}"
        );
        // Without --force it is also not removable.
        assert!(
            reasons(&f, Allow::default()).contains(&Reason::NotRemovable { disk: "sda".into() })
        );
    }

    #[test]
    fn the_disk_of_boot_is_refused() {
        let mut t = Tree::new();
        // /boot on a removable disk, say an SD card in the host.
        t.disk("mmcblk0", "179:0", true, 32 * GIB / 512);
        t.partition("mmcblk0", "mmcblk0p1", "179:1");
        t.mount("179:1", "/boot", "ext4", "/dev/mmcblk0p1");
        let f = t.facts("/dev/mmcblk0", DevNum::new(179, 0));
        assert_eq!(
            reasons(&f, Allow::default()),
            vec![Reason::RunningSystem {
                disk: "mmcblk0".into(),
                device: "mmcblk0p1".into(),
                mount_point: "/boot".into()
            }]
        );
    }

    #[test]
    fn a_root_on_lvm_or_encryption_is_traced_to_its_disk() {
        let mut t = Tree::new();
        t.disk("nvme0n1", "259:0", false, 512 * GIB / 512);
        t.partition("nvme0n1", "nvme0n1p1", "259:1");
        t.partition("nvme0n1", "nvme0n1p2", "259:2");
        t.holder("nvme0n1/nvme0n1p2", "dm-0", "253:0", Some("luks-1234"));
        t.holder("dm-0", "dm-1", "253:1", Some("vg-root"));
        // The root by its device number, /home (btrfs) by its source only.
        t.mount("253:1", "/", "ext4", "/dev/mapper/vg-root");
        t.mount("0:50", "/home", "btrfs", "/dev/mapper/luks-1234");
        let f = t.facts("/dev/nvme0n1", DevNum::new(259, 0));
        let r = reasons(&f, force());
        assert_eq!(
            r,
            vec![
                Reason::RunningSystem {
                    disk: "nvme0n1".into(),
                    device: "dm-1".into(),
                    mount_point: "/".into()
                },
                Reason::Mounted {
                    device: "dm-0".into(),
                    mount_point: "/home".into()
                },
                Reason::Held {
                    device: "dm-0".into(),
                    holder: "dm-1".into()
                },
                Reason::Held {
                    device: "nvme0n1p2".into(),
                    holder: "dm-0".into()
                },
            ]
        );
    }

    #[test]
    fn a_disk_held_by_raid_or_device_mapper_is_refused() {
        let t = Tree::new();
        t.holder("sdb", "md127", "9:127", None);
        let f = t.sdb();
        assert_eq!(
            reasons(&f, force()),
            vec![Reason::Held {
                device: "sdb".into(),
                holder: "md127".into()
            }]
        );
        assert!(message(&f, force()).contains("sdb is in use by md127"));
    }

    #[test]
    fn a_partition_in_use_as_swap_is_refused() {
        let mut t = Tree::new();
        t.partition("sdb", "sdb2", "8:18");
        t.swap("/dev/sdb2");
        let f = t.sdb();
        assert_eq!(
            reasons(&f, force()),
            vec![Reason::Swap {
                device: "sdb2".into()
            }]
        );
        assert!(message(&f, force()).contains("swapoff /dev/sdb2"));
    }

    #[test]
    fn a_disk_smaller_than_the_image_is_refused() {
        let t = Tree::new();
        t.write("sdb/size", &(IMAGE / 512 - 1).to_string());
        let f = t.sdb();
        assert_eq!(
            reasons(&f, force()),
            vec![Reason::TooSmall {
                disk: "sdb".into(),
                size: IMAGE - 512,
                needed: IMAGE
            }]
        );
        let m = message(&f, force());
        assert!(
            m.contains(
                "sdb holds 1.0 GiB (1073741312 bytes), the image needs 1.0 GiB (1073741824 bytes)"
            ),
            "{m}"
        );
        // A card reader without a card.
        t.write("sdb/size", "0");
        let m = message(&t.sdb(), Allow::default());
        assert!(m.contains("sdb has no medium"), "{m}");
    }

    #[test]
    fn every_reason_is_reported_at_once() {
        let mut t = Tree::new();
        t.write("sdb/removable", "0");
        t.write("sdb/size", "2048");
        t.mount("8:17", "/mnt", "vfat", "/dev/sdb1");
        assert_eq!(
            reasons(&t.sdb(), Allow::default()),
            vec![
                Reason::Mounted {
                    device: "sdb1".into(),
                    mount_point: "/mnt".into()
                },
                Reason::NotRemovable { disk: "sdb".into() },
                Reason::TooSmall {
                    disk: "sdb".into(),
                    size: 1 << 20,
                    needed: IMAGE
                },
            ]
        );
    }

    #[test]
    fn a_partition_is_refused_naming_its_disk() {
        let t = Tree::new();
        let f = t.facts("/dev/sdb1", DevNum::new(8, 17));
        assert_eq!(
            f.kind,
            Kind::Partition {
                dev: DevNum::new(8, 17),
                name: "sdb1".into(),
                disk: "sdb".into()
            }
        );
        assert_eq!(
            message(&f, force()),
            "refusing /dev/sdb1: sdb1 is a partition of sdb; write the whole stick, /dev/sdb"
        );
    }

    #[test]
    fn a_block_device_unknown_to_sysfs_is_refused() {
        let t = Tree::new();
        let f = t.facts("/dev/odd", DevNum::new(240, 3));
        assert_eq!(
            reasons(&f, force()),
            vec![Reason::UnknownBlock {
                dev: DevNum::new(240, 3)
            }]
        );
        assert!(message(&f, force()).contains("240:3 is not listed in /sys/block"));
        // No sysfs at all.
        let roots = Roots {
            sys: t.dir.path().join("nowhere"),
            proc: t.dir.path().join("proc"),
        };
        assert_eq!(
            block_facts(DevNum::new(8, 16), &roots),
            Kind::UnknownBlock {
                dev: DevNum::new(8, 16)
            }
        );
    }

    #[test]
    fn without_a_readable_mount_table_nothing_is_written() {
        let t = Tree::new();
        let roots = t.roots();
        fs::remove_file(roots.proc.join("self/mountinfo")).unwrap();
        let f = Facts {
            path: "/dev/sdb".into(),
            id: None,
            kind: block_facts(DevNum::new(8, 16), &roots),
        };
        let r = reasons(&f, force());
        assert!(
            matches!(&r[..], [Reason::Unchecked { what }] if what.contains("mount table")),
            "{r:?}"
        );
        // /proc/mounts is the fallback, by source.
        fs::write(
            roots.proc.join("mounts"),
            "/dev/sda2 / ext4 rw 0 0\n/dev/sdb1 /mnt vfat rw 0 0\n",
        )
        .unwrap();
        let f = Facts {
            kind: block_facts(DevNum::new(8, 16), &roots),
            ..f
        };
        assert_eq!(
            reasons(&f, force()),
            vec![Reason::Mounted {
                device: "sdb1".into(),
                mount_point: "/mnt".into()
            }]
        );
    }

    #[test]
    fn paths_that_are_not_disks() {
        let t = Tree::new();
        let roots = t.roots();
        let d = tempfile::tempdir().unwrap();

        let missing = d.path().join("sdx");
        let f = inspect(&missing, &roots);
        assert_eq!(f.kind, Kind::Missing);
        let m = message(&f, Allow::default());
        assert!(
            m.starts_with(&format!(
                "refusing {}: it does not exist",
                missing.display()
            )),
            "{m}"
        );
        assert!(!missing.exists());

        let file = d.path().join("stick.img");
        fs::write(&file, b"keep me").unwrap();
        let f = inspect(&file, &roots);
        assert_eq!(f.kind, Kind::File { size: 7 });
        assert_eq!(reasons(&f, force()), vec![Reason::RegularFile]);
        assert!(message(&f, force()).contains("--file-ok"));
        let files = Allow {
            non_removable: false,
            files: true,
        };
        assert_eq!(check(&f, IMAGE.into(), files), Ok(()));

        let f = inspect(d.path(), &roots);
        assert_eq!(f.kind, Kind::Other);
        assert_eq!(reasons(&f, files), vec![Reason::NotBlockDevice]);

        let f = inspect(Path::new("/dev/null"), &roots);
        assert_eq!(f.kind, Kind::Other);
        assert_eq!(reasons(&f, files), vec![Reason::NotBlockDevice]);

        let f = inspect(&file.join("sdb"), &roots);
        assert!(matches!(f.kind, Kind::Unreadable { .. }), "{f:?}");
        assert!(matches!(
            &reasons(&f, files)[..],
            [Reason::Unreadable { .. }]
        ));
        assert_eq!(fs::read(&file).unwrap(), b"keep me");
    }

    #[test]
    fn the_image_itself_and_a_target_named_twice_are_refused() {
        let t = Tree::new();
        let roots = t.roots();
        let d = tempfile::tempdir().unwrap();
        let image = d.path().join("ferry.img");
        let other = d.path().join("copy.img");
        let link = d.path().join("link.img");
        fs::write(&image, b"image").unwrap();
        fs::write(&other, b"").unwrap();
        std::os::unix::fs::symlink(&other, &link).unwrap();
        let files = Allow {
            non_removable: false,
            files: true,
        };
        let facts = [&image, &other, &link]
            .iter()
            .map(|p| inspect(p, &roots))
            .collect();
        let (ok, refused) = check_all(facts, identity(&image), 5.into(), files);
        assert_eq!(ok.len(), 1);
        assert_eq!(ok[0].path, other);
        assert_eq!(
            refused,
            vec![
                Refusal {
                    path: image.clone(),
                    reasons: vec![Reason::IsTheImage]
                },
                Refusal {
                    path: link.clone(),
                    reasons: vec![Reason::NamedTwice {
                        first: other.clone()
                    }]
                },
            ]
        );
        // The same stick by two names.
        let f1 = t.sdb();
        let mut f2 = t.sdb();
        f2.path = "/dev/disk/by-id/usb-SanDisk_Cruzer_Blade_4C530001-0:0".into();
        let (ok, refused) = check_all(vec![f1, f2], None, IMAGE.into(), Allow::default());
        assert_eq!(ok.len(), 1);
        assert_eq!(refused.len(), 1);
        assert!(refused[0]
            .to_string()
            .contains("the same target as /dev/sdb"));
    }
}
