//! Damaged, truncated and random images: reported, never a panic.

mod common;

use common::*;
use detect::gpt::GptCopy;
use detect::{detect_path, Content, IssueKind, PartitionTable};
use std::fs::OpenOptions;
use std::path::PathBuf;

fn ferry_image() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("disk.img");
    build_ferry_image(&path, &FerrySetup::default());
    (dir, path)
}

#[test]
fn damaged_primary_header_falls_back_to_backup() {
    let (_d, path) = ferry_image();
    poke(&path, 512, b"EFI PART\0\0\x01\0garbage!");
    let r = detect_path(&path);
    assert!(
        matches!(
            r.table,
            PartitionTable::Gpt {
                used: GptCopy::Backup,
                ..
            }
        ),
        "{:?}",
        r.table
    );
    assert_eq!(kinds(&r), [IssueKind::PrimaryGptDamaged], "{:#?}", r.issues);
    let f = r.ferry().expect("still a Ferry install");
    assert_eq!(f.product.as_deref(), Some("engine"));
}

#[test]
fn damaged_primary_entry_array_falls_back_to_backup() {
    let (_d, path) = ferry_image();
    poke(&path, 1024 + 60, b"X");
    let r = detect_path(&path);
    assert!(matches!(
        r.table,
        PartitionTable::Gpt {
            used: GptCopy::Backup,
            ..
        }
    ));
    assert!(
        r.issues[0].message().contains("entry array checksum"),
        "{}",
        r.issues[0].message()
    );
    assert!(r.ferry().is_some());
}

#[test]
fn zeroed_primary_is_damage_not_absence() {
    let (_d, path) = ferry_image();
    poke(&path, 512, &[0u8; 512]);
    let r = detect_path(&path);
    assert!(matches!(
        r.table,
        PartitionTable::Gpt {
            used: GptCopy::Backup,
            ..
        }
    ));
    assert_eq!(kinds(&r), [IssueKind::PrimaryGptDamaged]);
}

#[test]
fn damaged_backup_is_reported_too() {
    let (_d, path) = ferry_image();
    let size = FerrySetup::default().disk_size();
    poke(&path, size - 512 + 16, &[1, 2, 3, 4]);
    let r = detect_path(&path);
    assert!(matches!(
        r.table,
        PartitionTable::Gpt {
            used: GptCopy::Primary,
            ..
        }
    ));
    assert_eq!(kinds(&r), [IssueKind::BackupGptDamaged]);
}

#[test]
fn both_copies_damaged_is_unreadable() {
    let (_d, path) = ferry_image();
    let size = FerrySetup::default().disk_size();
    poke(&path, 512 + 16, &[1, 2, 3, 4]);
    poke(&path, size - 512 + 16, &[1, 2, 3, 4]);
    let r = detect_path(&path);
    assert_eq!(r.table, PartitionTable::Damaged);
    let Content::Unreadable {
        why: why @ detect::Unreadable::GptDamaged { .. },
    } = &r.content
    else {
        panic!("expected unreadable, got {:?}", r.content)
    };
    let reason = why.to_string();
    assert!(
        reason.contains("primary") && reason.contains("backup"),
        "{reason}"
    );
    // The CRC field of both headers was overwritten.
    assert_eq!(
        why,
        &detect::Unreadable::GptDamaged {
            primary: detect::gpt::CopyProblem::HeaderChecksum,
            backup: detect::gpt::CopyProblem::HeaderChecksum,
        }
    );
}

#[test]
fn truncated_images() {
    let (_d, path) = ferry_image();
    // Cut inside the config partition: primary GPT fine, backup gone,
    // config and data partitions cut off.
    let cut = 14 * MIB;
    OpenOptions::new()
        .write(true)
        .open(&path)
        .expect("open")
        .set_len(cut)
        .expect("truncate");
    let r = detect_path(&path);
    let k = kinds(&r);
    assert!(k.contains(&IssueKind::BackupGptDamaged), "{:#?}", r.issues);
    assert!(
        k.contains(&IssueKind::PartitionOutsideDisk),
        "{:#?}",
        r.issues
    );
    assert!(k.contains(&IssueKind::ConfigUnreadable), "{:#?}", r.issues);
    assert!(r.ferry().is_some());
    assert!(
        r.issues.iter().any(|i| i.message().contains("truncated")),
        "{:#?}",
        r.issues
    );

    for len in [1000u64, 300, 0] {
        OpenOptions::new()
            .write(true)
            .open(&path)
            .expect("open")
            .set_len(len)
            .expect("truncate");
        let r = detect_path(&path);
        assert!(
            matches!(r.content, Content::Unreadable { .. }),
            "{len}: {:?}",
            r.content
        );
    }
}

