//! What the screens share: how the installer was started, what was loaded,
//! the keyboard layout, the log ([`Context`]); the data one screen hands
//! the next ([`Planned`], [`Picked`]); where a key leads ([`Go`]); and
//! what a screen is ([`Component`]). A screen's own state is its own, in
//! its module; no screen knows another.

use std::path::PathBuf;
use std::time::Instant;

use crossterm::event::KeyEvent;
use detect::{DiskReport, Firmware, MachineIdentity};
use install::{Action, PartitionSizes, PayloadInfo, Plan};
use payload::TrustStore;
use ratatui::layout::Rect;
use ratatui::Frame;

use super::failure::{InspectError, LoadError};
use super::log::Log;
use crate::answer::{AnswerFile, AnswerFileError, Finish};
use crate::boot_medium::BootMedium;
use crate::l10n::Lang;

/// How the installer was started and what it works with.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The installer's own medium.
    pub medium: BootMedium,
    /// Keys the payload must be signed with.
    pub trust: TrustStore,
    /// Disks to offer (the medium already left out).
    pub disks: Vec<PathBuf>,
    /// Started by the boot medium's init (no `--medium`): reboot, power off
    /// and the shell are real.
    pub boot: bool,
    /// Partition sizes of a new layout instead of the release's install
    /// definition (`--layout-mib`, for tests on small images).
    pub sizes: Option<PartitionSizes>,
    /// systemd-boot's EFI binary.
    pub boot_loader: PathBuf,
    /// The shim before it, if the medium has one.
    pub shim: Option<install::Shim>,
    /// The answer file, if one was found, or why it could not be read.
    pub answer: Option<Result<AnswerFile, AnswerFileError>>,
    /// The write lock both consoles' installers share, if any.
    pub lock: Option<PathBuf>,
    /// Where the log is written, if anywhere.
    pub log_file: Option<PathBuf>,
    /// A serial console: the keyboard layout is the remote terminal's.
    pub serial: bool,
    /// How the machine started the installer (at boot); `None` in
    /// simulation, where the disks are images another machine starts.
    pub firmware: Option<Firmware>,
    /// Who the machine is, from its firmware (at boot), for the reports;
    /// `None` in simulation.
    pub machine: Option<MachineIdentity>,
    /// The language the screens start in (`--lang`, `ferry.lang=`, the
    /// answer file's `language`).
    pub lang: Lang,
    /// `ferry.lang=` named a language the installer does not speak: that
    /// value (Welcome says so).
    pub lang_unknown: Option<String>,
}

/// Keyboard layouts offered on the VGA console.
pub const LAYOUTS: [&str; 8] = ["us", "uk", "de", "fr", "es", "it", "ch", "se"];

/// What was loaded at start.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The verified payloads, the newest release first.
    pub payloads: Vec<PayloadInfo>,
    /// Every disk detection found.
    pub disks: Vec<DiskReport>,
}

/// One choice on the What to do screen, planned.
#[derive(Debug, Clone)]
pub struct Choice {
    /// Letter shortcut.
    pub key: char,
    /// What the technician reads ("Upgrade to 1.1.0 (keep configuration)").
    pub label: String,
    /// The engine's action.
    pub action: Action,
    /// The plan, or why `plan` refuses it.
    pub plan: Result<Box<Plan>, install::Refusal>,
    /// An upgrade that is one step of several: the releases that remain
    /// after this one, in order, to reach the newest on the medium.
    pub then: Vec<payload::Version>,
}

/// The disk chosen, with every choice planned for it: what What to do
/// shows, and what Review and Progress carry to come back to it.
#[derive(Debug, Default)]
pub struct Planned {
    /// The disk (index into [`Loaded::disks`]).
    pub disk: usize,
    pub choices: Vec<Choice>,
    /// Why the disk could not be inspected.
    pub error: Option<InspectError>,
}

/// One of the planned choices, picked for review.
#[derive(Debug, Default)]
pub struct Picked {
    pub planned: Planned,
    /// The choice (index into [`Planned::choices`]).
    pub chosen: usize,
    /// What the technician typed to confirm erasing.
    pub typed: String,
}

impl Picked {
    /// The plan of the picked choice.
    pub fn plan(&self) -> Option<&Plan> {
        self.planned
            .choices
            .get(self.chosen)
            .and_then(|c| c.plan.as_ref().ok())
            .map(|p| &**p)
    }
}

/// An unattended run's reboot or power off, and when.
#[derive(Debug, Clone, Copy)]
pub struct Countdown {
    pub at: Instant,
    pub finish: Finish,
}

