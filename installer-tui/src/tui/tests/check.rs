//! Check this medium: the whole medium read against its checksums.

use std::sync::mpsc;
use std::time::Duration;

use crossterm::event::KeyCode;

use super::super::app::App;
use super::super::event::{update, Command, Event, Msg};
use super::super::worker;
use super::{damage, has, key, keys, on, press, snap, started, steady};

#[test]
fn check_this_medium_reads_it_all() {
    let fx = super::fixture();
    let mut app = started(&fx, &[&fx.installed]);
    keys(&mut app, "c");
    assert_eq!(on(&app), "Check");
    has(
        &app,
        &[
            "Check this medium",
            "Medium check passed",
            "matches its signed hashes",
        ],
    );
    steady(&mut app);
    snap(&fx, &app, "check_passed");
    key(&mut app, KeyCode::Enter);
    assert_eq!(on(&app), "Welcome");
    damage(&fx);
    keys(&mut app, "c");
    has(
        &app,
        &["MEDIUM CHECK FAILED", "Do not install from this medium"],
    );
}

/// The verdict of a real check of the medium; its progress is left out.
fn verdict(app: &App) -> Msg {
    let (tx, rx) = mpsc::channel();
    worker::spawn(Command::Check, &app.ctx, tx);
    loop {
        match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(m @ Msg::Checked(_)) => return m,
            Ok(_) => {}
            Err(e) => panic!("the check does not answer: {e}"),
        }
    }
}

#[test]
fn a_damaged_medium_fails_the_check() {
    let fx = super::fixture();
    let mut app = started(&fx, &[&fx.installed]);
    damage(&fx);
    let checked = verdict(&app);
    // How far the check read before it failed depends on the machine's
    // speed: the progress shown is given by hand.
    let total = std::fs::metadata(fx.payload()).expect("payload").len();
    let _ = update(&mut app, press(KeyCode::Char('c')));
    update(&mut app, Event::Msg(Msg::CheckProgress(2 << 20, total)));
    update(&mut app, Event::Msg(checked));
    has(
        &app,
        &["MEDIUM CHECK FAILED", "Do not install from this medium"],
    );
    steady(&mut app);
    snap(&fx, &app, "check_failed");
}

#[test]
fn check_running_snapshot() {
    let fx = super::fixture();
    let mut app = started(&fx, &[&fx.installed]);
    // The check itself is not started: its progress is given by hand.
    let _ = update(&mut app, press(KeyCode::Char('c')));
    update(&mut app, Event::Msg(Msg::CheckProgress(3 << 20, 12 << 20)));
    steady(&mut app);
    snap(&fx, &app, "check_running");
    key(&mut app, KeyCode::Esc);
    assert_eq!(on(&app), "Welcome");
    has(&app, &["> [c] Check this medium"]);
}

/// The steps of the wipe offered for the first disk.
fn wipe_steps(app: &mut App) -> Vec<install::StepKind> {
    keys(app, "i");
    key(app, KeyCode::Enter);
    assert_eq!(on(app), "Action");
    let steps = match &app.screen {
        super::super::app::Screen::Action(a) => a
            .planned
            .choices
            .iter()
            .find(|c| c.action == install::Action::Wipe)
            .and_then(|c| c.plan.as_ref().ok())
            .map(|p| p.steps.iter().map(|s| s.kind).collect())
            .expect("a wipe"),
        _ => unreachable!(),
    };
    key(app, KeyCode::Esc);
    key(app, KeyCode::Esc);
    assert_eq!(on(app), "Welcome");
    steps
}

#[test]
fn a_passed_check_spares_a_wipe_its_first_read() {
    let fx = super::fixture();
    let mut app = started(&fx, &[&fx.installed]);
    let first = install::StepKind::VerifyPayload;
    assert_eq!(wipe_steps(&mut app).first(), Some(&first));
    // A failed check changes nothing.
    damage(&fx);
    keys(&mut app, "c");
    has(&app, &["MEDIUM CHECK FAILED"]);
    key(&mut app, KeyCode::Enter);
    assert_eq!(wipe_steps(&mut app).first(), Some(&first));
    // A passed one: the payload was verified in this boot.
    let fx2 = super::fixture();
    std::fs::copy(fx2.payload(), fx.payload()).expect("payload");
    keys(&mut app, "c");
    has(&app, &["Medium check passed"]);
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        wipe_steps(&mut app).first(),
        Some(&install::StepKind::DiscardData)
    );
}
