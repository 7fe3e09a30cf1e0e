//! Detection of Ferry installs built by our own code, and their
//! inconsistent states.

mod common;

use common::*;
use detect::boot::BootHealth;
use detect::gpt::GptCopy;
use detect::layout::{self, Role, Slot};
use detect::report::IssueFact;
use detect::state::{RecordProblem, MAX_STATE_SIZE};
use detect::{detect_all, detect_path, Content, FatProblem, IssueKind, PartitionTable, SlotState};
use std::path::PathBuf;

/// Whether a fact is the one a case expects.
type IsFact = fn(&IssueFact) -> bool;

fn image(setup: &FerrySetup) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("disk.img");
    build_ferry_image(&path, setup);
    (dir, path)
}

#[test]
fn healthy_install_is_reported_in_full() {
    let (_d, path) = image(&FerrySetup::default());
    let before = std::fs::read(&path).expect("read");
    let r = detect_path(&path);
    assert_eq!(
        std::fs::read(&path).expect("read"),
        before,
        "detection changed the image"
    );
    assert!(r.issues.is_empty(), "{:#?}", r.issues);
    assert!(matches!(
        r.table,
        PartitionTable::Gpt {
            used: GptCopy::Primary,
            sector_size: 512,
            ..
        }
    ));
    assert_eq!(r.partitions.len(), 5);
    let esp = &r.partitions[0];
    assert_eq!((esp.index, esp.start, esp.size), (1, MIB, 8 * MIB));
    assert_eq!(esp.type_name.as_deref(), Some("EFI System"));
    assert_eq!(
        esp.filesystem.as_ref().and_then(|f| f.label.as_deref()),
        Some("FERRY-ESP")
    );
    let f = r.ferry().expect("ferry install");
    assert_eq!(f.product.as_deref(), Some("engine"));
    assert_eq!(f.active_slot, Some(Slot::A));
    assert_eq!(f.boot_default, Some(Slot::A));
    assert!(f.data_partition);
    assert_eq!(f.trusted_keys.len(), 1);
    let a = f.slot(Slot::A).expect("slot a");
    assert_eq!(a.state, Some(SlotState::Good));
    assert_eq!(
        a.release.as_ref().map(|v| v.to_string()).as_deref(),
        Some("4.2.0")
    );
    assert_eq!(a.hotfixes, ["hf-2025-001", "hf-2025-007"]);
    assert_eq!(a.config_schema, Some(3));
    assert_eq!(a.boot, Some(BootHealth::Good));
    assert_eq!(a.partition, Some(2));
    assert!(a.config_dir);
    let b = f.slot(Slot::B).expect("slot b");
    assert_eq!(
        (b.state, b.boot, b.partition),
        (Some(SlotState::Empty), Some(BootHealth::NoEntry), Some(3))
    );
    assert!(f.record.is_some());
    let json = serde_json::to_value(&r).expect("json");
    assert_eq!(json["content"]["kind"], "ferry");
    assert_eq!(json["table"]["used"], "primary");
    assert_eq!(json["content"]["slots"][0]["boot"]["health"], "good");
}

#[test]
fn upgrade_being_tried_and_failed_upgrade() {
    let trying = STATE_A_GOOD
        .replace("active = \"a\"", "active = \"b\"")
        .replace(
            "[slots.b]\nstate = \"empty\"",
            "[slots.b]\nstate = \"new\"\nrelease = \"4.3.0\"\nconfig_schema = 4",
        );
    let mut setup = FerrySetup {
        state: Some(trying),
        entries: vec!["ferry-1-a.conf".into(), "ferry-2-b+2-1.conf".into()],
        config_dirs: vec![Slot::A, Slot::B],
        ..FerrySetup::default()
    };
    let (_d, path) = image(&setup);
    let r = detect_path(&path);
    assert!(r.issues.is_empty(), "{:#?}", r.issues);
    let b = r.ferry().and_then(|f| f.slot(Slot::B)).expect("slot b");
    assert_eq!(
        b.boot,
        Some(BootHealth::Trying {
            tries_left: 2,
            tries_done: 1
        })
    );
    assert_eq!(b.boot_entry.as_deref(), Some("ferry-2-b+2-1.conf"));
    assert_eq!(r.ferry().and_then(|f| f.boot_default), Some(Slot::B));

    // Its tries used up: the boot loader starts slot a again, and that is
    // the one issue (not also "the record says b").
    setup.entries = vec!["ferry-1-a.conf".into(), "ferry-2-b+0-3.conf".into()];
    let (_d2, path) = image(&setup);
    let r = detect_path(&path);
    assert_eq!(kinds(&r), [IssueKind::SlotFailedToBoot], "{:#?}", r.issues);
    assert_eq!(r.ferry().and_then(|f| f.boot_default), Some(Slot::A));
    let m = &r.issues[0].message();
    assert!(
        m.contains("4.3.0") && m.contains("starts slot a instead"),
        "{m}"
    );

    // A default pinned on slot b (as Ferry never writes it) keeps starting
    // the failed entry, and detection says so.
    setup.loader_default = Some("ferry-2-b*".into());
    let (_d3, path) = image(&setup);
    let r = detect_path(&path);
    assert_eq!(r.ferry().and_then(|f| f.boot_default), Some(Slot::B));
    let m = &r.issues[0].message();
    assert!(m.contains("the boot loader still starts it"), "{m}");
}

