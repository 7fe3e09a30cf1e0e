//! The report every run leaves: on the config partition's `reports/` and,
//! when the medium is writable, on the medium, for a management server or
//! an admin to collect.

use serde::{Deserialize, Serialize};

/// Layout version of the report.
pub const REPORT_FORMAT: u32 = 1;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Every step done.
    Success,
    /// A step failed; `error` says why. The running system is untouched.
    Failed,
}

/// One step as it ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepReport {
    /// Step name (`write-slot`, ...).
    pub step: String,
    /// What it does.
    pub title: String,
    /// Start, RFC 3339.
    pub started: String,
    /// Duration.
    pub seconds: f64,
    /// `done` or `failed`.
    pub result: String,
}

/// The report of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// [`REPORT_FORMAT`].
    pub format: u32,
    /// Machine id.
    pub machine_id: String,
    /// Id of the boot medium the payload came from (`ferry.medium=`), when
    /// the installer knows it.
    #[serde(default)]
    pub medium: Option<String>,
    /// Disk written.
    pub disk: String,
    /// `install`, `wipe`, `upgrade` or `hotfix`.
    pub action: String,
    /// Product id.
    pub product: String,
    /// Release before, if any.
    pub from: Option<String>,
    /// Release written.
    pub to: String,
    /// Hotfixes on the release before.
    pub from_hotfixes: Vec<String>,
    /// Hotfixes the written slot carries.
    pub hotfixes: Vec<String>,
    /// Slot written.
    pub slot: String,
    /// Start, RFC 3339.
    pub started: String,
    /// End, RFC 3339.
    pub finished: String,
    /// Steps in the order they ran.
    pub steps: Vec<StepReport>,
    /// How it ended.
    pub result: Outcome,
    /// Why it failed.
    pub error: Option<String>,
    /// Where copies of this report were written.
    pub saved_to: Vec<String>,
}

impl Report {
    /// File name for this report: `20250301T100000Z-upgrade-2.0.0.json`.
    pub fn file_name(&self) -> String {
        let stamp: String = self
            .started
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .take(15)
            .collect();
        format!("{stamp}Z-{}-{}.json", self.action, self.to)
    }
}
