//! A disk that fails or silently corrupts a write at a chosen byte, and a
//! medium that disappears or returns a bad byte: each wraps the real thing
//! and behaves exactly like it elsewhere. They need nothing of the engine
//! but its public [`Device`] trait, so they live here and not in the
//! engine. (The power cut after a step is `install::power_cut`: `apply`
//! itself calls it.)

use std::io::{self, Read, Seek, SeekFrom, Write};

use install::{Device, DiskReader};

/// What goes wrong on the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiskFault {
    /// Once this many bytes were written, every further write fails
    /// (EIO), whole: a disk fails a request, it does not half-do it.
    FailAfterBytes(u64),
    /// The byte at this offset is stored flipped, without an error.
    CorruptByte(u64),
}

/// A disk with a fault.
#[derive(Debug)]
pub struct FaultyDisk<D> {
    inner: D,
    pos: u64,
    written: u64,
    fault: DiskFault,
}

impl<D: Device> FaultyDisk<D> {
    /// Wrap `inner`.
    pub fn new(inner: D, fault: DiskFault) -> Self {
        FaultyDisk {
            inner,
            pos: 0,
            written: 0,
            fault,
        }
    }

    /// Bytes written so far (failed writes not counted).
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Give back the disk.
    pub fn into_inner(self) -> D {
        self.inner
    }
}

impl<D: Device> Read for FaultyDisk<D> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<D: Device> Seek for FaultyDisk<D> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.pos = self.inner.seek(pos)?;
        Ok(self.pos)
    }
}

impl<D: Device> Write for FaultyDisk<D> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let end = self.pos + buf.len() as u64;
        match self.fault {
            DiskFault::FailAfterBytes(limit) if self.written + buf.len() as u64 > limit => {
                Err(io::Error::other("injected write error"))
            }
            DiskFault::CorruptByte(at) if self.pos <= at && at < end => {
                let mut copy = buf.to_vec();
                copy[(at - self.pos) as usize] ^= 0x5a;
                let n = self.inner.write(&copy)?;
                self.pos += n as u64;
                self.written += n as u64;
                Ok(n)
            }
            _ => {
                let n = self.inner.write(buf)?;
                self.pos += n as u64;
                self.written += n as u64;
                Ok(n)
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<D: Device> Device for FaultyDisk<D> {
    fn size(&self) -> u64 {
        self.inner.size()
    }
    fn sync(&mut self) -> io::Result<()> {
        self.inner.sync()
    }
    fn discard(&mut self, offset: u64, len: u64) -> io::Result<bool> {
        self.inner.discard(offset, len)
    }
    fn reread_partitions(&mut self) -> io::Result<()> {
        self.inner.reread_partitions()
    }
    fn drop_cache(&mut self, offset: u64, len: u64) -> io::Result<()> {
        self.inner.drop_cache(offset, len)
    }
    /// The inner disk's reader: it sees what the faults did to the bytes.
    fn disk_reader(&self) -> io::Result<Option<DiskReader>> {
        self.inner.disk_reader()
    }
}

/// What goes wrong on the medium.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediumFault {
    /// Reads fail from this byte on: the DVD was taken out.
    GoneAt(u64),
    /// The byte at this offset reads wrong: a bad sector.
    BadByte(u64),
}

/// A medium with a fault.
#[derive(Debug)]
pub struct FaultyMedium<R> {
    inner: R,
    pos: u64,
    fault: MediumFault,
}

impl<R: Read> FaultyMedium<R> {
    /// Wrap `inner`.
    pub fn new(inner: R, fault: MediumFault) -> Self {
        FaultyMedium {
            inner,
            pos: 0,
            fault,
        }
    }
}

impl<R: Read> Read for FaultyMedium<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.fault {
            MediumFault::GoneAt(at) => {
                if self.pos >= at {
                    return Err(io::Error::other("injected read error: no medium"));
                }
                let max = ((at - self.pos) as usize).min(buf.len());
                let n = self.inner.read(&mut buf[..max])?;
                self.pos += n as u64;
                Ok(n)
            }
            MediumFault::BadByte(at) => {
                let n = self.inner.read(buf)?;
                if self.pos <= at && at < self.pos + n as u64 {
                    buf[(at - self.pos) as usize] ^= 0xff;
                }
                self.pos += n as u64;
                Ok(n)
            }
        }
    }
}
