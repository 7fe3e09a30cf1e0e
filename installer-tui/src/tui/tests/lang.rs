//! The screens in every language: choosing it (Welcome's `[l]`, the
//! keyboard layout it proposes), every screen state in French at 80x24
//! (`fr_*` snapshots), and no text cut mid-word or off the screen at
//! 80x24 in any language.

use std::collections::BTreeSet;
use std::path::Path;

use crossterm::event::KeyCode;
use detect::Firmware;
use install::{Progress, StepKind};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use super::super::app::{App, Screen};
use super::super::check::CheckState;
use super::super::context::{Setup, LAYOUTS};
use super::super::draw;
use super::super::event::{update, Command, Event, Msg};
use super::{
    damage, has, hasnt, key, keys, on, press, screen, settle, settle_but, setup, snap_at, steady,
    writes,
};
use crate::l10n::Lang;
use testkit::fixture::Fixture;

/// The public demo key, whose private half anyone can read.
const DEMO_PUB: &str = include_str!("../../../../demo-engine/keys/demo-DO-NOT-USE.pub");

fn started_in(lang: Lang, fx: &Fixture, disks: &[&Path], with: impl FnOnce(&mut Setup)) -> App {
    let mut s = setup(fx, disks);
    s.lang = lang;
    with(&mut s);
    let mut app = App::new(s);
    settle(&mut app, vec![Command::Load]);
    app
}

#[test]
fn welcome_chooses_the_language_and_proposes_its_layout() {
    let fx = super::fixture();
    let mut app = started_in(Lang::En, &fx, &[&fx.installed], |_| {});
    has(&app, &["[k] Keyboard layout: us", "[l] Language: English"]);
    keys(&mut app, "l");
    assert_eq!(on(&app), "Language");
    has(&app, &["> English (current)", "  Français", "Esc back"]);
    // Esc changes nothing.
    key(&mut app, KeyCode::Esc);
    assert_eq!(on(&app), "Welcome");
    has(&app, &["> [l] Language: English"]);
    keys(&mut app, "l");
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    // French from now on, and its layout proposed on the VGA console.
    assert_eq!(app.ctx.lang, Lang::Fr);
    assert_eq!(on(&app), "Keyboard");
    has(
        &app,
        &[
            "Installateur Ferry",
            "> fr",
            "us (actuelle)",
            "Proposée pour Français : Entrée l'accepte, Échap garde us.",
            "Échap garder us",
        ],
    );
    // Esc keeps the current layout.
    key(&mut app, KeyCode::Esc);
    assert_eq!(on(&app), "Welcome");
    assert_eq!(LAYOUTS[app.ctx.layout], "us");
    has(
        &app,
        &["[k] Disposition du clavier : us", "> [l] Langue : Français"],
    );
    assert!(app
        .ctx
        .log
        .lines()
        .iter()
        .any(|l| l == "language chosen: fr (French)"));
    // Enter takes it.
    keys(&mut app, "l");
    key(&mut app, KeyCode::Enter);
    assert_eq!(on(&app), "Keyboard");
    key(&mut app, KeyCode::Enter);
    assert_eq!(on(&app), "Welcome");
    assert_eq!(LAYOUTS[app.ctx.layout], "fr");
    has(
        &app,
        &[
            "[k] Disposition du clavier : fr",
            "Simulation : la disposition de la console serait fr.",
        ],
    );
    // And back to English.
    keys(&mut app, "l");
    key(&mut app, KeyCode::Up);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Esc);
    has(&app, &["[l] Language: English", "[k] Keyboard layout: fr"]);
}

#[test]
fn a_language_chosen_at_boot_proposes_its_layout_on_welcome() {
    let fx = super::fixture();
    let mut app = started_in(Lang::Fr, &fx, &[&fx.installed], |_| {});
    assert_eq!(on(&app), "Welcome");
    has(
        &app,
        &[
            "[k] Disposition du clavier : us",
            "Proposée pour Français : la disposition fr ; [k] pour la choisir.",
        ],
    );
    // [k] opens the list on the language's layout; Enter takes it.
    keys(&mut app, "k");
    assert_eq!(on(&app), "Keyboard");
    has(&app, &["> fr", "us (actuelle)"]);
    key(&mut app, KeyCode::Enter);
    assert_eq!(LAYOUTS[app.ctx.layout], "fr");
    has(&app, &["[k] Disposition du clavier : fr"]);
    hasnt(&app, &["Proposée pour"]);
    // Once a layout is chosen, the list opens on it.
    keys(&mut app, "k");
    has(&app, &["> fr (actuelle)"]);
}

