//! How the machine started: Welcome says it, and a machine that started
//! the installer in legacy BIOS mode is refused install and wipe, on the
//! screens and from an answer file, while an upgrade is still offered.

use crossterm::event::KeyCode;
use detect::Firmware;

use super::super::app::App;
use super::super::event::Command;
use super::{has, hasnt, key, keys, on, settle, setup, snap};
use crate::answer::AnswerFile;

fn on_firmware(fx: &super::Fixture, disks: &[&std::path::Path], firmware: Firmware) -> App {
    let mut s = setup(fx, disks);
    s.firmware = Some(firmware);
    let mut app = App::new(s);
    settle(&mut app, vec![Command::Load]);
    app
}

#[test]
fn welcome_says_how_the_machine_started() {
    let fx = super::fixture();
    for (secure_boot, text, name) in [
        (
            Some(true),
            "Machine started with: UEFI, Secure Boot on",
            "welcome_uefi_secure_boot_on",
        ),
        (
            Some(false),
            "Machine started with: UEFI, Secure Boot off",
            "welcome_uefi_secure_boot_off",
        ),
    ] {
        let fw = Firmware::Uefi {
            secure_boot,
            setup_mode: Some(false),
        };
        let app = on_firmware(&fx, &[&fx.blank], fw);
        has(&app, &[text, "> [i] Install or upgrade"]);
        hasnt(&app, &["LEGACY BIOS"]);
        snap(&fx, &app, name);
    }
    let app = on_firmware(&fx, &[&fx.blank], Firmware::Bios);
    has(
        &app,
        &[
            "THIS MACHINE STARTED THE INSTALLER IN LEGACY BIOS MODE",
            "install and wipe are refused",
            "Restart and choose",
            "the stick's UEFI entry in the firmware's boot menu",
            "> [i] Install or upgrade",
        ],
    );
    hasnt(&app, &["Machine started with"]);
    snap(&fx, &app, "welcome_bios_mode");
}

#[test]
fn bios_mode_refuses_install_and_wipe_but_offers_the_upgrade() {
    let fx = super::fixture();
    let mut app = on_firmware(&fx, &[&fx.blank, &fx.installed], Firmware::Bios);
    keys(&mut app, "i");
    key(&mut app, KeyCode::Enter);
    assert_eq!(on(&app), "Action");
    has(
        &app,
        &[
            "[i] Install 1.1.0 (not possible)",
            "legacy BIOS mode",
            "Nothing can be done on this disk with this medium",
        ],
    );
    snap(&fx, &app, "action_bios_mode");
    key(&mut app, KeyCode::Enter);
    assert_eq!(on(&app), "Action");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    has(
        &app,
        &[
            "> [u] Upgrade to 1.1.0 (keep configuration)",
            "[w] Wipe and reinstall 1.1.0 (not possible)",
        ],
    );
}

#[test]
fn bios_mode_refuses_an_answer_files_install_and_writes_nothing() {
    let fx = super::fixture();
    let before = std::fs::read(&fx.blank).expect("disk");
    let mut s = setup(&fx, &[&fx.blank]);
    s.firmware = Some(Firmware::Bios);
    s.answer = Some(AnswerFile::parse(
        "answer.toml",
        "[install]\naction = \"auto\"\ndisk = \"only\"\n[finish]\naction = \"reboot\"\ndelay = 0\n",
    ).map_err(Into::into));
    let mut app = App::new(s);
    settle(&mut app, vec![Command::Load]);
    assert_eq!(on(&app), "Welcome");
    has(
        &app,
        &[
            "answer.toml: its install is refused in legacy BIOS mode (see above)",
            "was written. Continuing interactively.",
            "THIS MACHINE STARTED THE INSTALLER IN LEGACY BIOS MODE",
            "> [i] Install or upgrade",
            "[p] Power off",
        ],
    );
    assert!(app
        .ctx
        .log
        .lines()
        .iter()
        .any(|l| l.contains("so install is refused")));
    snap(&fx, &app, "unattended_bios_mode");
    assert_eq!(app.ctx.exit, None);
    assert!(std::fs::read(&fx.blank).expect("disk") == before);
}
