//! What to do: every choice planned, the refused ones dimmed with the
//! reason.

use crossterm::event::KeyCode;

use super::super::event::{update, Event, Msg};
use super::super::failure::InspectError;
use super::{has, hasnt, key, keys, on, press, snap, started};

#[test]
fn choices_for_an_installation_and_esc_goes_back() {
    let fx = super::fixture();
    let mut app = started(&fx, &[&fx.installed, &fx.blank]);
    keys(&mut app, "i");
    key(&mut app, KeyCode::Enter);
    assert_eq!(on(&app), "Action");
    has(
        &app,
        &[
            "What to do",
            "> [u] Upgrade to 1.1.0 (keep configuration)",
            "[w] Wipe and reinstall 1.1.0",
        ],
    );
    hasnt(&app, &["(not possible)"]);
    snap(&fx, &app, "action_upgrade");
    key(&mut app, KeyCode::Down);
    snap(&fx, &app, "action_cursor_on_wipe");
    key(&mut app, KeyCode::Esc);
    assert_eq!(on(&app), "Disks");
    has(&app, &["> 1. "]);
}

#[test]
fn a_foreign_disk_is_erased_to_install() {
    let fx = super::fixture();
    let mut app = started(&fx, &[&fx.foreign]);
    keys(&mut app, "i");
    key(&mut app, KeyCode::Enter);
    has(&app, &["> [i] Install 1.1.0 (erases the disk)"]);
    snap(&fx, &app, "action_foreign");
}

#[test]
fn refused_choices_are_dimmed_with_the_reason() {
    let fx = super::fixture();
    let mut r = testkit::release::Release::new("2.0.0");
    r.upgrades_from = Some(">=1.1.0, <2.0.0");
    fx.put_release(&r);
    let mut app = started(&fx, &[&fx.installed]);
    keys(&mut app, "i");
    key(&mut app, KeyCode::Enter);
    has(
        &app,
        &[
            "[u] Upgrade to 2.0.0 (keep configuration) (not possible)",
            "1.0.0",
            "> [w] Wipe and reinstall 2.0.0",
        ],
    );
    snap(&fx, &app, "action_refused");
    keys(&mut app, "u");
    assert_eq!(on(&app), "Action");
}

#[test]
fn a_disk_that_went_away_offers_nothing() {
    let fx = super::fixture();
    let mut app = started(&fx, &[&fx.blank]);
    // The disk goes away after it was detected.
    std::fs::remove_file(&fx.blank).expect("remove the disk");
    keys(&mut app, "i");
    key(&mut app, KeyCode::Enter);
    assert_eq!(on(&app), "Action");
    has(
        &app,
        &[
            "[i] Install 1.1.0 (erases the disk) (not possible)",
            "No such file or directory",
            "Nothing can be done on this disk with this medium",
        ],
    );
    snap(&fx, &app, "action_nothing_possible");
    key(&mut app, KeyCode::Enter);
    assert_eq!(on(&app), "Action");
    key(&mut app, KeyCode::Esc);
    assert_eq!(on(&app), "Disks");
}

#[test]
fn a_disk_that_cannot_be_inspected_says_why() {
    let fx = super::fixture();
    let mut app = started(&fx, &[&fx.blank]);
    keys(&mut app, "i");
    // The inspection's answer is given by hand.
    let _ = update(&mut app, press(KeyCode::Enter));
    assert_eq!(on(&app), "Inspecting");
    let why = install::Error::Io {
        what: install::doing::Act::Opening.on(install::doing::Object::Disk(fx.blank.clone())),
        source: std::io::Error::from_raw_os_error(13), // EACCES
    };
    update(
        &mut app,
        Event::Msg(Msg::Inspected(Err(InspectError::Disk(why)))),
    );
    assert_eq!(on(&app), "Action");
    has(
        &app,
        &[
            "This disk cannot be used: opening",
            "Nothing can be done on this disk with this medium",
        ],
    );
    snap(&fx, &app, "action_disk_unusable");
    // Nothing to choose: Enter does nothing.
    key(&mut app, KeyCode::Enter);
    assert_eq!(on(&app), "Action");
}

/// A copy of the installed disk whose root a reaches into root b, its
/// GPT checksums recomputed.
fn damaged_table(fx: &super::Fixture) -> std::path::PathBuf {
    use testkit::gpt::{lbas, set_lbas};
    let disk = fx.dir.path().join("damaged.img");
    std::fs::copy(&fx.installed, &disk).expect("copy");
    let b = lbas(&disk, 3);
    let a = lbas(&disk, 2);
    set_lbas(&disk, 2, a.0, b.0 + 100);
    disk
}

#[test]
fn a_damaged_partition_table_is_only_wiped() {
    let fx = super::fixture();
    let disk = damaged_table(&fx);
    let mut app = started(&fx, &[&disk]);
    keys(&mut app, "i");
    has(
        &app,
        &[
            "partition table damaged; demo-engine: slot a 1.0.0",
            "! the partition table is damaged: partitions 2 (ferry-root-a",
        ],
    );
    key(&mut app, KeyCode::Enter);
    assert_eq!(on(&app), "Action");
    has(
        &app,
        &[
            "[u] Upgrade to 1.1.0 (keep configuration) (not possible)",
            "damaged.img is damaged",
            "(partitions 2 (ferry-root-a, sectors",
            "it is refused: wipe and reinstall",
            "> [w] Wipe and reinstall 1.1.0",
        ],
    );
    snap(&fx, &app, "action_damaged_table");
    keys(&mut app, "u");
    assert_eq!(on(&app), "Action");
    keys(&mut app, "w");
    assert_eq!(on(&app), "Review");
    has(&app, &["Type ERASE"]);
}

#[test]
fn the_running_release_is_offered_as_a_repair() {
    let fx = super::fixture();
    fx.put_release(&testkit::release::Release::new("1.0.0"));
    let mut app = started(&fx, &[&fx.installed]);
    keys(&mut app, "i");
    key(&mut app, KeyCode::Enter);
    // The upgrade is refused as already installed; the reinstall is not.
    has(
        &app,
        &[
            "[u] Upgrade to 1.0.0 (keep configuration) (not possible)",
            "demo-engine 1.0.0 is already installed",
            "[r] Reinstall 1.0.0 (keep configuration and data)",
            "[w] Wipe and reinstall 1.0.0",
        ],
    );
    hasnt(
        &app,
        &["Reinstall 1.0.0 (keep configuration and data) (not possible)"],
    );
    snap(&fx, &app, "action_repair");
    keys(&mut app, "r");
    assert_eq!(on(&app), "Review");
    has(
        &app,
        &[
            "Reinstall demo-engine 1.0.0 in slot b on ",
            "the data partition is not touched",
            "Layout (kept):",
            "Press Enter to start the repair.",
        ],
    );
    snap(&fx, &app, "review_repair");
}