#[test]
fn english_at_boot_and_a_serial_console_propose_nothing() {
    let fx = super::fixture();
    let app = started_in(Lang::En, &fx, &[&fx.installed], |_| {});
    hasnt(&app, &["Proposed for"]);
    let app = started_in(Lang::Fr, &fx, &[&fx.installed], |s| s.serial = true);
    hasnt(&app, &["Proposée pour"]);
}

#[test]
fn a_serial_console_proposes_no_layout() {
    let fx = super::fixture();
    let mut app = started_in(Lang::En, &fx, &[&fx.installed], |s| s.serial = true);
    keys(&mut app, "l");
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    assert_eq!(on(&app), "Welcome");
    has(
        &app,
        &["> [l] Langue : Français", "Installer ou mettre à jour"],
    );
    assert_eq!(LAYOUTS[app.ctx.layout], "us");
}

#[test]
fn an_unknown_kernel_language_is_english_with_a_notice() {
    let fx = super::fixture();
    let app = started_in(Lang::En, &fx, &[&fx.installed], |s| {
        s.lang_unknown = Some("de".into())
    });
    has(
        &app,
        &[
            "! ferry.lang=de is not a language the installer speaks (en, fr): English is",
            "[l] Language: English",
        ],
    );
    let logged = "ferry.lang=de is not a language the installer speaks: English [lang-unknown]";
    assert!(
        app.ctx.log.lines().iter().any(|l| l == logged),
        "{:?}",
        app.ctx.log.lines()
    );
}

#[test]
fn the_answer_files_language_is_the_screens() {
    // As tui_cmd sets it up: the answer file's language over the kernel's.
    let fx = super::fixture();
    let text = "language = \"fr\"\n[install]\naction = \"wipe\"\ndisk = \"only\"\n";
    let answer = crate::answer::AnswerFile::parse("answer.toml", text).expect("answer");
    assert_eq!(answer.language.as_deref(), Some("fr"));
    let app = started_in(Lang::En, &fx, &[&fx.installed, &fx.blank], |s| {
        s.lang = Lang::from_code(answer.language.as_deref().unwrap_or("en")).unwrap_or_default();
        s.answer = Some(Ok(answer));
    });
    // Two disks: "only" is a mistake, shown in French; the log is English.
    assert_eq!(on(&app), "Welcome");
    has(
        &app,
        &["Suite en mode interactif.", "Installer ou mettre à jour"],
    );
    assert!(
        app.ctx
            .log
            .lines()
            .iter()
            .any(|l| l.ends_with("Continuing interactively. [notice-continuing]")),
        "{:?}",
        app.ctx.log.lines()
    );
}

#[test]
fn the_erase_word_is_the_languages_and_english_is_accepted() {
    for (lang, word) in [
        (Lang::Fr, "EFFACER"),
        (Lang::Fr, "ERASE"),
        (Lang::En, "ERASE"),
    ] {
        let fx = super::fixture();
        let mut app = started_in(lang, &fx, &[&fx.installed], |_| {});
        keys(&mut app, "i");
        key(&mut app, KeyCode::Enter);
        keys(&mut app, "w");
        assert_eq!(on(&app), "Review");
        keys(&mut app, "ERASR");
        let cmds = update(&mut app, press(KeyCode::Enter));
        assert!(cmds.is_empty());
        assert_eq!(on(&app), "Review");
        keys(&mut app, word);
        let cmds = update(&mut app, press(KeyCode::Enter));
        assert_eq!(on(&app), "Progress", "{lang:?} {word}");
        assert!(settle_but(&mut app, cmds, writes).iter().any(writes));
    }
}

