//! What to do: every choice planned, the refused ones dimmed with the
//! reason.

use crossterm::event::KeyCode;

use super::super::event::{update, Event, Msg};
use super::{common, has, hasnt, key, keys, on, press, snap, started};

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
    let mut r = common::Release::new("2.0.0");
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
    let why = format!("opening {}: Permission denied", fx.blank.display());
    update(&mut app, Event::Msg(Msg::Inspected(Err(why))));
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
