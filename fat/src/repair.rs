//! Make every directory's `.` and `..` plain short entries in slots 0 and 1.
//!
//! `fatfs` 0.3.6 writes a long-name entry before each of them (upstream
//! issue 117): `[LFN ".", ".", LFN "..", "..", ...]`. `fsck.fat` then says
//! "'.' is not first entry" for every directory. This pass walks the tree
//! over the raw disk and rewrites the head of each directory's first
//! cluster: `.`, `..`, then the freed slots as end markers (nothing after
//! them) or deleted entries (when files follow). It also points `..` of a
//! top-level directory at cluster 0, as the FAT specification asks.
//! Running it twice changes nothing the second time.

use std::collections::HashSet;
use std::io::{Read, Seek, SeekFrom, Write};

use crate::{Access, BootSector, Error};

pub(crate) const ENTRY: usize = 32;
pub(crate) const ATTR_LFN: u8 = 0x0F;
pub(crate) const ATTR_DIR: u8 = 0x10;
pub(crate) const ATTR_VOLUME: u8 = 0x08;
pub(crate) const DOT: [u8; 11] = *b".          ";
pub(crate) const DOTDOT: [u8; 11] = *b"..         ";
/// Bounds the walk on a damaged volume.
pub(crate) const MAX_DIRS: usize = 1 << 16;

/// What [`repair`] changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RepairReport {
    /// Directories walked (the root excluded).
    pub directories: usize,
    /// Directories whose head was rewritten.
    pub repaired: usize,
    /// Whether the FAT32 free-cluster count had to be written.
    pub free_count_written: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Fat12,
    Fat16,
    Fat32,
}

/// Where the areas of a FAT volume lie, from its boot sector.
#[derive(Debug)]
pub(crate) struct Geometry {
    pub(crate) kind: Kind,
    bytes_per_sector: u64,
    pub(crate) cluster_bytes: u64,
    pub(crate) fat_start: u64,
    pub(crate) fat_bytes: u64,
    root_start: u64,
    root_bytes: u64,
    data_start: u64,
    /// Clusters in the data area; they are numbered from 2.
    pub(crate) clusters: u32,
    /// FAT32: the root directory's first cluster; 0 on FAT12 and FAT16,
    /// whose root directory has an area of its own.
    pub(crate) root_cluster: u32,
    /// Bytes the volume spans, from its total sector count.
    pub(crate) volume_bytes: u64,
}

impl Geometry {
    pub(crate) fn read<D: Read + Seek>(disk: &mut D) -> Result<Geometry, Error> {
        let mut bs = [0u8; 512];
        disk.seek(SeekFrom::Start(0))
            .and_then(|_| disk.read_exact(&mut bs))
            .map_err(Error::io(Access::BootSector))?;
        let u16_at = |o: usize| u16::from_le_bytes([bs[o], bs[o + 1]]) as u64;
        let u32_at = |o: usize| u32::from_le_bytes([bs[o], bs[o + 1], bs[o + 2], bs[o + 3]]) as u64;
        let bps = u16_at(11);
        let spc = bs[13] as u64;
        let reserved = u16_at(14);
        let fats = bs[16] as u64;
        let root_entries = u16_at(17);
        let total = if u16_at(19) != 0 {
            u16_at(19)
        } else {
            u32_at(32)
        };
        let fat_size = if u16_at(22) != 0 {
            u16_at(22)
        } else {
            u32_at(36)
        };
        let refuse = |why| Err(Error::NotFat(why));
        if bs[510..512] != [0x55, 0xAA] {
            return refuse(BootSector::NoSignature);
        }
        if !matches!(bps, 512 | 1024 | 2048 | 4096) {
            return refuse(BootSector::SectorSize { bytes: bps as u16 });
        }
        if !spc.is_power_of_two() {
            return refuse(BootSector::ClusterSize { sectors: bs[13] });
        }
        if reserved == 0 {
            return refuse(BootSector::NoReservedSectors);
        }
        if fats == 0 {
            return refuse(BootSector::NoTables);
        }
        if fat_size == 0 {
            return refuse(BootSector::EmptyTables);
        }
        // The fields are at most 32 bits wide, so none of this can overflow
        // 64 bits; checked all the same, as every offset read from a disk.
        let overflow = || Error::NotFat(BootSector::AreasOverflow);
        let root_sectors = (root_entries * ENTRY as u64).div_ceil(bps);
        let fat_sectors = fats.checked_mul(fat_size).ok_or_else(overflow)?;
        let root_sector = reserved.checked_add(fat_sectors).ok_or_else(overflow)?;
        let data_sector = root_sector.checked_add(root_sectors).ok_or_else(overflow)?;
        if data_sector >= total {
            return refuse(BootSector::DataPastEnd {
                data: data_sector,
                total,
            });
        }
        let clusters = (total - data_sector) / spc;
        let sector_bytes = |n: u64| n.checked_mul(bps).ok_or_else(overflow);
        let kind = if clusters < 4085 {
            Kind::Fat12
        } else if clusters < 65525 {
            Kind::Fat16
        } else {
            Kind::Fat32
        };
        Ok(Geometry {
            kind,
            bytes_per_sector: bps,
            cluster_bytes: sector_bytes(spc)?,
            fat_start: sector_bytes(reserved)?,
            fat_bytes: sector_bytes(fat_size)?,
            root_start: sector_bytes(root_sector)?,
            root_bytes: sector_bytes(root_sectors)?,
            data_start: sector_bytes(data_sector)?,
            clusters: u32::try_from(clusters).unwrap_or(u32::MAX),
            volume_bytes: sector_bytes(total)?,
            root_cluster: if kind == Kind::Fat32 {
                u32_at(44) as u32
            } else {
                0
            },
        })
    }

