//! Reading a GUID partition table, checking both copies.
//!
//! We parse GPT ourselves for reading instead of using the `gpt` crate: its
//! reader asserts (panics) on an entry size other than 128, allocates
//! whatever entry array size a header claims, fails as a whole when the
//! primary entry array's CRC is wrong instead of falling back to the backup
//! copy, and does not say which copy it used. A technician needs to know
//! "primary damaged, backup intact", so we check each copy's header CRC and
//! entry array CRC (crc32fast) and report. Writing stays with the `gpt`
//! crate; tests read what it writes.
//!
//! A table whose checksums are right can still be damaged or hostile:
//! [`parse_header`] refuses a copy whose area for partitions covers the
//! protective MBR, a header or its own entry array, and [`check_entries`]
//! names every partition that ends before it starts, runs past the end of
//! the disk, leaves that area, or shares sectors with another. The install
//! engine refuses to upgrade a disk with any of these.

use crate::guid::Guid;
use crate::io::read_at;
use crate::layout::SECTOR_SIZES;
use crate::system::SystemError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::io::{Read, Seek};

/// Largest entry array we read (the usual one is 16 KiB).
const MAX_ENTRY_ARRAY: u64 = 1024 * 1024;
/// Problems of each kind (bad entries, overlapping pairs) named one by
/// one; the rest are counted. A hostile table can make every pair of its
/// 8192 entries overlap.
pub const MAX_LISTED_PROBLEMS: usize = 32;
/// Bytes of a GPT header we interpret.
const HEADER_LEN: usize = 92;

/// Which of the two GPT copies a table was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GptCopy {
    /// The primary header at LBA 1.
    Primary,
    /// The backup header at the end of the disk.
    Backup,
}

/// A GPT header that passed its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GptHeader {
    /// LBA of this header.
    pub my_lba: u64,
    /// LBA of the other copy's header.
    pub alternate_lba: u64,
    /// First LBA partitions may use.
    pub first_usable: u64,
    /// Last LBA partitions may use.
    pub last_usable: u64,
    /// Disk GUID.
    pub disk_guid: Guid,
    /// LBA of the partition entry array.
    pub entries_lba: u64,
    /// Number of entries in the array.
    pub entry_count: u32,
    /// Size of one entry in bytes.
    pub entry_size: u32,
    /// CRC32 of the entry array.
    pub entries_crc: u32,
}

/// One used GPT partition entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GptEntry {
    /// 1-based index in the entry array (what `sgdisk` and Linux number).
    pub index: u32,
    /// Partition type GUID.
    pub type_guid: Guid,
    /// Unique partition GUID.
    pub part_guid: Guid,
    /// First LBA, inclusive.
    pub first_lba: u64,
    /// Last LBA, inclusive.
    pub last_lba: u64,
    /// Attribute bits.
    pub attributes: u64,
    /// Partition name (UTF-16 on disk).
    pub name: String,
}

/// A GPT read from a disk, with what was wrong with either copy.
#[derive(Debug, Clone)]
pub struct GptTable {
    /// Logical sector size the table was found with.
    pub sector_size: u64,
    /// Copy the partitions come from.
    pub used: GptCopy,
    /// Header of the copy used.
    pub header: GptHeader,
    /// Used entries, in array order.
    pub entries: Vec<GptEntry>,
    /// Why the primary copy was not usable, if it was not.
    pub primary_problem: Option<CopyProblem>,
    /// Why the backup copy was not usable, if it was not.
    pub backup_problem: Option<CopyProblem>,
    /// Both copies are valid but list different partitions.
    pub copies_differ: bool,
    /// What is wrong with the used copy's entries ([`check_entries`]);
    /// empty for a sound table.
    pub problems: Vec<EntryProblem>,
}

/// A partition entry as a problem names it: number, name and sectors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryExtent {
    /// 1-based index in the entry array.
    pub index: u32,
    /// Partition name (may be empty).
    pub name: String,
    /// First LBA, as the entry says.
    pub first_lba: u64,
    /// Last LBA, as the entry says.
    pub last_lba: u64,
}

impl EntryExtent {
    fn of(e: &GptEntry) -> Self {
        EntryExtent {
            index: e.index,
            name: e.name.clone(),
            first_lba: e.first_lba,
            last_lba: e.last_lba,
        }
    }
}

impl fmt::Display for EntryExtent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (", self.index)?;
        if !self.name.is_empty() {
            write!(f, "{}, ", self.name)?;
        }
        write!(f, "sectors {} to {})", self.first_lba, self.last_lba)
    }
}

