//! Devices to scan: image files and block devices, opened read-only, and
//! the machine's disks found through sysfs.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};

/// Where the kernel lists block devices.
pub const SYS_BLOCK: &str = "/sys/block";

/// Why a device could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    /// Opening failed (missing, permissions).
    #[error("cannot open {}: {source}", path.display())]
    Open {
        /// The device or image.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// Finding the logical sector size failed.
    #[error("cannot find the sector size of {}: {source}", path.display())]
    SectorSize {
        /// The device.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// Finding the size failed.
    #[error("cannot find the size of {}: {source}", path.display())]
    Size {
        /// The device or image.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
}

/// A disk or image opened read-only, with its size and what sysfs knows.
#[derive(Debug)]
pub struct Disk {
    /// Path it was opened from.
    pub path: PathBuf,
    /// Size in bytes, found by seeking to the end (works for block devices
    /// without an ioctl).
    pub size: u64,
    /// Logical sector size (BLKSSZGET); [`blockdev::DEFAULT_SECTOR_SIZE`]
    /// for an image file.
    pub sector_size: u64,
    /// Model from sysfs ([`blockdev::DiskFacts::model`]).
    pub model: Option<String>,
    /// Serial from sysfs ([`blockdev::DiskFacts::serial`]).
    pub serial: Option<String>,
    /// Removable flag from sysfs.
    pub removable: bool,
    /// The bus from sysfs ([`blockdev::DiskFacts::bus`]).
    pub bus: Option<blockdev::Bus>,
    file: File,
}

impl Disk {
    /// Open an image file or block device read-only.
    pub fn open(path: &Path) -> Result<Disk, DeviceError> {
        let open_err = |source| DeviceError::Open {
            path: path.to_path_buf(),
            source,
        };
        let mut file = File::open(path).map_err(open_err)?;
        let is_block = file
            .metadata()
            .map_err(open_err)?
            .file_type()
            .is_block_device();
        let size = file
            .seek(SeekFrom::End(0))
            .and_then(|n| file.seek(SeekFrom::Start(0)).map(|_| n))
            .map_err(|source| DeviceError::Size {
                path: path.to_path_buf(),
                source,
            })?;
        let sector_size =
            blockdev::sector_size(&file).map_err(|source| DeviceError::SectorSize {
                path: path.to_path_buf(),
                source,
            })?;
        let facts = if is_block {
            blockdev::DiskFacts::of_path(Path::new(SYS_BLOCK), path)
        } else {
            None
        }
        .unwrap_or_default();
        Ok(Disk {
            path: path.to_path_buf(),
            size,
            sector_size,
            model: facts.model,
            serial: facts.serial,
            removable: facts.removable,
            bus: facts.bus,
            file,
        })
    }
}

impl Read for Disk {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.file.read(buf)
    }
}

impl Seek for Disk {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.file.seek(pos)
    }
}

/// What [`enumerate_with`] skips and where it looks.
#[derive(Debug, Clone)]
pub struct EnumerateOptions {
    /// sysfs block directory, normally [`SYS_BLOCK`].
    pub sys_block: PathBuf,
    /// Directory of device nodes, normally `/dev`.
    pub dev_dir: PathBuf,
    /// Devices (or partitions of devices) never to list: the installer's
    /// own boot medium.
    pub exclude: Vec<PathBuf>,
    /// List CD/DVD drives (`sr*`) too. They are never install targets.
    pub cd_drives: bool,
}

impl Default for EnumerateOptions {
    fn default() -> Self {
        EnumerateOptions {
            sys_block: PathBuf::from(SYS_BLOCK),
            dev_dir: PathBuf::from("/dev"),
            exclude: Vec::new(),
            cd_drives: false,
        }
    }
}

