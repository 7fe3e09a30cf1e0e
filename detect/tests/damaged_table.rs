//! GPTs whose checksums are right but whose entries or headers are not:
//! partitions that overlap, run past the end of the disk, start at sector
//! 2^55, end before they start or lie on the GPT itself, and headers whose
//! area for partitions covers the table. Detection names the partitions and
//! sectors, calls the table damaged, never panics, and agrees with
//! `sgdisk -v`.

mod common;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use detect::gpt::{
    read_gpt, CopyProblem, EntryExtent, EntryProblem, GptCopy, GptReadError, TableSector,
};
use detect::{detect_path, Content, IssueKind, PartitionTable};
use testkit::gpt::{edit_gpt, field, lbas, put64, sectors, set_lbas};

const ESP: u32 = 1;
const ROOT_A: u32 = 2;
const ROOT_B: u32 = 3;
const DATA: u32 = 5;

fn ferry_image() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("disk.img");
    build_ferry_image(&path, &FerrySetup::default());
    (dir, path)
}

fn problems(path: &Path) -> Vec<EntryProblem> {
    let size = std::fs::metadata(path).expect("image").len();
    let mut f = File::open(path).expect("open");
    read_gpt(&mut f, size).expect("a readable GPT").problems
}

fn extent(path: &Path, index: u32, name: &str) -> EntryExtent {
    let (first_lba, last_lba) = lbas(path, index);
    EntryExtent {
        index,
        name: name.into(),
        first_lba,
        last_lba,
    }
}

