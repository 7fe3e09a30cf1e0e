//! Which targets `usb write` may write, and why it refuses the others.
//!
//! [`inspect`] gathers the facts about a target: what the path is, and for
//! a disk what sysfs and procfs say about it (removable, size, partitions,
//! devices built on it, mounts, swap). The roots of sysfs and procfs are
//! parameters, so tests feed fake trees. [`check`] and [`check_all`]
//! decide from those facts alone, before anything is opened for writing.
//!
//! Refused, whatever the flags: a path that does not exist, anything that
//! is neither a disk nor a regular file, a partition (the whole stick is
//! written), a block device sysfs does not list, a disk any part of which
//! is mounted, used as swap or held by device mapper or RAID, the disk of
//! the running system's `/` or `/boot`, a disk smaller than the image, the
//! image itself and a target named twice. Refused unless allowed: a disk
//! that is not removable ([`Allow::non_removable`], `--force`) and a
//! regular file ([`Allow::files`], `--file-ok`).

use std::collections::BTreeSet;
use std::fmt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

/// Where sysfs and procfs are: `/sys` and `/proc`, or fake trees.
#[derive(Debug, Clone)]
pub struct Roots {
    pub sys: PathBuf,
    pub proc: PathBuf,
}

impl Roots {
    /// The running system's.
    pub fn system() -> Roots {
        Roots {
            sys: PathBuf::from("/sys"),
            proc: PathBuf::from("/proc"),
        }
    }
}

/// A block device number, `major:minor` as sysfs and mountinfo write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DevNum {
    pub major: u32,
    pub minor: u32,
}

impl DevNum {
    pub fn new(major: u32, minor: u32) -> DevNum {
        DevNum { major, minor }
    }

    pub fn from_rdev(rdev: u64) -> DevNum {
        DevNum::new(libc::major(rdev), libc::minor(rdev))
    }

    fn parse(s: &str) -> Option<DevNum> {
        let (a, b) = s.trim().split_once(':')?;
        Some(DevNum::new(a.parse().ok()?, b.parse().ok()?))
    }
}

impl fmt::Display for DevNum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.major, self.minor)
    }
}

/// What makes two paths the same target: the device number of a block
/// device, the file system and inode of anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity {
    Block(DevNum),
    Inode { dev: u64, ino: u64 },
}

/// The identity of what `path` names (following symbolic links), if it
/// exists.
pub fn identity(path: &Path) -> Option<Identity> {
    let m = std::fs::metadata(path).ok()?;
    Some(if m.file_type().is_block_device() {
        Identity::Block(DevNum::from_rdev(m.rdev()))
    } else {
        Identity::Inode {
            dev: m.dev(),
            ino: m.ino(),
        }
    })
}

/// Everything the decision needs to know about one target.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    /// As the admin named it.
    pub path: PathBuf,
    pub id: Option<Identity>,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// Nothing at that path.
    Missing,
    /// The path could not be examined (permissions, a file in the middle
    /// of the path).
    Unreadable { error: String },
    /// A regular file.
    File { size: u64 },
    /// A directory, character device, pipe or socket.
    Other,
    /// A block device that sysfs does not list under `block/`.
    UnknownBlock { dev: DevNum },
    /// A partition `name` of the disk `disk` (kernel names).
    Partition {
        dev: DevNum,
        name: String,
        disk: String,
    },
    /// A whole disk.
    Disk(Disk),
}

/// A whole disk, as sysfs and procfs describe it.
#[derive(Debug, Clone, PartialEq)]
pub struct Disk {
    pub dev: DevNum,
    /// Kernel name: `sdb`, `nvme0n1`, `loop3`.
    pub name: String,
    /// sysfs `removable` is 1.
    pub removable: bool,
    /// Bytes (sysfs `size`, in 512-byte sectors); 0 for a card reader
    /// without a card.
    pub size: u64,
    pub model: Option<String>,
    pub serial: Option<String>,
    /// Mounts of the disk, its partitions, or devices built on them.
    pub mounts: Vec<Mount>,
    /// The same, in use as swap (kernel names).
    pub swaps: Vec<String>,
    /// Devices built on the disk or its partitions.
    pub holders: Vec<Holder>,
    /// What could not be checked, e.g. an unreadable mount table.
    pub unchecked: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Mount {
    /// Kernel name of the mounted device: the disk, a partition, `dm-0`.
    pub device: String,
    pub mount_point: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Holder {
    /// The disk or partition held.
    pub device: String,
    /// What holds it: `dm-0` (LVM, encryption), `md127` (RAID).
    pub holder: String,
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
                "{disk} holds {}, the image needs {}",
                bytes(*size),
                bytes(*needed)
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

fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} bytes")
    } else {
        format!("{value:.1} {} ({n} bytes)", UNITS[unit])
    }
}