#[test]
fn half_written_inactive_slot_is_reported() {
    let writing = STATE_A_GOOD.replace(
        "[slots.b]\nstate = \"empty\"",
        "[slots.b]\nstate = \"writing\"\nrelease = \"4.3.0\"",
    );
    let (_d, path) = image(&FerrySetup {
        state: Some(writing),
        ..FerrySetup::default()
    });
    let r = detect_path(&path);
    assert_eq!(kinds(&r), [IssueKind::HalfWrittenSlot], "{:#?}", r.issues);
    assert!(r.issues[0].message().contains("slot b"));
    let b = r.ferry().and_then(|f| f.slot(Slot::B)).expect("slot b");
    assert_eq!(b.state, Some(SlotState::Writing));
}

#[test]
fn state_record_disagreeing_with_partitions_and_boot_entries() {
    let both = STATE_A_GOOD.replace(
        "[slots.b]\nstate = \"empty\"",
        "[slots.b]\nstate = \"good\"\nrelease = \"4.1.0\"\nconfig_schema = 3",
    );
    let mut sizes = FerrySetup::default().sizes;
    sizes[2] = (Role::Root(Slot::B), None);
    let (_d, path) = image(&FerrySetup {
        sizes,
        state: Some(both),
        loader_default: Some("ferry-*-b".into()),
        ..FerrySetup::default()
    });
    let r = detect_path(&path);
    let k = kinds(&r);
    for want in [
        IssueKind::MissingPartition,
        IssueKind::StateDisagreesWithDisk,
        IssueKind::BootEntryDisagrees,
        IssueKind::DefaultBootDisagrees,
    ] {
        assert!(k.contains(&want), "{want:?} missing from {:#?}", r.issues);
    }
    assert!(matches!(r.content, Content::Ferry(_)));
}

#[test]
fn missing_or_garbage_state_record() {
    let (_d, path) = image(&FerrySetup {
        state: None,
        ..FerrySetup::default()
    });
    let r = detect_path(&path);
    assert_eq!(kinds(&r), [IssueKind::StateMissing]);
    assert_eq!(r.ferry().and_then(|f| f.product.clone()), None);

    let too_large = "x".repeat(70_000);
    let cases: [(&str, IsFact); 4] = [
        ("\u{0}\u{1}binary", |f| {
            matches!(
                f,
                IssueFact::StateUnreadable {
                    problem: RecordProblem::Malformed { syntax }
                } if syntax.at.is_some_and(|at| at.line == 1)
            )
        }),
        ("format = 1\nproduct = [", |f| {
            matches!(
                f,
                IssueFact::StateUnreadable {
                    problem: RecordProblem::Malformed { syntax }
                } if syntax.at.is_some()
            )
        }),
        ("format = 9\n", |f| {
            matches!(
                f,
                IssueFact::StateUnreadable {
                    problem: RecordProblem::UnsupportedFormat { found: 9 }
                }
            )
        }),
        // Larger than the reader takes: refused before it is parsed.
        (&too_large, |f| {
            matches!(
                f,
                IssueFact::StateFileUnreadable {
                    problem: FatProblem::FileTooLarge { path, max }
                } if path == layout::STATE_PATH && *max == MAX_STATE_SIZE as u64
            )
        }),
    ];
    for (garbage, fact) in cases {
        let (_d, path) = image(&FerrySetup {
            state: Some(garbage.to_string()),
            ..FerrySetup::default()
        });
        let r = detect_path(&path);
        assert_eq!(kinds(&r), [IssueKind::StateUnreadable], "{:#?}", r.issues);
        assert!(fact(&r.issues[0].fact), "{:#?}", r.issues);
        assert!(r.ferry().is_some());
    }
}

#[test]
fn two_installs_on_two_disks() {
    let (_d1, one) = image(&FerrySetup::default());
    let (_d2, two) = image(&FerrySetup::default());
    let blank_dir = tempfile::tempdir().expect("tmp");
    let blank = blank_dir.path().join("blank.img");
    drop(create_sparse(&blank, 4 * MIB));
    let reports = detect_all(&[one.clone(), blank, two.clone()]);
    assert_eq!(kinds(&reports[0]), [IssueKind::SeveralInstalls]);
    assert!(reports[0].issues[0]
        .message()
        .contains(two.to_str().expect("utf-8")));
    assert!(reports[1].issues.is_empty());
    assert!(matches!(reports[1].content, Content::Blank));
    assert_eq!(kinds(&reports[2]), [IssueKind::SeveralInstalls]);
}

#[test]
fn state_record_written_by_to_toml_is_read_back() {
    let mut rec = detect::StateRecord::parse(STATE_A_GOOD).expect("state");
    rec.slots.b = detect::SlotRecord {
        state: SlotState::New,
        release: Some(semver::Version::new(5, 0, 0)),
        hotfixes: Vec::new(),
        config_schema: Some(5),
        written_at: None,
    };
    rec.active = Slot::B;
    let (_d, path) = image(&FerrySetup {
        state: Some(rec.to_toml().expect("toml")),
        entries: vec![
            "ferry-1-a.conf".into(),
            Slot::B.entry_file_name(2, Some((3, 0))),
        ],
        config_dirs: vec![Slot::A, Slot::B],
        ..FerrySetup::default()
    });
    let r = detect_path(&path);
    assert!(r.issues.is_empty(), "{:#?}", r.issues);
    assert_eq!(r.ferry().and_then(|f| f.record.clone()), Some(rec));
}
