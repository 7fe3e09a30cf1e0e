//! Loading and Welcome: what the medium carries, the menu, and a medium
//! that cannot be used.

use crossterm::event::KeyCode;

use super::super::app::App;
use super::super::context::Exit;
use super::super::event::{update, Command, Event, Msg};
use super::{fixture, has, hasnt, key, keys, on, settle, setup, snap, started};

#[test]
fn welcome_shows_the_medium_and_the_choices() {
    let fx = super::fixture();
    let mut app = started(&fx, &[&fx.installed]);
    assert_eq!(on(&app), "Welcome");
    has(
        &app,
        &[
            "Ferry installer - demo-engine 1.1.0",
            "simulation",
            "Release on this medium: demo-engine 1.1.0 (release)",
            "Signature verified",
            "> [i] Install or upgrade",
            "[c] Check this medium",
            "[k] Keyboard layout: us",
            "[s] Rescue shell",
            "[b] Reboot",
            "[p] Power off",
        ],
    );
    key(&mut app, KeyCode::Down);
    has(&app, &["> [c] Check this medium"]);
    key(&mut app, KeyCode::BackTab);
    has(&app, &["> [i] Install or upgrade"]);
    for (k, exit) in [
        ('s', Exit::Shell),
        ('b', Exit::Reboot),
        ('p', Exit::PowerOff),
    ] {
        app.ctx.exit = None;
        keys(&mut app, &k.to_string());
        assert_eq!(app.ctx.exit, Some(exit));
    }
}

#[test]
fn a_payload_that_fails_verification_is_never_offered() {
    let fx = super::fixture();
    let mut s = setup(&fx, &[&fx.installed]);
    s.trust = testkit::release::trust(&[&fixture::stranger()]);
    let mut app = App::new(s);
    settle(&mut app, vec![Command::Load]);
    has(
        &app,
        &[
            "THE MEDIUM CANNOT BE USED TO INSTALL",
            "[i] Install or upgrade (not possible)",
            "> [c] Check this medium",
        ],
    );
    snap(&fx, &app, "welcome_medium_unusable");
    keys(&mut app, "i");
    assert_eq!(on(&app), "Welcome");
    key(&mut app, KeyCode::Enter);
    assert_eq!(on(&app), "Check");
}

#[test]
fn loading_and_welcome_snapshots() {
    let fx = super::fixture();
    let mut app = App::new(setup(&fx, &[&fx.installed, &fx.blank, &fx.foreign]));
    snap(&fx, &app, "loading");
    settle(&mut app, vec![Command::Load]);
    snap(&fx, &app, "welcome");
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    snap(&fx, &app, "welcome_cursor_on_keyboard");
    update(&mut app, Event::Msg(Msg::OtherBusy(true)));
    snap(&fx, &app, "welcome_other_console_busy");
}

/// The public demo key, whose private half anyone can read.
const DEMO_PUB: &str = include_str!("../../../../demo-engine/keys/demo-DO-NOT-USE.pub");

#[test]
fn a_medium_that_trusts_the_demo_key_says_so_on_welcome() {
    let fx = super::fixture();
    let warning = "WARNING: this medium trusts the public demo key";
    // The vendor's key only: no warning.
    let app = started(&fx, &[&fx.installed]);
    hasnt(&app, &[warning, "demo key"]);

    let mut s = setup(&fx, &[&fx.installed]);
    s.trust
        .trust(payload::PublicKey::from_pem(DEMO_PUB).expect("the demo key"));
    let mut app = App::new(s);
    settle(&mut app, vec![Command::Load]);
    has(
        &app,
        &[
            warning,
            "anyone can sign software it installs",
            "Signature verified",
            "> [i] Install or upgrade",
        ],
    );
    snap(&fx, &app, "welcome_demo_key");
}
