//! What sysfs says about a disk: its device number, size, whether it is
//! removable, its model and serial, its partitions. The root of sysfs is a
//! parameter ([`Roots`]), so tests read fake trees.

use std::fmt;
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

    /// `block/` of sysfs: one directory per disk.
    pub fn sys_block(&self) -> PathBuf {
        self.sys.join("block")
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

    /// The number of a device node (`st_rdev`).
    pub fn from_rdev(rdev: u64) -> DevNum {
        DevNum::new(nix::libc::major(rdev), nix::libc::minor(rdev))
    }

    pub(crate) fn parse(s: &str) -> Option<DevNum> {
        let (a, b) = s.trim().split_once(':')?;
        Some(DevNum::new(a.parse().ok()?, b.parse().ok()?))
    }
}

impl fmt::Display for DevNum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.major, self.minor)
    }
}

/// A disk as the technician tells it apart from the others: the same
/// words wherever Ferry names a disk (the installer's disk list and answer
/// files, `usb write`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiskFacts {
    /// Kernel name: `sdb`, `nvme0n1`, `loop3`.
    pub name: String,
    /// Bytes (sysfs `size`, in 512-byte sectors); 0 for a card reader
    /// without a card.
    pub size: u64,
    /// sysfs `removable` is 1.
    pub removable: bool,
    /// Logical sector size in bytes (`queue/logical_block_size`): the unit
    /// of the disk's LBAs, 512 or 4096; 512 when sysfs does not say.
    pub logical_block_size: u64,
    /// `device/model`, with `device/vendor` in front when the model does
    /// not start with it (SCSI and USB disks; not the "ATA" every SATA
    /// disk reports).
    pub model: Option<String>,
    /// `device/serial` (NVMe, SCSI), `serial` (virtio), or the SCSI unit
    /// serial number page `device/vpd_pg80`.
    pub serial: Option<String>,
    /// A CD/DVD drive: a SCSI device of type 5 (`device/type`, which every
    /// `sr*` drive has).
    pub optical: bool,
    /// The bus the disk is on, from where sysfs places it; `None` for
    /// virtual devices (loop, RAM) and buses Ferry does not name.
    pub bus: Option<Bus>,
}

/// The bus (or kind of controller) a disk hangs off, as a technician
/// names it: the Disks screen and reports say it so that two disks of one
/// size can be told apart by where they are plugged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bus {
    /// NVMe, also behind Intel VMD.
    Nvme,
    /// ATA through libata: SATA (AHCI) or the rare parallel ATA.
    Sata,
    /// A SCSI disk on a SAS HBA or a RAID controller's logical drive.
    Scsi,
    /// virtio-blk (`vd*`), in virtual machines.
    Virtio,
    /// A SCSI disk on virtio-scsi, in virtual machines.
    VirtioScsi,
    /// USB mass storage (usb-storage or UAS).
    Usb,
    /// eMMC or an SD card (`mmcblk*`).
    Mmc,
}

impl Bus {
    /// The bus of the device whose sysfs path (below `/sys/devices`, links
    /// resolved) is `path`: `.../0000:00:1f.2/ata1/host0/target0:0:0/
    /// 0:0:0:0/block/sda` is SATA. The outermost transport wins: a USB
    /// disk is also a SCSI disk, a virtio-scsi disk both virtio and SCSI.
    pub fn from_device_path(path: &Path) -> Option<Bus> {
        let parts: Vec<String> = path
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let numbered = |prefix: &str| {
            parts.iter().any(|p| {
                p.strip_prefix(prefix)
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            })
        };
        let has = |name: &str| parts.iter().any(|p| p == name);
        let scsi = numbered("host") && parts.iter().any(|p| p.starts_with("target"));
        if numbered("usb") {
            Some(Bus::Usb)
        } else if has("nvme") || has("nvme-subsystem") {
            Some(Bus::Nvme)
        } else if has("mmc_host") {
            Some(Bus::Mmc)
        } else if numbered("virtio") {
            Some(if scsi { Bus::VirtioScsi } else { Bus::Virtio })
        } else if numbered("ata") {
            Some(Bus::Sata)
        } else if scsi {
            Some(Bus::Scsi)
        } else {
            None
        }
    }

