//! A machine that started the installer in legacy BIOS mode: an install or
//! a wipe is refused before anything is written (the installed system
//! starts only with UEFI); an upgrade and a hotfix of an installation the
//! machine already starts with UEFI go ahead, as under UEFI, and write no
//! UEFI variable. Disk images (no firmware given) are not checked.

use detect::Firmware;
use install::{Action, Refusal};
use testkit::{engine::*, image::*, release::*};

const UEFI: Firmware = Firmware::Uefi {
    secure_boot: Some(false),
    setup_mode: Some(false),
};

fn choice_on(action: Action, firmware: Option<Firmware>) -> install::Choice {
    let mut c = choice(action);
    c.firmware = firmware;
    c
}

#[test]
fn bios_mode_refuses_install_and_wipe_and_writes_nothing() {
    let dir = tmp();
    let k = keys();
    let trust = trust(&[&k.vendor]);
    let upg = Release::new("1.0.0").build(dir.path(), &k.vendor);
    let payload = open(&upg, &trust);
    let blank = dir.path().join("blank.img");
    sparse(&blank, DISK_SIZE);
    let before = hash_range(&blank, 0, DISK_SIZE);
    let target = inspect(&blank);
    for action in [Action::Install, Action::Wipe] {
        let refused = install::plan(&target, &payload, &choice_on(action, Some(Firmware::Bios)))
            .expect_err("BIOS mode");
        assert!(
            matches!(refused, Refusal::BiosMode { action: a } if a == action),
            "{refused:?}"
        );
        let text = refused.to_string();
        assert!(text.contains("legacy BIOS mode"), "{text}");
        assert!(text.contains("choose the stick's UEFI entry"), "{text}");
        assert!(text.contains(&format!("{action} is refused")), "{text}");
        // The same disk under UEFI, and as an image of another machine.
        for firmware in [Some(UEFI), None] {
            install::plan(&target, &payload, &choice_on(action, firmware))
                .unwrap_or_else(|e| panic!("{action} with {firmware:?}: {e}"));
        }
    }
    // Nothing was written.
    assert_eq!(hash_range(&blank, 0, DISK_SIZE), before);
    assert!(matches!(
        inspect(&blank).report.content,
        detect::Content::Blank
    ));
}

#[test]
fn bios_mode_upgrades_an_installation_started_with_uefi() {
    let u = upgradable();
    std::fs::copy(&u.base, &u.work).expect("copy");
    let target = inspect(&u.work);
    let payload = open(&u.upg, &u.trust);
    let plan = install::plan(
        &target,
        &payload,
        &choice_on(Action::Upgrade, Some(Firmware::Bios)),
    )
    .expect("an upgrade in BIOS mode");
    // The same plan as under UEFI: nothing depends on the firmware.
    let uefi = install::plan(&target, &payload, &choice_on(Action::Upgrade, Some(UEFI)))
        .expect("an upgrade under UEFI");
    assert_eq!(plan.steps, uefi.steps);
    assert_eq!(plan.partitions, uefi.partitions);
    let report = install::apply(&plan, &mut |_| {}).unwrap_or_else(|f| panic!("{}", f.error));
    assert_eq!(report.result, install::Outcome::Success);
    let after = inspect(&u.work);
    let f = after.report.ferry().expect("ferry");
    assert_eq!(
        f.slot(detect::Slot::B).and_then(|s| s.release.clone()),
        Some("1.1.0".parse().expect("version"))
    );
}