/// What is wrong with the entries of a GPT whose checksums are right.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum EntryProblem {
    /// The last sector comes before the first.
    #[error("partition {part} ends before it starts")]
    EndsBeforeStart {
        /// The partition.
        part: EntryExtent,
    },
    /// The partition runs past the last sector of the disk.
    #[error(
        "partition {part} runs past the end of the disk, which has {disk_sectors} sectors \
         (truncated image or wrong disk size)"
    )]
    PastEnd {
        /// The partition.
        part: EntryExtent,
        /// Sectors of the disk.
        disk_sectors: u64,
    },
    /// The partition leaves the area the header allows for partitions,
    /// outside which lie the protective MBR and the GPT itself.
    #[error(
        "partition {part} lies outside sectors {first_usable} to {last_usable}, the area the \
         GPT allows for partitions (the partition table itself lies outside it)"
    )]
    OutsideUsable {
        /// The partition.
        part: EntryExtent,
        /// First usable sector, from the header.
        first_usable: u64,
        /// Last usable sector, from the header.
        last_usable: u64,
    },
    /// Two partitions share sectors.
    #[error("partitions {a} and {b} overlap")]
    Overlap {
        /// The one first in the entry array.
        a: EntryExtent,
        /// The other.
        b: EntryExtent,
    },
    /// Bad entries beyond the [`MAX_LISTED_PROBLEMS`] named.
    #[error("{count} more partitions lie outside the disk or end before they start")]
    MoreBadEntries {
        /// How many.
        count: u64,
    },
    /// Overlapping pairs beyond the [`MAX_LISTED_PROBLEMS`] named.
    #[error("{count} more pairs of partitions overlap")]
    MoreOverlaps {
        /// How many.
        count: u64,
    },
}

impl EntryProblem {
    /// Whether the problem is partitions sharing sectors (rather than one
    /// partition in the wrong place).
    pub fn is_overlap(&self) -> bool {
        matches!(
            self,
            EntryProblem::Overlap { .. } | EntryProblem::MoreOverlaps { .. }
        )
    }
}

/// Check the used entries of a table against its header and the disk of
/// `disk_sectors` sectors: each starts no later than it ends, lies inside
/// the disk and inside the header's area for partitions, and no two share
/// a sector. Only comparisons of sector numbers: nothing can overflow.
pub fn check_entries(
    header: &GptHeader,
    entries: &[GptEntry],
    disk_sectors: u64,
) -> Vec<EntryProblem> {
    let mut problems = Vec::new();
    let mut unlisted = 0u64;
    let mut bad = |problem: EntryProblem, problems: &mut Vec<EntryProblem>| {
        if problems.len() < MAX_LISTED_PROBLEMS {
            problems.push(problem);
        } else {
            unlisted += 1;
        }
    };
    let mut ordered = Vec::with_capacity(entries.len());
    for e in entries {
        let part = EntryExtent::of(e);
        if e.last_lba < e.first_lba {
            bad(EntryProblem::EndsBeforeStart { part }, &mut problems);
            continue;
        }
        if e.last_lba >= disk_sectors {
            bad(EntryProblem::PastEnd { part, disk_sectors }, &mut problems);
        } else if e.first_lba < header.first_usable || e.last_lba > header.last_usable {
            let (first_usable, last_usable) = (header.first_usable, header.last_usable);
            bad(
                EntryProblem::OutsideUsable {
                    part,
                    first_usable,
                    last_usable,
                },
                &mut problems,
            );
        }
        ordered.push(e);
    }
    if unlisted > 0 {
        problems.push(EntryProblem::MoreBadEntries { count: unlisted });
    }
    let (mut named, mut more) = (0usize, 0u64);
    for (i, a) in ordered.iter().enumerate() {
        for b in &ordered[i + 1..] {
            if a.first_lba <= b.last_lba && b.first_lba <= a.last_lba {
                if named < MAX_LISTED_PROBLEMS {
                    named += 1;
                    problems.push(EntryProblem::Overlap {
                        a: EntryExtent::of(a),
                        b: EntryExtent::of(b),
                    });
                } else {
                    more += 1;
                }
            }
        }
    }
    if more > 0 {
        problems.push(EntryProblem::MoreOverlaps { count: more });
    }
    problems
}

/// Why no GPT could be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GptReadError {
    /// Neither location holds a GPT signature: the disk is not GPT.
    NotGpt,
    /// A GPT signature is there but neither copy passes its checks.
    Damaged {
        /// What is wrong with the primary copy.
        primary: CopyProblem,
        /// What is wrong with the backup copy.
        backup: CopyProblem,
    },
}