/// The machine's disks, as `/dev/...` paths, sorted: everything in
/// `/sys/block` except loop, RAM, zram, floppy and device-mapper devices, CD
/// drives, empty drives (size 0) and the excluded devices. Excluding a
/// partition (`/dev/sdb1`) excludes its disk.
pub fn enumerate(exclude: &[PathBuf]) -> io::Result<Vec<PathBuf>> {
    enumerate_with(&EnumerateOptions {
        exclude: exclude.to_vec(),
        ..EnumerateOptions::default()
    })
}

/// [`enumerate`] with every option.
pub fn enumerate_with(opts: &EnumerateOptions) -> io::Result<Vec<PathBuf>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&opts.sys_block)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        names.push(name);
    }
    names.sort();
    let excluded: Vec<String> = opts
        .exclude
        .iter()
        .filter_map(|p| blockdev::sysfs::kernel_name(p))
        .collect();
    let mut disks = Vec::new();
    for name in names {
        const VIRTUAL: [&str; 6] = ["loop", "ram", "zram", "fd", "dm-", "md"];
        if VIRTUAL.iter().any(|p| name.starts_with(p)) {
            continue;
        }
        if name.starts_with("sr") && !opts.cd_drives {
            continue;
        }
        let dir = opts.sys_block.join(&name);
        // An excluded name is this disk, or one of its partitions, which
        // sysfs lists as subdirectories of the disk.
        if excluded.iter().any(|x| *x == name || dir.join(x).is_dir()) {
            continue;
        }
        let sectors = std::fs::read_to_string(dir.join("size"))
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok());
        if sectors == Some(0) {
            continue;
        }
        disks.push(opts.dev_dir.join(&name));
    }
    Ok(disks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn fake_disk(root: &Path, name: &str, size: &str, partitions: &[&str]) {
        let d = root.join(name);
        fs::create_dir_all(d.join("device")).expect("mkdir");
        fs::write(d.join("size"), size).expect("size");
        fs::write(d.join("removable"), "0\n").expect("removable");
        for p in partitions {
            fs::create_dir_all(d.join(p)).expect("part");
        }
    }

    #[test]
    fn enumerates_real_disks_only() {
        let tmp = tempfile::tempdir().expect("tmp");
        let root = tmp.path();
        fake_disk(root, "sda", "1000\n", &["sda1"]);
        fake_disk(root, "sdb", "2000\n", &["sdb1", "sdb2"]);
        fake_disk(root, "nvme0n1", "3000\n", &["nvme0n1p1"]);
        fake_disk(root, "sdc", "0\n", &[]);
        for virt in ["loop0", "ram0", "zram0", "sr0", "dm-0"] {
            fake_disk(root, virt, "10\n", &[]);
        }
        let opts = EnumerateOptions {
            sys_block: root.to_path_buf(),
            dev_dir: PathBuf::from("/dev"),
            exclude: vec![PathBuf::from("/nonexistent/sdb2")],
            cd_drives: false,
        };
        let disks = enumerate_with(&opts).expect("enumerate");
        assert_eq!(
            disks,
            [PathBuf::from("/dev/nvme0n1"), PathBuf::from("/dev/sda")]
        );
        let with_cd = enumerate_with(&EnumerateOptions {
            cd_drives: true,
            exclude: Vec::new(),
            ..opts
        })
        .expect("enumerate");
        assert!(with_cd.contains(&PathBuf::from("/dev/sr0")));
        assert!(with_cd.contains(&PathBuf::from("/dev/sdb")));
    }

    #[test]
    fn opens_images_with_their_size() {
        let tmp = tempfile::NamedTempFile::new().expect("tmp");
        tmp.as_file().set_len(12345).expect("len");
        let d = Disk::open(tmp.path()).expect("open");
        assert_eq!(d.size, 12345);
        assert_eq!(d.model, None);
        let e = Disk::open(Path::new("/nonexistent/disk.img")).expect_err("missing");
        assert!(e.to_string().contains("/nonexistent/disk.img"), "{e}");
    }
}
