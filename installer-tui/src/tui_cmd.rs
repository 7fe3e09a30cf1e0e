//! The interactive installer as a command: at boot (no options) or in
//! simulation (`--medium`, `--disk`). Works out what it runs on, runs the
//! screens, and ends with the exit code the boot medium's init acts on
//! (`docs/boot-parameters.md`, "Installer exit codes").

use std::path::{Path, PathBuf};

use payload::TrustStore;

use crate::boot_medium::{BootMedium, OpenError};
use crate::cli::TuiArgs;
use crate::l10n::{self, t, Lang};
use crate::tui::context::{Exit, Setup};

/// Exit code: the technician left the installer (init starts it again).
pub const EXIT_QUIT: i32 = 0;
/// Exit code: reboot the machine.
pub const EXIT_REBOOT: i32 = 80;
/// Exit code: power the machine off.
pub const EXIT_POWEROFF: i32 = 81;
/// Exit code: start a rescue shell on this console, then the installer again.
pub const EXIT_SHELL: i32 = 82;

/// Where boot mode finds the keys it trusts.
pub const KEYS_DIR: &str = "/etc/ferry/keys";
/// Boot mode's write lock.
pub const LOCK: &str = "/run/ferry.lock";
/// Boot mode's log.
pub const LOG: &str = "/run/ferry-installer.log";

/// The exit code of an ending.
pub fn exit_code(exit: Exit) -> i32 {
    match exit {
        Exit::Quit => EXIT_QUIT,
        Exit::Reboot => EXIT_REBOOT,
        Exit::PowerOff => EXIT_POWEROFF,
        Exit::Shell => EXIT_SHELL,
    }
}

/// `key=value` parameters of the kernel command line.
pub fn cmdline_params(cmdline: &str) -> Vec<(String, String)> {
    cmdline
        .split_whitespace()
        .filter_map(|w| w.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

pub fn param<'a>(params: &'a [(String, String)], key: &str) -> Option<&'a str> {
    params
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Why the installer could not start its screens. Printed on the console
/// in the chosen language ([`StartError::sentence`]); the English
/// `Display` is the same sentence in English.
#[derive(Debug)]
pub enum StartError {
    /// The machine's drives could not be listed (`/sys/block`).
    Drives(std::io::Error),
    /// The boot medium was not found, or several drives could be it.
    BootMedium(medium::Error),
    /// The medium given with `--medium` cannot be used.
    Medium(OpenError),
    /// No key to trust in `dir`, nor given with `--trust`.
    NoKey { dir: &'static str },
    /// A key to trust cannot be read.
    Keys(payload::Error),
    /// The screens could not start on this terminal.
    Screens(crate::tui::failure::TerminalError),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&l10n::in_english(|| self.sentence()))
    }
}

impl std::error::Error for StartError {}

impl StartError {
    /// The sentence the console shows, in this thread's language.
    pub fn sentence(&self) -> String {
        match self {
            StartError::Drives(e) => t!("console-drives", detail = l10n::os_error(e)),
            StartError::BootMedium(e) => l10n::engine::medium(e),
            StartError::Medium(e) => e.sentence(),
            StartError::NoKey { dir } => t!("console-no-key", dir = *dir),
            StartError::Keys(e) => t!("console-keys", detail = l10n::engine::payload_error(e)),
            // What the terminal refused, with the system's message.
            StartError::Screens(e) => {
                t!("console-screens", detail = l10n::engine::terminal_error(e))
            }
        }
    }
}

/// Run the interactive installer and exit with its code. A failure to
/// start is said on the console in the chosen language (exit code 1).
pub fn run(args: TuiArgs) -> anyhow::Result<()> {
    let started =
        setup(&args).and_then(|setup| crate::tui::run(setup).map_err(StartError::Screens));
    let exit = match started {
        Ok(exit) => exit,
        Err(e) => {
            eprintln!("{}", t!("console-failed", error = e.sentence()));
            std::process::exit(1);
        }
    };
    let code = exit_code(exit);
    if args.medium.is_some() && exit != Exit::Quit {
        eprintln!(
            "{}",
            t!(
                "console-simulation-exit",
                exit = format!("{exit:?}"),
                code = code
            )
        );
    }
    std::process::exit(code);
}

