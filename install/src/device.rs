//! The target disk: a block device or an image file, seen as one
//! `Read + Write + Seek` device with a size, durable writes and discard.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{FileExt, FileTypeExt, OpenOptionsExt};
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
    /// what the kernel still holds in memory. Call after `sync`: pages not
    /// yet written to the device stay.
    fn drop_cache(&mut self, offset: u64, len: u64) -> io::Result<()>;
    /// A second, independent handle that reads the device's bytes from the
    /// device itself, so ranges already written can be read back while
    /// later ones are still being written. `None`: the device has none, and
    /// the read-back reads through this handle after the write.
    fn disk_reader(&self) -> io::Result<Option<DiskReader>> {
        Ok(None)
    }
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
        drop_cached(&self.file, offset, len)
    }

    fn disk_reader(&self) -> io::Result<Option<DiskReader>> {
        DiskReader::new(&self.file, &self.path, self.size).map(Some)
    }
}

/// POSIX_FADV_DONTNEED: the kernel forgets the clean cached pages of the
/// range (of a block device or an image file alike).
fn drop_cached(file: &File, offset: u64, len: u64) -> io::Result<()> {
    use nix::fcntl::{posix_fadvise, PosixFadviseAdvice};
    let (Ok(off), Ok(n)) = (i64::try_from(offset), i64::try_from(len)) else {
        return Ok(());
    };
    posix_fadvise(file, off, n, PosixFadviseAdvice::POSIX_FADV_DONTNEED).map_err(io::Error::from)
}

/// Alignment of O_DIRECT buffers, offsets and lengths: the largest logical
/// block size of disks in use.
const ALIGN: usize = 4096;

/// A read-only handle on a disk for reading written ranges back from the
/// device, not from the kernel's cache of them.
///
/// It opens the disk with O_DIRECT where the device or file system allows:
/// a direct read first writes out the cached pages of its range that are
/// not yet on the device, then reads the device, so it always returns what
/// the device holds. Where O_DIRECT is refused (tmpfs, some file systems),
/// [`DiskReader::prepare`] makes the range durable and drops its cached
/// pages, and reads go through the cache, which then reads the device.
#[derive(Debug)]
pub struct DiskReader {
    buffered: File,
    direct: Option<File>,
    size: u64,
}

impl DiskReader {
    /// Open `path`, `size` bytes long, for reading back.
    pub fn open(path: &Path, size: u64) -> io::Result<DiskReader> {
        DiskReader::new(&File::open(path)?, path, size)
    }

    /// A reader of the disk `file` opened from `path`: the same file
    /// reopened (through `/proc/self/fd`, so it cannot be another one),
    /// with O_DIRECT where allowed.
    fn new(file: &File, path: &Path, size: u64) -> io::Result<DiskReader> {
        use std::os::fd::AsRawFd;
        let buffered = file.try_clone()?;
        let direct_open = |p: &Path| {
            OpenOptions::new()
                .read(true)
                .custom_flags(nix::libc::O_DIRECT)
                .open(p)
        };
        let same = PathBuf::from(format!("/proc/self/fd/{}", file.as_raw_fd()));
        let direct = direct_open(&same).or_else(|_| direct_open(path)).ok();
        Ok(DiskReader {
            buffered,
            direct,
            size,
        })
    }

    /// Whether reads bypass the page cache (O_DIRECT).
    pub fn is_direct(&self) -> bool {
        self.direct.is_some()
    }

    /// Get a written range ready to be read from the device: nothing to do
    /// with O_DIRECT; otherwise write it out (fdatasync) and drop it from
    /// the page cache.
    pub fn prepare(&self, offset: u64, len: u64) -> io::Result<()> {
        if self.direct.is_some() {
            return Ok(());
        }
        self.buffered.sync_data()?;
        drop_cached(&self.buffered, offset, len)
    }

    /// Read `len` bytes at `offset` from the device. `buf` is scratch space
    /// kept between calls (over-allocated so an aligned window fits in it);
    /// the bytes are returned as a slice of it.
    pub fn read_at<'a>(
        &self,
        offset: u64,
        len: usize,
        buf: &'a mut Vec<u8>,
    ) -> io::Result<&'a [u8]> {
        if let Some(direct) = &self.direct {
            match read_direct(direct, offset, len, self.size, buf) {
                Ok(range) => return Ok(&buf[range]),
                // The device wants another alignment: read through the cache.
                Err(e) if e.raw_os_error() == Some(nix::libc::EINVAL) => {
                    self.buffered.sync_data()?;
                    drop_cached(&self.buffered, offset, len as u64)?;
                }
                Err(e) => return Err(e),
            }
        }
        buf.resize(len, 0);
        self.buffered.read_exact_at(&mut buf[..len], offset)?;
        Ok(&buf[..len])
    }
}

/// One O_DIRECT read covering `offset..offset + len`, widened to ALIGN on
/// both sides (but not past the end of the disk); returns where the
/// requested bytes are in `buf`. The alignment of the memory comes from an
/// aligned window into an over-allocated vector.
fn read_direct(
    file: &File,
    offset: u64,
    len: usize,
    size: u64,
    buf: &mut Vec<u8>,
) -> io::Result<std::ops::Range<usize>> {
    let align = ALIGN as u64;
    let start = offset - offset % align;
    let head = (offset - start) as usize;
    let end = (offset + len as u64)
        .next_multiple_of(align)
        .min(size.next_multiple_of(align));
    let want = (end - start) as usize;
    if buf.len() < want + ALIGN {
        buf.resize(want + ALIGN, 0);
    }
    let skew = buf.as_ptr().align_offset(ALIGN);
    if skew >= ALIGN {
        return Err(io::Error::from_raw_os_error(nix::libc::EINVAL));
    }
    let window = &mut buf[skew..skew + want];
    let mut got = 0;
    while got < head + len {
        match file.read_at(&mut window[got..], start + got as u64) {
            Ok(0) => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the disk ended before the range read back",
                ))
            }
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(skew + head..skew + head + len)
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
    fn disk_reader(&self) -> io::Result<Option<DiskReader>> {
        (**self).disk_reader()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disk_reader_reads_unaligned_ranges_and_tails() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("disk.img");
        let data: Vec<u8> = (0..3 * 1024 * 1024 + 12345u32)
            .map(|i| (i % 251) as u8)
            .collect();
        std::fs::write(&path, &data).expect("write");
        let disk = DiskFile::open(&path).expect("open");
        let reader = disk.disk_reader().expect("reader").expect("some");
        let mut buf = Vec::new();
        let size = data.len() as u64;
        for (offset, len) in [
            (0u64, 4096usize),
            (1, 10),
            (4095, 8193),
            (1 << 20, 1 << 20),
            (size - 12345, 12345),
            (size - 1, 1),
        ] {
            reader.prepare(offset, len as u64).expect("prepare");
            let got = reader.read_at(offset, len, &mut buf).expect("read");
            assert_eq!(
                got,
                &data[offset as usize..offset as usize + len],
                "{offset}+{len}"
            );
        }
        assert!(reader.read_at(size - 10, 20, &mut buf).is_err());
    }
}