    /// The bus of the disk whose sysfs directory is `dir`
    /// (`/sys/block/sda`, a link into `/sys/devices`).
    pub fn of_disk(dir: &Path) -> Option<Bus> {
        Bus::from_device_path(&std::fs::canonicalize(dir).ok()?)
    }
}

impl fmt::Display for Bus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Bus::Nvme => "NVMe",
            Bus::Sata => "SATA",
            Bus::Scsi => "SCSI",
            Bus::Virtio => "virtio",
            Bus::VirtioScsi => "virtio SCSI",
            Bus::Usb => "USB",
            Bus::Mmc => "MMC",
        })
    }
}

impl Default for DiskFacts {
    /// Nothing known: no name, no size, 512-byte sectors.
    fn default() -> DiskFacts {
        DiskFacts {
            name: String::new(),
            size: 0,
            removable: false,
            logical_block_size: crate::DEFAULT_SECTOR_SIZE,
            model: None,
            serial: None,
            optical: false,
            bus: None,
        }
    }
}

impl DiskFacts {
    /// The facts in `dir`, a disk's directory in sysfs (`/sys/block/sdb`);
    /// what cannot be read is left out.
    pub fn read(dir: &Path) -> DiskFacts {
        let text = |rel: &str| read_text(&dir.join(rel));
        let model = match (text("device/vendor"), text("device/model")) {
            (Some(v), Some(m)) if !m.starts_with(&v) && v != "ATA" => Some(format!("{v} {m}")),
            (_, m) => m,
        };
        let serial = text("device/serial")
            .or_else(|| text("serial"))
            .or_else(|| {
                // SCSI VPD page 0x80: a 4-byte header, then the serial.
                let raw = std::fs::read(dir.join("device/vpd_pg80")).ok()?;
                let s = String::from_utf8_lossy(raw.get(4..)?).trim().to_string();
                (!s.is_empty()).then_some(s)
            });
        DiskFacts {
            name: dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            size: text("size")
                .and_then(|s| s.parse::<u64>().ok())
                .map_or(0, |sectors| sectors.saturating_mul(512)),
            removable: text("removable").as_deref() == Some("1"),
            logical_block_size: text("queue/logical_block_size")
                .and_then(|s| s.parse::<u64>().ok())
                .filter(|s| s.is_power_of_two() && *s >= 512)
                .unwrap_or(crate::DEFAULT_SECTOR_SIZE),
            model,
            serial,
            optical: text("device/type").as_deref() == Some("5"),
            bus: Bus::of_disk(dir),
        }
    }

    /// The facts of the disk `dev_path` (`/dev/sda`, or a link to it such
    /// as `/dev/disk/by-id/...`) in the sysfs block directory `sys_block`;
    /// `None` when sysfs does not list it (an image file).
    pub fn of_path(sys_block: &Path, dev_path: &Path) -> Option<DiskFacts> {
        let dir = sys_block.join(kernel_name(dev_path)?);
        dir.is_dir().then(|| DiskFacts::read(&dir))
    }
}

/// The kernel name of a device path, following symbolic links such as
/// `/dev/disk/by-label/...`.
pub fn kernel_name(path: &Path) -> Option<String> {
    let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    real.file_name().map(|n| n.to_string_lossy().into_owned())
}

/// The path under `/dev` of a kernel name: sysfs writes `/` in device
/// names as `!` (`cciss!c0d0` is `/dev/cciss/c0d0`).
pub fn dev_path(name: &str) -> String {
    name.replace('!', "/")
}

