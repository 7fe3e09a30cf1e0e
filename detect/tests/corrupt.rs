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
        r.issues[0].message.contains("entry array checksum"),
        "{}",
        r.issues[0].message
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
    let Content::Unreadable { reason } = &r.content else {
        panic!("expected unreadable, got {:?}", r.content)
    };
    assert!(
        reason.contains("primary") && reason.contains("backup"),
        "{reason}"
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
        r.issues.iter().any(|i| i.message.contains("truncated")),
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
    assert!(r.issues[0].message.contains("ferry-config"));
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
    let Content::Unreadable { reason } = &r.content else {
        panic!("expected unreadable")
    };
    assert!(reason.contains("missing.img"), "{reason}");
}

#[test]
fn protective_mbr_without_gpt_is_unreadable() {
    let (_d, path) = ferry_image();
    let size = FerrySetup::default().disk_size();
    poke(&path, 512, &[0u8; 8]);
    poke(&path, size - 512, &[0u8; 8]);
    let r = detect_path(&path);
    assert!(
        matches!(&r.content, Content::Unreadable { reason } if reason.contains("protective MBR"))
    );
}
