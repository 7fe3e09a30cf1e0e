//! The document `installer-tui detect --json` prints: it reads back into
//! the same reports, and one of a newer format is refused as newer.

mod common;

use common::*;
use detect::{detect_all, Content, Firmware, Reports, ReportsError, REPORT_FORMAT};

/// A Ferry installation, a blank disk, a whole-disk FAT and a missing
/// image: every kind of content, with partitions, signatures and issues.
fn reports() -> (tempfile::TempDir, Reports) {
    let dir = tempfile::tempdir().expect("tmp");
    let ferry = dir.path().join("ferry.img");
    build_ferry_image(&ferry, &FerrySetup::default());
    let blank = dir.path().join("blank.img");
    drop(create_sparse(&blank, 2 * MIB));
    let stick = dir.path().join("stick.img");
    mkfs_fat_image(&stick, 8, "STICK", false, &[], &[]);
    let missing = dir.path().join("missing.img");
    let disks = detect_all(&[ferry, blank, stick, missing]);
    (dir, Reports::new(disks))
}

#[test]
fn reports_read_back_as_written() {
    let (_dir, reports) = reports();
    let json = reports.to_json().expect("to JSON");
    let back = Reports::from_json(&json).expect("read back");
    assert_eq!(back.format, REPORT_FORMAT);
    assert_eq!(back.to_json().expect("to JSON"), json);
    let kinds: Vec<&str> = back
        .disks
        .iter()
        .map(|d| match d.content {
            Content::Ferry(_) => "ferry",
            Content::Foreign { .. } => "foreign",
            Content::Blank => "blank",
            Content::Unreadable { .. } => "unreadable",
        })
        .collect();
    assert_eq!(kinds, ["ferry", "blank", "foreign", "unreadable"]);
    let ferry = back.disks[0].ferry().expect("ferry");
    assert_eq!(ferry.product.as_deref(), Some("engine"));
    assert_eq!(back.disks[0].partitions, reports.disks[0].partitions);
    assert_eq!(back.disks[2].signatures, reports.disks[2].signatures);
    assert_eq!(back.disks[2].signatures[0].kind, "FAT12");
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(v["format"], 2);
    assert_eq!(v["disks"][1]["content"]["kind"], "blank");
    // Image files: no machine's firmware, and no field for it.
    assert!(v.get("firmware").is_none(), "{json}");
}

#[test]
fn the_firmware_reads_back() {
    let (_dir, mut reports) = reports();
    reports.firmware = Some(Firmware::Uefi {
        secure_boot: Some(true),
        setup_mode: Some(false),
    });
    let json = reports.to_json().expect("to JSON");
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(v["firmware"]["mode"], "uefi");
    assert_eq!(v["firmware"]["secure_boot"], true);
    let back = Reports::from_json(&json).expect("read back");
    assert_eq!(back.firmware, reports.firmware);
}

#[test]
fn a_newer_format_is_refused_as_newer() {
    let (_dir, reports) = reports();
    let mut v: serde_json::Value =
        serde_json::from_str(&reports.to_json().expect("JSON")).expect("JSON");
    v["format"] = 3.into();
    // A newer format may change anything: it is refused before its fields
    // are looked at.
    v["disks"] = "changed".into();
    let err = Reports::from_json(&v.to_string()).expect_err("format 3");
    assert!(
        matches!(err, ReportsError::UnsupportedFormat { found: 3 }),
        "{err:?}"
    );
    assert!(err.to_string().contains("format 3"), "{err}");

    for bad in [r#"{"disks": []}"#, r#"{"format": "1", "disks": []}"#, "[]"] {
        assert!(
            matches!(Reports::from_json(bad), Err(ReportsError::NoFormat)),
            "{bad}"
        );
    }
    assert!(matches!(
        Reports::from_json("{\"format\": 2, \"disks\": 3}"),
        Err(ReportsError::Malformed { .. })
    ));
    assert!(matches!(
        Reports::from_json("not json"),
        Err(ReportsError::Malformed { .. })
    ));
    // Fields added within a format are ignored.
    let added = r#"{"format": 2, "disks": [], "made_by": "a later Ferry"}"#;
    assert!(Reports::from_json(added).expect("read").disks.is_empty());
}
