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

use crate::guid::Guid;
use crate::io::read_at;
use serde::{Deserialize, Serialize};
use std::io::{Read, Seek};

/// Largest entry array we read (the usual one is 16 KiB).
const MAX_ENTRY_ARRAY: u64 = 1024 * 1024;
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
    pub primary_problem: Option<String>,
    /// Why the backup copy was not usable, if it was not.
    pub backup_problem: Option<String>,
    /// Both copies are valid but list different partitions.
    pub copies_differ: bool,
}

/// Why no GPT could be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GptReadError {
    /// Neither location holds a GPT signature: the disk is not GPT.
    NotGpt,
    /// A GPT signature is there but neither copy passes its checks.
    Damaged {
        /// What is wrong with the primary copy.
        primary: String,
        /// What is wrong with the backup copy.
        backup: String,
    },
}

/// Parse and check a GPT header sector. `expected_lba` is where it was read
/// from; `disk_sectors` the size of the disk in sectors.
pub fn parse_header(
    sector: &[u8],
    expected_lba: u64,
    disk_sectors: u64,
) -> Result<GptHeader, String> {
    if sector.len() < HEADER_LEN {
        return Err("header sector is too short".into());
    }
    if &sector[0..8] != b"EFI PART" {
        return Err("no GPT signature".into());
    }
    let header_size = le32(sector, 12) as usize;
    if header_size < HEADER_LEN || header_size > sector.len() {
        return Err(format!("header size {header_size} is invalid"));
    }
    let stored_crc = le32(sector, 16);
    let mut copy = sector[..header_size].to_vec();
    copy[16..20].fill(0);
    if crc32fast::hash(&copy) != stored_crc {
        return Err("header checksum is wrong".into());
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
        return Err(format!(
            "header says it is at sector {} but was read from sector {expected_lba}",
            h.my_lba
        ));
    }
    if h.entry_size < 128 || !h.entry_size.is_multiple_of(8) {
        return Err(format!("partition entry size {} is invalid", h.entry_size));
    }
    let array = u64::from(h.entry_count) * u64::from(h.entry_size);
    if array > MAX_ENTRY_ARRAY {
        return Err(format!(
            "partition entry array of {array} bytes is implausibly large"
        ));
    }
    if h.first_usable > h.last_usable.saturating_add(1) {
        return Err("first usable sector lies after the last usable sector".into());
    }
    if (h.entries_lba < 2 && expected_lba == 1) || h.entries_lba == expected_lba {
        return Err("partition entry array overlaps the header".into());
    }
    if h.entries_lba >= disk_sectors {
        return Err("partition entry array lies beyond the end of the disk".into());
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
    let mut damage = None;
    for sector_size in [512u64, 4096] {
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
    let mut backup = Err(Problem::Missing("no GPT signature".into()));
    for lba in backup_lbas {
        backup = if lba >= sectors {
            Err(Problem::Damaged(format!(
                "backup header at sector {lba} lies beyond the end of the disk ({sectors} sectors)"
            )))
        } else {
            read_copy(dev, lba, sectors, ss)
        };
        if backup.is_ok() {
            break;
        }
    }
    let text = |p: &Result<Copy, Problem>| p.as_ref().err().map(|p| p.text().to_string());
    let (primary_problem, backup_problem) = (text(&primary), text(&backup));
    match (primary, backup) {
        (Ok((header, entries)), backup) => {
            let copies_differ =
                matches!(&backup, Ok((b, _)) if b.entries_crc != header.entries_crc);
            Ok(GptTable {
                sector_size: ss,
                used: GptCopy::Primary,
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
            header,
            entries,
            primary_problem,
            backup_problem,
            copies_differ: false,
        }),
        (Err(Problem::Missing(_)), Err(Problem::Missing(_))) => Err(GptReadError::NotGpt),
        (Err(p), Err(b)) => Err(GptReadError::Damaged {
            primary: p.text().to_string(),
            backup: b.text().to_string(),
        }),
    }
}

/// Why one copy is unusable: no signature at all, or damaged.
enum Problem {
    Missing(String),
    Damaged(String),
}

impl Problem {
    fn text(&self) -> &str {
        match self {
            Problem::Missing(s) | Problem::Damaged(s) => s,
        }
    }
}

fn read_copy<D: Read + Seek>(
    dev: &mut D,
    lba: u64,
    sectors: u64,
    ss: u64,
) -> Result<Copy, Problem> {
    let mut sector = vec![0u8; ss as usize];
    read_at(dev, lba * ss, &mut sector)
        .map_err(|e| Problem::Damaged(format!("cannot read sector {lba}: {e}")))?;
    if &sector[0..8] != b"EFI PART" {
        return Err(Problem::Missing("no GPT signature".into()));
    }
    let header = parse_header(&sector, lba, sectors).map_err(Problem::Damaged)?;
    let len = u64::from(header.entry_count) * u64::from(header.entry_size);
    let end = header.entries_lba.saturating_mul(ss).saturating_add(len);
    if end > sectors.saturating_mul(ss) {
        return Err(Problem::Damaged(
            "partition entry array runs past the end of the disk".into(),
        ));
    }
    let mut array = vec![0u8; len as usize];
    read_at(dev, header.entries_lba * ss, &mut array)
        .map_err(|e| Problem::Damaged(format!("cannot read the partition entry array: {e}")))?;
    if crc32fast::hash(&array) != header.entries_crc {
        return Err(Problem::Damaged(
            "partition entry array checksum is wrong".into(),
        ));
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
