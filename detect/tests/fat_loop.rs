//! A Ferry disk whose ESP or config partition holds a FAT volume with a
//! looping cluster chain (made by mkfs.fat and mtools, then patched):
//! detection reports that partition as damaged within seconds and still
//! reports every other disk.

mod common;

use std::path::{Path, PathBuf};

use testkit::fat_loop;

use common::{create_sparse, partition_start, sgdisk, splice, STATE_A_GOOD};
use detect::layout::{self, Slot};
use detect::{detect_all, DiskReport, FatProblem, IssueFact, IssueKind};

/// A Ferry layout with a 40 MiB FAT32 ESP and config partition; `damage`
/// may break either volume before it is written into the disk.
fn ferry_disk(dir: &Path, name: &str, damage: impl Fn(&str, &mut Vec<u8>)) -> PathBuf {
    let img = dir.join(format!("{name}.img"));
    drop(create_sparse(&img, 100 * common::MIB));
    let types = [
        format!("1:{}", layout::ESP_TYPE),
        format!("2:{}", layout::ROOT_X86_64_TYPE),
        format!("3:{}", layout::ROOT_X86_64_TYPE),
        format!("4:{}", layout::CONFIG_TYPE),
        format!("5:{}", layout::DATA_TYPE),
    ];
    #[rustfmt::skip]
    sgdisk(&img, &[
        "-n", "1:2048:+40M", "-t", &types[0], "-c", "1:ferry-esp",
        "-n", "2:0:+2M", "-t", &types[1], "-c", "2:ferry-root-a",
        "-n", "3:0:+2M", "-t", &types[2], "-c", "3:ferry-root-b",
        "-n", "4:0:+40M", "-t", &types[3], "-c", "4:ferry-config",
        "-n", "5:0:0", "-t", &types[4], "-c", "5:ferry-data",
    ]);
    let esp_path = dir.join(format!("{name}-esp.img"));
    let mut esp = fat_loop::mkfs_fat32(
        &esp_path,
        40,
        &["loader", "loader/entries"],
        &[
            ("loader/loader.conf", b"timeout 3\ndefault ferry-*\n"),
            ("loader/entries/ferry-1-a.conf", b"title Engine 4.2.0\n"),
        ],
    );
    damage("esp", &mut esp);
    std::fs::write(&esp_path, &esp).expect("write ESP");
    let conf_path = dir.join(format!("{name}-conf.img"));
    let mut conf = fat_loop::mkfs_fat32(
        &conf_path,
        40,
        &["config", "config/a", "reports"],
        &[("state.toml", STATE_A_GOOD.as_bytes())],
    );
    damage("config", &mut conf);
    std::fs::write(&conf_path, &conf).expect("write config");
    let r = detect::detect_path(&img);
    splice(&img, partition_start(&r, "ferry-esp"), &esp_path);
    splice(&img, partition_start(&r, "ferry-config"), &conf_path);
    img
}

fn detect_in_time(paths: Vec<PathBuf>) -> Vec<DiskReport> {
    fat_loop::within("detection", move || detect_all(&paths))
}

fn damaged(r: &DiskReport, kind: IssueKind) -> bool {
    r.issues.iter().any(|i| {
        i.kind == kind
            && i.message().contains("damaged")
            && i.message().contains("loop")
            && matches!(
                i.fact,
                IssueFact::FatUnreadable {
                    problem: FatProblem::ChainLoop { .. },
                    ..
                }
            )
    })
}

#[test]
fn a_looping_esp_directory_is_reported_and_other_disks_still_are() {
    let dir = tempfile::tempdir().expect("tmp");
    let bad = ferry_disk(dir.path(), "bad", |part, img| {
        if part == "esp" {
            // The boot entries' directory: listing it follows the loop.
            fat_loop::loop_dir(img, "LOADER/ENTRIES");
        }
    });
    let good = ferry_disk(dir.path(), "good", |_, _| {});
    let reports = detect_in_time(vec![bad, good]);
    assert_eq!(reports.len(), 2);
    assert!(
        damaged(&reports[0], IssueKind::EspUnreadable),
        "{:#?}",
        reports[0].issues
    );
    // The config partition of the same disk is still read.
    let f = reports[0].ferry().expect("ferry");
    assert_eq!(f.product.as_deref(), Some("engine"));
    assert!(f.slot(Slot::A).is_some_and(|s| s.config_dir));
    // The other disk is reported in full; all it is told is that Ferry is
    // on two disks.
    assert!(
        reports[1]
            .issues
            .iter()
            .all(|i| i.kind == IssueKind::SeveralInstalls),
        "{:#?}",
        reports[1].issues
    );
    assert_eq!(
        reports[1].ferry().expect("ferry").boot_default,
        Some(Slot::A)
    );
}

#[test]
fn a_looping_config_directory_is_reported_as_a_damaged_config_partition() {
    let dir = tempfile::tempdir().expect("tmp");
    let bad = ferry_disk(dir.path(), "bad", |part, img| {
        if part == "config" {
            fat_loop::loop_dir(img, "CONFIG");
        }
    });
    let reports = detect_in_time(vec![bad]);
    assert!(
        damaged(&reports[0], IssueKind::ConfigUnreadable),
        "{:#?}",
        reports[0].issues
    );
    assert!(!damaged(&reports[0], IssueKind::EspUnreadable));
}

#[test]
fn a_file_whose_chain_loops_is_reported() {
    let dir = tempfile::tempdir().expect("tmp");
    let bad = ferry_disk(dir.path(), "bad", |part, img| {
        if part == "esp" {
            let g = fat_loop::Geometry::read(img);
            // loader.conf is one cluster: give it two more whose chain
            // loops, as a file damaged while growing would have.
            let file = g.resolve(img, "loader/loader.conf");
            let second = g.fat_entry(img, file);
            assert!(second >= 0x0FFF_FFF8, "loader.conf is one cluster");
            let free: Vec<u32> = (3..100_000)
                .filter(|&c| g.fat_entry(img, c) == 0)
                .take(2)
                .collect();
            // loader.conf: first -> free[0] -> free[1] -> free[0] ...
            g.set_fat_entry(img, file, free[0]);
            g.set_fat_entry(img, free[0], free[1]);
            g.set_fat_entry(img, free[1], free[0]);
        }
    });
    let reports = detect_in_time(vec![bad]);
    assert!(
        damaged(&reports[0], IssueKind::EspUnreadable),
        "{:#?}",
        reports[0].issues
    );
}