/// What `sgdisk -v` says about the image.
fn sgdisk_verify(path: &Path) -> String {
    let out = Command::new(tool("sgdisk", "gdisk"))
        .arg("-v")
        .arg(path)
        .output()
        .expect("run sgdisk");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Detection reports the damage as issues of `kind`, calls the table
/// damaged and still finds the Ferry installation.
fn reported(path: &Path, kind: IssueKind) {
    let r = detect_path(path);
    assert!(r.table_damaged(), "{:#?}", r.issues);
    assert!(
        r.issues
            .iter()
            .any(|i| i.kind == kind && i.message().contains("partition table is damaged")),
        "{:#?}",
        r.issues
    );
    assert!(r.ferry().is_some(), "{:?}", r.content);
}

#[test]
fn a_sound_table_has_no_problems() {
    let (_d, path) = ferry_image();
    assert_eq!(problems(&path), vec![]);
    assert!(!detect_path(&path).table_damaged());
    assert!(sgdisk_verify(&path).contains("No problems found"));
}

#[test]
fn root_a_reaching_into_root_b() {
    let (_d, path) = ferry_image();
    let b = lbas(&path, ROOT_B);
    let a = lbas(&path, ROOT_A);
    set_lbas(&path, ROOT_A, a.0, b.0 + 100);
    assert_eq!(
        problems(&path),
        vec![EntryProblem::Overlap {
            a: extent(&path, ROOT_A, "ferry-root-a"),
            b: extent(&path, ROOT_B, "ferry-root-b"),
        }]
    );
    reported(&path, IssueKind::PartitionsOverlap);
    assert!(sgdisk_verify(&path).contains("partitions 3 and 2 overlap"));
}

#[test]
fn a_partition_past_the_end_of_the_disk() {
    let (_d, path) = ferry_image();
    let d = lbas(&path, DATA);
    let disk_sectors = sectors(&path);
    set_lbas(&path, DATA, d.0, disk_sectors + 1000);
    assert_eq!(
        problems(&path),
        vec![EntryProblem::PastEnd {
            part: extent(&path, DATA, "ferry-data"),
            disk_sectors,
        }]
    );
    reported(&path, IssueKind::PartitionOutsideDisk);
    assert!(sgdisk_verify(&path).contains("partition 5 is too big for the disk"));
}

#[test]
fn a_partition_at_sector_2_pow_55() {
    let (_d, path) = ferry_image();
    set_lbas(&path, ROOT_B, 1 << 55, (1 << 55) + 4095);
    let found = problems(&path);
    assert_eq!(
        found,
        vec![EntryProblem::PastEnd {
            part: extent(&path, ROOT_B, "ferry-root-b"),
            disk_sectors: sectors(&path),
        }]
    );
    assert!(
        found[0].to_string().contains("36028797018963968"),
        "{}",
        found[0]
    );
    reported(&path, IssueKind::PartitionOutsideDisk);
    assert!(sgdisk_verify(&path).contains("partition 3 is too big for the disk"));
}

#[test]
fn a_partition_that_ends_before_it_starts() {
    let (_d, path) = ferry_image();
    let b = lbas(&path, ROOT_B);
    set_lbas(&path, ROOT_B, b.0, b.0 - 1);
    assert_eq!(
        problems(&path),
        vec![EntryProblem::EndsBeforeStart {
            part: extent(&path, ROOT_B, "ferry-root-b"),
        }]
    );
    reported(&path, IssueKind::PartitionOutsideDisk);
    assert!(sgdisk_verify(&path).contains("partition 3 ends before it begins"));
}

#[test]
fn a_partition_on_the_gpt_itself() {
    let (_d, path) = ferry_image();
    let b = lbas(&path, ROOT_B);
    set_lbas(&path, ROOT_B, 2, b.1);
    let last_usable = sectors(&path) - 34;
    let found = problems(&path);
    let root_b = extent(&path, ROOT_B, "ferry-root-b");
    assert_eq!(
        found[0],
        EntryProblem::OutsideUsable {
            part: root_b.clone(),
            first_usable: 34,
            last_usable,
        }
    );
    // And over the ESP and root a, which lie between.
    assert_eq!(
        found[1..],
        [
            EntryProblem::Overlap {
                a: extent(&path, ESP, "ferry-esp"),
                b: root_b.clone(),
            },
            EntryProblem::Overlap {
                a: extent(&path, ROOT_A, "ferry-root-a"),
                b: root_b,
            },
        ]
    );
    reported(&path, IssueKind::PartitionOutsideDisk);
    assert!(sgdisk_verify(&path).contains("Main partition table overlaps the first partition"));
}

/// A header whose area for partitions includes the table itself makes
/// its copy unusable: the other copy is used, and with both copies bad the
/// table is damaged and the disk unreadable.
#[test]
fn a_header_whose_partition_area_covers_the_table() {
    let (_d, path) = ferry_image();
    let mut first = true;
    edit_gpt(&path, |h, _| {
        if first {
            put64(h, field::FIRST_USABLE, 2);
        }
        first = false;
    });
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
    assert!(
        r.issues[0].kind == IssueKind::PrimaryGptDamaged
            && r.issues[0]
                .message()
                .contains("includes the partition entry array"),
        "{:#?}",
        r.issues
    );
    assert!(!r.table_damaged(), "the backup copy is sound");

    edit_gpt(&path, |h, _| put64(h, field::FIRST_USABLE, 0));
    let size = std::fs::metadata(&path).expect("image").len();
    let Err(GptReadError::Damaged { primary, backup }) =
        read_gpt(&mut File::open(&path).expect("open"), size)
    else {
        panic!("read a damaged table")
    };
    for p in [&primary, &backup] {
        assert!(
            matches!(
                p,
                CopyProblem::AreaIncludes {
                    what: TableSector::ProtectiveMbr,
                    lba: 0,
                    ..
                }
            ),
            "{p:?}"
        );
        assert!(p.to_string().contains("the protective MBR"), "{p}");
    }
    let r = detect_path(&path);
    assert_eq!(r.table, PartitionTable::Damaged);
    assert!(matches!(r.content, Content::Unreadable { .. }));
    assert!(r.table_damaged());

    // The last usable sector on the backup header.
    let (_d2, path) = ferry_image();
    let backup_lba = sectors(&path) - 1;
    edit_gpt(&path, |h, _| put64(h, field::LAST_USABLE, backup_lba));
    let size = std::fs::metadata(&path).expect("image").len();
    let Err(GptReadError::Damaged { primary, backup }) =
        read_gpt(&mut File::open(&path).expect("open"), size)
    else {
        panic!("read a damaged table")
    };
    assert!(
        matches!(
            primary,
            CopyProblem::AreaIncludes {
                what: TableSector::OtherHeader,
                ..
            }
        ),
        "{primary:?}"
    );
    assert!(
        primary.to_string().contains("the other copy's header"),
        "{primary}"
    );
    assert!(
        matches!(
            backup,
            CopyProblem::AreaIncludes {
                what: TableSector::ThisHeader,
                ..
            }
        ),
        "{backup:?}"
    );
    assert!(backup.to_string().contains("this header"), "{backup}");
}

/// All 128 entries past the end of the disk, and all at the same sectors:
/// the first problems of each kind are named, the rest counted, and the
/// report stays small.
#[test]
fn many_bad_entries_are_counted() {
    let (_d, path) = ferry_image();
    let disk_sectors = sectors(&path);
    edit_gpt(&path, |_, array| {
        for e in array.chunks_exact_mut(128) {
            e[0] = 0xAF;
            put64(e, 32, disk_sectors + 10);
            put64(e, 40, disk_sectors + 20);
        }
    });
    let found = problems(&path);
    assert_eq!(found.len(), 66, "{found:#?}");
    assert!(matches!(found[0], EntryProblem::PastEnd { .. }));
    assert_eq!(found[32], EntryProblem::MoreBadEntries { count: 128 - 32 });
    assert!(matches!(found[33], EntryProblem::Overlap { .. }));
    assert_eq!(
        found[65],
        EntryProblem::MoreOverlaps {
            count: 128 * 127 / 2 - 32
        }
    );
    let r = detect_path(&path);
    let table_issues = r
        .issues
        .iter()
        .filter(|i| {
            matches!(
                i.kind,
                IssueKind::PartitionOutsideDisk | IssueKind::PartitionsOverlap
            )
        })
        .count();
    assert_eq!(table_issues, 66, "{:#?}", r.issues);
    assert!(r.issues.len() < 80, "{:#?}", r.issues);
}
