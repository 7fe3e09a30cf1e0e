//! The installer's state. Only the event handlers change it; drawing reads
//! it.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Instant;

use detect::DiskReport;
use install::{Action, PartitionSizes, PayloadInfo, Plan, StepKind, Target};
use payload::TrustStore;

use crate::answer::{AnswerError, AnswerFile};
use crate::boot_medium::BootMedium;

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
    /// Partition sizes of a new layout.
    pub sizes: PartitionSizes,
    /// systemd-boot's EFI binary.
    pub boot_loader: PathBuf,
    /// The answer file, if one was found, or why it could not be read.
    pub answer: Option<Result<AnswerFile, AnswerError>>,
    /// The write lock both consoles' installers share, if any.
    pub lock: Option<PathBuf>,
    /// Where the log is written, if anywhere.
    pub log_file: Option<PathBuf>,
    /// A serial console: the keyboard layout is the remote terminal's.
    pub serial: bool,
}

/// The screens, in the order a technician meets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// Verifying the payload and looking at the disks.
    Loading,
    Welcome,
    Keyboard,
    Check,
    Disks,
    /// Planning every choice for the chosen disk.
    Inspecting,
    Action,
    Review,
    Progress,
    Done,
    Failed,
}

/// Keyboard layouts offered on the VGA console.
pub const LAYOUTS: [&str; 8] = ["us", "uk", "de", "fr", "es", "it", "ch", "se"];

/// What was loaded at start.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The verified payload.
    pub payload: PayloadInfo,
    /// Every disk detection found.
    pub disks: Vec<DiskReport>,
}

/// One choice on the Action screen, planned.
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
}

/// State of a step on the Progress screen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StepState {
    Pending,
    Running,
    Done(f64),
}

/// A run of the engine.
#[derive(Debug, Clone)]
pub struct Run {
    pub plan: Box<Plan>,
    pub steps: Vec<(StepKind, String, StepState)>,
    /// Bytes of the current step: done, total, rate.
    pub bytes: Option<(u64, u64, f64)>,
    pub started: Instant,
    /// Set to stop the engine at its next read of the medium.
    pub cancel: Arc<AtomicBool>,
    pub cancel_requested: bool,
    /// Why cancel is not possible now, when it was pressed too late.
    pub cancel_note: Option<String>,
    /// An unattended run.
    pub unattended: bool,
}

