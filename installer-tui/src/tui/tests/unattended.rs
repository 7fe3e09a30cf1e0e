//! Unattended runs: the answer file drives the same screens, and its
//! mistakes are shown on Welcome.

use super::super::app::App;
use super::super::context::Exit;
use super::super::event::{update, Command, Event};
use super::{answered, damage, has, on, screen, settle_but, setup, snap, steady, writes};
use crate::answer::AnswerFile;

#[test]
fn unattended_upgrade_runs_and_reboots() {
    let fx = super::fixture();
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
    assert_eq!(on(&app), "Welcome");
    snap(&fx, &app, "unattended_disk_mistake");

    let path = fx.installed.display().to_string();
    let mut app = answered(
        &fx,
        &[&fx.installed, &fx.blank],
        &format!("[install]\naction = \"auto\"\ndisk = \"{path}\"\n[finish]\naction = \"reboot\"\ndelay = 0\n"),
    );
    assert_eq!(on(&app), "Done", "{}", screen(&app));
    has(&app, &["Upgrade complete", "Rebooting in"]);
    steady(&mut app);
    snap(&fx, &app, "unattended_done_rebooting");
    update(&mut app, Event::Tick);
    assert_eq!(app.ctx.exit, Some(Exit::Reboot));
}

#[test]
fn a_key_stops_the_countdown() {
    let fx = super::fixture();
    let mut app = answered(
        &fx,
        &[&fx.installed],
        "[install]\naction = \"upgrade\"\ndisk = \"only\"\n[finish]\naction = \"poweroff\"\ndelay = 0\n",
    );
    has(&app, &["Upgrade complete", "Powering off in 1 s"]);
    steady(&mut app);
    snap(&fx, &app, "unattended_done_powering_off");
    update(&mut app, super::press(crossterm::event::KeyCode::Char('x')));
    update(&mut app, Event::Tick);
    assert_eq!(app.ctx.exit, None);
    assert!(app
        .ctx
        .log
        .lines()
        .iter()
        .any(|l| l.contains("the technician pressed a key")));
    snap(&fx, &app, "unattended_done_stayed");
}

#[test]
fn unattended_progress_says_so() {
    let fx = super::fixture();
    let mut s = setup(&fx, &[&fx.installed]);
    s.answer = Some(
        AnswerFile::parse(
            "answer.toml",
            "[install]\naction = \"upgrade\"\ndisk = \"only\"\n",
        )
        .map_err(Into::into),
    );
    let mut app = App::new(s);
    let held = settle_but(&mut app, vec![Command::Load], writes);
    assert_eq!(held.len(), 1);
    assert_eq!(on(&app), "Progress");
    has(&app, &["Unattended: following the answer file."]);
    snap(&fx, &app, "unattended_progress");
}

#[test]
fn unattended_install_sets_configuration_values() {
    let fx = super::fixture();
    let path = fx.blank.display().to_string();
    let app = answered(
        &fx,
        &[&fx.blank],
        &format!("[install]\naction = \"install\"\ndisk = \"{path}\"\n[config.\"engine.toml\"]\n\"host.name\" = \"engine-07\"\n"),
    );
    assert_eq!(
        on(&app),
        "Done",
        "{}\n{:?}",
        screen(&app),
        app.ctx.log.lines()
    );
    let t = install::inspect(&fx.blank).expect("inspect");
    let config = t.config.expect("config");
    let text = config.text("engine.toml").expect("doc").expect("doc");
    assert!(text.contains("engine-07"), "{text}");
}

#[test]
fn unattended_mistakes_fall_back_to_the_screens() {
    let fx = super::fixture();
    for (text, shown, name) in [
        (
            "[install]\naction = \"upgarde\"\ndisk = \"only\"\n",
            "line 2, key install.action",
            "unattended_action_mistake",
        ),
        (
            "[install]\naction = \"wipe\"\ndisk = \"only\"\n",
            "key install.confirm-erase",
            "unattended_refused",
        ),
        (
            "[install]\naction = \"install\"\ndisk = \"only\"\nconfirm-erase = \"ERASE\"\n[config.\"engine.toml\"]\n\"host.hostnam\" = \"x\"\n",
            "line 5, key config",
            "unattended_config_mistake",
        ),
    ] {
        let app = answered(&fx, &[&fx.installed], text);
        assert_eq!(on(&app), "Welcome", "{text}");
        has(&app, &[shown, "Continuing interactively"]);
        snap(&fx, &app, name);
    }
    assert!(detect::detect_path(&fx.installed).ferry().is_some());
}

#[test]
fn unattended_wipe_from_a_damaged_medium_leaves_the_disk_as_it_was() {
    let fx = super::fixture();
    let image = || testkit::image::hash_range(&fx.installed, 0, testkit::engine::DISK_SIZE);
    let before = image();
    damage(&fx);
    let mut app = answered(
        &fx,
        &[&fx.installed],
        "[install]\naction = \"wipe\"\ndisk = \"only\"\nconfirm-erase = \"ERASE\"\n[finish]\naction = \"reboot\"\ndelay = 0\n",
    );
    assert_eq!(on(&app), "Failed", "{}", screen(&app));
    has(
        &app,
        &[
            "Wipe and reinstall failed",
            "do not match the signed checksum",
            "Nothing was written; the disk is as it was.",
        ],
    );
    assert_eq!(image(), before, "the disk changed");
    assert_eq!(app.ctx.exit, None);
    steady(&mut app);
    snap(&fx, &app, "unattended_wipe_damaged_medium");
}

#[test]
fn an_unattended_wipe_is_not_repeated_at_the_next_boot() {
    let fx = super::fixture();
    let answer = "[install]\naction = \"wipe\"\ndisk = \"only\"\nconfirm-erase = \"ERASE\"\n[finish]\naction = \"reboot\"\ndelay = 0\n";
    let image = || testkit::image::hash_range(&fx.installed, 0, testkit::engine::DISK_SIZE);
    // A run from the answer file, with the eject it asks for held back.
    let run = || {
        let mut s = setup(&fx, &[&fx.installed]);
        s.answer = Some(AnswerFile::parse("answer.toml", answer).map_err(Into::into));
        let mut app = App::new(s);
        let ejects = settle_but(&mut app, vec![Command::Load], |c| {
            matches!(c, Command::Eject)
        });
        (app, ejects.len())
    };
    let (mut app, ejects) = run();
    assert_eq!(on(&app), "Done", "{}", screen(&app));
    assert_eq!(ejects, 1, "the disc comes out after success");
    update(&mut app, Event::Tick);
    assert_eq!(app.ctx.exit, Some(Exit::Reboot));
    let after_first = image();

    // The machine starts from the medium again: the same answer file.
    let (mut app, ejects) = run();
    assert_eq!(on(&app), "Welcome", "{}", screen(&app));
    assert_eq!(ejects, 0, "the disc stays in for another action");
    has(
        &app,
        &[
            "demo-engine 1.1.0, installed by this answer file",
            "unattended run does not erase it again",
            "Remove the medium and start the",
            "> [b] Reboot",
        ],
    );
    assert_eq!(image(), after_first, "the disk changed");
    assert!(app.ctx.unattended.is_none());
    update(&mut app, Event::Tick);
    assert_eq!(app.ctx.exit, None, "no countdown");
    snap(&fx, &app, "unattended_already_done");
    update(&mut app, super::press(crossterm::event::KeyCode::Enter));
    assert_eq!(app.ctx.exit, Some(Exit::Reboot));
}
