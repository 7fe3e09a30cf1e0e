//! Detection of one device: partition table, partitions, and what the disk
//! holds. Reads only; every problem becomes part of the report.

use crate::ferry;
use crate::gpt::{read_gpt, GptCopy, GptReadError, GptTable};
use crate::io::read_at;
use crate::layout::Role;
use crate::mbr::{parse_mbr, Mbr};
use crate::part_type::{gpt_type_name, mbr_type_name};
use crate::probe::{identify, probe};
use crate::report::{Content, Issue, IssueKind, PartitionInfo, PartitionTable};
use std::io::{Read, Seek};

/// How much of the start of a disk must be zero for it to count as blank.
const BLANK_CHECK_LEN: u64 = 1024 * 1024;
/// Partitions we look into for a file system; tables are 128 entries.
const MAX_PROBED: u32 = 128;
/// Overlap issues named one by one before the rest are counted.
const MAX_OVERLAP_ISSUES: usize = 32;

/// What detection found on a device, without the device's identity.
#[derive(Debug, Clone)]
pub struct Scan {
    /// Partition table.
    pub table: PartitionTable,
    /// Partitions.
    pub partitions: Vec<PartitionInfo>,
    /// Content.
    pub content: Content,
    /// Inconsistencies.
    pub issues: Vec<Issue>,
}

impl Scan {
    fn unreadable(table: PartitionTable, reason: String) -> Self {
        Scan {
            table,
            partitions: Vec::new(),
            content: Content::Unreadable { reason },
            issues: Vec::new(),
        }
    }
}

/// Detect what a device of `size` bytes holds.
pub fn scan<D: Read + Seek>(dev: &mut D, size: u64) -> Scan {
    if size == 0 {
        return Scan::unreadable(
            PartitionTable::None,
            "the disk is empty (0 bytes): no medium, or a truncated image".into(),
        );
    }
    if size < 512 {
        return Scan::unreadable(
            PartitionTable::None,
            format!("the disk has only {size} bytes, less than one sector"),
        );
    }
    let mut sector0 = [0u8; 512];
    if let Err(e) = read_at(dev, 0, &mut sector0) {
        return Scan::unreadable(PartitionTable::None, format!("cannot read sector 0: {e}"));
    }
    let mbr = parse_mbr(&sector0);
    match read_gpt(dev, size) {
        Ok(gpt) => return scan_gpt(dev, size, gpt),
        Err(GptReadError::Damaged { primary, backup }) => {
            return Scan::unreadable(
                PartitionTable::Damaged,
                format!("the GPT is damaged in both copies (primary: {primary}; backup: {backup})"),
            )
        }
        Err(GptReadError::NotGpt) => {}
    }
    match mbr {
        Mbr::Protective => Scan::unreadable(
            PartitionTable::Damaged,
            "a protective MBR announces a GPT, but no GPT header was found".into(),
        ),
        // A file system boot sector on the whole disk also ends in 0x55AA
        // and often has an all-zero "partition table".
        Mbr::Table(entries) if entries.is_empty() && identify(&sector0).is_some() => {
            scan_unpartitioned(dev, size)
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
                        filesystem: probe(dev, start, len),
                    }
                })
                .collect();
            check_overlaps(&mut issues, &partitions);
            let content = foreign_or_blank(&partitions);
            Scan {
                table: PartitionTable::Mbr,
                partitions,
                content,
                issues,
            }
        }
        Mbr::Absent | Mbr::NotATable => scan_unpartitioned(dev, size),
    }
}

fn scan_gpt<D: Read + Seek>(dev: &mut D, size: u64, gpt: GptTable) -> Scan {
    let mut issues = Vec::new();
    let ss = gpt.sector_size;
    match (gpt.used, &gpt.primary_problem, &gpt.backup_problem) {
        (GptCopy::Backup, Some(p), _) => issues.push(Issue::new(
            IssueKind::PrimaryGptDamaged,
            format!("the primary GPT is damaged ({p}); the partitions were read from the intact backup copy"),
        )),
        (GptCopy::Primary, _, Some(b)) => issues.push(Issue::new(
            IssueKind::BackupGptDamaged,
            format!("the backup GPT is damaged or missing ({b}); the primary copy was used"),
        )),
        _ => {}
    }
    if gpt.copies_differ {
        issues.push(Issue::new(
            IssueKind::GptCopiesDiffer,
            "the primary and backup GPT list different partitions; the primary was used",
        ));
    }
    let usable_start = gpt.header.first_usable.saturating_mul(ss);
    let usable_end = gpt.header.last_usable.saturating_add(1).saturating_mul(ss);
    let mut partitions = Vec::new();
    for e in &gpt.entries {
        let start = e.first_lba.saturating_mul(ss);
        let len = e
            .last_lba
            .checked_sub(e.first_lba)
            .map(|n| n.saturating_add(1).saturating_mul(ss))
            .unwrap_or(0);
        let label = (!e.name.is_empty()).then(|| e.name.clone());
        if len == 0 {
            issues.push(Issue::new(
                IssueKind::PartitionOutsideDisk,
                format!(
                    "partition {} ends before it starts",
                    describe(e.index, label.as_deref())
                ),
            ));
        } else if start < usable_start || start.saturating_add(len) > usable_end {
            issues.push(Issue::new(
                IssueKind::PartitionOutsideDisk,
                format!(
                    "partition {} lies outside the area the GPT allows for partitions",
                    describe(e.index, label.as_deref())
                ),
            ));
        }
        check_inside(&mut issues, e.index, label.as_deref(), start, len, size);
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
    check_overlaps(&mut issues, &partitions);
    let table = PartitionTable::Gpt {
        used: gpt.used,
        sector_size: ss,
        disk_guid: gpt.header.disk_guid,
    };
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
        foreign_or_blank(&partitions)
    };
    Scan {
        table,
        partitions,
        content,
        issues,
    }
}

