//! A read cache of small blocks in front of a FAT volume.
//!
//! `fatfs` reads the allocation table a few bytes at a time, with a seek
//! before each read: writing a 40 MiB initrd costs a million system calls
//! without a cache. This keeps recently read 4 KiB blocks in memory.
//! Writes go straight through (and update cached blocks), so what is
//! durable after a sync is exactly what was written.

use std::collections::{HashMap, VecDeque};
use std::io::{self, Read, Seek, SeekFrom, Write};

const BLOCK: u64 = 4096;
/// Reads this large bypass the cache: file data, not table entries.
const BYPASS: usize = 64 * 1024;

/// A block cache over a device of known length.
#[derive(Debug)]
pub struct BlockCache<D> {
    inner: D,
    len: u64,
    pos: u64,
    inner_pos: Option<u64>,
    blocks: HashMap<u64, Vec<u8>>,
    order: VecDeque<u64>,
    capacity: usize,
}

impl<D: Read + Seek> BlockCache<D> {
    /// Cache up to `capacity` blocks of `inner`, which is `len` bytes.
    pub fn new(inner: D, len: u64, capacity: usize) -> Self {
        BlockCache {
            inner,
            len,
            pos: 0,
            inner_pos: None,
            blocks: HashMap::new(),
            order: VecDeque::new(),
            capacity: capacity.max(1),
        }
    }

    fn seek_inner(&mut self, pos: u64) -> io::Result<()> {
        if self.inner_pos != Some(pos) {
            self.inner.seek(SeekFrom::Start(pos))?;
            self.inner_pos = Some(pos);
        }
        Ok(())
    }

    fn load(&mut self, index: u64) -> io::Result<()> {
        if self.blocks.contains_key(&index) {
            return Ok(());
        }
        let start = index * BLOCK;
        let n = BLOCK.min(self.len.saturating_sub(start)) as usize;
        let mut buf = vec![0u8; n];
        self.seek_inner(start)?;
        self.inner_pos = None;
        self.inner.read_exact(&mut buf)?;
        self.inner_pos = Some(start + n as u64);
        if self.order.len() >= self.capacity {
            if let Some(old) = self.order.pop_front() {
                self.blocks.remove(&old);
            }
        }
        self.order.push_back(index);
        self.blocks.insert(index, buf);
        Ok(())
    }
}

impl<D: Read + Seek> Read for BlockCache<D> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.len || buf.is_empty() {
            return Ok(0);
        }
        let max = buf.len().min((self.len - self.pos) as usize);
        let index = self.pos / BLOCK;
        if max >= BYPASS && !self.blocks.contains_key(&index) {
            let pos = self.pos;
            self.seek_inner(pos)?;
            self.inner_pos = None;
            let n = self.inner.read(&mut buf[..max])?;
            self.inner_pos = Some(pos + n as u64);
            // Cached blocks stay right: reads do not change the device.
            self.pos += n as u64;
            return Ok(n);
        }
        self.load(index)?;
        let block = self
            .blocks
            .get(&index)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let off = (self.pos - index * BLOCK) as usize;
        let n = max.min(block.len().saturating_sub(off));
        buf[..n].copy_from_slice(&block[off..off + n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl<D: Read + Write + Seek> Write for BlockCache<D> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let pos = self.pos;
        self.seek_inner(pos)?;
        self.inner_pos = None;
        let n = self.inner.write(buf)?;
        self.inner_pos = Some(pos + n as u64);
        let end = pos + n as u64;
        let mut index = pos / BLOCK;
        while index * BLOCK < end {
            if let Some(block) = self.blocks.get_mut(&index) {
                let b_start = index * BLOCK;
                let from = pos.max(b_start);
                let to = end.min(b_start + block.len() as u64);
                if from < to {
                    block[(from - b_start) as usize..(to - b_start) as usize]
                        .copy_from_slice(&buf[(from - pos) as usize..(to - pos) as usize]);
                }
            }
            index += 1;
        }
        self.pos = end;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<D: Read + Seek> Seek for BlockCache<D> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let new = match pos {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = new.ok_or_else(|| blockdev::Bound::SeekBeforeStart.into_io())?;
        Ok(self.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    #[test]
    fn reads_see_writes_and_the_device_gets_them() {
        let data: Vec<u8> = (0..20_000u32).map(|i| (i % 251) as u8).collect();
        let mut c = BlockCache::new(Cursor::new(data.clone()), 20_000, 2);
        let mut b = [0u8; 10];
        c.seek(SeekFrom::Start(4090)).unwrap();
        c.read_exact(&mut b).unwrap();
        assert_eq!(&b[..], &data[4090..4100]);
        c.seek(SeekFrom::Start(4095)).unwrap();
        c.write_all(&[1, 2, 3]).unwrap();
        c.seek(SeekFrom::Start(4094)).unwrap();
        c.read_exact(&mut b[..5]).unwrap();
        assert_eq!(&b[..5], &[data[4094], 1, 2, 3, data[4098]]);
        for i in [0u64, 9000, 17000, 4096] {
            c.seek(SeekFrom::Start(i)).unwrap();
            c.read_exact(&mut b[..1]).unwrap();
        }
        let mut all = Vec::new();
        c.seek(SeekFrom::Start(0)).unwrap();
        c.read_to_end(&mut all).unwrap();
        assert_eq!(all.len(), 20_000);
        assert_eq!(&all[4095..4098], &[1, 2, 3]);
        let inner = c.inner.into_inner();
        assert_eq!(&inner[4095..4098], &[1, 2, 3]);
    }
}
