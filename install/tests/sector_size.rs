//! Install and upgrade on disks of 512-byte and of 4096-byte logical
//! sectors (loop devices, `losetup -b`), judged by the tools that read the
//! disk in its own sectors: `sgdisk -v`, `blkid -p`, `fsck.fat -n`, and the
//! kernel, which scans the partitions and mounts the FAT volumes. Needs
//! root and loop devices; says so and stops where they are missing.

use std::path::{Path, PathBuf};

use detect::layout::{Role, Slot};
use detect::IssueKind;
use install::{Action, Outcome, Refusal};
use testkit::engine::{bless, choice, inspect, open, plan_for, DISK_SIZE};
use testkit::image::{sparse, tmp};
use testkit::loopdev::{blkid, fsck_fat_clean, sgdisk_clean, Loop};
use testkit::release::{keys, trust, Release};

/// Partition numbers of the layout, as the kernel names them.
const ESP: u32 = 1;
const CONFIG: u32 = 4;

/// Everything a machine reads of the disk at boot, in the disk's sectors.
fn judge(lo: &mut Loop, sector_size: u64, dir: &Path) {
    sgdisk_clean(&lo.dev);
    let table = blkid(&lo.dev);
    assert!(table.contains("PTTYPE=gpt"), "{table}");
    for (n, label) in [(ESP, "FERRY-ESP"), (CONFIG, "FERRY-CONF")] {
        let part = lo.partition(n);
        let id = blkid(&part);
        assert!(
            id.contains("TYPE=vfat") && id.contains(&format!("LABEL={label}")),
            "{id}"
        );
        fsck_fat_clean(&part);
        let bps = std::fs::read(&part).map(|b| u16::from_le_bytes([b[11], b[12]]));
        assert_eq!(
            bps.ok(),
            Some(sector_size as u16),
            "{label}: bytes per sector"
        );
    }
    let (esp, config) = (dir.join("esp"), dir.join("config"));
    if lo.mount_ro(ESP, &esp) && lo.mount_ro(CONFIG, &config) {
        assert!(esp.join(install::ESP_BOOT_LOADER).is_file());
        assert!(esp.join("loader/loader.conf").is_file());
        let state = std::fs::read_to_string(config.join("state.toml")).expect("state.toml");
        assert!(state.contains("demo-engine"), "{state}");
    }
    lo.unmount_all();
}

/// A directory holding the payloads of 1.0.0 and 1.1.0, and their trust.
fn releases() -> (tempfile::TempDir, payload::TrustStore, PathBuf, PathBuf) {
    let dir = tmp();
    let k = keys();
    let v1 = Release::new("1.0.0").build(dir.path(), &k.vendor);
    let v2 = Release::new("1.1.0").build(dir.path(), &k.vendor);
    (dir, trust(&[&k.vendor]), v1, v2)
}

