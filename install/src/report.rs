//! The report every run leaves: on the config partition's `reports/` and,
//! when the medium is writable, on the medium, for a management server or
//! an admin to collect.
//!
//! The JSON carries its layout version in `format`. A reader checks it
//! before anything else ([`Report::parse`]): a report of a newer layout is
//! refused with [`ReportError::UnsupportedFormat`] instead of being read
//! wrongly. Fields only ever get added with a default, which keeps
//! [`REPORT_FORMAT`]; anything else raises it.

use detect::layout::Slot;
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::error::Error;
use crate::plan::{Action, Plan, StepKind};

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

/// How one step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepResult {
    /// It did everything; what it wrote is durable.
    Done,
    /// It stopped with the run's error.
    Failed,
}

/// One step as it ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepReport {
    /// Which step (`write-slot`, ...).
    pub step: StepKind,
    /// What it does.
    pub title: String,
    /// Start, RFC 3339.
    pub started: String,
    /// Duration.
    pub seconds: f64,
    /// How it ended.
    pub result: StepResult,
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
    /// What was done.
    pub action: Action,
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
    pub slot: Slot,
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

/// Why a report cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Written by a newer Ferry, in a layout this one does not know.
    #[error("the report has format {found}; this installer reads format {REPORT_FORMAT}")]
    UnsupportedFormat { found: u64 },
    /// Not the JSON of a report.
    #[error("the report is not valid: {0}")]
    Malformed(#[from] serde_json::Error),
}

/// The first thing read: the layout version alone.
#[derive(Deserialize)]
struct Head {
    format: u64,
}

impl Report {
    /// A report of `plan` starting at `started`, failed until
    /// [`Report::finish`] says otherwise.
    pub(crate) fn begin(plan: &Plan, started: OffsetDateTime) -> Report {
        Report {
            format: REPORT_FORMAT,
            machine_id: plan.machine_id.clone(),
            medium: plan.medium.clone(),
            disk: plan.disk.display().to_string(),
            action: plan.action,
            product: plan.product.clone(),
            from: plan.from.as_ref().map(ToString::to_string),
            to: plan.to.to_string(),
            from_hotfixes: plan.from_hotfixes.clone(),
            hotfixes: plan.to_hotfixes.clone(),
            slot: plan.slot,
            started: rfc3339(started),
            finished: String::new(),
            steps: Vec::new(),
            result: Outcome::Failed,
            error: None,
            saved_to: Vec::new(),
        }
    }

    /// Record the end of the run: now, and how it ended.
    pub(crate) fn finish(&mut self, error: Option<&Error>) {
        self.finished = rfc3339(now());
        self.result = match error {
            None => Outcome::Success,
            Some(_) => Outcome::Failed,
        };
        self.error = error.map(ToString::to_string);
    }

    /// Read a report, refusing a layout newer than [`REPORT_FORMAT`].
    pub fn parse(json: &[u8]) -> Result<Report, ReportError> {
        let head: Head = serde_json::from_slice(json)?;
        if head.format != u64::from(REPORT_FORMAT) {
            return Err(ReportError::UnsupportedFormat { found: head.format });
        }
        Ok(serde_json::from_slice(json)?)
    }

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

    /// File name of a copy on a medium, which collects reports of many
    /// machines: the machine id first.
    pub fn medium_file_name(&self) -> String {
        format!("{}-{}", self.machine_id, self.file_name())
    }

    /// Save a copy at `at` (a place a technician reads, such as
    /// `ferry-config:reports/NAME`): `write` stores the JSON, whose
    /// `saved_to` already lists `at`; once it succeeded, `at` is added to
    /// this report's `saved_to` too. A copy that cannot be written does not
    /// change the run's result; it is left out. Returns whether it was
    /// written.
    pub fn save_copy<E>(&mut self, at: String, write: impl FnOnce(&[u8]) -> Result<(), E>) -> bool {
        let mut copy = self.clone();
        copy.saved_to.push(at.clone());
        let written = serde_json::to_vec_pretty(&copy)
            .ok()
            .is_some_and(|json| write(&json).is_ok());
        if written {
            self.saved_to.push(at);
        }
        written
    }
}