#[test]
fn damaged_fat_on_config_partition() {
    let (_d, path) = ferry_image();
    let r = detect_path(&path);
    let config = partition_start(&r, "ferry-config");
    poke(&path, config + 11, &[0x00, 0x03]); // 768 bytes per sector
    let r = detect_path(&path);
    assert_eq!(kinds(&r), [IssueKind::ConfigUnreadable], "{:#?}", r.issues);
    assert!(r.issues[0].message().contains("ferry-config"));
    assert!(
        matches!(
            &r.issues[0].fact,
            detect::IssueFact::FatUnreadable {
                fat: detect::report::FatPartition::Config,
                problem: detect::FatProblem::NotFat {
                    boot_sector: fat::BootSector::SectorSize { bytes: 768 }
                },
                ..
            }
        ),
        "{:#?}",
        r.issues
    );
}

#[test]
fn fat_larger_than_its_partition() {
    let (_d, path) = ferry_image();
    let r = detect_path(&path);
    let config = partition_start(&r, "ferry-config");
    // The 16-bit total sector count is 0 on these volumes: make the
    // 32-bit one claim 2^31 sectors of 512 bytes (1 TiB).
    poke(&path, config + 19, &[0, 0]);
    poke(&path, config + 32, &[0, 0, 0, 0x80]);
    let r = detect_path(&path);
    assert_eq!(kinds(&r), [IssueKind::ConfigUnreadable], "{:#?}", r.issues);
    match &r.issues[0].fact {
        detect::IssueFact::FatUnreadable {
            problem: detect::FatProblem::LargerThanPartition { size, partition },
            ..
        } => assert!(size > partition && *size == 1 << 40, "{size} {partition}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn blank_and_random_images() {
    let dir = tempfile::tempdir().expect("tmp");
    let blank = dir.path().join("blank.img");
    drop(create_sparse(&blank, 3 * MIB));
    let r = detect_path(&blank);
    assert!(matches!(r.content, Content::Blank));
    assert_eq!(r.table, PartitionTable::None);

    let random = dir.path().join("random.img");
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes: Vec<u8> = (0..2 * MIB)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    std::fs::write(&random, bytes).expect("write");
    let r = detect_path(&random);
    assert!(
        matches!(r.content, Content::Foreign { .. }),
        "{:?}",
        r.content
    );

    let r = detect_path(&dir.path().join("missing.img"));
    let Content::Unreadable {
        why: why @ detect::Unreadable::Open { .. },
    } = &r.content
    else {
        panic!("expected unreadable")
    };
    assert!(why.to_string().contains("missing.img"), "{why}");
}

#[test]
fn protective_mbr_without_gpt_is_unreadable() {
    let (_d, path) = ferry_image();
    let size = FerrySetup::default().disk_size();
    poke(&path, 512, &[0u8; 8]);
    poke(&path, size - 512, &[0u8; 8]);
    let r = detect_path(&path);
    assert!(matches!(
        &r.content,
        Content::Unreadable {
            why: detect::Unreadable::ProtectiveWithoutGpt
        }
    ));
}

/// A hand-made GPT with valid checksums and 8192 entries that all overlap:
/// detection stays quick and the report small.
#[test]
fn hostile_table_with_thousands_of_overlapping_entries() {
    let sectors: u64 = 4096;
    let count: u32 = 8192;
    let mut img = vec![0u8; (sectors * 512) as usize];
    let mut array = vec![0u8; count as usize * 128];
    // The 1 MiB entry array takes sectors 2 to 2049; partitions follow.
    let first_usable: u64 = 2050;
    for e in array.chunks_exact_mut(128) {
        e[0] = 0xAF; // any non-zero type GUID
        e[32..40].copy_from_slice(&first_usable.to_le_bytes());
        e[40..48].copy_from_slice(&(sectors - 40).to_le_bytes());
    }
    img[1024..1024 + array.len()].copy_from_slice(&array);
    let h = &mut img[512..1024];
    h[..8].copy_from_slice(b"EFI PART");
    h[8..12].copy_from_slice(&0x0001_0000u32.to_le_bytes());
    h[12..16].copy_from_slice(&92u32.to_le_bytes());
    h[24..32].copy_from_slice(&1u64.to_le_bytes());
    h[32..40].copy_from_slice(&(sectors - 1).to_le_bytes());
    h[40..48].copy_from_slice(&first_usable.to_le_bytes());
    h[48..56].copy_from_slice(&(sectors - 34).to_le_bytes());
    h[72..80].copy_from_slice(&2u64.to_le_bytes());
    h[80..84].copy_from_slice(&count.to_le_bytes());
    h[84..88].copy_from_slice(&128u32.to_le_bytes());
    h[88..92].copy_from_slice(&crc32fast::hash(&array).to_le_bytes());
    let crc = crc32fast::hash(&h[..92]);
    h[16..20].copy_from_slice(&crc.to_le_bytes());
    let size = img.len() as u64;
    let r = detect::detect_device(
        PathBuf::from("hostile.img"),
        &mut std::io::Cursor::new(img),
        size,
        512,
    );
    assert_eq!(r.partitions.len(), count as usize);
    let overlaps = r
        .issues
        .iter()
        .filter(|i| i.kind == IssueKind::PartitionsOverlap)
        .count();
    assert_eq!(overlaps, 33, "32 named and one count");
    assert!(r.issues.len() < 100, "{} issues", r.issues.len());
}