/// Every screen state worth seeing, in `lang`, each given to `each` with
/// its name and fixture.
fn each_state(lang: Lang, each: &mut dyn FnMut(&str, &Fixture, &mut App)) {
    // Welcome, Language, Keyboard (plain and proposed), Disks, What to do,
    // Review and Confirm, Check, Loading and Inspecting.
    let fx = super::fixture();
    let mut app = App::new({
        let mut s = setup(&fx, &[&fx.installed, &fx.blank, &fx.foreign]);
        s.lang = lang;
        s
    });
    each("loading", &fx, &mut app);
    settle(&mut app, vec![Command::Load]);
    each("welcome", &fx, &mut app);
    update(&mut app, Event::Msg(Msg::OtherBusy(true)));
    each("welcome_other_console_busy", &fx, &mut app);
    update(&mut app, Event::Msg(Msg::OtherBusy(false)));
    keys(&mut app, "l");
    each("language", &fx, &mut app);
    key(&mut app, KeyCode::Enter);
    each("keyboard_proposed", &fx, &mut app);
    key(&mut app, KeyCode::Esc);
    keys(&mut app, "k");
    each("keyboard", &fx, &mut app);
    key(&mut app, KeyCode::Esc);
    keys(&mut app, "i");
    each("disks", &fx, &mut app);
    let cmds = update(&mut app, press(KeyCode::Enter));
    each("inspecting", &fx, &mut app);
    settle(&mut app, cmds);
    each("action_upgrade", &fx, &mut app);
    key(&mut app, KeyCode::Enter);
    each("review_upgrade", &fx, &mut app);
    key(&mut app, KeyCode::Esc);
    keys(&mut app, "w");
    each("review_erase", &fx, &mut app);
    keys(&mut app, "NO");
    key(&mut app, KeyCode::Enter);
    each("review_erase_wrong_word", &fx, &mut app);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    each("action_blank", &fx, &mut app);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    each("action_foreign", &fx, &mut app);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Esc);
    app.screen = Screen::Check(CheckState {
        done: 3 << 20,
        total: 8 << 20,
        ..CheckState::default()
    });
    each("check_running", &fx, &mut app);
    key(&mut app, KeyCode::Esc);
    keys(&mut app, "c");
    steady(&mut app);
    each("check_passed", &fx, &mut app);
    key(&mut app, KeyCode::Enter);

    // Progress: an upgrade, held before it writes, fed by hand.
    keys(&mut app, "i");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    let cmds = update(&mut app, press(KeyCode::Enter));
    let plan = match settle_but(&mut app, cmds, writes).pop() {
        Some(Command::Apply(plan, _, _)) => plan,
        other => panic!("no run started: {other:?}"),
    };
    each("progress_upgrade_start", &fx, &mut app);
    let i = plan
        .steps
        .iter()
        .position(|s| s.kind == StepKind::WriteSlot)
        .expect("a slot step");
    for p in [
        Progress::Step {
            index: i + 1,
            total: plan.steps.len(),
            kind: StepKind::WriteSlot,
            title: plan.steps[i].title.clone(),
        },
        Progress::Bytes {
            kind: StepKind::WriteSlot,
            done: 3 << 20,
            total: 8 << 20,
            rate: 41.3e6,
        },
    ] {
        update(&mut app, Event::Msg(Msg::Progress(p)));
    }
    each("progress_upgrade_bytes", &fx, &mut app);
    keys(&mut app, "l");
    each("progress_log", &fx, &mut app);
    keys(&mut app, "l");
    keys(&mut app, "c");
    each("progress_cancelling", &fx, &mut app);

    // Done, and the log from there.
    let fx = super::fixture();
    let mut app = started_in(lang, &fx, &[&fx.installed], |_| {});
    keys(&mut app, "i");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    assert_eq!(on(&app), "Done", "{}", screen(&app));
    steady(&mut app);
    each("done_upgrade", &fx, &mut app);

    // Failed.
    let fx = super::fixture();
    let mut app = started_in(lang, &fx, &[&fx.installed], |_| {});
    keys(&mut app, "i");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    damage(&fx);
    key(&mut app, KeyCode::Enter);
    assert_eq!(on(&app), "Failed", "{}", screen(&app));
    steady(&mut app);
    each("failed_upgrade", &fx, &mut app);

    // The warnings: the demo key, legacy BIOS mode (and its refusals).
    let fx = super::fixture();
    let mut app = started_in(lang, &fx, &[&fx.blank], |s| {
        s.trust
            .trust(payload::PublicKey::from_pem(DEMO_PUB).expect("the demo key"));
        s.firmware = Some(Firmware::Bios);
    });
    each("welcome_demo_key_bios_mode", &fx, &mut app);
    // With a notice as well (an answer file's install refused there): the
    // menu still shows whole.
    if let Screen::Welcome(w) = &mut app.screen {
        w.notice = Some(
            "ferry/answer.toml: its install is refused in legacy BIOS mode (see above); \
             nothing was written. Continuing interactively."
                .into(),
        );
    }
    each("welcome_demo_key_bios_mode_notice", &fx, &mut app);
    keys(&mut app, "i");
    key(&mut app, KeyCode::Enter);
    each("action_bios_mode", &fx, &mut app);

    // UEFI in setup mode, the longest way to say how the machine started.
    let fx = super::fixture();
    let mut app = started_in(lang, &fx, &[&fx.blank], |s| {
        s.firmware = Some(Firmware::Uefi {
            secure_boot: Some(false),
            setup_mode: Some(true),
        });
    });
    each("welcome_uefi_setup_mode", &fx, &mut app);

    // A medium that cannot be used.
    let fx = super::fixture();
    let mut app = started_in(lang, &fx, &[&fx.installed], |s| {
        s.trust = testkit::release::trust(&[&testkit::fixture::stranger()]);
    });
    each("welcome_medium_unusable", &fx, &mut app);
}

