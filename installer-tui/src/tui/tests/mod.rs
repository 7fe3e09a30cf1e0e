//! Every screen and transition, drawn with ratatui's `TestBackend` at
//! 80x24 and read back as text, over the real engine on image files.

#[path = "../../../install/tests/common/mod.rs"]
mod common;
#[path = "../../tests/fixture/mod.rs"]
mod fixture;

use std::sync::mpsc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use detect::Content;
use install::{Action, Progress, StepKind};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use super::app::{App, Exit, Screen, Setup};
use super::event::{update, Command, Event, Msg};
use super::{draw, worker};
use crate::answer::AnswerFile;
use crate::boot_medium::BootMedium;
use fixture::Fixture;

fn setup(fx: &Fixture, disks: &[&std::path::Path]) -> Setup {
    Setup {
        medium: BootMedium::open(&fx.medium).expect("medium"),
        trust: fx.trust.clone(),
        disks: disks.iter().map(|p| p.to_path_buf()).collect(),
        boot: false,
        sizes: common::sizes(),
        boot_loader: common::boot_loader(),
        answer: None,
        lock: None,
        log_file: None,
        serial: false,
    }
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

/// Run commands the way the event loop does, until all background work
/// has answered.
fn settle(app: &mut App, cmds: Vec<Command>) {
    let (tx, rx) = mpsc::channel();
    let mut inflight = 0;
    for c in cmds {
        worker::spawn(c, app, tx.clone());
        inflight += 1;
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
            worker::spawn(c, app, tx.clone());
            inflight += 1;
        }
    }
}

fn key(app: &mut App, code: KeyCode) {
    let cmds = update(app, Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    settle(app, cmds);
}

fn keys(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

fn started(fx: &Fixture, disks: &[&std::path::Path]) -> App {
    let mut app = App::new(setup(fx, disks));
    has(
        &app,
        &["Ferry installer", "Checking the medium's signature"],
    );
    settle(&mut app, vec![Command::Load]);
    app
}

#[test]
fn welcome_shows_the_medium_and_the_choices() {
    let fx = fixture::fixture();
    let mut app = started(&fx, &[&fx.installed]);
    assert_eq!(app.screen, Screen::Welcome);
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
        app.exit = None;
        keys(&mut app, &k.to_string());
        assert_eq!(app.exit, Some(exit));
    }
}

#[test]
fn keyboard_layout_is_chosen_from_a_list() {
    let fx = fixture::fixture();
    let mut app = started(&fx, &[&fx.installed]);
    keys(&mut app, "k");
    has(&app, &["Keyboard layout", "> us (current)", "de"]);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    has(&app, &["[k] Keyboard layout: uk", "would be set to uk"]);
    keys(&mut app, "k");
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::Welcome);
}

#[test]
fn a_payload_that_fails_verification_is_never_offered() {
    let fx = fixture::fixture();
    let mut s = setup(&fx, &[&fx.installed]);
    s.trust = common::trust(&[&payload::SecretKey::generate().expect("key")]);
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
    keys(&mut app, "i");
    assert_eq!(app.screen, Screen::Welcome);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Check);
}

#[test]
fn disks_show_what_is_on_them_and_esc_goes_back() {
    let fx = fixture::fixture();
    let mut app = started(&fx, &[&fx.installed, &fx.blank, &fx.foreign]);
    keys(&mut app, "i");
    has(
        &app,
        &[
            "Choose the disk",
            "1. ",
            "installed.img",
            "104.0 MiB",
            "demo-engine: slot a 1.0.0 (active, boots fine); slot b empty",
            "2. ",
            "blank",
            "other system",
        ],
    );
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::Welcome);
}