    /// Whether `c` is a cluster of the data area.
    pub(crate) fn valid(&self, c: u32) -> bool {
        c >= 2 && c < self.clusters.saturating_add(2)
    }

    fn cluster_offset(&self, c: u32) -> u64 {
        self.data_start + u64::from(c - 2) * self.cluster_bytes
    }

    fn next<D: Read + Seek>(&self, disk: &mut D, c: u32) -> Result<Option<u32>, Error> {
        let (off, len) = match self.kind {
            Kind::Fat12 => (u64::from(c) * 3 / 2, 2),
            Kind::Fat16 => (u64::from(c) * 2, 2),
            Kind::Fat32 => (u64::from(c) * 4, 4),
        };
        if off + len > self.fat_bytes {
            return Ok(None);
        }
        let mut b = [0u8; 4];
        disk.seek(SeekFrom::Start(self.fat_start + off))
            .and_then(|_| disk.read_exact(&mut b[..len as usize]))
            .map_err(Error::io(Access::Table))?;
        let v = u32::from_le_bytes(b);
        let next = match self.kind {
            Kind::Fat12 if c & 1 == 1 => v >> 4 & 0xFFF,
            Kind::Fat12 => v & 0xFFF,
            Kind::Fat16 => v & 0xFFFF,
            Kind::Fat32 => v & 0x0FFF_FFFF,
        };
        Ok(self.valid(next).then_some(next))
    }

    /// Byte ranges holding a directory's entries.
    pub(crate) fn dir_extents<D: Read + Seek>(
        &self,
        disk: &mut D,
        first: u32,
    ) -> Result<Vec<(u64, u64)>, Error> {
        if first == 0 && self.kind != Kind::Fat32 {
            return Ok(vec![(self.root_start, self.root_bytes)]);
        }
        let mut out = Vec::new();
        let mut c = Some(first).filter(|c| self.valid(*c));
        while let Some(cur) = c {
            if out.len() as u64 > u64::from(self.clusters) || out.len() >= 1 << 16 {
                break; // a loop in the chain
            }
            out.push((self.cluster_offset(cur), self.cluster_bytes));
            c = self.next(disk, cur)?;
        }
        Ok(out)
    }
}

/// What one 32-byte slot of a directory holds, for the walks that follow
/// directories (here and in `chain`).
pub(crate) enum Slot<'a> {
    /// The end marker: no entry follows in this directory.
    End,
    /// A deleted entry, a part of a long name or the volume label.
    Skip,
    /// A file or a directory.
    Entry(&'a [u8]),
}

impl Slot<'_> {
    pub(crate) fn of(e: &[u8]) -> Slot<'_> {
        match e[0] {
            0x00 => return Slot::End,
            0xE5 => return Slot::Skip,
            _ => {}
        }
        let attr = e[11];
        if attr & ATTR_LFN == ATTR_LFN || attr & ATTR_VOLUME != 0 {
            Slot::Skip
        } else {
            Slot::Entry(e)
        }
    }
}

/// A directory entry that names a subdirectory: not `.` or `..`.
pub(crate) fn is_subdirectory(e: &[u8]) -> bool {
    e[11] & ATTR_DIR != 0 && e[..11] != DOT && e[..11] != DOTDOT
}

/// The first cluster a 32-byte directory entry names.
pub(crate) fn first_cluster(e: &[u8], kind: Kind) -> u32 {
    let lo = u32::from(u16::from_le_bytes([e[26], e[27]]));
    let hi = if kind == Kind::Fat32 {
        u32::from(u16::from_le_bytes([e[20], e[21]]))
    } else {
        0
    };
    hi << 16 | lo
}

fn set_first_cluster(e: &mut [u8], c: u32, kind: Kind) {
    e[26..28].copy_from_slice(&(c as u16).to_le_bytes());
    if kind == Kind::Fat32 {
        e[20..22].copy_from_slice(&((c >> 16) as u16).to_le_bytes());
    }
}

