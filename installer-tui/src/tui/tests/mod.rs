//! Every screen and transition, drawn with ratatui's `TestBackend` and read
//! back as text, over the real engine on image files. One file per screen:
//! what its keys do, and snapshots of it (`snapshots/`, cells and styles)
//! at 80x25 and 120x40.
//!
//! A screen changed on purpose fails its snapshots; write them anew with
//! `INSTA_UPDATE=always cargo test -p installer-tui tui::tests` (or
//! `cargo insta review`) and read the difference in `git diff` before
//! committing it.

mod action;
mod check;
mod disks;
mod done;
mod firmware;
mod keyboard;
mod lang;
mod progress;
mod review;
mod several;
mod unattended;
mod welcome;

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use super::app::{App, Screen};
use super::context::Setup;
use super::event::{update, Command, Event, Msg};
use super::{draw, worker};
use crate::answer::AnswerFile;
use crate::boot_medium::BootMedium;
use testkit::fixture::{self, Fixture};

fn setup(fx: &Fixture, disks: &[&Path]) -> Setup {
    Setup {
        medium: BootMedium::open(&fx.medium).expect("medium"),
        trust: fx.trust.clone(),
        disks: disks.iter().map(|p| p.to_path_buf()).collect(),
        boot: false,
        sizes: Some(testkit::engine::sizes()),
        boot_loader: testkit::engine::boot_loader(),
        shim: None,
        answer: None,
        lock: None,
        log_file: None,
        serial: false,
        firmware: None,
        machine: None,
        lang: crate::l10n::Lang::En,
        lang_unknown: None,
    }
}

/// A fixture whose directory name has a fixed length, so that the screens
/// showing its paths are laid out alike on every run.
fn fixture() -> Fixture {
    fixture::fixture_in(Path::new("/tmp"))
}

/// The screen as text, one line per row.
fn screen(app: &App) -> String {
    let mut t = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    t.draw(|f| draw::draw(f, app)).expect("draw");
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

fn has(app: &App, texts: &[&str]) {
    let s = screen(app);
    for t in texts {
        assert!(s.contains(t), "{t:?} not on the screen:\n{s}");
    }
}

fn hasnt(app: &App, texts: &[&str]) {
    let s = screen(app);
    for t in texts {
        assert!(!s.contains(t), "{t:?} on the screen:\n{s}");
    }
}

/// The sizes every screen is snapshotted at: the smallest console, and a
/// terminal emulator's.
const SIZES: [(u16, u16); 2] = [(80, 25), (120, 40)];

/// Compare the screen, at every size in [`SIZES`], with its snapshot
/// `NAME_WxH`: every cell and every change of style. What differs from run
/// to run is masked with the same number of characters, so the layout
/// stays as drawn: the fixture's random directory name, the clock.
fn snap(fx: &Fixture, app: &App, name: &str) {
    snap_at(fx, app, name, &SIZES);
}

/// [`snap`] at the sizes given.
fn snap_at(fx: &Fixture, app: &App, name: &str, sizes: &[(u16, u16)]) {
    let dir = fx.dir.path().display().to_string();
    let fixed = format!("{}xxxxxx", &dir[..dir.len() - 6]);
    for &(w, h) in sizes {
        let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        t.draw(|f| draw::draw(f, app)).expect("draw");
        let text = format!("{:?}", t.backend().buffer()).replace(&dir, &fixed);
        insta::with_settings!({ omit_expression => true }, {
            let text = mask_after(&mask_after(&text, "Elapsed "), "Écoulé ");
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), text);
        });
    }
}

/// `text` with the digits of the clock after each `label` masked.
fn mask_after(text: &str, label: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(label) {
        let (head, tail) = rest.split_at(at + label.len());
        out.push_str(head);
        let n = tail
            .find(|c: char| !c.is_ascii_digit() && c != ':')
            .unwrap_or(tail.len());
        out.extend(tail[..n].chars().map(|c| if c == ':' { ':' } else { 'X' }));
        rest = &tail[n..];
    }
    out.push_str(rest);
    out
}