fn install_and_upgrade(sector_size: u64) {
    let (dir, trust, v1, v2) = releases();
    let image = dir.path().join("disk.img");
    sparse(&image, DISK_SIZE);
    let Some(mut lo) = Loop::attach(&image, sector_size) else {
        return;
    };

    let t = inspect(&lo.dev);
    assert_eq!(t.report.sector_size, sector_size);
    let plan = plan_for(&lo.dev, &v1, &trust, Action::Install);
    assert_eq!(plan.sector_size, sector_size);
    let report = install::apply(&plan, &mut |_| {}).expect("install");
    assert_eq!(report.result, Outcome::Success);
    judge(&mut lo, sector_size, dir.path());

    let t = inspect(&lo.dev);
    assert_eq!(t.table_sector_size, Some(sector_size));
    assert_eq!(t.report.issues, vec![], "{:?}", t.report.issues);
    assert_eq!(t.report.ferry().and_then(|f| f.boot_default), Some(Slot::A));
    let esp = t.partition(Role::Esp).expect("esp");
    assert_eq!(esp.start % sector_size, 0);

    bless(&lo.dev);
    let report = install::apply(
        &plan_for(&lo.dev, &v2, &trust, Action::Upgrade),
        &mut |_| {},
    )
    .expect("upgrade");
    assert_eq!(report.result, Outcome::Success);
    judge(&mut lo, sector_size, dir.path());
    let t = inspect(&lo.dev);
    let ferry = t.report.ferry().expect("ferry");
    assert_eq!(ferry.boot_default, Some(Slot::B));
    let b = ferry.slot(Slot::B).and_then(|s| s.release.clone());
    assert_eq!(b.map(|v| v.to_string()).as_deref(), Some("1.1.0"));
    drop(lo);

    if sector_size == 4096 {
        // The same bytes as an image file, which stands for a disk of
        // 512-byte sectors: detection finds the 4 KiB table and says the
        // disk cannot see it, and an upgrade there is refused.
        let t = inspect(&image);
        assert_eq!(
            (t.report.sector_size, t.table_sector_size),
            (512, Some(4096))
        );
        assert!(t.report.ferry().is_some());
        assert!(t
            .report
            .issues
            .iter()
            .any(|i| i.kind == IssueKind::SectorSizeDiffers));
        let refused = install::plan(&t, &open(&v2, &trust), &choice(Action::Upgrade));
        assert!(
            matches!(
                refused,
                Err(Refusal::SectorSizeDiffers {
                    table: 4096,
                    sector_size: 512,
                    ..
                })
            ),
            "{refused:?}"
        );
    }
}

#[test]
fn a_disk_of_512_byte_sectors_installs_and_upgrades() {
    install_and_upgrade(512);
}

#[test]
fn a_disk_of_4096_byte_sectors_installs_and_upgrades() {
    install_and_upgrade(4096);
}

/// A disk whose Ferry table is in 512-byte sectors seen as a disk of
/// 4096-byte ones (an image copied to a 4Kn disk): detection finds the
/// installation and says nothing else sees it, an upgrade is refused, and
/// a wipe writes the layout again in the disk's sectors.
#[test]
fn a_table_of_other_sectors_is_not_upgraded_but_wiped() {
    let (dir, trust, v1, v2) = releases();
    let image = dir.path().join("disk.img");
    sparse(&image, DISK_SIZE);
    testkit::engine::run(&image, &v1, &trust, Action::Install);
    bless(&image);
    let Some(mut lo) = Loop::attach(&image, 4096) else {
        return;
    };
    let t = inspect(&lo.dev);
    assert_eq!(
        (t.report.sector_size, t.table_sector_size),
        (4096, Some(512))
    );
    assert!(t.report.ferry().is_some());
    let differs = t
        .report
        .issues
        .iter()
        .find(|i| i.kind == IssueKind::SectorSizeDiffers)
        .expect("sector-size-differs");
    assert!(
        differs.message().contains("written for 512-byte sectors")
            && differs.message().contains("4096-byte sectors"),
        "{}",
        differs.message()
    );
    let refused = install::plan(&t, &open(&v2, &trust), &choice(Action::Upgrade)).unwrap_err();
    assert!(
        matches!(
            refused,
            Refusal::SectorSizeDiffers {
                table: 512,
                sector_size: 4096,
                ..
            }
        ),
        "{refused}"
    );
    assert!(
        refused.to_string().contains("wipe and reinstall"),
        "{refused}"
    );

    let plan = plan_for(&lo.dev, &v2, &trust, Action::Wipe);
    let report = install::apply(&plan, &mut |_| {}).expect("wipe");
    assert_eq!(report.result, Outcome::Success);
    judge(&mut lo, 4096, dir.path());
    let t = inspect(&lo.dev);
    assert_eq!(t.table_sector_size, Some(4096));
    assert_eq!(t.report.issues, vec![], "{:?}", t.report.issues);
}
