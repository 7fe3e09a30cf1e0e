//! The target disk: a block device or an image file, seen as one
//! `Read + Write + Seek` device with a size, durable writes and discard.

use std::fmt;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{FileExt, FileTypeExt};
use std::path::{Path, PathBuf};

pub use blockdev::AlignedBuf;
use blockdev::{drop_cache, is_aligned, reopen_direct, Access, Bound, ALIGN};

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
    /// Make a byte range read back as zeros, by the cheapest means the
    /// device has. This default writes zeros.
    fn zero(&mut self, offset: u64, len: u64) -> io::Result<()> {
        write_zeros(self, offset, len)
    }
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
    /// Write `bufs` one after the other from `offset`: a run of the root
    /// image's chunks. Returns whether the bytes went to the device around
    /// the page cache (O_DIRECT); `false`: through the ordinary write path,
    /// which is what this default does, write by write.
    fn write_run(&mut self, offset: u64, bufs: &[&[u8]]) -> io::Result<bool> {
        self.seek(SeekFrom::Start(offset))?;
        for buf in bufs {
            self.write_all(buf)?;
        }
        Ok(false)
    }
}

/// A disk opened for writing: `/dev/sdX` or an image file.
#[derive(Debug)]
pub struct DiskFile {
    file: File,
    path: PathBuf,
    size: u64,
    block: bool,
    /// The same file opened with O_DIRECT for [`Device::write_run`]: not
    /// yet tried, or `None` where refused.
    direct: Option<Option<File>>,
}