/// Why one copy of the GPT (its header or its entry array) is unusable,
/// as its checks found it, in the order they run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum CopyProblem {
    /// The sector is shorter than a header.
    #[error("header sector is too short")]
    TooShort,
    /// No `EFI PART` signature.
    #[error("no GPT signature")]
    NoSignature,
    /// The header's size field is smaller than a header or larger than
    /// its sector.
    #[error("header size {size} is invalid")]
    HeaderSize { size: u32 },
    /// The header's CRC does not match.
    #[error("header checksum is wrong")]
    HeaderChecksum,
    /// The header names another sector as its own.
    #[error("header says it is at sector {says} but was read from sector {read_from}")]
    WrongPlace { says: u64, read_from: u64 },
    /// Entries of fewer than 128 bytes or not a multiple of 8.
    #[error("partition entry size {size} is invalid")]
    EntrySize { size: u32 },
    /// More than the entry array detection reads.
    #[error("partition entry array of {bytes} bytes is implausibly large")]
    ArrayTooLarge { bytes: u64 },
    /// The area for partitions ends before it starts.
    #[error("first usable sector lies after the last usable sector")]
    UsableReversed,
    /// The entry array starts past the end of the disk.
    #[error("partition entry array lies beyond the end of the disk")]
    ArrayBeyondEnd,
    /// The entry array covers sector 0 or the header.
    #[error("partition entry array overlaps the header")]
    ArrayOverlapsHeader,
    /// The area for partitions covers a sector of the table.
    #[error("the area for partitions (sectors {first} to {last}) includes {what} (sector {lba})")]
    AreaIncludes {
        first: u64,
        last: u64,
        what: TableSector,
        lba: u64,
    },
    /// The area for partitions covers the entry array.
    #[error(
        "the area for partitions (sectors {first} to {last}) includes the partition entry \
         array (sectors {array_first} to {array_last})"
    )]
    AreaIncludesArray {
        first: u64,
        last: u64,
        array_first: u64,
        array_last: u64,
    },
    /// The header's sector lies past what the disk addresses.
    #[error("sector {lba} lies beyond the end of the disk")]
    SectorBeyondEnd { lba: u64 },
    /// The header's sector could not be read.
    #[error("cannot read sector {lba}: {error}")]
    ReadSector {
        lba: u64,
        #[serde(flatten)]
        error: SystemError,
    },
    /// The primary header puts the backup past the end of the disk.
    #[error("backup header at sector {lba} lies beyond the end of the disk ({sectors} sectors)")]
    BackupBeyondEnd { lba: u64, sectors: u64 },
    /// The entry array runs past the end of the disk.
    #[error("partition entry array runs past the end of the disk")]
    ArrayPastEnd,
    /// The entry array could not be read.
    #[error("cannot read the partition entry array: {error}")]
    ReadArray {
        #[serde(flatten)]
        error: SystemError,
    },
    /// The entry array's CRC does not match.
    #[error("partition entry array checksum is wrong")]
    ArrayChecksum,
}

/// A sector the GPT itself holds, which no partition may cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "kebab-case")]
pub enum TableSector {
    /// Sector 0.
    #[error("the protective MBR")]
    ProtectiveMbr,
    /// The header being checked.
    #[error("this header")]
    ThisHeader,
    /// The other copy's header.
    #[error("the other copy's header")]
    OtherHeader,
}