#[test]
fn interactive_upgrade_runs_the_engine_to_done() {
    let fx = fixture::fixture();
    let mut app = started(&fx, &[&fx.installed, &fx.blank]);
    keys(&mut app, "i");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Action);
    has(
        &app,
        &[
            "What to do",
            "> [u] Upgrade to 1.1.0 (keep configuration)",
            "[w] Wipe and reinstall 1.1.0",
        ],
    );
    hasnt(&app, &["(not possible)"]);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::Disks);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Review);
    has(
        &app,
        &[
            "Review: upgrade (line 1 of",
            "Upgrade demo-engine from 1.0.0 to 1.1.0",
            "Press Enter to start the upgrade",
        ],
    );
    hasnt(&app, &["Type ERASE"]);
    // The diff is further down: scroll to it.
    for _ in 0..40 {
        if screen(&app).contains("Configuration diff") {
            break;
        }
        key(&mut app, KeyCode::Down);
    }
    has(&app, &["Configuration diff", "+"]);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::Action);
    key(&mut app, KeyCode::Enter);
    // Enter starts; settle runs the engine to its end.
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Done, "{}", screen(&app));
    has(
        &app,
        &[
            "Upgrade complete",
            "demo-engine 1.1.0 is installed in slot b",
            "Report saved to:",
            "Remove the medium and press Enter to reboot",
        ],
    );
    let r = detect::detect_path(&fx.installed);
    let f = r.ferry().expect("ferry");
    assert_eq!(f.boot_default, Some(detect::Slot::B));
    assert_eq!(
        f.slot(detect::Slot::B).and_then(|s| s.release.clone()),
        Some(payload::Version::new(1, 1, 0))
    );
    assert!(std::fs::read_dir(fx.medium.join("ferry/reports"))
        .expect("reports on the medium")
        .next()
        .is_some());
    key(&mut app, KeyCode::Char('l'));
    has(&app, &["Log", "[1/"]);
    key(&mut app, KeyCode::Char('l'));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.exit, Some(Exit::Reboot));
}

#[test]
fn wipe_asks_for_the_word_before_writing() {
    let fx = fixture::fixture();
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
    keys(&mut app, "erase");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Review);
    has(&app, &["That is not ERASE: nothing was written"]);
    assert_eq!(std::fs::read(&fx.foreign).expect("image"), before);
    keys(&mut app, "ERAS");
    key(&mut app, KeyCode::Backspace);
    keys(&mut app, "SE");
    has(&app, &["> ERASE_"]);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Done, "{}", screen(&app));
    has(&app, &["Wipe and reinstall complete", "slot a"]);
    assert!(matches!(
        detect::detect_path(&fx.foreign).content,
        Content::Ferry(_)
    ));
}

#[test]
fn wipe_of_an_installation_accepts_the_disk_name() {
    let fx = fixture::fixture();
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
    keys(&mut app, "installed.img");
    key(&mut app, KeyCode::Enter);
    has(&app, &["Wipe and reinstall complete"]);
}

#[test]
fn blank_disk_installs_without_typing() {
    let fx = fixture::fixture();
    let mut app = started(&fx, &[&fx.blank]);
    keys(&mut app, "i1");
    has(&app, &["> [i] Install 1.1.0"]);
    key(&mut app, KeyCode::Enter);
    has(&app, &["Press Enter to start the install"]);
    hasnt(&app, &["Type ERASE"]);
    key(&mut app, KeyCode::Enter);
    has(&app, &["Install complete"]);
}

#[test]
fn refused_choices_are_dimmed_with_the_reason() {
    let fx = fixture::fixture();
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
    keys(&mut app, "u");
    assert_eq!(app.screen, Screen::Action);
}