impl Run {
    /// Whether stopping now leaves the disk as it was before, in what
    /// matters: for an upgrade, until the new slot becomes the default;
    /// for a fresh install, only before its first step.
    pub fn cancel_possible(&self) -> bool {
        let begun = |k: StepKind| {
            self.steps
                .iter()
                .any(|(s, _, st)| *s == k && *st != StepState::Pending)
        };
        match self.plan.action {
            Action::Upgrade | Action::Hotfix => !begun(StepKind::SetDefault),
            Action::Install | Action::Wipe => !self
                .steps
                .iter()
                .any(|(_, _, st)| *st != StepState::Pending),
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub ok: bool,
    pub action: Action,
    pub product: String,
    pub release: String,
    pub slot: String,
    /// The slot kept running (upgrade, hotfix).
    pub keep_slot: Option<String>,
    /// The error, one sentence.
    pub error: Option<String>,
    pub cancelled: bool,
    /// Where the report was saved.
    pub reports: Vec<String>,
    /// Whether anything was written before the failure.
    pub wrote: bool,
}

/// The Check this medium screen.
#[derive(Debug, Clone, Default)]
pub struct CheckState {
    pub done: u64,
    pub total: u64,
    pub result: Option<Result<String, String>>,
    pub started: Option<Instant>,
}

/// What the installer ends with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Quit,
    Reboot,
    PowerOff,
    Shell,
}

/// Everything the screens show.
#[derive(Debug)]
pub struct App {
    pub setup: Setup,
    pub screen: Screen,
    /// Highlighted entry of the current menu or list.
    pub cursor: usize,
    pub loaded: Option<Loaded>,
    /// Why the medium or payload cannot be used.
    pub load_error: Option<String>,
    /// A message shown on top of the Welcome screen (answer file errors).
    pub notice: Option<String>,
    pub layout: usize,
    pub layout_note: Option<String>,
    pub check: CheckState,
    /// The disk chosen (index into `loaded.disks`).
    pub disk: Option<usize>,
    pub target: Option<Box<Target>>,
    pub choices: Vec<Choice>,
    pub inspect_error: Option<String>,
    /// The choice under review.
    pub chosen: Option<usize>,
    pub scroll: u16,
    /// What the technician typed to confirm erasing.
    pub typed: String,
    pub confirm_note: Option<String>,
    pub run: Option<Run>,
    pub outcome: Option<Outcome>,
    /// The engine's log: one line per event worth keeping.
    pub log: Vec<String>,
    pub show_log: bool,
    /// The installer on the other console holds the write lock.
    pub other_busy: bool,
    /// Unattended: the answer file being carried out.
    pub unattended: Option<AnswerFile>,
    /// Unattended: when to reboot or power off.
    pub finish_at: Option<Instant>,
    pub exit: Option<Exit>,
}

impl App {
    pub fn new(setup: Setup) -> App {
        App {
            setup,
            screen: Screen::Loading,
            cursor: 0,
            loaded: None,
            load_error: None,
            notice: None,
            layout: 0,
            layout_note: None,
            check: CheckState::default(),
            disk: None,
            target: None,
            choices: Vec::new(),
            inspect_error: None,
            chosen: None,
            scroll: 0,
            typed: String::new(),
            confirm_note: None,
            run: None,
            outcome: None,
            log: Vec::new(),
            show_log: false,
            other_busy: false,
            unattended: None,
            finish_at: None,
            exit: None,
        }
    }

    /// The disks offered.
    pub fn disks(&self) -> &[DiskReport] {
        self.loaded.as_ref().map_or(&[], |l| &l.disks)
    }

    /// The chosen disk's report.
    pub fn disk_report(&self) -> Option<&DiskReport> {
        self.disk.and_then(|i| self.disks().get(i))
    }

    /// The plan under review.
    pub fn plan(&self) -> Option<&Plan> {
        self.chosen
            .and_then(|i| self.choices.get(i))
            .and_then(|c| c.plan.as_ref().ok())
            .map(|p| &**p)
    }

    /// The word that confirms erasing, when the plan erases something.
    pub fn confirm_word(&self) -> Option<&'static str> {
        let plan = self.plan()?;
        let blank = matches!(
            self.disk_report().map(|d| &d.content),
            Some(detect::Content::Blank)
        );
        (plan.action == Action::Wipe || (plan.action == Action::Install && !blank))
            .then_some("ERASE")
    }

    /// The disk's short name, also accepted as confirmation.
    pub fn disk_name(&self) -> Option<String> {
        self.plan()
            .and_then(|p| p.disk.file_name())
            .map(|n| n.to_string_lossy().into_owned())
    }

    /// Product and release on the medium, for titles.
    pub fn release(&self) -> Option<String> {
        self.loaded.as_ref().map(|l| {
            format!(
                "{} {}",
                l.payload.manifest.product, l.payload.manifest.version
            )
        })
    }

    /// Keep a line for the log screen (and the log file).
    pub fn log(&mut self, line: impl Into<String>) {
        let line = line.into();
        if let Some(p) = &self.setup.log_file {
            use std::io::Write as _;
            if let Ok(mut f) = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
            {
                let _ = writeln!(f, "{line}");
            }
        }
        self.log.push(line);
    }

    /// Go to a screen with the cursor at the top.
    pub fn go(&mut self, screen: Screen) {
        self.screen = screen;
        self.cursor = 0;
        self.scroll = 0;
    }
}