/// No partition table: blank, a file system on the whole disk, or data
/// we do not recognise.
fn scan_unpartitioned<D: Read + Seek>(dev: &mut D, size: u64) -> Scan {
    let len = size.min(BLANK_CHECK_LEN) as usize;
    let mut start = vec![0u8; len];
    if let Err(e) = read_at(dev, 0, &mut start) {
        return Scan::unreadable(
            PartitionTable::None,
            format!("cannot read the start of the disk: {e}"),
        );
    }
    let content = if start.iter().all(|&b| b == 0) {
        Content::Blank
    } else if let Some(fs) = identify(&start) {
        let label = fs
            .label
            .map(|l| format!(" labelled {l:?}"))
            .unwrap_or_default();
        Content::Foreign {
            looks_like: Vec::new(),
            summary: format!(
                "{} file system on the whole disk{label}, no partition table",
                fs.kind
            ),
        }
    } else {
        Content::Foreign {
            looks_like: Vec::new(),
            summary: "data of an unknown kind, no partition table".into(),
        }
    };
    Scan {
        table: PartitionTable::None,
        partitions: Vec::new(),
        content,
        issues: Vec::new(),
    }
}

fn foreign_or_blank(partitions: &[PartitionInfo]) -> Content {
    if partitions.is_empty() {
        return Content::Blank;
    }
    let mut looks_like: Vec<String> = Vec::new();
    for p in partitions {
        let ty = p.type_name.as_deref().unwrap_or("");
        let fs = p.filesystem.as_ref().map(|f| f.kind.as_str()).unwrap_or("");
        let os = if ty.starts_with("Microsoft") || ty.starts_with("Windows") || fs == "NTFS" {
            Some("Windows")
        } else if ty.starts_with("Linux") || fs.starts_with("ext") || fs == "XFS" || fs == "btrfs" {
            Some("Linux")
        } else if ty.starts_with("VMware") {
            Some("VMware ESXi")
        } else if ty.starts_with("Apple") {
            Some("macOS")
        } else if ty.contains("BSD") {
            Some("BSD")
        } else {
            None
        };
        if let Some(os) = os {
            if !looks_like.iter().any(|o| o == os) {
                looks_like.push(os.to_string());
            }
        }
    }
    let n = partitions.len();
    let summary = match looks_like.as_slice() {
        [] => format!("{n} partition(s) of other systems"),
        names => format!("{n} partition(s), looks like {}", names.join(" and ")),
    };
    Content::Foreign {
        looks_like,
        summary,
    }
}

/// "3" or "3 (ferry-config)".
pub(crate) fn describe(index: u32, name: Option<&str>) -> String {
    match name {
        Some(n) => format!("{index} ({n})"),
        None => index.to_string(),
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
        issues.push(Issue::new(
            IssueKind::PartitionOutsideDisk,
            format!(
                "partition {} ends at byte {end} but the disk has only {size} bytes (truncated image or wrong disk size)",
                describe(index, name)
            ),
        ));
    }
}

fn check_overlaps(issues: &mut Vec<Issue>, parts: &[PartitionInfo]) {
    // A hostile table can make every pair overlap; name a few, count the rest.
    let (mut named, mut more) = (0usize, 0usize);
    for (i, a) in parts.iter().enumerate() {
        for b in &parts[i + 1..] {
            let (a_end, b_end) = (
                a.start.saturating_add(a.size),
                b.start.saturating_add(b.size),
            );
            if a.size > 0 && b.size > 0 && a.start < b_end && b.start < a_end {
                if named == MAX_OVERLAP_ISSUES {
                    more += 1;
                    continue;
                }
                named += 1;
                issues.push(Issue::new(
                    IssueKind::PartitionsOverlap,
                    format!(
                        "partitions {} and {} overlap",
                        describe(a.index, a.name.as_deref()),
                        describe(b.index, b.name.as_deref())
                    ),
                ));
            }
        }
    }
    if more > 0 {
        issues.push(Issue::new(
            IssueKind::PartitionsOverlap,
            format!("{more} more pairs of partitions overlap"),
        ));
    }
}