impl DiskFile {
    /// Open `path` for reading and writing. A block device is opened
    /// exclusively (`O_EXCL`): the kernel refuses it while one of its
    /// partitions is mounted or held (swap, LVM, RAID), and refuses to
    /// mount them while the installer has it open.
    pub fn open(path: &Path) -> io::Result<DiskFile> {
        let file = blockdev::open(path, Access::ReadWrite)?;
        let block = file.metadata()?.file_type().is_block_device();
        let size = blockdev::size(&file)?;
        Ok(DiskFile {
            file,
            path: path.to_path_buf(),
            size,
            block,
            direct: None,
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
            return match blockdev::discard(&self.file, offset, len) {
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

    /// Block devices: BLKZEROOUT, which unmaps where the device promises
    /// zeros after (a discard alone may not: the kernel no longer trusts
    /// devices that say discarded blocks read as zeros) and writes zeros
    /// where it does not. Image files: a hole (reads as zeros, takes no
    /// space). Zeros are written where neither is allowed.
    fn zero(&mut self, offset: u64, len: u64) -> io::Result<()> {
        if len == 0 {
            return Ok(());
        }
        if self.block {
            return match blockdev::zero_out(&self.file, offset, len) {
                Ok(()) => Ok(()),
                Err(e)
                    if matches!(
                        e.raw_os_error(),
                        Some(nix::libc::EOPNOTSUPP | nix::libc::EINVAL | nix::libc::ENOTTY)
                    ) =>
                {
                    write_zeros(self, offset, len)
                }
                Err(e) => Err(e),
            };
        }
        use nix::fcntl::{fallocate, FallocateFlags};
        let flags = FallocateFlags::FALLOC_FL_PUNCH_HOLE | FallocateFlags::FALLOC_FL_KEEP_SIZE;
        let end = offset
            .checked_add(len)
            .ok_or_else(|| io::Error::from_raw_os_error(nix::libc::EINVAL))?;
        if end > self.size {
            // Past the end, a hole would not grow the file: refuse as a
            // write past the end of the disk would be.
            return Err(Bound::PastDiskEnd { start: offset, end }.into());
        }
        let (Ok(off), Ok(n)) = (i64::try_from(offset), i64::try_from(len)) else {
            return write_zeros(self, offset, len);
        };
        match fallocate(&self.file, flags, off, n) {
            Ok(()) => Ok(()),
            Err(nix::errno::Errno::EOPNOTSUPP) => write_zeros(self, offset, len),
            Err(e) => Err(e.into()),
        }
    }

    fn reread_partitions(&mut self) -> io::Result<()> {
        if self.block {
            blockdev::reread_partitions(&self.file)?;
        }
        Ok(())
    }

    fn drop_cache(&mut self, offset: u64, len: u64) -> io::Result<()> {
        drop_cache(&self.file, offset, len)
    }

    fn disk_reader(&self) -> io::Result<Option<DiskReader>> {
        DiskReader::new(&self.file, &self.path, self.size).map(Some)
    }

    /// With O_DIRECT where the device allows it and the buffers are
    /// aligned: one request for the whole run, no copy into the page cache
    /// and no writeback. Buffers from the first one not a whole number of
    /// aligned blocks on (the image's last chunk), and every buffer where
    /// O_DIRECT is refused, are written through the cache.
    fn write_run(&mut self, offset: u64, bufs: &[&[u8]]) -> io::Result<bool> {
        let direct = self
            .direct
            .get_or_insert_with(|| reopen_direct(&self.file, &self.path, true));
        let aligned = if offset.is_multiple_of(ALIGN as u64) {
            bufs.iter().take_while(|b| is_aligned(b)).count()
        } else {
            0
        };
        let mut done = 0;
        let mut at = offset;
        if let (Some(file), true) = (direct.as_ref(), aligned > 0) {
            match write_direct(file, at, &bufs[..aligned]) {
                Ok(n) => {
                    done = aligned;
                    at += n;
                }
                // The device wants another alignment: write through the cache.
                Err(e) if blockdev::direct_refused(&e) => {
                    self.direct = Some(None);
                }
                Err(e) => return Err(e),
            }
        }
        for buf in &bufs[done..] {
            self.file.write_all_at(buf, at)?;
            at += buf.len() as u64;
        }
        Ok(done == bufs.len())
    }
}

/// Write `len` zero bytes from `offset`, a MiB at a time.
fn write_zeros<D: Write + Seek + ?Sized>(dev: &mut D, offset: u64, len: u64) -> io::Result<()> {
    let zeros = vec![0u8; len.min(1 << 20) as usize];
    dev.seek(SeekFrom::Start(offset))?;
    let mut left = len;
    while left > 0 {
        let n = left.min(zeros.len() as u64) as usize;
        dev.write_all(&zeros[..n])?;
        left -= n as u64;
    }
    Ok(())
}

/// Write aligned `bufs` from `offset` with as few requests as the kernel
/// takes (pwritev); returns the bytes written.
fn write_direct(file: &File, offset: u64, bufs: &[&[u8]]) -> io::Result<u64> {
    let total: usize = bufs.iter().map(|b| b.len()).sum();
    let mut slices: Vec<io::IoSlice> = bufs.iter().map(|b| io::IoSlice::new(b)).collect();
    let mut rest = &mut slices[..];
    let mut done = 0usize;
    while done < total {
        let at = i64::try_from(offset + done as u64)
            .map_err(|_| io::Error::from_raw_os_error(nix::libc::EINVAL))?;
        match nix::sys::uio::pwritev(file, rest, at) {
            Ok(0) => return Err(io::Error::from(io::ErrorKind::WriteZero)),
            Ok(n) => {
                done += n;
                io::IoSlice::advance_slices(&mut rest, n);
            }
            Err(nix::errno::Errno::EINTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(total as u64)
}

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
        let buffered = file.try_clone()?;
        let direct = reopen_direct(file, path, false);
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
        drop_cache(&self.buffered, offset, len)
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
                Err(e) if blockdev::direct_refused(&e) => {
                    self.buffered.sync_data()?;
                    drop_cache(&self.buffered, offset, len as u64)?;
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
                return Err(Bound::EndedEarly {
                    at: start + got as u64,
                    start: offset,
                    end: offset + len as u64,
                }
                .into())
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
    fn zero(&mut self, offset: u64, len: u64) -> io::Result<()> {
        (**self).zero(offset, len)
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
    fn write_run(&mut self, offset: u64, bufs: &[&[u8]]) -> io::Result<bool> {
        (**self).write_run(offset, bufs)
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

    #[test]
    fn write_run_writes_aligned_and_unaligned_buffers_in_place() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("disk.img");
        std::fs::write(&path, vec![0xeeu8; 12 << 20]).expect("write");
        let mut disk = DiskFile::open(&path).expect("open");
        let fill = |len: usize, seed: u8| {
            let mut b = AlignedBuf::new(len);
            for (i, x) in b.as_mut().iter_mut().enumerate() {
                *x = (i as u8).wrapping_mul(7) ^ seed;
            }
            b
        };
        let (a, b, tail) = (fill(1 << 20, 1), fill(1 << 20, 2), fill(12345, 3));
        assert!(is_aligned(a.as_ref()));
        let mut expected = vec![0xeeu8; 12 << 20];
        let mut at = 4096usize;
        for x in [&a, &b, &tail] {
            expected[at..at + x.as_ref().len()].copy_from_slice(x.as_ref());
            at += x.as_ref().len();
        }
        // Aligned chunks then a short tail; then an unaligned offset.
        disk.write_run(4096, &[a.as_ref(), b.as_ref(), tail.as_ref()])
            .expect("run");
        let direct = disk.write_run(8 << 20, &[a.as_ref()]).expect("run");
        expected[8 << 20..9 << 20].copy_from_slice(a.as_ref());
        disk.write_run(10 << 20 | 1, &[b.as_ref()]).expect("run");
        expected[(10 << 20) + 1..(11 << 20) + 1].copy_from_slice(b.as_ref());
        disk.sync().expect("sync");
        assert_eq!(std::fs::read(&path).expect("read"), expected, "{direct}");
    }
}