/// sysfs writes `/` in device names as `!` (`cciss!c0d0`).
fn dev_path(name: &str) -> String {
    name.replace('!', "/")
}

fn is_system_mount(mount_point: &str) -> bool {
    mount_point == "/" || mount_point == "/boot" || mount_point.starts_with("/boot/")
}

/// Decide whether one target may be written with an image of
/// `image_size` bytes.
pub fn check(facts: &Facts, image_size: u64, allow: Allow) -> Result<(), Refusal> {
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
        Kind::Disk(d) => disk_reasons(d, image_size, allow),
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

fn disk_reasons(d: &Disk, image_size: u64, allow: Allow) -> Vec<Reason> {
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
            disk: d.name.clone(),
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
    if !d.removable && !allow.non_removable {
        reasons.push(Reason::NotRemovable {
            disk: d.name.clone(),
        });
    }
    if d.size < image_size {
        reasons.push(Reason::TooSmall {
            disk: d.name.clone(),
            size: d.size,
            needed: image_size,
        });
    }
    reasons
}

/// Decide for every target: those that may be written, in order, and the
/// refusals. Beyond [`check`], refuses the image itself (`image` is its
/// [`identity`]) and a target that another one already names.
pub fn check_all(
    targets: Vec<Facts>,
    image: Option<Identity>,
    image_size: u64,
    allow: Allow,
) -> (Vec<Facts>, Vec<Refusal>) {
    let mut ok: Vec<Facts> = Vec::new();
    let mut refused = Vec::new();
    let mut seen: Vec<(Identity, PathBuf)> = Vec::new();
    for f in targets {
        let mut reasons = match check(&f, image_size, allow) {
            Ok(()) => Vec::new(),
            Err(r) => r.reasons,
        };
        if let Some(id) = f.id {
            if image == Some(id) {
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

/// Gather the facts about `path`, reading sysfs and procfs under `roots`.
/// Never writes, never opens the target itself.
pub fn inspect(path: &Path, roots: &Roots) -> Facts {
    let kind = match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Kind::Missing,
        Err(e) => Kind::Unreadable {
            error: e.to_string(),
        },
        Ok(m) if m.file_type().is_block_device() => block_facts(DevNum::from_rdev(m.rdev()), roots),
        Ok(m) if m.is_file() => Kind::File { size: m.len() },
        Ok(_) => Kind::Other,
    };
    Facts {
        path: path.to_path_buf(),
        id: identity(path),
        kind,
    }
}

/// What sysfs and procfs under `roots` say about the block device `dev`.
pub fn block_facts(dev: DevNum, roots: &Roots) -> Kind {
    let block = roots.sys.join("block");
    for name in list(&block) {
        let dir = block.join(&name);
        if read_dev(&dir) == Some(dev) {
            return Kind::Disk(read_disk(dev, &name, roots));
        }
        for (part, part_dev) in partitions(&dir) {
            if part_dev == dev {
                return Kind::Partition {
                    dev,
                    name: part,
                    disk: name,
                };
            }
        }
    }
    Kind::UnknownBlock { dev }
}

/// Names in a directory, sorted; none if it cannot be read.
fn list(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn read_text(p: &Path) -> Option<String> {
    std::fs::read_to_string(p)
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

fn read_dev(dir: &Path) -> Option<DevNum> {
    DevNum::parse(&read_text(&dir.join("dev"))?)
}

/// The partitions of the disk at `dir`: sub-directories with a
/// `partition` file.
fn partitions(dir: &Path) -> Vec<(String, DevNum)> {
    list(dir)
        .into_iter()
        .filter(|n| dir.join(n).join("partition").is_file())
        .filter_map(|n| {
            let dev = read_dev(&dir.join(&n))?;
            Some((n, dev))
        })
        .collect()
}

/// The disk, its partitions and what is built on them.
#[derive(Debug)]
struct Member {
    name: String,
    dev: Option<DevNum>,
    dm_name: Option<String>,
}

impl Member {
    /// Whether a mount source or swap file name (`/dev/sdb1`,
    /// `/dev/mapper/vg-home`) names this device.
    fn named_by(&self, source: &str) -> bool {
        if let Some(n) = source.strip_prefix("/dev/mapper/") {
            return self.dm_name.as_deref() == Some(n);
        }
        source
            .strip_prefix("/dev/")
            .is_some_and(|n| n == dev_path(&self.name))
    }
}

fn read_disk(dev: DevNum, name: &str, roots: &Roots) -> Disk {
    let block = roots.sys.join("block");
    let dir = block.join(name);
    let mut members = Vec::new();
    let mut holders = Vec::new();
    let mut seen = BTreeSet::new();
    let mut queue = vec![(name.to_string(), dir.clone())];
    while let Some((n, d)) = queue.pop() {
        if !seen.insert(n.clone()) {
            continue;
        }
        for (p, _) in partitions(&d) {
            queue.push((p.clone(), d.join(&p)));
        }
        for h in list(&d.join("holders")) {
            holders.push(Holder {
                device: n.clone(),
                holder: h.clone(),
            });
            queue.push((h.clone(), block.join(&h)));
        }
        members.push(Member {
            dev: read_dev(&d),
            dm_name: read_text(&d.join("dm/name")),
            name: n,
        });
    }
    holders.sort_by(|a, b| (&a.device, &a.holder).cmp(&(&b.device, &b.holder)));

    let mut unchecked = Vec::new();
    let mut mounts = Vec::new();
    match mount_table(&roots.proc) {
        Ok(table) => {
            for e in table {
                let by_dev = |m: &&Member| e.dev.is_some() && m.dev == e.dev;
                let by_name = |m: &&Member| m.named_by(&e.source);
                if let Some(m) = members.iter().find(by_dev).or(members.iter().find(by_name)) {
                    let mount = Mount {
                        device: m.name.clone(),
                        mount_point: e.mount_point,
                    };
                    if !mounts.contains(&mount) {
                        mounts.push(mount);
                    }
                }
            }
        }
        Err(what) => unchecked.push(what),
    }
    // Without swap support the kernel has no /proc/swaps: nothing in use.
    let swaps_text = std::fs::read_to_string(roots.proc.join("swaps")).unwrap_or_default();
    let mut swaps = Vec::new();
    for line in swaps_text.lines().skip(1) {
        let Some(file) = line.split_whitespace().next() else {
            continue;
        };
        let file = unescape(file);
        if let Some(m) = members.iter().find(|m| m.named_by(&file)) {
            if !swaps.contains(&m.name) {
                swaps.push(m.name.clone());
            }
        }
    }

    let model = match (
        read_text(&dir.join("device/vendor")),
        read_text(&dir.join("device/model")),
    ) {
        (Some(v), Some(m)) if !m.starts_with(&v) => Some(format!("{v} {m}")),
        (v, m) => m.or(v),
    };
    Disk {
        dev,
        name: name.to_string(),
        removable: read_text(&dir.join("removable")).as_deref() == Some("1"),
        size: read_text(&dir.join("size"))
            .and_then(|s| s.parse::<u64>().ok())
            .map_or(0, |sectors| sectors.saturating_mul(512)),
        model,
        serial: read_text(&dir.join("device/serial")).or_else(|| read_text(&dir.join("serial"))),
        mounts,
        swaps,
        holders,
        unchecked,
    }
}

/// One line of the mount table.
#[derive(Debug)]
struct MountEntry {
    /// From mountinfo; `/proc/mounts` does not say.
    dev: Option<DevNum>,
    source: String,
    mount_point: String,
}

/// The mount table: `self/mountinfo`, else `mounts`; `Err` says why
/// neither could be read.
fn mount_table(proc: &Path) -> Result<Vec<MountEntry>, String> {
    let info = proc.join("self/mountinfo");
    if let Ok(text) = std::fs::read_to_string(&info) {
        return Ok(text.lines().filter_map(parse_mountinfo).collect());
    }
    let mounts = proc.join("mounts");
    match std::fs::read_to_string(&mounts) {
        Ok(text) => Ok(text
            .lines()
            .filter_map(|l| {
                let mut f = l.split_whitespace();
                Some(MountEntry {
                    dev: None,
                    source: unescape(f.next()?),
                    mount_point: unescape(f.next()?),
                })
            })
            .collect()),
        Err(e) => Err(format!(
            "the mount table cannot be read ({}: {e})",
            info.display()
        )),
    }
}

/// `36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw`
fn parse_mountinfo(line: &str) -> Option<MountEntry> {
    let f: Vec<&str> = line.split_whitespace().collect();
    let dev = DevNum::parse(f.get(2)?);
    let mount_point = unescape(f.get(4)?);
    let dash = f.iter().skip(6).position(|x| *x == "-")? + 6;
    let source = f.get(dash + 2).map(|s| unescape(s)).unwrap_or_default();
    Some(MountEntry {
        dev,
        source,
        mount_point,
    })
}

/// Undo the kernel's octal escapes (`\040` for a space).
fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let digits = b
            .get(i + 1..i + 4)
            .filter(|d| d.iter().all(|c| (b'0'..=b'7').contains(c)));
        if let (b'\\', Some(d)) = (b[i], digits) {
            let v = d.iter().fold(0u32, |v, c| v * 8 + u32::from(c - b'0'));
            if let Ok(v) = u8::try_from(v) {
                out.push(v);
                i += 4;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

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
        match check(f, IMAGE, allow) {
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
        check(f, IMAGE, allow).unwrap_err().to_string()
    }

    #[test]
    fn a_removable_unmounted_stick_big_enough_is_accepted() {
        let t = Tree::new();
        let f = t.sdb();
        let Kind::Disk(d) = &f.kind else {
            panic!("{f:?}")
        };
        assert_eq!(d.name, "sdb");
        assert_eq!(d.dev, DevNum::new(8, 16));
        assert!(d.removable);
        assert_eq!(d.size, 16 * GIB);
        assert_eq!(d.model.as_deref(), Some("SanDisk Cruzer Blade"));
        assert_eq!(d.serial.as_deref(), Some("4C530001"));
        assert!(d.mounts.is_empty() && d.swaps.is_empty() && d.holders.is_empty());
        assert_eq!(check(&f, IMAGE, Allow::default()), Ok(()));
        // Exactly the image's size is enough.
        assert_eq!(check(&f, 16 * GIB, Allow::default()), Ok(()));
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
        assert_eq!(check(&f, IMAGE, force()), Ok(()));
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
        assert!(m.contains("sdb holds 1024.0 MiB (1073741312 bytes), the image needs 1.0 GiB (1073741824 bytes)"), "{m}");
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
        assert_eq!(check(&f, IMAGE, files), Ok(()));

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
        let (ok, refused) = check_all(facts, identity(&image), 5, files);
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
        let (ok, refused) = check_all(vec![f1, f2], None, IMAGE, Allow::default());
        assert_eq!(ok.len(), 1);
        assert_eq!(refused.len(), 1);
        assert!(refused[0]
            .to_string()
            .contains("the same target as /dev/sdb"));
    }

    #[test]
    fn mountinfo_lines_parse_with_any_optional_fields() {
        let e = parse_mountinfo("36 35 98:0 /mnt1 /mnt2 rw,noatime - ext3 /dev/root rw").unwrap();
        assert_eq!(e.dev, Some(DevNum::new(98, 0)));
        assert_eq!(e.mount_point, "/mnt2");
        assert_eq!(e.source, "/dev/root");
        let e = parse_mountinfo(
            "36 35 8:17 / /a\\134b\\011c rw shared:1 master:2 propagate_from:3 - vfat /dev/sdb1 rw",
        )
        .unwrap();
        assert_eq!(e.dev, Some(DevNum::new(8, 17)));
        assert_eq!(e.mount_point, "/a\\b\tc");
        assert_eq!(e.source, "/dev/sdb1");
        assert!(parse_mountinfo("garbage").is_none());
        assert!(parse_mountinfo("1 2 x:y / /z rw").is_none());
        assert_eq!(unescape("a\\040b\\"), "a b\\");
        assert_eq!(unescape("\\999\\0"), "\\999\\0");
    }
}
