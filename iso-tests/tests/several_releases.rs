//! Scenario 17: one medium carrying two releases takes a machine two
//! releases behind to the newest, one step per run, with one answer file.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use detect::Slot;

/// 1.0 installed; an ISO with 1.1 and 2.0 (2.0 upgrades only 1.1) and an
/// answer file. The first unattended run installs 1.1; 1.1 starts from
/// the disk and confirms itself; the same ISO's second run installs 2.0,
/// which starts with the configuration migrated across both steps.
#[test]
fn a_machine_two_releases_behind_reaches_the_newest_from_one_medium() {
    let mut sc = Scenario::new("s17-several-releases");
    let disk = installed_disk(&mut sc, "disk.img", "1.0.0");
    let iso = sc.path("two-releases.iso");
    let answer_toml = sc.path("answer.toml");
    std::fs::write(&answer_toml, answer("upgrade")).unwrap();
    media::iso::build(
        &media::iso::IsoSpec {
            bootkit: bootkit(),
            // Given oldest first: the installer picks by the manifests.
            payloads: vec![payload("1.1.0"), payload("2.0.0")],
            answer: Some(answer_toml),
            out: iso.clone(),
            extra_cmdline: "ferry.console=ttyS0".into(),
            unsigned_ok: false,
            isomd5: false,
        },
        |_, _| {},
    )
    .unwrap();

    unattended(&mut sc, &iso, &disk, "Upgrade complete");
    assert_eq!(release(&disk, Slot::B).as_deref(), Some("1.1.0"));
    assert_eq!(boot_default(&disk), Some(Slot::B));
    boot_installed(&mut sc, &disk, "1.1.0", true);

    unattended(&mut sc, &iso, &disk, "Upgrade complete");
    assert_eq!(release(&disk, Slot::A).as_deref(), Some("2.0.0"));
    assert_eq!(boot_default(&disk), Some(Slot::A));
    let line = boot_installed(&mut sc, &disk, "2.0.0", true);
    assert!(line.contains("slot=a"), "{line}");
    assert!(line.contains("config-schema=3"), "{line}");
}