/// Names in a directory, sorted; none if it cannot be read.
pub(crate) fn list(dir: &Path) -> Vec<String> {
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

/// A sysfs attribute, trimmed; `None` if missing or blank.
pub(crate) fn read_text(p: &Path) -> Option<String> {
    std::fs::read(p)
        .ok()
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .filter(|s| !s.is_empty())
}

/// The device number in the sysfs directory `dir`.
pub(crate) fn read_dev(dir: &Path) -> Option<DevNum> {
    DevNum::parse(&read_text(&dir.join("dev"))?)
}

/// The partitions of the disk at `dir`: sub-directories with a
/// `partition` file.
pub(crate) fn partitions(dir: &Path) -> Vec<(String, DevNum)> {
    list(dir)
        .into_iter()
        .filter(|n| dir.join(n).join("partition").is_file())
        .filter_map(|n| {
            let dev = read_dev(&dir.join(&n))?;
            Some((n, dev))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::fs;

    fn put(root: &Path, rel: &str, text: &[u8]) {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    #[test]
    fn disks_are_named_by_model_and_serial_as_sysfs_gives_them() {
        let dir = tempfile::tempdir().unwrap();
        let b = dir.path();
        // A USB stick: vendor and model apart.
        put(b, "sdb/size", b"31277232\n");
        put(b, "sdb/removable", b"1\n");
        put(b, "sdb/device/vendor", b"SanDisk \n");
        put(b, "sdb/device/model", b"Cruzer Blade    \n");
        put(b, "sdb/device/serial", b"4C530001\n");
        put(b, "sdb/queue/logical_block_size", b"512\n");
        // A SATA disk: the vendor is "ATA"; the serial from the VPD page.
        put(b, "sda/size", b"1000\n");
        put(b, "sda/removable", b"0\n");
        put(b, "sda/device/vendor", b"ATA\n");
        put(b, "sda/device/model", b"Samsung SSD 870\n");
        put(b, "sda/device/vpd_pg80", b"\0\x80\0\x08S5Y1NX0R\n");
        // QEMU's SCSI disk repeats the vendor in the model.
        put(b, "sdc/device/vendor", b"QEMU\n");
        put(b, "sdc/device/model", b"QEMU HARDDISK\n");
        // virtio: the serial beside the size, no model.
        put(b, "vda/size", b"2048\n");
        put(b, "vda/serial", b"ferry-disk-1\n");
        // An NVMe namespace formatted with 4 KiB sectors.
        put(b, "nvme0n1/size", b"2048\n");
        put(b, "nvme0n1/queue/logical_block_size", b"4096\n");
        // A vendor alone says nothing of the model.
        put(b, "sdd/device/vendor", b"Generic\n");

        assert_eq!(
            DiskFacts::read(&b.join("sdb")),
            DiskFacts {
                name: "sdb".into(),
                size: 31277232 * 512,
                removable: true,
                logical_block_size: 512,
                model: Some("SanDisk Cruzer Blade".into()),
                serial: Some("4C530001".into()),
                optical: false,
                bus: None,
            }
        );
        let sda = DiskFacts::read(&b.join("sda"));
        assert_eq!(sda.model.as_deref(), Some("Samsung SSD 870"));
        assert_eq!(sda.serial.as_deref(), Some("S5Y1NX0R"));
        assert!(!sda.removable);
        let sdc = DiskFacts::read(&b.join("sdc"));
        assert_eq!(sdc.model.as_deref(), Some("QEMU HARDDISK"));
        assert_eq!((sdc.size, sdc.removable, sdc.serial), (0, false, None));
        let vda = DiskFacts::read(&b.join("vda"));
        assert_eq!(
            (vda.model, vda.serial.as_deref()),
            (None, Some("ferry-disk-1"))
        );
        assert_eq!(DiskFacts::read(&b.join("sdd")).model, None);
        let nvme = DiskFacts::read(&b.join("nvme0n1"));
        assert_eq!((nvme.size, nvme.logical_block_size), (2048 * 512, 4096));
        assert_eq!(vda.logical_block_size, 512);
        // A CD/DVD drive is SCSI type 5; a disk type 0.
        put(b, "sr0/device/type", b"5\n");
        put(b, "sda/device/type", b"0\n");
        assert!(DiskFacts::read(&b.join("sr0")).optical);
        assert!(!DiskFacts::read(&b.join("sda")).optical);
        assert!(!vda.optical);

        let by_path = DiskFacts::of_path(b, Path::new("/nonexistent/sdb")).unwrap();
        assert_eq!(by_path.name, "sdb");
        assert_eq!(DiskFacts::of_path(b, Path::new("/nonexistent/sdx")), None);
    }

    /// Device paths as Linux 6.1 lays them out (read from real machines
    /// and QEMU's q35 with each controller).
    #[test]
    fn the_bus_comes_from_where_sysfs_places_the_disk() {
        let cases = [
            ("pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda", Some(Bus::Sata)),
            ("pci0000:00/0000:00:01.1/ata2/host1/target1:0:0/1:0:0:0/block/sdb", Some(Bus::Sata)),
            ("pci0000:00/0000:00:04.0/nvme/nvme0/nvme0n1", Some(Bus::Nvme)),
            // Behind Intel VMD: a PCI domain of its own.
            ("pci0000:00/0000:00:0e.0/pci10000:e0/10000:e0:06.0/10000:e1:00.0/nvme/nvme1/nvme1n1", Some(Bus::Nvme)),
            ("virtual/nvme-subsystem/nvme-subsys0/nvme0n1", Some(Bus::Nvme)),
            ("pci0000:00/0000:00:05.0/virtio2/block/vda", Some(Bus::Virtio)),
            ("pci0000:00/0000:00:06.0/virtio3/host2/target2:0:0/2:0:0:0/block/sdc", Some(Bus::VirtioScsi)),
            ("pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0/block/sdd", Some(Bus::Usb)),
            ("pci0000:00/0000:00:07.0/usb3/3-1/3-1:1.0/host7/target7:0:0/7:0:0:0/block/sde", Some(Bus::Usb)),
            ("pci0000:00/0000:00:1c.0/0000:01:00.0/host3/target3:2:0/3:2:0:0/block/sdf", Some(Bus::Scsi)),
            ("pci0000:00/0000:00:1a.0/mmc_host/mmc0/mmc0:0001/block/mmcblk0", Some(Bus::Mmc)),
            ("platform/80860F14:00/mmc_host/mmc1/mmc1:aaaa/block/mmcblk1", Some(Bus::Mmc)),
            ("virtual/block/loop0", None),
            ("virtual/block/dm-0", None),
            // Names that only look alike.
            ("pci0000:00/usbfoo/ata/hostx/block/sdg", None),
        ];
        for (path, bus) in cases {
            let p = Path::new("/sys/devices").join(path);
            assert_eq!(Bus::from_device_path(&p), bus, "{path}");
        }
        assert_eq!(Bus::VirtioScsi.to_string(), "virtio SCSI");
        assert_eq!(Bus::Nvme.to_string(), "NVMe");
    }

    /// `/sys/block/NAME` is a link into `/sys/devices`; the bus is read
    /// from where it leads.
    #[test]
    fn the_bus_follows_the_sys_block_link() {
        let dir = tempfile::tempdir().unwrap();
        let dev = dir
            .path()
            .join("devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda");
        put(&dev, "size", b"2048\n");
        fs::create_dir_all(dir.path().join("block")).unwrap();
        std::os::unix::fs::symlink(
            "../devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda",
            dir.path().join("block/sda"),
        )
        .unwrap();
        let facts = DiskFacts::read(&dir.path().join("block/sda"));
        assert_eq!((facts.bus, facts.size), (Some(Bus::Sata), 2048 * 512));
        assert_eq!(facts.name, "sda");
        assert_eq!(Bus::of_disk(&dir.path().join("block/sdx")), None);
    }

    #[test]
    fn device_numbers_and_names() {
        assert_eq!(DevNum::parse(" 8:16\n"), Some(DevNum::new(8, 16)));
        assert_eq!(DevNum::parse("8"), None);
        assert_eq!(DevNum::new(259, 3).to_string(), "259:3");
        assert_eq!(dev_path("cciss!c0d0"), "cciss/c0d0");
    }
}
