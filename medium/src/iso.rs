//! Read the ISO 9660 subset Ferry writes: PVD, directories with Rock Ridge
//! `NM` names, multi-extent files. Every length read from the medium is
//! checked before use, and work is bounded (directory size, entries,
//! depth, extents), so hostile bytes give errors, not panics or huge
//! allocations.

use std::io::{self, Read, Seek, SeekFrom};

use crate::checksum::SECTOR;
use crate::{Access, Damage, Error, MediumInfo, NotIso, INFO_PATH};

const MAX_DIR_BYTES: u32 = 16 << 20;
const MAX_DEPTH: usize = 32;
const MAX_EXTENTS: usize = 4096;

/// One file or directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Rock Ridge name, or the ISO name lowercased without `;1`.
    pub name: String,
    pub is_dir: bool,
    pub size: u64,
    /// (first block, bytes) of each extent, in order.
    pub extents: Vec<(u32, u32)>,
}

/// An ISO 9660 volume on a device or image.
#[derive(Debug)]
pub struct Iso<R> {
    dev: R,
    label: String,
    volume_blocks: u32,
    root: (u32, u32),
    rock_ridge: bool,
}

fn both32(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

impl<R: Read + Seek> Iso<R> {
    /// Read the primary volume descriptor.
    pub fn open(mut dev: R) -> Result<Iso<R>, Error> {
        let mut pvd = [0u8; SECTOR as usize];
        let mut found = false;
        for block in 16..32u64 {
            dev.seek(SeekFrom::Start(block * SECTOR))
                .and_then(|_| dev.read_exact(&mut pvd))
                .map_err(Error::io(Access::VolumeDescriptor { block }))?;
            if &pvd[1..6] != b"CD001" {
                return Err(Error::NotIso(NotIso::NoCd001 { block }));
            }
            match pvd[0] {
                1 => {
                    found = true;
                    break;
                }
                255 => break,
                _ => {}
            }
        }
        if !found {
            return Err(Error::NotIso(NotIso::NoPrimary));
        }
        let block_size = u16::from_le_bytes([pvd[128], pvd[129]]);
        if block_size != SECTOR as u16 {
            return Err(Error::NotIso(NotIso::BlockSize { size: block_size }));
        }
        let label = String::from_utf8_lossy(&pvd[40..72]).trim_end().to_string();
        let volume_blocks = both32(&pvd[80..84]);
        let root_rec = &pvd[156..190];
        let root = (both32(&root_rec[2..6]), both32(&root_rec[10..14]));
        let mut iso = Iso {
            dev,
            label,
            volume_blocks,
            root,
            rock_ridge: false,
        };
        // Rock Ridge: an SP entry in the root's "." record.
        let raw = iso.read_extent(root.0, root.1.min(SECTOR as u32))?;
        if let Some(rec) = records(&raw).next() {
            let su = system_use(rec);
            iso.rock_ridge = su.len() >= 7 && &su[0..2] == b"SP" && su[4..6] == [0xBE, 0xEF];
        }
        Ok(iso)
    }

    /// The volume label (PVD volume identifier).
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Size of the volume in bytes.
    pub fn volume_bytes(&self) -> u64 {
        u64::from(self.volume_blocks) * SECTOR
    }

    pub fn has_rock_ridge(&self) -> bool {
        self.rock_ridge
    }

    fn read_extent(&mut self, lba: u32, len: u32) -> Result<Vec<u8>, Error> {
        if len > MAX_DIR_BYTES {
            return Err(Error::Damaged(Damage::DirectoryTooLarge {
                len,
                max: MAX_DIR_BYTES,
            }));
        }
        if u64::from(lba) * SECTOR + u64::from(len) > self.volume_bytes() {
            return Err(Error::Damaged(Damage::DirectoryPastEnd { block: lba }));
        }
        let mut buf = vec![0u8; len as usize];
        self.dev
            .seek(SeekFrom::Start(u64::from(lba) * SECTOR))
            .and_then(|_| self.dev.read_exact(&mut buf))
            .map_err(Error::io(Access::Directory { block: lba }))?;
        Ok(buf)
    }

    fn list(&mut self, extent: (u32, u32)) -> Result<Vec<Entry>, Error> {
        let raw = self.read_extent(extent.0, extent.1)?;
        let mut out: Vec<Entry> = Vec::new();
        let mut pending: Option<Entry> = None;
        for rec in records(&raw) {
            let name_len = rec[32] as usize;
            let id = &rec[33..33 + name_len];
            if id == [0] || id == [1] {
                continue;
            }
            let flags = rec[25];
            let lba = both32(&rec[2..6]);
            let len = both32(&rec[10..14]);
            let name = if self.rock_ridge {
                rr_name(system_use(rec))
            } else {
                None
            }
            .unwrap_or_else(|| iso_name(id));
            let entry = match pending.take() {
                Some(mut e) if e.name == name => {
                    if e.extents.len() >= MAX_EXTENTS {
                        return Err(Error::Damaged(Damage::TooManyExtents {
                            name,
                            max: MAX_EXTENTS,
                        }));
                    }
                    e.extents.push((lba, len));
                    e.size += u64::from(len);
                    e
                }
                other => {
                    if let Some(e) = other {
                        out.push(e);
                    }
                    Entry {
                        name,
                        is_dir: flags & 0x02 != 0,
                        size: u64::from(len),
                        extents: vec![(lba, len)],
                    }
                }
            };
            if flags & 0x80 != 0 {
                pending = Some(entry);
            } else {
                out.push(entry);
            }
        }
        out.extend(pending);
        for e in &out {
            for &(lba, len) in &e.extents {
                if u64::from(lba) * SECTOR + u64::from(len) > self.volume_bytes() {
                    return Err(Error::Damaged(Damage::FilePastEnd {
                        name: e.name.clone(),
                    }));
                }
            }
        }
        Ok(out)
    }

    fn same(&self, a: &str, b: &str) -> bool {
        if self.rock_ridge {
            a == b
        } else {
            a.eq_ignore_ascii_case(b)
        }
    }

    /// List a directory (`""` or `"/"` for the root).
    pub fn read_dir(&mut self, path: &str) -> Result<Vec<Entry>, Error> {
        let extent = if path.trim_matches('/').is_empty() {
            self.root
        } else {
            let e = self.find(path)?;
            if !e.is_dir {
                return Err(Error::NotADirectory { path: path.into() });
            }
            e.extents[0]
        };
        self.list(extent)
    }

    /// Find a file or directory by path, e.g. `ferry/medium.toml`.
    pub fn find(&mut self, path: &str) -> Result<Entry, Error> {
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        if parts.len() > MAX_DEPTH || parts.is_empty() {
            return Err(Error::NotFound(path.into()));
        }
        let mut dir = self.root;
        for (i, part) in parts.iter().enumerate() {
            let entries = self.list(dir)?;
            let e = entries
                .into_iter()
                .find(|e| self.same(&e.name, part))
                .ok_or_else(|| Error::NotFound(path.into()))?;
            if i + 1 == parts.len() {
                return Ok(e);
            }
            if !e.is_dir {
                return Err(Error::NotFound(path.into()));
            }
            dir = e.extents[0];
        }
        Err(Error::NotFound(path.into()))
    }

    /// A file as `Read + Seek`, read from the device as needed.
    pub fn open_file(&mut self, path: &str) -> Result<IsoFile<&mut R>, Error> {
        let e = self.find(path)?;
        if e.is_dir {
            return Err(Error::IsADirectory { path: path.into() });
        }
        Ok(IsoFile::new(&mut self.dev, &e))
    }

    /// A whole small file, refused past `max` bytes.
    pub fn read(&mut self, path: &str, max: u64) -> Result<Vec<u8>, Error> {
        let mut f = self.open_file(path)?;
        if f.size > max {
            return Err(Error::TooLarge {
                path: path.into(),
                size: f.size,
                max,
            });
        }
        let mut out = Vec::with_capacity(f.size as usize);
        f.read_to_end(&mut out)
            .map_err(Error::io(Access::File { path: path.into() }))?;
        Ok(out)
    }

    /// `/ferry/medium.toml`.
    pub fn medium_info(&mut self) -> Result<MediumInfo, Error> {
        let bytes = self.read(INFO_PATH, MediumInfo::MAX_BYTES)?;
        MediumInfo::from_bytes(bytes)
    }

    pub fn device(&mut self) -> &mut R {
        &mut self.dev
    }

    pub fn into_inner(self) -> R {
        self.dev
    }
}

/// Directory records in a directory's bytes; a record never crosses a
/// block, and a zero length byte means "next block".
fn records(raw: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut pos = 0usize;
    std::iter::from_fn(move || loop {
        if pos >= raw.len() {
            return None;
        }
        let len = raw[pos] as usize;
        let block_end = (pos / SECTOR as usize + 1) * SECTOR as usize;
        if len == 0 {
            pos = block_end;
            continue;
        }
        if len < 34 || pos + len > raw.len().min(block_end) || 33 + raw[pos + 32] as usize > len {
            pos = block_end; // damaged record: skip the rest of the block
            continue;
        }
        let rec = &raw[pos..pos + len];
        pos += len;
        return Some(rec);
    })
}

fn system_use(rec: &[u8]) -> &[u8] {
    let name_len = rec[32] as usize;
    let start = 33 + name_len + usize::from(name_len & 1 == 0);
    rec.get(start..).unwrap_or(&[])
}

/// Concatenate Rock Ridge NM entries.
fn rr_name(mut su: &[u8]) -> Option<String> {
    let mut name = Vec::new();
    let mut found = false;
    while su.len() >= 4 {
        let len = su[2] as usize;
        if len < 4 || len > su.len() {
            break;
        }
        if &su[0..2] == b"NM" && len >= 5 {
            let flags = su[4];
            if flags & 0x06 != 0 {
                return None; // "." or ".."
            }
            name.extend_from_slice(&su[5..len]);
            found = true;
            if flags & 0x01 == 0 {
                break;
            }
        }
        su = &su[len..];
    }
    let name = String::from_utf8(name).ok()?;
    (found && !name.is_empty() && !name.contains('/') && name != "." && name != "..")
        .then_some(name)
}

fn iso_name(id: &[u8]) -> String {
    let s = String::from_utf8_lossy(id);
    let s = s.split(';').next().unwrap_or("");
    s.strip_suffix('.').unwrap_or(s).to_ascii_lowercase()
}

/// A file on the ISO, read through its extents.
#[derive(Debug)]
pub struct IsoFile<R> {
    dev: R,
    extents: Vec<(u32, u32)>,
    size: u64,
    pos: u64,
}

impl<R: Read + Seek> IsoFile<R> {
    pub fn new(dev: R, entry: &Entry) -> IsoFile<R> {
        IsoFile {
            dev,
            extents: entry.extents.clone(),
            size: entry.size,
            pos: 0,
        }
    }

    pub fn len(&self) -> u64 {
        self.size
    }

    pub fn is_empty(&self) -> bool {
        self.size == 0
    }
}

impl<R: Read + Seek> Read for IsoFile<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut base = 0u64;
        for &(lba, len) in &self.extents {
            let len = u64::from(len);
            if self.pos < base + len {
                let within = self.pos - base;
                let n = (len - within).min(buf.len() as u64) as usize;
                self.dev
                    .seek(SeekFrom::Start(u64::from(lba) * SECTOR + within))?;
                let got = self.dev.read(&mut buf[..n])?;
                self.pos += got as u64;
                return Ok(got);
            }
            base += len;
        }
        Ok(0)
    }
}

impl<R: Read + Seek> Seek for IsoFile<R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let new = match pos {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
            SeekFrom::End(d) => self.size.checked_add_signed(d),
        };
        self.pos = new.ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, crate::Error::SeekBeforeStart)
        })?;
        Ok(self.pos)
    }
}
