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

    #[test]
    fn device_numbers_and_names() {
        assert_eq!(DevNum::parse(" 8:16\n"), Some(DevNum::new(8, 16)));
        assert_eq!(DevNum::parse("8"), None);
        assert_eq!(DevNum::new(259, 3).to_string(), "259:3");
        assert_eq!(dev_path("cciss!c0d0"), "cciss/c0d0");
    }
}
