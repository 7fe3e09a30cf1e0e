//! Opening a disk (or an image file standing in for one) to write it:
//! exclusively, so the kernel refuses a disk that is in use and refuses
//! to mount it while Ferry writes it.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// What a disk is opened for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
    ReadWrite,
}

impl Access {
    fn options(self) -> OpenOptions {
        let mut o = OpenOptions::new();
        o.read(self != Access::Write).write(self != Access::Read);
        o
    }
}

/// The kernel refused to open a disk exclusively: it or a partition of it
/// is mounted or held. Carried inside the [`io::Error`] (kind
/// [`io::ErrorKind::ResourceBusy`]) that [`open`] returns.
#[derive(Debug, thiserror::Error)]
#[error(
    "{} is in use: it or a partition of it is mounted or used by the running \
     system (swap, LVM, RAID); nothing was written",
    path.display()
)]
pub struct InUse {
    pub path: PathBuf,
}

/// Opens `path`, a disk or an image file that exists (nothing is
/// created). A block device opened for writing is opened exclusively
/// (`O_EXCL`): the kernel refuses it while one of its partitions is
/// mounted or held (swap, LVM, RAID), even if that changed since it was
/// checked, and refuses to mount them while it is open; that refusal is
/// [`InUse`].
pub fn open(path: &Path, access: Access) -> io::Result<File> {
    open_with(path, access, 0)
}

/// [`open`] with `O_DIRECT` where the device or file system allows it
/// (reads and writes bypass the page cache); returns whether it does.
pub fn open_direct(path: &Path, access: Access) -> io::Result<(File, bool)> {
    match open_with(path, access, nix::libc::O_DIRECT) {
        Ok(f) => Ok((f, true)),
        Err(e) if crate::direct_refused(&e) => Ok((open(path, access)?, false)),
        Err(e) => Err(e),
    }
}

/// Open the tray of the CD/DVD drive at `path` (CDROMEJECT), so that the
/// machine starts from its disk next. The drive refuses while another
/// program holds it open.
pub fn eject(path: &Path) -> io::Result<()> {
    // O_NONBLOCK: opening a drive without a disc must not wait for one.
    let f = OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_NONBLOCK)
        .open(path)?;
    crate::ioctl::eject(&f)
}

fn open_with(path: &Path, access: Access, flags: i32) -> io::Result<File> {
    let exclusive =
        access != Access::Read && std::fs::metadata(path)?.file_type().is_block_device();
    let flags = if exclusive {
        flags | nix::libc::O_EXCL
    } else {
        flags
    };
    access
        .options()
        .custom_flags(flags)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(nix::libc::EBUSY) if exclusive => io::Error::new(
                io::ErrorKind::ResourceBusy,
                InUse {
                    path: path.to_path_buf(),
                },
            ),
            _ => e,
        })
}

/// Size in bytes of an open disk (BLKGETSIZE64) or image file.
pub fn size(file: &File) -> io::Result<u64> {
    let meta = file.metadata()?;
    if meta.file_type().is_block_device() {
        crate::ioctl::device_size(file)
    } else {
        Ok(meta.len())
    }
}

/// The logical sector size an image file stands for when nothing says
/// otherwise: the one most disks have.
pub const DEFAULT_SECTOR_SIZE: u64 = 512;

/// Logical sector size in bytes of an open disk (BLKSSZGET): the unit of
/// its LBAs, which a partition table and FAT volumes on it must use. An
/// image file has none of its own: [`DEFAULT_SECTOR_SIZE`].
pub fn sector_size(file: &File) -> io::Result<u64> {
    if file.metadata()?.file_type().is_block_device() {
        crate::ioctl::logical_block_size(file)
    } else {
        Ok(DEFAULT_SECTOR_SIZE)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn image_files_open_as_they_are_and_are_never_created() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("disk.img");
        let e = open(&path, Access::ReadWrite).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        assert!(!path.exists());
        std::fs::write(&path, vec![7u8; 12345]).unwrap();
        let f = open(&path, Access::ReadWrite).unwrap();
        assert_eq!(size(&f).unwrap(), 12345);
        assert_eq!(sector_size(&f).unwrap(), DEFAULT_SECTOR_SIZE);
        // O_DIRECT or not is the file system's choice (tmpfs refuses it).
        let (f, _direct) = open_direct(&path, Access::Write).unwrap();
        assert_eq!(size(&f).unwrap(), 12345);
    }
}
