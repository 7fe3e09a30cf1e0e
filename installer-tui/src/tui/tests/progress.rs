//! Progress: the steps, the bytes of the current one, the log, and when
//! Cancel is possible.

use crossterm::event::KeyCode;
use install::{Plan, Progress, StepKind};

use super::super::app::{App, Screen};
use super::super::event::{update, Command, Event, Msg};
use super::{has, key, keys, on, press, screen, settle, settle_but, snap, started, writes};

/// Press Enter on Review; the run it starts is returned, not carried out.
fn start(app: &mut App) -> Box<Plan> {
    let cmds = update(app, press(KeyCode::Enter));
    assert_eq!(on(app), "Progress", "{}", screen(app));
    let mut held = settle_but(app, cmds, writes);
    match held.pop() {
        Some(Command::Apply(plan, _, _)) => plan,
        other => panic!("no run started: {other:?}"),
    }
}

fn step(app: &mut App, plan: &Plan, kind: StepKind) {
    let i = plan
        .steps
        .iter()
        .position(|s| s.kind == kind)
        .expect("step");
    update(
        app,
        Event::Msg(Msg::Progress(Progress::Step {
            index: i + 1,
            total: plan.steps.len(),
            kind,
            title: plan.steps[i].title.clone(),
        })),
    );
}

fn step_done(app: &mut App, plan: &Plan, kind: StepKind, seconds: f64) {
    let i = plan
        .steps
        .iter()
        .position(|s| s.kind == kind)
        .expect("step");
    update(
        app,
        Event::Msg(Msg::Progress(Progress::StepDone {
            index: i + 1,
            kind,
            seconds,
        })),
    );
}

fn cancel_requested(app: &App) -> bool {
    match &app.screen {
        Screen::Progress(p) => p.run.cancel_requested,
        _ => panic!("no run:\n{}", screen(app)),
    }
}

#[test]
fn progress_shows_bytes_rate_eta_and_when_cancel_is_possible() {
    let fx = super::fixture();
    let mut app = started(&fx, &[&fx.installed]);
    keys(&mut app, "i");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    // Start as Review does, but follow the engine by hand.
    let plan = start(&mut app);
    has(
        &app,
        &[
            "Upgrading",
            "[ ]  1. Mark slot b",
            "c Cancel: stops now; slot a stays the default",
        ],
    );
    snap(&fx, &app, "progress_upgrade_start");
    let first = plan.steps[0].kind;
    step(&mut app, &plan, first);
    step_done(&mut app, &plan, first, 0.2);
    step(&mut app, &plan, StepKind::WriteSlot);
    update(
        &mut app,
        Event::Msg(Msg::Progress(Progress::Bytes {
            kind: StepKind::WriteSlot,
            done: 1 << 20,
            total: 4 << 20,
            rate: 2e6,
        })),
    );
    // A compressed image: the medium's bytes are fewer than the slot's.
    update(
        &mut app,
        Event::Msg(Msg::Progress(Progress::Medium {
            kind: StepKind::WriteSlot,
            done: 256 << 10,
            total: 1 << 20,
            rate: 5e5,
        })),
    );
    has(
        &app,
        &[
            "[x]  1. Mark slot b",
            "0.2s",
            "[>]  2. Write",
            " 25%",
            "1.0 MiB of 4.0 MiB",
            "2.0 MB/s",
            "ETA 0:02",
            "Read from the medium: 256.0 KiB of 1.0 MiB",
        ],
    );
    snap(&fx, &app, "progress_upgrade_bytes");
    key(&mut app, KeyCode::Char('l'));
    has(&app, &["Log", "[1/", "done in 0.2 s"]);
    snap(&fx, &app, "progress_log");
    key(&mut app, KeyCode::Char('l'));
    step_done(&mut app, &plan, StepKind::WriteSlot, 1.5);
    step(&mut app, &plan, StepKind::SetDefault);
    has(&app, &["Too late to cancel"]);
    snap(&fx, &app, "progress_upgrade_too_late");
    key(&mut app, KeyCode::Char('c'));
    assert!(!cancel_requested(&app));
}

#[test]
fn a_fresh_install_cannot_be_cancelled_once_it_began() {
    let fx = super::fixture();
    let mut app = started(&fx, &[&fx.foreign]);
    keys(&mut app, "i");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    keys(&mut app, "ERASE");
    let plan = start(&mut app);
    has(
        &app,
        &["c Cancel: stops now; nothing has been written yet."],
    );
    snap(&fx, &app, "progress_wipe_start");
    // Reading the payload first writes nothing: cancel is still possible.
    step(&mut app, &plan, StepKind::VerifyPayload);
    has(
        &app,
        &[
            "[>]  1. Verify every chunk of the payload",
            "c Cancel: stops now; nothing has been written yet.",
        ],
    );
    snap(&fx, &app, "progress_wipe_verifying");
    step_done(&mut app, &plan, StepKind::VerifyPayload, 0.3);
    step(&mut app, &plan, StepKind::DiscardData);
    has(&app, &["Cancel is not possible: the disk is being erased"]);
    snap(&fx, &app, "progress_wipe_cannot_cancel");
    key(&mut app, KeyCode::Esc);
    assert!(!cancel_requested(&app));
}

#[test]
fn cancel_is_acknowledged_at_once() {
    let fx = super::fixture();
    let mut app = started(&fx, &[&fx.installed]);
    keys(&mut app, "i");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    let _ = start(&mut app);
    key(&mut app, KeyCode::Char('c'));
    assert!(cancel_requested(&app));
    has(
        &app,
        &["Cancelling: the installer stops at the next block it reads."],
    );
    snap(&fx, &app, "progress_cancelling");
}

#[test]
fn cancel_leaves_the_running_system_the_default() {
    let fx = super::fixture();
    let mut app = started(&fx, &[&fx.installed]);
    keys(&mut app, "i");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    let cmds = update(&mut app, press(KeyCode::Enter));
    assert_eq!(on(&app), "Progress");
    // Cancel before the engine reads its first block.
    update(&mut app, press(KeyCode::Char('c')));
    settle(&mut app, cmds);
    assert_eq!(on(&app), "Failed");
    has(
        &app,
        &[
            "Upgrade cancelled",
            "The previous system (slot a) is still the default",
            "[r] Retry",
        ],
    );
    super::steady(&mut app);
    snap(&fx, &app, "failed_cancelled");
    let f = detect::detect_path(&fx.installed);
    assert_eq!(
        f.ferry().and_then(|f| f.boot_default),
        Some(detect::Slot::A)
    );
}