/// Repair `.`/`..` entries of every directory on the FAT volume that `disk`
/// holds (the volume starts at byte 0). Safe on any FAT volume: directories
/// already in order are left untouched.
pub fn repair<D: Read + Write + Seek>(disk: &mut D) -> Result<RepairReport, Error> {
    let g = Geometry::read(disk)?;
    let mut report = RepairReport::default();
    let mut seen = HashSet::new();
    // (directory cluster, parent cluster as `..` should name it)
    let mut todo = vec![(g.root_cluster, None::<u32>)];
    let mut buf = vec![0u8; g.cluster_bytes.max(g.bytes_per_sector) as usize];
    while let Some((dir, parent)) = todo.pop() {
        if !seen.insert(dir) || seen.len() > MAX_DIRS {
            continue;
        }
        let extents = g.dir_extents(disk, dir)?;
        let mut head_done = parent.is_none();
        'extents: for (off, len) in extents {
            let mut done = 0;
            while done < len {
                let n = (len - done).min(buf.len() as u64) as usize;
                disk.seek(SeekFrom::Start(off + done))
                    .and_then(|_| disk.read_exact(&mut buf[..n]))
                    .map_err(Error::io(Access::ReadDirectory))?;
                if !head_done {
                    head_done = true;
                    report.directories += 1;
                    if let Some(parent) = parent {
                        if fix_head(&mut buf[..n], dir, parent, g.kind) {
                            disk.seek(SeekFrom::Start(off + done))
                                .and_then(|_| disk.write_all(&buf[..n]))
                                .map_err(Error::io(Access::WriteDirectory))?;
                            report.repaired += 1;
                        }
                    }
                }
                for e in buf[..n].chunks_exact(ENTRY) {
                    let e = match Slot::of(e) {
                        Slot::End => break 'extents,
                        Slot::Skip => continue,
                        Slot::Entry(e) => e,
                    };
                    if is_subdirectory(e) {
                        let c = first_cluster(e, g.kind);
                        if g.valid(c) {
                            // `..` of a top-level directory names cluster 0.
                            let me = if parent.is_none() { 0 } else { dir };
                            todo.push((c, Some(me)));
                        }
                    }
                }
                done += n as u64;
            }
        }
    }
    if g.kind == Kind::Fat32 {
        report.free_count_written = write_free_count(disk, &g)?;
    }
    Ok(report)
}

/// `fatfs` leaves FAT32's FSInfo free-cluster count "unknown" after
/// formatting, which `fsck.fat` reports; count the free clusters and store
/// the number.
fn write_free_count<D: Read + Write + Seek>(disk: &mut D, g: &Geometry) -> Result<bool, Error> {
    let mut bs = [0u8; 512];
    disk.seek(SeekFrom::Start(0))
        .and_then(|_| disk.read_exact(&mut bs))
        .map_err(Error::io(Access::BootSector))?;
    let info_sector = u64::from(u16::from_le_bytes([bs[48], bs[49]]));
    if info_sector == 0 || info_sector == 0xFFFF || info_sector * g.bytes_per_sector >= g.fat_start
    {
        return Ok(false);
    }
    let info_at = info_sector * g.bytes_per_sector;
    let mut info = [0u8; 512];
    disk.seek(SeekFrom::Start(info_at))
        .and_then(|_| disk.read_exact(&mut info))
        .map_err(Error::io(Access::ReadFsInfo))?;
    if info[0..4] != *b"RRaA" || info[484..488] != *b"rrAa" {
        return Ok(false);
    }
    let entries = (u64::from(g.clusters) + 2).min(g.fat_bytes / 4);
    let mut free = 0u32;
    let mut buf = vec![0u8; 1 << 20];
    let mut done = 0u64;
    disk.seek(SeekFrom::Start(g.fat_start))
        .map_err(Error::io(Access::Table))?;
    while done < entries {
        let n = ((entries - done) * 4).min(buf.len() as u64) as usize;
        disk.read_exact(&mut buf[..n])
            .map_err(Error::io(Access::Table))?;
        for (i, e) in buf[..n].chunks_exact(4).enumerate() {
            if done + i as u64 >= 2
                && u32::from_le_bytes([e[0], e[1], e[2], e[3]]) & 0x0FFF_FFFF == 0
            {
                free += 1;
            }
        }
        done += n as u64 / 4;
    }
    if info[488..492] == free.to_le_bytes() {
        return Ok(false);
    }
    disk.seek(SeekFrom::Start(info_at + 488))
        .and_then(|_| disk.write_all(&free.to_le_bytes()))
        .map_err(Error::io(Access::WriteFsInfo))?;
    Ok(true)
}

