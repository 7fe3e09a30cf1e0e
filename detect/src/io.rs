//! Small I/O adapters over a disk: a byte range of a device (a partition)
//! seen as a device of its own, and a read-only guard.
//!
//! `fatfs` wants `Read + Write + Seek` over exactly the file system's bytes;
//! [`Slice`] gives it a partition of a whole-disk device. The install engine
//! uses the same adapter for writing.

use std::io::{self, Read, Seek, SeekFrom, Write};

use blockdev::Bound;

/// A byte range `[start, start + len)` of an inner device, addressed from 0.
///
/// Reads stop at the end of the range (short read, then EOF); writes past the
/// end fail with `WriteZero` rather than spill into the next partition.
#[derive(Debug)]
pub struct Slice<D> {
    inner: D,
    start: u64,
    len: u64,
    pos: u64,
}

impl<D: Seek> Slice<D> {
    /// Expose `len` bytes of `inner` starting at byte `start`.
    pub fn new(inner: D, start: u64, len: u64) -> io::Result<Self> {
        start
            .checked_add(len)
            .ok_or(Bound::RangeOverflow { start, len })?;
        Ok(Slice {
            inner,
            start,
            len,
            pos: 0,
        })
    }

    /// Length of the range in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the range is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Give back the inner device.
    pub fn into_inner(self) -> D {
        self.inner
    }

    fn remaining(&self) -> u64 {
        self.len.saturating_sub(self.pos)
    }

    fn seek_inner(&mut self) -> io::Result<()> {
        self.inner.seek(SeekFrom::Start(self.start + self.pos))?;
        Ok(())
    }
}

impl<D: Read + Seek> Read for Slice<D> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let want = buf
            .len()
            .min(usize::try_from(self.remaining()).unwrap_or(usize::MAX));
        if want == 0 {
            return Ok(0);
        }
        self.seek_inner()?;
        let n = self.inner.read(&mut buf[..want])?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<D: Write + Seek> Write for Slice<D> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let room = usize::try_from(self.remaining()).unwrap_or(usize::MAX);
        if room == 0 && !buf.is_empty() {
            return Err(Bound::WritePastPartitionEnd {
                at: self.pos,
                len: self.len,
            }
            .into());
        }
        let want = buf.len().min(room);
        self.seek_inner()?;
        let n = self.inner.write(&buf[..want])?;
        self.pos += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<D: Seek> Seek for Slice<D> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let target = match pos {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        let target = target.ok_or(Bound::SeekBeforeStart)?;
        // Like a file, seeking past the end is allowed; reads there give EOF.
        self.pos = target;
        Ok(target)
    }
}

/// A device wrapper whose writes always fail: detection must never change
/// a disk, even if a library tries to (for example to set a dirty flag).
#[derive(Debug)]
pub struct ReadOnly<D>(pub D);

impl<D: Read> Read for ReadOnly<D> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

impl<D: Seek> Seek for ReadOnly<D> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.0.seek(pos)
    }
}

impl<D> Write for ReadOnly<D> {
    fn write(&mut self, _buf: &[u8]) -> io::Result<usize> {
        Err(Bound::ReadOnly.into())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Read exactly `buf.len()` bytes at byte `offset`.
pub fn read_at<D: Read + Seek>(dev: &mut D, offset: u64, buf: &mut [u8]) -> io::Result<()> {
    dev.seek(SeekFrom::Start(offset))?;
    dev.read_exact(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    #[test]
    fn slice_reads_only_its_range() {
        let data: Vec<u8> = (0..100).collect();
        let mut s = Slice::new(Cursor::new(data), 10, 20).expect("slice");
        let mut all = Vec::new();
        s.read_to_end(&mut all).expect("read");
        assert_eq!(all, (10..30).collect::<Vec<u8>>());
        s.seek(SeekFrom::End(-5)).expect("seek");
        let mut b = [0u8; 10];
        assert_eq!(s.read(&mut b).expect("read"), 5);
        assert_eq!(&b[..5], &[25, 26, 27, 28, 29]);
        assert!(s.seek(SeekFrom::Current(-100)).is_err());
    }

    #[test]
    fn slice_writes_stay_inside() {
        let mut s = Slice::new(Cursor::new(vec![0u8; 16]), 4, 8).expect("slice");
        s.seek(SeekFrom::Start(6)).expect("seek");
        assert!(s.write_all(&[1, 2, 3]).is_err());
        let inner = s.into_inner().into_inner();
        assert_eq!(inner, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0]);
    }

    #[test]
    fn read_only_refuses_writes() {
        let mut d = ReadOnly(Cursor::new(vec![0u8; 4]));
        assert!(d.write(&[1]).is_err());
        assert_eq!(d.0.into_inner(), vec![0u8; 4]);
    }
}
