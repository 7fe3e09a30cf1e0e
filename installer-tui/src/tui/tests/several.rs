//! A medium carrying several releases: each disk is offered the payload
//! that applies to it, and an upgrade more than one release behind says
//! which release it installs first and what remains.

use crossterm::event::KeyCode;

use super::{has, hasnt, key, keys, on, screen, snap, started};
use testkit::fixture::Fixture;

/// The fixture's medium (1.1.0, which upgrades 1.0.0) with 2.0.0 beside
/// it, which upgrades only 1.1.
fn with_2_0(fx: &Fixture) {
    let mut r = testkit::release::Release::new("2.0.0");
    r.upgrades_from = Some(">=1.1.0, <2.0.0");
    let built = r.build(fx.dir.path(), testkit::fixture::vendor());
    std::fs::copy(built, fx.medium.join("ferry/demo-engine-2.0.0.upg")).expect("payload");
}

#[test]
fn a_disk_two_releases_behind_upgrades_to_the_one_between_first() {
    let fx = super::fixture();
    with_2_0(&fx);
    let mut app = started(&fx, &[&fx.installed, &fx.blank]);
    has(
        &app,
        &["Release on this medium: demo-engine 2.0.0 (release); also 1.1.0"],
    );
    keys(&mut app, "i");
    key(&mut app, KeyCode::Enter);
    assert_eq!(on(&app), "Action");
    has(
        &app,
        &[
            "> [u] Upgrade to 1.1.0 (keep configuration), then to 2.0.0",
            "1.0.0 cannot be upgraded to 2.0.0 at once: this installs 1.1.0 first;",
            "once 1.1.0 has started, this medium upgrades it to 2.0.0.",
            "[w] Wipe and reinstall 2.0.0",
        ],
    );
    hasnt(&app, &["(not possible)"]);
    snap(&fx, &app, "action_several_steps");
    key(&mut app, KeyCode::Enter);
    assert_eq!(on(&app), "Review");
    has(&app, &["this installs 1.1.0 first"]);
    snap(&fx, &app, "review_several_steps");
    // The step written is 1.1.0, read from its own payload file.
    key(&mut app, KeyCode::Enter);
    assert_eq!(on(&app), "Done", "{}", screen(&app));
    let r = detect::detect_path(&fx.installed);
    let f = r.ferry().expect("ferry");
    assert_eq!(
        f.slot(detect::Slot::B).and_then(|s| s.release.clone()),
        Some(payload::Version::new(1, 1, 0))
    );
}

#[test]
fn a_blank_disk_gets_the_newest_release() {
    let fx = super::fixture();
    with_2_0(&fx);
    let mut app = started(&fx, &[&fx.blank]);
    keys(&mut app, "i");
    key(&mut app, KeyCode::Enter);
    has(&app, &["> [i] Install 2.0.0"]);
    hasnt(&app, &["1.1.0"]);
}

/// One answer file, started from the medium again after each release has
/// started from the disk and confirmed itself: the steps are taken in
/// order, one per run, and a run that finds the newest release installed
/// writes nothing.
#[test]
fn an_answer_file_takes_one_step_per_run_from_the_same_medium() {
    let fx = super::fixture();
    with_2_0(&fx);
    let answer = "[install]\naction = \"upgrade\"\ndisk = \"only\"\n\
                  [finish]\naction = \"reboot\"\ndelay = 0\n";
    let release = |slot| {
        detect::detect_path(&fx.installed)
            .ferry()
            .and_then(|f| f.slot(slot).and_then(|s| s.release.clone()))
    };
    let app = super::answered(&fx, &[&fx.installed], answer);
    assert_eq!(on(&app), "Done", "{}", screen(&app));
    has(
        &app,
        &["Upgrade complete", "demo-engine 1.1.0 is installed"],
    );
    assert_eq!(
        release(detect::Slot::B),
        Some(payload::Version::new(1, 1, 0))
    );

    // 1.1.0 has not confirmed its boot yet: nothing is written.
    let app = super::answered(&fx, &[&fx.installed], answer);
    assert_eq!(on(&app), "Welcome", "{}", screen(&app));
    has(&app, &["has not yet", "Continuing interactively"]);

    testkit::engine::bless(&fx.installed);
    let app = super::answered(&fx, &[&fx.installed], answer);
    assert_eq!(on(&app), "Done", "{}", screen(&app));
    has(
        &app,
        &["Upgrade complete", "demo-engine 2.0.0 is installed"],
    );
    assert_eq!(
        release(detect::Slot::A),
        Some(payload::Version::new(2, 0, 0))
    );

    testkit::engine::bless(&fx.installed);
    let before = std::fs::read(&fx.installed).expect("disk");
    let app = super::answered(&fx, &[&fx.installed], answer);
    assert_eq!(on(&app), "Welcome", "{}", screen(&app));
    has(
        &app,
        &["demo-engine 2.0.0 is already", "Continuing interactively"],
    );
    assert!(std::fs::read(&fx.installed).expect("disk") == before);
}