fn trust(paths: &[PathBuf]) -> Result<TrustStore, StartError> {
    let trust = if paths.is_empty() {
        TrustStore::load_dir(Path::new(KEYS_DIR))
    } else {
        TrustStore::load(paths)
    }
    .map_err(StartError::Keys)?;
    if trust.is_empty() {
        return Err(StartError::NoKey { dir: KEYS_DIR });
    }
    Ok(trust)
}

/// How long boot mode waits for its medium to appear. USB sticks show up
/// seconds after the kernel has started (usb-storage waits before it scans,
/// slow sticks take longer), often after init has seen the devices settle.
const MEDIUM_WAIT_SECS: u64 = 60;

/// `find_medium`, retried until the medium appears or `secs` have passed.
/// Two media that could each be the boot medium end the wait at once.
fn wait_for_medium(id: Option<&str>, secs: u64) -> Result<BootMedium, StartError> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    let mut said = false;
    loop {
        match find_medium(id) {
            Ok(m) => return Ok(m),
            Err(e) if std::time::Instant::now() >= deadline => return Err(e),
            Err(e @ StartError::BootMedium(medium::Error::SeveralBootMedia { .. })) => {
                return Err(e)
            }
            Err(_) => {
                if !said {
                    eprintln!("{}", t!("console-waiting"));
                    said = true;
                }
                std::thread::sleep(std::time::Duration::from_millis(500));
            }
        }
    }
}

/// Find the boot medium among the machine's drives ([`BootMedium::find`]).
fn find_medium(id: Option<&str>) -> Result<BootMedium, StartError> {
    let devices = detect::enumerate_with(&detect::EnumerateOptions {
        cd_drives: true,
        ..Default::default()
    })
    .map_err(StartError::Drives)?;
    BootMedium::find(&devices, id).map_err(StartError::BootMedium)
}

/// Work out what the installer runs on.
pub fn setup(args: &TuiArgs) -> Result<Setup, StartError> {
    let boot = args.medium.is_none();
    let cmdline = if boot {
        std::fs::read_to_string("/proc/cmdline").unwrap_or_default()
    } else {
        String::new()
    };
    let params = cmdline_params(&cmdline);
    // The language first: what is printed while the medium is awaited is
    // in it already.
    let (lang, lang_unknown) = language(args.lang, param(&params, "ferry.lang"));
    l10n::set(lang);
    let medium = match &args.medium {
        Some(p) => BootMedium::open(p).map_err(StartError::Medium)?,
        None => wait_for_medium(
            param(&params, "ferry.medium"),
            param(&params, "ferry.medium-wait")
                .and_then(|s| s.parse().ok())
                .unwrap_or(MEDIUM_WAIT_SECS),
        )?,
    };
    let disks = if !args.disks.is_empty() {
        args.disks.clone()
    } else if boot {
        let exclude: Vec<PathBuf> = medium.device().map(Path::to_path_buf).into_iter().collect();
        detect::enumerate(&exclude).map_err(StartError::Drives)?
    } else {
        Vec::new()
    };
    let term = std::env::var("TERM").unwrap_or_default();
    let answer = crate::answer::find(
        args.answer.as_deref(),
        param(&params, "ferry.answer"),
        &medium,
    );
    // The answer file's language beats the kernel parameter.
    let lang = match &answer {
        Some(Ok(a)) => a
            .language
            .as_deref()
            .and_then(Lang::from_code)
            .unwrap_or(lang),
        _ => lang,
    };
    l10n::set(lang);
    Ok(Setup {
        trust: trust(&args.trust)?,
        disks,
        boot,
        sizes: args.layout_mib,
        boot_loader: args
            .boot_loader
            .clone()
            .unwrap_or_else(|| PathBuf::from(install::SYSTEMD_BOOT_EFI)),
        shim: match (&args.shim, &args.mok_manager) {
            (Some(shim), Some(mm)) => Some(install::Shim {
                shim: shim.clone(),
                mok_manager: mm.clone(),
            }),
            _ if boot => install::Shim::installed(),
            _ => None,
        },
        answer,
        lock: args
            .lock
            .clone()
            .or_else(|| boot.then(|| PathBuf::from(LOCK))),
        log_file: args
            .log
            .clone()
            .or_else(|| boot.then(|| PathBuf::from(LOG))),
        serial: term.starts_with("vt"),
        firmware: boot.then(|| detect::Firmware::read(Path::new("/"))),
        machine: boot.then(|| detect::MachineIdentity::read(Path::new("/"))),
        lang,
        lang_unknown,
        medium,
    })
}

