//! Done and Failed: the result, where the report is, what to do next.

use crossterm::event::KeyCode;

use super::super::context::Exit;
use super::{damage, has, key, keys, on, screen, snap, started, steady};

#[test]
fn interactive_upgrade_runs_the_engine_to_done() {
    let fx = super::fixture();
    let mut app = started(&fx, &[&fx.installed, &fx.blank]);
    keys(&mut app, "i");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    assert_eq!(on(&app), "Review");
    // Enter starts; settle runs the engine to its end.
    key(&mut app, KeyCode::Enter);
    assert_eq!(on(&app), "Done", "{}", screen(&app));
    has(
        &app,
        &[
            "Upgrade complete",
            "demo-engine 1.1.0 is installed in slot b",
            "Report saved to:",
            "Remove the medium and press Enter to reboot",
        ],
    );
    steady(&mut app);
    snap(&fx, &app, "done_upgrade");
    let r = detect::detect_path(&fx.installed);
    let f = r.ferry().expect("ferry");
    assert_eq!(f.boot_default, Some(detect::Slot::B));
    assert_eq!(
        f.slot(detect::Slot::B).and_then(|s| s.release.clone()),
        Some(payload::Version::new(1, 1, 0))
    );
    let report = std::fs::read_dir(fx.medium.join("ferry/reports"))
        .expect("reports on the medium")
        .next()
        .expect("a report")
        .expect("its entry");
    let report =
        install::Report::parse(&std::fs::read(report.path()).expect("report")).expect("a report");
    // The report records the language of the screens.
    assert_eq!(report.language.as_deref(), Some("en"));
    key(&mut app, KeyCode::Char('l'));
    has(&app, &["Log", "[1/"]);
    key(&mut app, KeyCode::Char('l'));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.ctx.exit, Some(Exit::Reboot));
}

#[test]
fn failure_says_what_failed_and_retry_plans_again() {
    let fx = super::fixture();
    let mut app = started(&fx, &[&fx.installed]);
    keys(&mut app, "i");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    // The medium goes bad after the plan was made.
    damage(&fx);
    key(&mut app, KeyCode::Enter);
    assert_eq!(on(&app), "Failed", "{}", screen(&app));
    has(
        &app,
        &[
            "Upgrade failed",
            "What failed:",
            "The previous system (slot a) is still the default",
            "Report saved to:",
            "[r] Retry   [s] Rescue shell   [b] Reboot",
        ],
    );
    steady(&mut app);
    snap(&fx, &app, "failed_upgrade");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.ctx.exit, None, "Enter does not reboot after a failure");
    keys(&mut app, "r");
    assert_eq!(on(&app), "Action");
    keys(&mut app, "s");
    assert_eq!(app.ctx.exit, None);
}

#[test]
fn a_reinstall_is_done() {
    let fx = super::fixture();
    let mut app = started(&fx, &[&fx.installed]);
    keys(&mut app, "i");
    key(&mut app, KeyCode::Enter);
    keys(&mut app, "w");
    keys(&mut app, "ERASE");
    key(&mut app, KeyCode::Enter);
    has(&app, &["Wipe and reinstall complete"]);
    steady(&mut app);
    snap(&fx, &app, "done_wipe");
    keys(&mut app, "p");
    assert_eq!(app.ctx.exit, Some(Exit::PowerOff));
}
