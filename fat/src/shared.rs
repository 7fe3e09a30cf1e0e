//! A disk handle that `fatfs` and the repair pass can both hold.

use std::io::{self, Read, Seek, SeekFrom, Write};
use std::sync::{Arc, Mutex, MutexGuard};

/// A cloneable handle to one disk. `fatfs` owns one clone while a volume
/// is open; [`crate::repair`] works through another between its calls.
/// `fatfs` keeps no directory data cached, so edits made this way are
/// seen by it at once.
#[derive(Debug)]
pub struct SharedDisk<D> {
    inner: Arc<Mutex<D>>,
    pos: u64,
}

impl<D> Clone for SharedDisk<D> {
    fn clone(&self) -> Self {
        SharedDisk {
            inner: Arc::clone(&self.inner),
            pos: self.pos,
        }
    }
}

impl<D> SharedDisk<D> {
    pub fn new(disk: D) -> SharedDisk<D> {
        SharedDisk {
            inner: Arc::new(Mutex::new(disk)),
            pos: 0,
        }
    }

    fn lock(&self) -> MutexGuard<'_, D> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The disk back, once every other clone is gone.
    pub fn into_inner(self) -> Result<D, SharedDisk<D>> {
        let pos = self.pos;
        match Arc::try_unwrap(self.inner) {
            Ok(m) => Ok(m.into_inner().unwrap_or_else(|e| e.into_inner())),
            Err(inner) => Err(SharedDisk { inner, pos }),
        }
    }
}

impl<D: Read + Seek> Read for SharedDisk<D> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut d = self.lock();
        d.seek(SeekFrom::Start(self.pos))?;
        let n = d.read(buf)?;
        drop(d);
        self.pos += n as u64;
        Ok(n)
    }
}

impl<D: Write + Seek> Write for SharedDisk<D> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut d = self.lock();
        d.seek(SeekFrom::Start(self.pos))?;
        let n = d.write(buf)?;
        drop(d);
        self.pos += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.lock().flush()
    }
}

impl<D: Seek> Seek for SharedDisk<D> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.pos = match pos {
            SeekFrom::Start(p) => p,
            SeekFrom::Current(d) => self.pos.checked_add_signed(d).ok_or_else(bad_seek)?,
            SeekFrom::End(d) => {
                let end = self.lock().seek(SeekFrom::End(0))?;
                end.checked_add_signed(d).ok_or_else(bad_seek)?
            }
        };
        Ok(self.pos)
    }
}

fn bad_seek() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, crate::Error::SeekBeforeStart)
}