#[test]
fn every_screen_in_french_at_80x24() {
    each_state(Lang::Fr, &mut |name, fx, app| {
        snap_at(fx, app, &format!("fr_{name}"), &[(80, 24)]);
    });
}

/// The screen's rows at `w` x `h`.
fn rows(app: &App, w: u16, h: u16) -> Vec<String> {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| draw::draw(f, app)).expect("draw");
    let buf = t.backend().buffer();
    (0..buf.area.height)
        .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect())
        .collect()
}

/// The words of `rows`: what is between spaces and the boxes' borders,
/// leaving out what is drawn rather than written (borders, bars) and the
/// clock, which moves between two drawings.
fn words(rows: &[String]) -> BTreeSet<String> {
    let drawn = |w: &str| w.chars().all(|c| "+-|#.[]>".contains(c));
    let clock = |w: &str| w.chars().all(|c| c.is_ascii_digit() || c == ':');
    rows.iter()
        .flat_map(|r| {
            r.split(|c: char| c.is_whitespace() || c == '|')
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter(|w| !w.is_empty() && !drawn(w) && !clock(w))
        .collect()
}

/// The words the screen means to show that 80x24 does not show whole:
/// drawn so large that nothing wraps or is cut, every word must also be
/// on the 80x24 screen, not cut at its right edge, split over two rows or
/// pushed off its bottom. A Review is read at every scroll position.
fn cut_words(app: &mut App) -> Vec<String> {
    let big = rows(app, 400, 200);
    let small = rows(app, 80, 24);
    let meant = words(&big);
    let mut shown = words(&small);
    // A line shortened on purpose ("Write slot b (root,..."): the rest of
    // its words are not cut, they are left out.
    for r in &small {
        if let Some((head, _)) = r.split_once("...") {
            let head = head.trim_start_matches(['|', ' ']);
            if head.trim().is_empty() {
                continue;
            }
            for b in big.iter().filter(|b| b.contains(head)) {
                shown.extend(words(std::slice::from_ref(b)));
            }
        }
    }
    let review_at = match &app.screen {
        Screen::Review(r) => Some(r.scroll),
        _ => None,
    };
    if let Some(at) = review_at {
        for s in 0..200 {
            if let Screen::Review(r) = &mut app.screen {
                r.scroll = s;
            }
            shown.extend(words(&rows(app, 80, 24)));
        }
        if let Screen::Review(r) = &mut app.screen {
            r.scroll = at;
        }
    }
    meant.difference(&shown).cloned().collect()
}

#[test]
fn the_checker_finds_a_word_cut_or_off_the_screen() {
    let fx = super::fixture();
    let mut app = started_in(Lang::En, &fx, &[&fx.installed], |s| {
        s.lang_unknown = Some(format!("{}x", "y".repeat(90)))
    });
    // A word longer than the screen is wide is cut, whatever the wrap.
    assert!(!cut_words(&mut app).is_empty());
    let fx = super::fixture();
    let mut app = started_in(Lang::En, &fx, &[&fx.installed], |_| {});
    assert_eq!(cut_words(&mut app), Vec::<String>::new());
    // Pushed off the bottom: a notice of many lines.
    if let Screen::Welcome(w) = &mut app.screen {
        w.notice = Some("word ".repeat(400));
    }
    hasnt(&app, &["[p] Power off"]);
    assert!(cut_words(&mut app).contains(&"Power".to_string()));
}

#[test]
fn no_text_is_cut_at_80x24_in_any_language() {
    let mut cut = Vec::new();
    for lang in Lang::ALL {
        each_state(lang, &mut |name, _, app| {
            // The log's lines are records, in English, kept whole in the
            // log file: the view shows their start.
            if matches!(&app.screen, Screen::Progress(p) if p.show_log) {
                return;
            }
            let w = cut_words(app);
            if !w.is_empty() {
                cut.push(format!("{} {name}: {w:?}\n{}", lang.code(), screen(app)));
            }
        });
    }
    assert!(cut.is_empty(), "{}", cut.join("\n"));
}