/// Now, to the second.
pub(crate) fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(0).unwrap_or(t)
}

/// A time as reports write it.
pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A report as `docs/install-engine.md` shows it, as an engine of
    /// format 1 wrote it.
    const WRITTEN: &str = r#"{
  "format": 1,
  "machine_id": "0123456789abcdef0123456789abcdef",
  "medium": "edfe51ecd7cef88c",
  "disk": "/dev/sda",
  "action": "upgrade",
  "product": "demo-engine",
  "from": "1.0.0",
  "to": "1.1.0",
  "from_hotfixes": [],
  "hotfixes": [],
  "slot": "b",
  "started": "2025-03-01T10:00:00Z",
  "finished": "2025-03-01T10:02:10Z",
  "steps": [
    { "step": "mark-slot-writing", "title": "Mark slot b", "started": "2025-03-01T10:00:00Z", "seconds": 0.01, "result": "done" },
    { "step": "write-slot", "title": "Write", "started": "2025-03-01T10:00:01Z", "seconds": 2.5, "result": "failed" }
  ],
  "result": "failed",
  "error": "the medium is gone",
  "saved_to": ["ferry-config:reports/20250301T100000Z-upgrade-1.1.0.json"]
}"#;

    #[test]
    fn reads_a_written_report_and_round_trips() {
        let r = Report::parse(WRITTEN.as_bytes()).expect("a report");
        assert_eq!((r.action, r.slot), (Action::Upgrade, Slot::B));
        assert_eq!(r.steps[0].step, StepKind::MarkSlotWriting);
        assert_eq!(r.steps[0].result, StepResult::Done);
        assert_eq!(r.steps[1].result, StepResult::Failed);
        assert_eq!(r.file_name(), "20250301T100000Z-upgrade-1.1.0.json");
        let json = serde_json::to_vec_pretty(&r).expect("JSON");
        assert_eq!(Report::parse(&json).expect("read back"), r);
        // The strings are the ones earlier reports hold.
        let value: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
        assert_eq!(value["action"], "upgrade");
        assert_eq!(value["slot"], "b");
        assert_eq!(value["steps"][0]["result"], "done");
        assert_eq!(value["steps"][0]["step"], "mark-slot-writing");
    }

    #[test]
    fn refuses_a_newer_format() {
        let newer = WRITTEN.replace("\"format\": 1", "\"format\": 2");
        assert!(matches!(
            Report::parse(newer.as_bytes()),
            Err(ReportError::UnsupportedFormat { found: 2 })
        ));
        // Even when the rest would no longer parse as format 1.
        let reshaped = r#"{"format": 7, "steps": "elsewhere"}"#;
        assert!(matches!(
            Report::parse(reshaped.as_bytes()),
            Err(ReportError::UnsupportedFormat { found: 7 })
        ));
        assert!(matches!(
            Report::parse(b"{\"machine_id\": 3}"),
            Err(ReportError::Malformed(_))
        ));
    }

    #[test]
    fn a_copy_lists_itself_only_once_written() {
        let mut r = Report::parse(WRITTEN.as_bytes()).expect("a report");
        let before = r.saved_to.len();
        let mut stored = Vec::new();
        assert!(r.save_copy("stick:ferry/reports/x.json".into(), |json| {
            stored = json.to_vec();
            Ok::<(), ()>(())
        }));
        let copy = Report::parse(&stored).expect("the copy");
        assert_eq!(copy.saved_to, r.saved_to);
        assert_eq!(r.saved_to.len(), before + 1);
        assert!(!r.save_copy("dvd:ferry/reports/x.json".into(), |_| Err(())));
        assert_eq!(r.saved_to.len(), before + 1);
    }
}