/// Parse and check a GPT header sector. `expected_lba` is where it was read
/// from; `disk_sectors` the size of the disk in sectors.
pub fn parse_header(
    sector: &[u8],
    expected_lba: u64,
    disk_sectors: u64,
) -> Result<GptHeader, CopyProblem> {
    if sector.len() < HEADER_LEN {
        return Err(CopyProblem::TooShort);
    }
    if &sector[0..8] != b"EFI PART" {
        return Err(CopyProblem::NoSignature);
    }
    let size = le32(sector, 12);
    let header_size = usize::try_from(size).unwrap_or(usize::MAX);
    if header_size < HEADER_LEN || header_size > sector.len() {
        return Err(CopyProblem::HeaderSize { size });
    }
    let stored_crc = le32(sector, 16);
    let mut copy = sector[..header_size].to_vec();
    copy[16..20].fill(0);
    if crc32fast::hash(&copy) != stored_crc {
        return Err(CopyProblem::HeaderChecksum);
    }
    let h = GptHeader {
        my_lba: le64(sector, 24),
        alternate_lba: le64(sector, 32),
        first_usable: le64(sector, 40),
        last_usable: le64(sector, 48),
        disk_guid: Guid(arr16(sector, 56)),
        entries_lba: le64(sector, 72),
        entry_count: le32(sector, 80),
        entry_size: le32(sector, 84),
        entries_crc: le32(sector, 88),
    };
    if h.my_lba != expected_lba {
        return Err(CopyProblem::WrongPlace {
            says: h.my_lba,
            read_from: expected_lba,
        });
    }
    if h.entry_size < 128 || !h.entry_size.is_multiple_of(8) {
        return Err(CopyProblem::EntrySize { size: h.entry_size });
    }
    let array = u64::from(h.entry_count) * u64::from(h.entry_size);
    if array > MAX_ENTRY_ARRAY {
        return Err(CopyProblem::ArrayTooLarge { bytes: array });
    }
    if h.first_usable > h.last_usable.saturating_add(1) {
        return Err(CopyProblem::UsableReversed);
    }
    if h.entries_lba >= disk_sectors {
        return Err(CopyProblem::ArrayBeyondEnd);
    }
    // The entry array in sectors; `array` is at most 1 MiB, so no overflow
    // but on a hostile `entries_lba`, which is checked.
    let ss = sector.len() as u64;
    let array_last = h
        .entries_lba
        .checked_add(array.div_ceil(ss).max(1) - 1)
        .ok_or(CopyProblem::ArrayBeyondEnd)?;
    let array_sectors = h.entries_lba..=array_last;
    if array_sectors.contains(&0) || array_sectors.contains(&expected_lba) {
        return Err(CopyProblem::ArrayOverlapsHeader);
    }
    // Partitions may use only sectors that hold no part of the table.
    let usable = h.first_usable..=h.last_usable;
    for (what, lba) in [
        (TableSector::ProtectiveMbr, 0),
        (TableSector::ThisHeader, expected_lba),
        (TableSector::OtherHeader, h.alternate_lba),
    ] {
        if usable.contains(&lba) {
            return Err(CopyProblem::AreaIncludes {
                first: h.first_usable,
                last: h.last_usable,
                what,
                lba,
            });
        }
    }
    if h.entries_lba <= h.last_usable && array_last >= h.first_usable {
        return Err(CopyProblem::AreaIncludesArray {
            first: h.first_usable,
            last: h.last_usable,
            array_first: h.entries_lba,
            array_last,
        });
    }
    Ok(h)
}

/// Parse the used entries of an entry array (`entry_size` bytes each).
pub fn parse_entries(array: &[u8], entry_size: usize) -> Vec<GptEntry> {
    if entry_size < 128 {
        return Vec::new();
    }
    array
        .chunks_exact(entry_size)
        .enumerate()
        .filter_map(|(i, e)| {
            let type_guid = Guid(arr16(e, 0));
            if type_guid.is_nil() {
                return None;
            }
            let units: Vec<u16> = e[56..128]
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .take_while(|&u| u != 0)
                .collect();
            Some(GptEntry {
                index: u32::try_from(i + 1).unwrap_or(u32::MAX),
                type_guid,
                part_guid: Guid(arr16(e, 16)),
                first_lba: le64(e, 32),
                last_lba: le64(e, 40),
                attributes: le64(e, 48),
                name: String::from_utf16_lossy(&units),
            })
        })
        .collect()
}

/// Read the GPT of a device of `size` bytes, trying 512-byte and then
/// 4096-byte logical sectors.
pub fn read_gpt<D: Read + Seek>(dev: &mut D, size: u64) -> Result<GptTable, GptReadError> {
    read_gpt_first(dev, size, SECTOR_SIZES[0])
}

/// [`read_gpt`] trying `sector_size`, the device's own logical sector
/// size, first: the table the kernel and the firmware see on it. A table
/// found with the other size says so in [`GptTable::sector_size`].
pub fn read_gpt_first<D: Read + Seek>(
    dev: &mut D,
    size: u64,
    sector_size: u64,
) -> Result<GptTable, GptReadError> {
    let mut damage = None;
    let others = SECTOR_SIZES.into_iter().filter(|&s| s != sector_size);
    for sector_size in std::iter::once(sector_size).chain(others) {
        match read_with_sector_size(dev, size, sector_size) {
            Ok(t) => return Ok(t),
            Err(GptReadError::NotGpt) => {}
            Err(e) => damage = damage.or(Some(e)),
        }
    }
    Err(damage.unwrap_or(GptReadError::NotGpt))
}

/// A checked copy: header and its used entries.
type Copy = (GptHeader, Vec<GptEntry>);