/// The language to start in: `--lang`, else `ferry.lang=`, else English;
/// with the `ferry.lang=` value the installer does not speak, if so.
fn language(option: Option<Lang>, param: Option<&str>) -> (Lang, Option<String>) {
    match (option, param) {
        (Some(l), _) => (l, None),
        (None, Some(p)) => match Lang::from_code(p) {
            Some(l) => (l, None),
            None => (Lang::En, Some(p.to_string())),
        },
        (None, None) => (Lang::En, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_kernel_parameters() {
        let p = cmdline_params("quiet ferry.medium=0123 console=ttyS0 ferry.answer=/x.toml ro");
        assert_eq!(param(&p, "ferry.medium"), Some("0123"));
        assert_eq!(param(&p, "ferry.answer"), Some("/x.toml"));
        assert_eq!(param(&p, "ferry.console"), None);
    }

    #[test]
    fn reads_the_language() {
        let p = cmdline_params("quiet ferry.lang=fr ro");
        assert_eq!(language(None, param(&p, "ferry.lang")), (Lang::Fr, None));
        assert_eq!(language(None, None), (Lang::En, None));
        // --lang of a simulation run comes first.
        assert_eq!(language(Some(Lang::En), Some("fr")), (Lang::En, None));
        // A language the installer does not speak: English, and Welcome
        // says what was asked for.
        assert_eq!(
            language(None, Some("de")),
            (Lang::En, Some("de".to_string()))
        );
        // The engine's list of answer-file languages is the catalogs'.
        let codes: Vec<&str> = Lang::ALL.iter().map(|l| l.code()).collect();
        assert_eq!(codes, install::answers::LANGUAGES);
    }

    #[test]
    fn a_failed_start_is_said_in_the_chosen_language() {
        let dir = tempfile::tempdir().expect("dir");
        std::fs::create_dir(dir.path().join(medium::PAYLOAD_DIR)).expect("ferry/");
        let Err(e) = BootMedium::open(dir.path()).map_err(StartError::Medium) else {
            panic!("a medium without a payload opens");
        };
        let ferry = dir.path().join(medium::PAYLOAD_DIR).display().to_string();
        assert_eq!(e.to_string(), format!("{ferry} holds no payload (*.upg)"));
        l10n::set(Lang::Fr);
        let fr = e.sentence();
        let none = StartError::BootMedium(medium::Error::BootMediumNotFound {
            id: Some("0123456789abcdef".into()),
            others: Vec::new(),
        })
        .sentence();
        let no_key = StartError::NoKey { dir: KEYS_DIR }.sentence();
        l10n::set(Lang::En);
        assert_eq!(fr, format!("{ferry} ne contient aucun paquet (*.upg)"));
        assert_eq!(
            none,
            "le support de démarrage (identifiant 0123456789abcdef) est introuvable : le DVD \
             ou la clé est-il toujours en place ?"
        );
        assert!(no_key.starts_with("aucune clé de confiance"), "{no_key}");
        // The log's English is the engine's own.
        let e = StartError::BootMedium(medium::Error::NoChecksum);
        assert_eq!(e.to_string(), medium::Error::NoChecksum.to_string());
    }

    #[test]
    fn exit_codes_are_distinct() {
        let codes = [Exit::Quit, Exit::Reboot, Exit::PowerOff, Exit::Shell].map(exit_code);
        assert_eq!(codes, [0, 80, 81, 82]);
    }
}