/// Run commands the way the event loop does, until all background work
/// has answered; the commands `hold` picks are returned instead.
fn settle_but(app: &mut App, cmds: Vec<Command>, hold: fn(&Command) -> bool) -> Vec<Command> {
    let (tx, rx) = mpsc::channel();
    let mut held = Vec::new();
    let mut inflight = 0;
    let mut start = |app: &App, c: Command, inflight: &mut usize| {
        if hold(&c) {
            held.push(c);
        } else {
            worker::spawn(c, &app.ctx, tx.clone());
            *inflight += 1;
        }
    };
    for c in cmds {
        start(app, c, &mut inflight);
    }
    while inflight > 0 {
        let m = rx
            .recv_timeout(Duration::from_secs(120))
            .expect("background work answers");
        let last = !matches!(m, Msg::Progress(_) | Msg::CheckProgress(..));
        if last {
            inflight -= 1;
        }
        for c in update(app, Event::Msg(m)) {
            start(app, c, &mut inflight);
        }
    }
    held
}

/// Run commands the way the event loop does, until all background work
/// has answered.
fn settle(app: &mut App, cmds: Vec<Command>) {
    settle_but(app, cmds, |_| false);
}

/// Whether a command writes to a disk.
fn writes(c: &Command) -> bool {
    matches!(c, Command::Apply(..))
}

fn press(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn key(app: &mut App, code: KeyCode) {
    let cmds = update(app, press(code));
    settle(app, cmds);
}

fn keys(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

fn started(fx: &Fixture, disks: &[&Path]) -> App {
    let mut app = App::new(setup(fx, disks));
    has(
        &app,
        &["Ferry installer", "Checking the medium's signature"],
    );
    settle(&mut app, vec![Command::Load]);
    app
}

fn answered(fx: &Fixture, disks: &[&Path], text: &str) -> App {
    let mut s = setup(fx, disks);
    s.answer = Some(AnswerFile::parse("answer.toml", text).map_err(Into::into));
    let mut app = App::new(s);
    settle(&mut app, vec![Command::Load]);
    app
}

/// Damage the medium's payload after it was verified: the root image's
/// chunks no longer match the signed hashes.
fn damage(fx: &Fixture) {
    let p = fx.payload();
    let mut bytes = std::fs::read(&p).expect("payload");
    let n = bytes.len();
    bytes[n - 100_000] ^= 0xff;
    std::fs::write(&p, bytes).expect("payload");
}

/// What differs from run to run in the state, set to fixed values of the
/// same length: in the reports' file names the machine id and the time,
/// and the start of the medium check (its rate).
fn steady(app: &mut App) {
    if let Screen::Done(d) = &mut app.screen {
        for r in &mut d.outcome.reports {
            let (dir, name) = r.rsplit_once('/').unwrap_or(("", r));
            let name: Vec<String> = name
                .split('-')
                .map(|w| {
                    if w.len() == 32 && w.chars().all(|c| c.is_ascii_hexdigit()) {
                        "x".repeat(32)
                    } else if w.len() == 16 && w.ends_with('Z') && w.contains('T') {
                        "YYYYMMDDTHHMMSSZ".to_string()
                    } else {
                        w.to_string()
                    }
                })
                .collect();
            *r = format!("{dir}/{}", name.join("-"));
        }
    }
    if let Screen::Check(c) = &mut app.screen {
        c.started = None;
    }
}

/// The screen shown, by the name the technician reads.
fn on(app: &App) -> &'static str {
    match &app.screen {
        Screen::Loading => "Loading",
        Screen::Welcome(_) => "Welcome",
        Screen::Keyboard(_) => "Keyboard",
        Screen::Language(_) => "Language",
        Screen::Check(_) => "Check",
        Screen::Disks(_) => "Disks",
        Screen::Inspecting { .. } => "Inspecting",
        Screen::Action(_) => "Action",
        Screen::Review(_) => "Review",
        Screen::Progress(_) => "Progress",
        Screen::Done(d) if d.outcome.ok => "Done",
        Screen::Done(_) => "Failed",
    }
}