impl Countdown {
    /// How the installer ends once the time has come.
    pub fn due(&self) -> Option<Exit> {
        (Instant::now() >= self.at).then_some(match self.finish {
            Finish::PowerOff => Exit::PowerOff,
            _ => Exit::Reboot,
        })
    }
}

/// What the installer ends with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Quit,
    Reboot,
    PowerOff,
    Shell,
}

/// Where the technician goes next. Screens say it; the app builds the
/// next screen and starts the background work it needs.
#[derive(Debug)]
pub enum Go {
    /// Welcome, the cursor on the entry whose shortcut is `at`, with a
    /// notice on top.
    Welcome { at: char, notice: Option<String> },
    /// The keyboard layout list.
    Keyboard,
    /// The keyboard layout `LAYOUTS[usize]` was chosen: load it, and back
    /// to Welcome.
    Layout(usize),
    /// The language list.
    Language,
    /// The language was chosen: speak it; on the VGA console, propose its
    /// keyboard layout.
    Lang(Lang),
    /// Check this medium: start reading it.
    Check,
    /// The disk list, the cursor on disk `cursor`.
    Disks { cursor: usize },
    /// Inspect disk `usize` and plan every choice for it.
    Inspect(usize),
    /// What to do with the planned disk, the cursor on choice `cursor`.
    Action { planned: Planned, cursor: usize },
    /// Review the picked choice.
    Review(Picked),
    /// What the answer file asks for is on the disk already: Welcome with
    /// `notice` and the cursor on Reboot.
    AlreadyDone { notice: String },
    /// Carry out the picked choice's plan.
    Start {
        plan: Box<Plan>,
        picked: Picked,
        unattended: bool,
    },
}

/// A screen: it handles the keys pressed on it and draws itself. It
/// changes its own state and, through the context, the log and the
/// installer's exit; anything else it asks for with a [`Go`].
pub trait Component {
    /// Handle a key; where to go next, if anywhere.
    fn key(&mut self, k: KeyEvent, ctx: &mut Context) -> Option<Go>;
    /// Draw into `area`; the key hints for the bottom line.
    fn draw(&self, f: &mut Frame, area: Rect, ctx: &Context) -> String;
}

/// What every screen may read, whichever is shown.
#[derive(Debug)]
pub struct Context {
    pub setup: Setup,
    pub loaded: Option<Loaded>,
    /// Why the medium or payload cannot be used.
    pub load_error: Option<LoadError>,
    /// The language the screens speak.
    pub lang: Lang,
    /// The keyboard layout (index into [`LAYOUTS`]).
    pub layout: usize,
    /// What became of the last layout chosen.
    pub layout_note: Option<String>,
    /// A layout was chosen on the Keyboard layout screen. Until then, on
    /// the VGA console, the language's own layout is proposed: Welcome
    /// says so and the list opens on it (a language chosen before the
    /// screens, by the boot menu's entry, proposes its layout as choosing
    /// it on Welcome does).
    pub layout_chosen: bool,
    pub log: Log,
    /// The installer on the other console holds the write lock.
    pub other_busy: bool,
    /// The medium check passed: an install or a wipe need not read the
    /// payload once before writing.
    pub medium_verified: bool,
    /// Unattended: the answer file being carried out.
    pub unattended: Option<AnswerFile>,
    pub exit: Option<Exit>,
    /// A step of several is done and the machine continues by itself:
    /// the medium stays in.
    pub continuing: Option<install::continuation::Armed>,
}

impl Context {
    pub fn new(setup: Setup) -> Context {
        let mut log = Log::new(setup.log_file.clone());
        log.push(format!(
            "language: {} ({})",
            setup.lang.code(),
            english_name(setup.lang)
        ));
        if let Some(v) = &setup.lang_unknown {
            log.push(super::widgets::logged(
                "lang-unknown",
                format!("ferry.lang={v} is not a language the installer speaks: English"),
            ));
        }
        Context {
            log,
            lang: setup.lang,
            setup,
            loaded: None,
            load_error: None,
            layout: 0,
            layout_note: None,
            layout_chosen: false,
            other_busy: false,
            medium_verified: false,
            unattended: None,
            exit: None,
            continuing: None,
        }
    }

    /// The disks offered.
    pub fn disks(&self) -> &[DiskReport] {
        self.loaded.as_ref().map_or(&[], |l| &l.disks)
    }

    /// Product and release on the medium (its newest), for titles.
    pub fn release(&self) -> Option<String> {
        let m = &self.loaded.as_ref()?.payloads.first()?.manifest;
        Some(format!("{} {}", m.product, m.version))
    }
}

/// A language's name in English, for the log.
pub fn english_name(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "English",
        Lang::Fr => "French",
    }
}
