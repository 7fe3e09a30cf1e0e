//! Detection of one device: partition table, partitions, and what the disk
//! holds. Reads only; every problem becomes part of the report.

use crate::ferry;
use crate::gpt::{read_gpt_first, GptCopy, GptReadError, GptTable, MAX_LISTED_PROBLEMS};
use crate::io::read_at;
use crate::layout::Role;
use crate::mbr::{parse_mbr, Mbr};
use crate::part_type::{gpt_type_name, mbr_type_name};
use crate::probe::{identify, probe, Filesystem};
use crate::report::{
    Content, Foreign, Issue, IssueFact, PartitionInfo, PartitionRef, PartitionTable,
};
use crate::unreadable::Unreadable;
use crate::whole;
use std::io::{Read, Seek};

/// Partitions we look into for a file system; tables are 128 entries.
const MAX_PROBED: u32 = 128;

/// What detection found on a device, without the device's identity.
#[derive(Debug, Clone)]
pub struct Scan {
    /// Partition table.
    pub table: PartitionTable,
    /// Partitions.
    pub partitions: Vec<PartitionInfo>,
    /// What the disk's own bytes hold outside any partition (looked for
    /// on disks without partitions).
    pub signatures: Vec<Filesystem>,
    /// Content.
    pub content: Content,
    /// Inconsistencies.
    pub issues: Vec<Issue>,
}

impl Scan {
    fn unreadable(table: PartitionTable, why: Unreadable) -> Self {
        Scan {
            table,
            partitions: Vec::new(),
            signatures: Vec::new(),
            content: Content::Unreadable { why },
            issues: Vec::new(),
        }
    }
}

/// Detect what a device of `size` bytes, in logical sectors of
/// `sector_size` bytes, holds.
pub fn scan<D: Read + Seek>(dev: &mut D, size: u64, sector_size: u64) -> Scan {
    if size == 0 {
        return Scan::unreadable(PartitionTable::None, Unreadable::Empty);
    }
    if size < 512 {
        return Scan::unreadable(
            PartitionTable::None,
            Unreadable::SmallerThanASector { size },
        );
    }
    let mut sector0 = [0u8; 512];
    if let Err(e) = read_at(dev, 0, &mut sector0) {
        return Scan::unreadable(
            PartitionTable::None,
            Unreadable::FirstSector { error: (&e).into() },
        );
    }
    let mbr = parse_mbr(&sector0);
    match read_gpt_first(dev, size, sector_size) {
        Ok(gpt) => {
            let mut s = scan_gpt(dev, size, gpt);
            if let PartitionTable::Gpt {
                sector_size: table, ..
            } = s.table
            {
                if table != sector_size {
                    s.issues.push(Issue::new(IssueFact::SectorSizeDiffers {
                        table,
                        disk: sector_size,
                    }));
                }
            }
            return s;
        }
        Err(GptReadError::Damaged { primary, backup }) => {
            return Scan::unreadable(
                PartitionTable::Damaged,
                Unreadable::GptDamaged { primary, backup },
            )
        }
        Err(GptReadError::NotGpt) => {}
    }
    match mbr {
        Mbr::Protective => {
            Scan::unreadable(PartitionTable::Damaged, Unreadable::ProtectiveWithoutGpt)
        }
        // A boot sector of a file system on the whole disk (FAT, NTFS) also
        // ends in 0x55AA and often has an all-zero "partition table";
        // otherwise an MBR without entries is an empty partition table.
        Mbr::Table(entries) if entries.is_empty() => {
            let table = if identify(&sector0).is_some() {
                PartitionTable::None
            } else {
                PartitionTable::Mbr
            };
            scan_whole(dev, size, table, Vec::new())
        }
        Mbr::Table(entries) => {
            let mut issues = Vec::new();
            let partitions: Vec<PartitionInfo> = entries
                .iter()
                .map(|e| {
                    let start = u64::from(e.start_lba) * 512;
                    let len = u64::from(e.sectors) * 512;
                    check_inside(&mut issues, e.index, None, start, len, size);
                    PartitionInfo {
                        index: e.index,
                        start,
                        size: len,
                        type_id: format!("0x{:02x}", e.kind),
                        type_name: mbr_type_name(e.kind).map(str::to_string),
                        name: None,
                        filesystem: probe(dev, start, len.min(size.saturating_sub(start))),
                    }
                })
                .collect();
            check_overlaps(&mut issues, &partitions);
            let content = foreign(&partitions);
            Scan {
                table: PartitionTable::Mbr,
                partitions,
                signatures: Vec::new(),
                content,
                issues,
            }
        }
        Mbr::Absent | Mbr::NotATable => scan_whole(dev, size, PartitionTable::None, Vec::new()),
    }
}