fn read_with_sector_size<D: Read + Seek>(
    dev: &mut D,
    size: u64,
    ss: u64,
) -> Result<GptTable, GptReadError> {
    let sectors = size / ss;
    if sectors < 3 {
        return Err(GptReadError::NotGpt);
    }
    let primary = read_copy(dev, 1, sectors, ss);
    // The backup normally sits in the last sector; the primary says where
    // it put it, which differs when a disk image was grown or cut short.
    let mut backup_lbas = vec![sectors - 1];
    if let Ok((h, _)) = &primary {
        if h.alternate_lba != sectors - 1 {
            backup_lbas.insert(0, h.alternate_lba);
        }
    }
    let mut backup = Err(Problem::Missing);
    for lba in backup_lbas {
        backup = if lba >= sectors {
            Err(Problem::Damaged(CopyProblem::BackupBeyondEnd {
                lba,
                sectors,
            }))
        } else {
            read_copy(dev, lba, sectors, ss)
        };
        if backup.is_ok() {
            break;
        }
    }
    let problem = |p: &Result<Copy, Problem>| p.as_ref().err().map(Problem::problem);
    let (primary_problem, backup_problem) = (problem(&primary), problem(&backup));
    match (primary, backup) {
        (Ok((header, entries)), backup) => {
            let copies_differ =
                matches!(&backup, Ok((b, _)) if b.entries_crc != header.entries_crc);
            Ok(GptTable {
                sector_size: ss,
                used: GptCopy::Primary,
                problems: check_entries(&header, &entries, sectors),
                header,
                entries,
                primary_problem,
                backup_problem,
                copies_differ,
            })
        }
        (Err(_), Ok((header, entries))) => Ok(GptTable {
            sector_size: ss,
            used: GptCopy::Backup,
            problems: check_entries(&header, &entries, sectors),
            header,
            entries,
            primary_problem,
            backup_problem,
            copies_differ: false,
        }),
        (Err(Problem::Missing), Err(Problem::Missing)) => Err(GptReadError::NotGpt),
        (Err(p), Err(b)) => Err(GptReadError::Damaged {
            primary: p.problem(),
            backup: b.problem(),
        }),
    }
}

/// Why one copy is unusable: no signature at all, or damaged.
enum Problem {
    Missing,
    Damaged(CopyProblem),
}

impl Problem {
    fn problem(&self) -> CopyProblem {
        match self {
            Problem::Missing => CopyProblem::NoSignature,
            Problem::Damaged(p) => p.clone(),
        }
    }
}

fn read_copy<D: Read + Seek>(
    dev: &mut D,
    lba: u64,
    sectors: u64,
    ss: u64,
) -> Result<Copy, Problem> {
    let beyond = || Problem::Damaged(CopyProblem::SectorBeyondEnd { lba });
    let mut sector = vec![0u8; usize::try_from(ss).map_err(|_| beyond())?];
    read_at(dev, lba.checked_mul(ss).ok_or_else(beyond)?, &mut sector).map_err(|e| {
        Problem::Damaged(CopyProblem::ReadSector {
            lba,
            error: (&e).into(),
        })
    })?;
    if &sector[0..8] != b"EFI PART" {
        return Err(Problem::Missing);
    }
    let header = parse_header(&sector, lba, sectors).map_err(Problem::Damaged)?;
    // At most MAX_ENTRY_ARRAY, as parse_header checked.
    let len = u64::from(header.entry_count) * u64::from(header.entry_size);
    let start = header.entries_lba.checked_mul(ss);
    let (Some(start), true) = (
        start,
        start
            .and_then(|s| s.checked_add(len))
            .is_some_and(|end| end <= sectors.saturating_mul(ss)),
    ) else {
        return Err(Problem::Damaged(CopyProblem::ArrayPastEnd));
    };
    let mut array = vec![0u8; len as usize];
    read_at(dev, start, &mut array)
        .map_err(|e| Problem::Damaged(CopyProblem::ReadArray { error: (&e).into() }))?;
    if crc32fast::hash(&array) != header.entries_crc {
        return Err(Problem::Damaged(CopyProblem::ArrayChecksum));
    }
    let entries = parse_entries(&array, header.entry_size as usize);
    Ok((header, entries))
}

fn le32(b: &[u8], at: usize) -> u32 {
    let mut x = [0u8; 4];
    x.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(x)
}

fn le64(b: &[u8], at: usize) -> u64 {
    let mut x = [0u8; 8];
    x.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(x)
}

fn arr16(b: &[u8], at: usize) -> [u8; 16] {
    let mut x = [0u8; 16];
    x.copy_from_slice(&b[at..at + 16]);
    x
}
