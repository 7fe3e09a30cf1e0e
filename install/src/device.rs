//! The target disk: a block device or an image file, seen as one
//! `Read + Write + Seek` device with a size, durable writes and discard.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};

use crate::ioctl;

/// What the engine needs of a disk beyond reading and writing.
pub trait Device: Read + Write + Seek + fmt::Debug {
    /// Size in bytes.
    fn size(&self) -> u64;
    /// Make everything written so far durable (fsync).
    fn sync(&mut self) -> io::Result<()>;
    /// Forget the content of a byte range, cheaply where the device can:
    /// BLKDISCARD on block devices, a hole in image files. Returns `false`
    /// when the device cannot, so the caller writes zeros instead.
    fn discard(&mut self, offset: u64, len: u64) -> io::Result<bool>;
    /// Tell the kernel the partition table changed (block devices only).
    fn reread_partitions(&mut self) -> io::Result<()>;
    /// Drop cached pages of a range, so a read-back reads the device and not
    /// what the kernel still holds in memory (block devices only).
    fn drop_cache(&mut self, offset: u64, len: u64) -> io::Result<()>;
}

/// A disk opened for writing: `/dev/sdX` or an image file.
#[derive(Debug)]
pub struct DiskFile {
    file: File,
    path: PathBuf,
    size: u64,
    block: bool,
}

impl DiskFile {
    /// Open `path` for reading and writing.
    pub fn open(path: &Path) -> io::Result<DiskFile> {
        let file = OpenOptions::new().read(true).write(true).open(path)?;
        let block = file.metadata()?.file_type().is_block_device();
        let size = if block {
            ioctl::device_size(&file)?
        } else {
            file.metadata()?.len()
        };
        Ok(DiskFile {
            file,
            path: path.to_path_buf(),
            size,
            block,
        })
    }

    /// The path it was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether it is a block device rather than an image file.
    pub fn is_block_device(&self) -> bool {
        self.block
    }
}

impl Read for DiskFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.file.read(buf)
    }
}

impl Write for DiskFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Seek for DiskFile {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.file.seek(pos)
    }
}

impl Device for DiskFile {
    fn size(&self) -> u64 {
        self.size
    }

    fn sync(&mut self) -> io::Result<()> {
        self.file.sync_data()
    }

    fn discard(&mut self, offset: u64, len: u64) -> io::Result<bool> {
        if len == 0 {
            return Ok(true);
        }
        if self.block {
            return match ioctl::discard(&self.file, offset, len) {
                Ok(()) => Ok(true),
                Err(e) if e.raw_os_error() == Some(nix::libc::EOPNOTSUPP) => Ok(false),
                Err(e) => Err(e),
            };
        }
        use nix::fcntl::{fallocate, FallocateFlags};
        let flags = FallocateFlags::FALLOC_FL_PUNCH_HOLE | FallocateFlags::FALLOC_FL_KEEP_SIZE;
        let (Ok(off), Ok(n)) = (i64::try_from(offset), i64::try_from(len)) else {
            return Ok(false);
        };
        match fallocate(&self.file, flags, off, n) {
            Ok(()) => Ok(true),
            Err(nix::errno::Errno::EOPNOTSUPP) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    fn reread_partitions(&mut self) -> io::Result<()> {
        if self.block {
            ioctl::reread_partitions(&self.file)?;
        }
        Ok(())
    }

    fn drop_cache(&mut self, offset: u64, len: u64) -> io::Result<()> {
        if !self.block {
            return Ok(());
        }
        use nix::fcntl::{posix_fadvise, PosixFadviseAdvice};
        let (Ok(off), Ok(n)) = (i64::try_from(offset), i64::try_from(len)) else {
            return Ok(());
        };
        posix_fadvise(&self.file, off, n, PosixFadviseAdvice::POSIX_FADV_DONTNEED)
            .map_err(io::Error::from)
    }
}

impl<D: Device + ?Sized> Device for &mut D {
    fn size(&self) -> u64 {
        (**self).size()
    }
    fn sync(&mut self) -> io::Result<()> {
        (**self).sync()
    }
    fn discard(&mut self, offset: u64, len: u64) -> io::Result<bool> {
        (**self).discard(offset, len)
    }
    fn reread_partitions(&mut self) -> io::Result<()> {
        (**self).reread_partitions()
    }
    fn drop_cache(&mut self, offset: u64, len: u64) -> io::Result<()> {
        (**self).drop_cache(offset, len)
    }
}