fn scan_gpt<D: Read + Seek>(dev: &mut D, size: u64, gpt: GptTable) -> Scan {
    let mut issues = Vec::new();
    let ss = gpt.sector_size;
    match (gpt.used, &gpt.primary_problem, &gpt.backup_problem) {
        (GptCopy::Backup, Some(p), _) => issues.push(Issue::new(IssueFact::PrimaryGptDamaged {
            problem: p.clone(),
        })),
        (GptCopy::Primary, _, Some(b)) => issues.push(Issue::new(IssueFact::BackupGptDamaged {
            problem: b.clone(),
        })),
        _ => {}
    }
    if gpt.copies_differ {
        issues.push(Issue::new(IssueFact::GptCopiesDiffer));
    }
    // What is wrong with the entries, as the table's checks found it.
    for p in &gpt.problems {
        issues.push(Issue::new(IssueFact::TableDamaged { problem: p.clone() }));
    }
    let mut partitions = Vec::new();
    for e in &gpt.entries {
        // Clamped, for the report and for probing only: the problems
        // above already say where the entry points.
        let start = e.first_lba.saturating_mul(ss);
        let len = e
            .last_lba
            .checked_sub(e.first_lba)
            .map(|n| n.saturating_add(1).saturating_mul(ss))
            .unwrap_or(0);
        let label = (!e.name.is_empty()).then(|| e.name.clone());
        let readable_len = len.min(size.saturating_sub(start));
        partitions.push(PartitionInfo {
            index: e.index,
            start,
            size: len,
            type_id: e.type_guid.to_string(),
            type_name: gpt_type_name(&e.type_guid).map(str::to_string),
            name: label,
            filesystem: (e.index <= MAX_PROBED && readable_len > 0)
                .then(|| probe(dev, start, readable_len))
                .flatten(),
        });
    }
    let table = PartitionTable::Gpt {
        used: gpt.used,
        sector_size: ss,
        disk_guid: gpt.header.disk_guid,
    };
    if partitions.is_empty() {
        return scan_whole(dev, size, table, issues);
    }
    let is_ferry = partitions.iter().any(|p| {
        p.name
            .as_deref()
            .and_then(Role::from_partition_name)
            .is_some()
    });
    let content = if is_ferry {
        Content::Ferry(Box::new(ferry::inspect(
            dev,
            size,
            &partitions,
            &mut issues,
        )))
    } else {
        foreign(&partitions)
    };
    Scan {
        table,
        partitions,
        signatures: Vec::new(),
        content,
        issues,
    }
}

/// A disk without partitions: its table (none, or an empty one) and what
/// its own bytes hold, as [`whole::classify`] decides.
fn scan_whole<D: Read + Seek>(
    dev: &mut D,
    size: u64,
    table: PartitionTable,
    issues: Vec<Issue>,
) -> Scan {
    match whole::classify(dev, size, &table) {
        Ok((content, signatures)) => Scan {
            table,
            partitions: Vec::new(),
            signatures,
            content,
            issues,
        },
        Err(reason) => Scan {
            issues,
            ..Scan::unreadable(table, reason)
        },
    }
}

/// Partitions of something else, with the systems they point at.
fn foreign(partitions: &[PartitionInfo]) -> Content {
    let mut looks_like: Vec<String> = Vec::new();
    for p in partitions {
        let os = system_of(p.type_name.as_deref(), p.filesystem.as_ref());
        if let Some(os) = os {
            if !looks_like.iter().any(|o| o == os) {
                looks_like.push(os.to_string());
            }
        }
    }
    Content::Foreign {
        found: Foreign::Partitions {
            count: partitions.len() as u64,
            systems: looks_like.clone(),
        },
        looks_like,
    }
}

/// The operating system a partition type or a recognised format points
/// at, if it is a telling one.
pub(crate) fn system_of(type_name: Option<&str>, fs: Option<&Filesystem>) -> Option<&'static str> {
    let ty = type_name.unwrap_or("");
    let fs = fs.map(|f| f.kind.as_str()).unwrap_or("");
    let linux_fs = [
        "ext2", "ext3", "ext4", "XFS", "btrfs", "F2FS", "LVM", "LUKS", "Linux",
    ];
    if ty.starts_with("Microsoft") || ty.starts_with("Windows") || fs.starts_with("NTFS") {
        Some("Windows")
    } else if ty.starts_with("Linux") || linux_fs.iter().any(|l| fs.starts_with(l)) {
        Some("Linux")
    } else if ty.starts_with("VMware") {
        Some("VMware ESXi")
    } else if ty.starts_with("Apple") || fs == "APFS" || fs == "HFS+" {
        Some("macOS")
    } else if ty.contains("BSD") {
        Some("BSD")
    } else {
        None
    }
}

fn check_inside(
    issues: &mut Vec<Issue>,
    index: u32,
    name: Option<&str>,
    start: u64,
    len: u64,
    size: u64,
) {
    let end = start.saturating_add(len);
    if end > size {
        issues.push(Issue::new(IssueFact::PartitionPastEnd {
            partition: PartitionRef::new(index, name),
            end,
            disk_size: size,
        }));
    }
}

fn check_overlaps(issues: &mut Vec<Issue>, parts: &[PartitionInfo]) {
    // A hostile table can make every pair overlap; name a few, count the rest.
    let (mut named, mut more) = (0usize, 0u64);
    for (i, a) in parts.iter().enumerate() {
        for b in &parts[i + 1..] {
            let (a_end, b_end) = (
                a.start.saturating_add(a.size),
                b.start.saturating_add(b.size),
            );
            if a.size > 0 && b.size > 0 && a.start < b_end && b.start < a_end {
                if named == MAX_LISTED_PROBLEMS {
                    more += 1;
                    continue;
                }
                named += 1;
                issues.push(Issue::new(IssueFact::PartitionsOverlap {
                    a: PartitionRef::new(a.index, a.name.as_deref()),
                    b: PartitionRef::new(b.index, b.name.as_deref()),
                }));
            }
        }
    }
    if more > 0 {
        issues.push(Issue::new(IssueFact::MoreOverlaps { count: more }));
    }
}
