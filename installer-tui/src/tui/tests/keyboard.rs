//! Keyboard layout: the list, and the note the choice leaves on Welcome.

use crossterm::event::KeyCode;

use super::{has, key, keys, on, snap, started};

#[test]
fn keyboard_layout_is_chosen_from_a_list() {
    let fx = super::fixture();
    let mut app = started(&fx, &[&fx.installed]);
    keys(&mut app, "k");
    has(&app, &["Keyboard layout", "> us (current)", "de"]);
    snap(&fx, &app, "keyboard");
    key(&mut app, KeyCode::Down);
    snap(&fx, &app, "keyboard_cursor_moved");
    key(&mut app, KeyCode::Enter);
    has(&app, &["[k] Keyboard layout: uk", "would be set to uk"]);
    snap(&fx, &app, "welcome_layout_chosen");
    keys(&mut app, "k");
    key(&mut app, KeyCode::Esc);
    assert_eq!(on(&app), "Welcome");
}

#[test]
fn a_serial_console_keeps_the_terminals_layout() {
    let fx = super::fixture();
    let mut s = super::setup(&fx, &[&fx.installed]);
    s.serial = true;
    let mut app = super::super::app::App::new(s);
    super::settle(&mut app, vec![super::Command::Load]);
    keys(&mut app, "k");
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    has(
        &app,
        &[
            "[k] Keyboard layout: uk",
            "On a serial console your terminal sets the layout.",
        ],
    );
    snap(&fx, &app, "welcome_layout_on_a_serial_console");
}
