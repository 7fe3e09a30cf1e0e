//! Review: the plan, the configuration diff, and the confirmation;
//! nothing is written before Enter.

use crossterm::event::KeyCode;
use detect::Content;

use super::super::app::App;
use super::super::event::update;
use super::super::worker;
use super::{has, hasnt, key, keys, on, press, screen, settle, snap, started, Command};

#[test]
fn an_upgrade_is_reviewed_with_its_diff() {
    let fx = super::fixture();
    let mut app = started(&fx, &[&fx.installed]);
    keys(&mut app, "i");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    assert_eq!(on(&app), "Review");
    has(
        &app,
        &[
            "Review: upgrade (line 1 of",
            "Upgrade demo-engine from 1.0.0 to 1.1.0",
            "Press Enter to start the upgrade",
        ],
    );
    hasnt(&app, &["Type ERASE"]);
    snap(&fx, &app, "review_upgrade");
    // The diff is further down: scroll to it.
    for _ in 0..40 {
        if screen(&app).contains("Configuration diff") {
            break;
        }
        key(&mut app, KeyCode::Down);
    }
    has(&app, &["Configuration diff", "+"]);
    snap(&fx, &app, "review_upgrade_diff");
    for _ in 0..10 {
        key(&mut app, KeyCode::PageDown);
    }
    snap(&fx, &app, "review_upgrade_end");
    key(&mut app, KeyCode::Esc);
    assert_eq!(on(&app), "Action");
    has(&app, &["> [u] Upgrade"]);
}

#[test]
fn wipe_asks_for_the_word_before_writing() {
    let fx = super::fixture();
    let before = std::fs::read(&fx.foreign).expect("image");
    let mut app = started(&fx, &[&fx.foreign]);
    keys(&mut app, "i");
    key(&mut app, KeyCode::Enter);
    has(&app, &["> [i] Install 1.1.0 (erases the disk)"]);
    key(&mut app, KeyCode::Enter);
    has(
        &app,
        &[
            "Type ERASE to confirm (or the disk's name, foreign.img), then Enter:",
            "Erased: everything on",
        ],
    );
    snap(&fx, &app, "review_erase");
    keys(&mut app, "erase");
    snap(&fx, &app, "review_erase_typed");
    key(&mut app, KeyCode::Enter);
    assert_eq!(on(&app), "Review");
    has(&app, &["That is not ERASE: nothing was written"]);
    snap(&fx, &app, "review_erase_wrong_word");
    assert_eq!(std::fs::read(&fx.foreign).expect("image"), before);
    keys(&mut app, "ERAS");
    key(&mut app, KeyCode::Backspace);
    keys(&mut app, "SE");
    has(&app, &["> ERASE_"]);
    key(&mut app, KeyCode::Enter);
    assert_eq!(on(&app), "Done", "{}", screen(&app));
    has(&app, &["Wipe and reinstall complete", "slot a"]);
    assert!(matches!(
        detect::detect_path(&fx.foreign).content,
        Content::Ferry(_)
    ));
}

#[test]
fn wipe_of_an_installation_accepts_the_disk_name() {
    let fx = super::fixture();
    let mut app = started(&fx, &[&fx.installed]);
    keys(&mut app, "i");
    key(&mut app, KeyCode::Enter);
    keys(&mut app, "w");
    has(
        &app,
        &[
            "Wipe and reinstall demo-engine 1.1.0",
            "Type ERASE to confirm",
        ],
    );
    snap(&fx, &app, "review_wipe");
    keys(&mut app, "installed.img");
    key(&mut app, KeyCode::Enter);
    has(&app, &["Wipe and reinstall complete"]);
}

#[test]
fn blank_disk_installs_without_typing() {
    let fx = super::fixture();
    let mut app = started(&fx, &[&fx.blank]);
    keys(&mut app, "i1");
    has(&app, &["> [i] Install 1.1.0"]);
    snap(&fx, &app, "action_blank");
    key(&mut app, KeyCode::Enter);
    has(&app, &["Press Enter to start the install"]);
    hasnt(&app, &["Type ERASE"]);
    snap(&fx, &app, "review_install");
    key(&mut app, KeyCode::Enter);
    has(&app, &["Install complete"]);
}

#[test]
fn the_other_consoles_lock_stops_writing() {
    let fx = super::fixture();
    let lock = fx.dir.path().join("ferry.lock");
    let _held = worker::lock(&lock).expect("lock");
    let mut s = super::setup(&fx, &[&fx.installed]);
    s.lock = Some(lock);
    let mut app = App::new(s);
    settle(&mut app, vec![Command::Load]);
    keys(&mut app, "i");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    assert_eq!(on(&app), "Review");
    has(
        &app,
        &[
            "The installer on the other console is working",
            "nothing was written here",
        ],
    );
    let f = detect::detect_path(&fx.installed);
    assert_eq!(
        f.ferry()
            .and_then(|f| f.slot(detect::Slot::B))
            .and_then(|s| s.state),
        Some(detect::SlotState::Empty)
    );
}

#[test]
fn a_busy_lock_returns_to_the_confirmation_as_typed() {
    let fx = super::fixture();
    let lock = fx.dir.path().join("ferry.lock");
    let _held = worker::lock(&lock).expect("lock");
    let mut s = super::setup(&fx, &[&fx.foreign]);
    s.lock = Some(lock);
    let mut app = App::new(s);
    settle(&mut app, vec![Command::Load]);
    keys(&mut app, "i");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    keys(&mut app, "ERASE");
    key(&mut app, KeyCode::Down);
    let cmds = update(&mut app, press(KeyCode::Enter));
    assert_eq!(on(&app), "Progress");
    settle(&mut app, cmds);
    assert_eq!(on(&app), "Review");
    has(
        &app,
        &[
            "The installer on the other console is working",
            "nothing was written here",
            "> ERASE_",
            "(line 1 of",
        ],
    );
    snap(&fx, &app, "review_other_console_busy");
    assert!(matches!(
        detect::detect_path(&fx.foreign).content,
        Content::Foreign { .. }
    ));
}