/// Rewrite the first entries of a directory cluster; true if changed.
fn fix_head(buf: &mut [u8], me: u32, parent: u32, kind: Kind) -> bool {
    let slots = buf.len() / ENTRY;
    let entry = |b: &[u8], i: usize| -> [u8; ENTRY] {
        let mut e = [0u8; ENTRY];
        e.copy_from_slice(&b[i * ENTRY..(i + 1) * ENTRY]);
        e
    };
    let is_short =
        |e: &[u8; ENTRY], name: &[u8; 11]| e[..11] == *name && e[11] & ATTR_LFN != ATTR_LFN;
    // Find the short `.` and `..` among the first few slots.
    let window = slots.min(8);
    let dot = (0..window).find(|&i| is_short(&entry(buf, i), &DOT));
    let dotdot = (0..window).find(|&i| is_short(&entry(buf, i), &DOTDOT));
    let (Some(dot), Some(dotdot)) = (dot, dotdot) else {
        return false; // not a layout we know: leave it to fsck
    };
    let mut d = entry(buf, dot);
    let mut dd = entry(buf, dotdot);
    set_first_cluster(&mut d, me, kind);
    set_first_cluster(&mut dd, parent, kind);
    let used = dot.max(dotdot) + 1;
    let mut head = Vec::with_capacity(used * ENTRY);
    head.extend_from_slice(&d);
    head.extend_from_slice(&dd);
    let tail_empty = used >= slots || buf[used * ENTRY] == 0x00;
    for _ in 2..used {
        let mut free = [0u8; ENTRY];
        if !tail_empty {
            free[0] = 0xE5;
        }
        head.extend_from_slice(&free);
    }
    if buf[..used * ENTRY] == head[..] {
        return false;
    }
    buf[..used * ENTRY].copy_from_slice(&head);
    true
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    /// A boot sector of 512-byte sectors, 1 per cluster, 1 reserved, 2
    /// tables of 8 sectors, 512 root entries, 4096 sectors in all.
    fn sector() -> Vec<u8> {
        let mut bs = vec![0u8; 4096 * 512];
        bs[11..13].copy_from_slice(&512u16.to_le_bytes());
        bs[13] = 1;
        bs[14..16].copy_from_slice(&1u16.to_le_bytes());
        bs[16] = 2;
        bs[17..19].copy_from_slice(&512u16.to_le_bytes());
        bs[19..21].copy_from_slice(&4096u16.to_le_bytes());
        bs[22..24].copy_from_slice(&8u16.to_le_bytes());
        bs[510..512].copy_from_slice(&[0x55, 0xAA]);
        bs
    }

    fn why(bs: Vec<u8>) -> Option<BootSector> {
        match Geometry::read(&mut Cursor::new(bs)) {
            Err(Error::NotFat(why)) => Some(why),
            Ok(_) => None,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn the_boot_sector_field_found_wrong_is_named() {
        assert_eq!(why(sector()), None);
        let with = |at: usize, bytes: &[u8]| {
            let mut bs = sector();
            bs[at..at + bytes.len()].copy_from_slice(bytes);
            why(bs)
        };
        assert_eq!(with(510, &[0, 0]), Some(BootSector::NoSignature));
        assert_eq!(
            with(11, &520u16.to_le_bytes()),
            Some(BootSector::SectorSize { bytes: 520 })
        );
        assert_eq!(with(13, &[3]), Some(BootSector::ClusterSize { sectors: 3 }));
        assert_eq!(with(14, &[0, 0]), Some(BootSector::NoReservedSectors));
        assert_eq!(with(16, &[0]), Some(BootSector::NoTables));
        assert_eq!(with(22, &[0, 0]), Some(BootSector::EmptyTables));
        // 1 + 2 * 8 + 32 root sectors: the data area starts at sector 49.
        assert_eq!(
            with(19, &40u16.to_le_bytes()),
            Some(BootSector::DataPastEnd {
                data: 49,
                total: 40
            })
        );
    }

    #[test]
    fn the_volume_size_is_its_sectors_times_their_size() {
        let size = crate::volume_size(&mut Cursor::new(sector())).expect("a FAT volume");
        assert_eq!(size, 4096 * 512);
        let mut bs = sector();
        bs[510] = 0;
        assert!(matches!(
            crate::volume_size(&mut Cursor::new(bs)),
            Err(Error::NotFat(BootSector::NoSignature))
        ));
    }

    #[test]
    fn a_boot_sector_finding_is_serializable() {
        let why = BootSector::DataPastEnd {
            data: 49,
            total: 40,
        };
        let doc = serde_json::to_value(&why).expect("JSON");
        assert_eq!(doc["field"], "data-past-end");
        assert_eq!(
            serde_json::from_value::<BootSector>(doc).expect("reads back"),
            why
        );
    }
}