#[test]
fn progress_shows_bytes_rate_eta_and_when_cancel_is_possible() {
    let fx = fixture::fixture();
    let mut app = started(&fx, &[&fx.installed]);
    keys(&mut app, "i");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    let plan = app.plan().cloned().expect("plan");
    // Start as Review does, but follow the engine by hand.
    let _ = super::progress::start(&mut app, Box::new(plan.clone()), false);
    has(
        &app,
        &[
            "Upgrading",
            "[ ]  1. Mark slot b",
            "c Cancel: stops now; slot a stays the default",
        ],
    );
    let write = plan
        .steps
        .iter()
        .position(|s| s.kind == StepKind::WriteSlot)
        .expect("write");
    let msg = |p| Event::Msg(Msg::Progress(p));
    update(
        &mut app,
        msg(Progress::Step {
            index: 1,
            total: plan.steps.len(),
            kind: plan.steps[0].kind,
            title: plan.steps[0].title.clone(),
        }),
    );
    update(
        &mut app,
        msg(Progress::StepDone {
            index: 1,
            kind: plan.steps[0].kind,
            seconds: 0.2,
        }),
    );
    update(
        &mut app,
        msg(Progress::Step {
            index: write + 1,
            total: plan.steps.len(),
            kind: StepKind::WriteSlot,
            title: plan.steps[write].title.clone(),
        }),
    );
    update(
        &mut app,
        msg(Progress::Bytes {
            kind: StepKind::WriteSlot,
            done: 1 << 20,
            total: 4 << 20,
            rate: 2e6,
        }),
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
        ],
    );
    key(&mut app, KeyCode::Char('l'));
    has(&app, &["Log", "[1/", "done in 0.2 s"]);
    key(&mut app, KeyCode::Char('l'));
    let set = plan
        .steps
        .iter()
        .position(|s| s.kind == StepKind::SetDefault)
        .expect("set default");
    update(
        &mut app,
        msg(Progress::Step {
            index: set + 1,
            total: plan.steps.len(),
            kind: StepKind::SetDefault,
            title: plan.steps[set].title.clone(),
        }),
    );
    has(&app, &["Too late to cancel"]);
    key(&mut app, KeyCode::Char('c'));
    assert!(!app.run.as_ref().expect("run").cancel_requested);
    // A fresh install cannot be cancelled once it began.
    let mut wipe = plan.clone();
    wipe.action = Action::Wipe;
    wipe.keep_slot = None;
    let _ = super::progress::start(&mut app, Box::new(wipe.clone()), false);
    update(
        &mut app,
        msg(Progress::Step {
            index: 1,
            total: wipe.steps.len(),
            kind: wipe.steps[0].kind,
            title: wipe.steps[0].title.clone(),
        }),
    );
    has(&app, &["Cancel is not possible: the disk is being erased"]);
}

#[test]
fn cancel_leaves_the_running_system_the_default() {
    let fx = fixture::fixture();
    let mut app = started(&fx, &[&fx.installed]);
    keys(&mut app, "i");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    let cmds = update(
        &mut app,
        Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    assert_eq!(app.screen, Screen::Progress);
    // Cancel before the engine reads its first block.
    update(
        &mut app,
        Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::NONE)),
    );
    settle(&mut app, cmds);
    assert_eq!(app.screen, Screen::Failed);
    has(
        &app,
        &[
            "Upgrade cancelled",
            "The previous system (slot a) is still the default",
            "[r] Retry",
        ],
    );
    let f = detect::detect_path(&fx.installed);
    assert_eq!(
        f.ferry().and_then(|f| f.boot_default),
        Some(detect::Slot::A)
    );
}

#[test]
fn failure_says_what_failed_and_retry_plans_again() {
    let fx = fixture::fixture();
    let mut app = started(&fx, &[&fx.installed]);
    keys(&mut app, "i");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    // The medium goes bad after the plan was made: the root image's
    // chunks no longer match the signed hashes.
    let p = fx.payload();
    let mut bytes = std::fs::read(&p).expect("payload");
    let n = bytes.len();
    bytes[n - 100_000] ^= 0xff;
    std::fs::write(&p, bytes).expect("payload");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Failed, "{}", screen(&app));
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
    keys(&mut app, "r");
    assert_eq!(app.screen, Screen::Action);
    keys(&mut app, "s");
    assert_eq!(app.exit, None);
}

#[test]
fn check_this_medium_reads_it_all() {
    let fx = fixture::fixture();
    let mut app = started(&fx, &[&fx.installed]);
    keys(&mut app, "c");
    assert_eq!(app.screen, Screen::Check);
    has(
        &app,
        &[
            "Check this medium",
            "Medium check passed",
            "matches its signed hashes",
        ],
    );
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Welcome);
    let p = fx.payload();
    let mut bytes = std::fs::read(&p).expect("payload");
    let n = bytes.len();
    bytes[n - 100_000] ^= 0xff;
    std::fs::write(&p, bytes).expect("payload");
    keys(&mut app, "c");
    has(
        &app,
        &["MEDIUM CHECK FAILED", "Do not install from this medium"],
    );
}

fn answered(fx: &Fixture, disks: &[&std::path::Path], text: &str) -> App {
    let mut s = setup(fx, disks);
    s.answer = Some(AnswerFile::parse("answer.toml", text));
    let mut app = App::new(s);
    settle(&mut app, vec![Command::Load]);
    app
}

#[test]
fn unattended_upgrade_runs_and_reboots() {
    let fx = fixture::fixture();
    let app = answered(
        &fx,
        &[&fx.installed, &fx.blank],
        "[install]\naction = \"auto\"\ndisk = \"only\"\n",
    );
    // "only" with two disks is refused: interactive, with the reason.
    has(
        &app,
        &[
            "answer.toml line 3, key install.disk",
            "exactly one disk",
            "Continuing interactively",
        ],
    );
    assert_eq!(app.screen, Screen::Welcome);

    let path = fx.installed.display().to_string();
    let mut app = answered(
        &fx,
        &[&fx.installed, &fx.blank],
        &format!("[install]\naction = \"auto\"\ndisk = \"{path}\"\n[finish]\naction = \"reboot\"\ndelay = 0\n"),
    );
    assert_eq!(app.screen, Screen::Done, "{}", screen(&app));
    has(&app, &["Upgrade complete", "Rebooting in"]);
    update(&mut app, Event::Tick);
    assert_eq!(app.exit, Some(Exit::Reboot));
}

#[test]
fn unattended_install_sets_configuration_values() {
    let fx = fixture::fixture();
    let path = fx.blank.display().to_string();
    let app = answered(
        &fx,
        &[&fx.blank],
        &format!("[install]\naction = \"install\"\ndisk = \"{path}\"\n[config.\"engine.toml\"]\n\"host.name\" = \"engine-07\"\n"),
    );
    assert_eq!(app.screen, Screen::Done, "{}\n{:?}", screen(&app), app.log);
    let t = install::inspect(&fx.blank).expect("inspect");
    let config = t.config.expect("config");
    let text = config.text("engine.toml").expect("doc").expect("doc");
    assert!(text.contains("engine-07"), "{text}");
}

#[test]
fn unattended_mistakes_fall_back_to_the_screens() {
    let fx = fixture::fixture();
    for (text, shown) in [
        ("[install]\naction = \"upgarde\"\ndisk = \"only\"\n", "line 2, key install.action"),
        ("[install]\naction = \"wipe\"\ndisk = \"only\"\n", "key install.confirm-erase"),
        (
            "[install]\naction = \"install\"\ndisk = \"only\"\nconfirm-erase = \"ERASE\"\n[config.\"engine.toml\"]\n\"host.hostnam\" = \"x\"\n",
            "line 5, key config",
        ),
    ] {
        let app = answered(&fx, &[&fx.installed], text);
        assert_eq!(app.screen, Screen::Welcome, "{text}");
        has(&app, &[shown, "Continuing interactively"]);
    }
    assert!(detect::detect_path(&fx.installed).ferry().is_some());
}

#[test]
fn the_other_consoles_lock_stops_writing() {
    let fx = fixture::fixture();
    let lock = fx.dir.path().join("ferry.lock");
    let _held = worker::lock(&lock).expect("lock");
    let mut s = setup(&fx, &[&fx.installed]);
    s.lock = Some(lock);
    let mut app = App::new(s);
    settle(&mut app, vec![Command::Load]);
    keys(&mut app, "i");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Review);
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
