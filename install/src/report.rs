//! The report every run leaves: on the config partition's `reports/` and,
//! when the medium is writable, on the medium, for a management server or
//! an admin to collect.
//!
//! The JSON carries its layout version in `format`. A reader checks it
//! before anything else ([`Report::parse`]): a report of a newer layout is
//! refused with [`ReportError::UnsupportedFormat`] instead of being read
//! wrongly. Fields only ever get added with a default, which keeps
//! [`REPORT_FORMAT`]; anything else raises it. Format 2 added the
//! machine's identity, the installer's version, the payload's digest and
//! signer, the disk's model and serial, the log of the run, and the
//! outcomes `pending` and `cancelled`; format 1 reports are still read.
//!
//! A run leaves a `pending` report before its first write to the disk and
//! replaces it with the final one at the end: a run cut short by a power
//! failure stays `pending`.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use detect::layout::Slot;
use detect::MachineIdentity;
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::error::Error;
use crate::plan::{Action, Choice, Plan, StepKind};
use crate::target::Target;

/// Layout version of the report.
pub const REPORT_FORMAT: u32 = 2;

/// The oldest layout version still read.
pub const OLDEST_REPORT_FORMAT: u32 = 1;

/// The most of the installer's log a report carries: its end.
pub const MAX_LOG_BYTES: u64 = 256 * 1024;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Every step done.
    Success,
    /// A step failed; `error` says why. The running system is untouched.
    Failed,
    /// The technician cancelled the run; the running system is untouched.
    Cancelled,
    /// The run was under way when this report was written: a report still
    /// `pending` belongs to a run that never finished (power cut, reset).
    Pending,
}

/// What a report says beyond the plan's own facts: who the machine is,
/// which disk, and where the installer's log is. Gathered at the edge
/// ([`crate::Choice::machine`], [`crate::Choice::log`], the target's
/// sysfs facts) and carried by the plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReportContext {
    /// The machine's identity from its firmware, when the installer runs
    /// on the machine whose disk it writes.
    pub machine: Option<MachineIdentity>,
    /// The disk's model, from sysfs.
    pub disk_model: Option<String>,
    /// The disk's serial number, from sysfs.
    pub disk_serial: Option<String>,
    /// The installer's log, whose end the report carries.
    pub log: Option<PathBuf>,
    /// The language the technician read the installer in (`en`, `fr`),
    /// set by the front end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

impl ReportContext {
    /// What the report of a plan for `target` made from `choice` says.
    pub(crate) fn of(target: &Target, choice: &Choice) -> ReportContext {
        ReportContext {
            machine: choice.machine.clone().filter(|m| !m.is_empty()),
            disk_model: target.report.model.clone(),
            disk_serial: target.report.serial.clone(),
            log: choice.log.clone(),
            language: None,
        }
    }
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
    /// Machine id (Ferry's, made at install time).
    pub machine_id: String,
    /// The machine's identity from its firmware (format 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine: Option<MachineIdentity>,
    /// Version of the installer that did the run (format 2).
    #[serde(default)]
    pub installer_version: Option<String>,
    /// Id of the boot medium the payload came from (`ferry.medium=`), when
    /// the installer knows it.
    #[serde(default)]
    pub medium: Option<String>,
    /// Disk written.
    pub disk: String,
    /// Its model, from sysfs (format 2).
    #[serde(default)]
    pub disk_model: Option<String>,
    /// Its serial number, from sysfs (format 2).
    #[serde(default)]
    pub disk_serial: Option<String>,
    /// What was done.
    pub action: Action,
    /// Product id.
    pub product: String,
    /// Release before, if any.
    pub from: Option<String>,
    /// Release written.
    pub to: String,
    /// SHA-256 of the payload's signed manifest, which binds every
    /// component: it names the payload (format 2).
    #[serde(default)]
    pub manifest_sha256: Option<String>,
    /// Fingerprint of the key that vouched for the payload (format 2).
    #[serde(default)]
    pub signer: Option<String>,
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
    /// The failure's stable identifier ([`Error::code`]: `read-back`,
    /// `payload-signature`, `disk-full`...), for tools that sort reports
    /// by cause; absent when the run did not fail, and from reports
    /// written before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// The language the installer's screens spoke during the run (`en`,
    /// `fr`): the reports stay in English, the technician may not have
    /// read it. Absent from reports of runs without screens and from
    /// reports written before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Where copies of this report were written.
    pub saved_to: Vec<String>,
    /// The end of the installer's log when the report was written, at most
    /// [`MAX_LOG_BYTES`] (format 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log: Option<String>,
    /// Bytes of the log's beginning left out of `log`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub log_skipped: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Why a report cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Written by a newer Ferry, in a layout this one does not know.
    #[error(
        "the report has format {found}; this version of Ferry reads formats \
         {OLDEST_REPORT_FORMAT} to {REPORT_FORMAT}"
    )]
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
            machine: plan.report_context.machine.clone(),
            installer_version: Some(crate::installer_version().to_string()),
            medium: plan.medium.clone(),
            disk: plan.disk.display().to_string(),
            disk_model: plan.report_context.disk_model.clone(),
            disk_serial: plan.report_context.disk_serial.clone(),
            action: plan.action,
            product: plan.product.clone(),
            from: plan.from.as_ref().map(ToString::to_string),
            to: plan.to.to_string(),
            manifest_sha256: Some(plan.manifest_sha256.clone()),
            signer: Some(plan.signer.clone()),
            from_hotfixes: plan.from_hotfixes.clone(),
            hotfixes: plan.to_hotfixes.clone(),
            slot: plan.slot,
            started: rfc3339(started),
            finished: String::new(),
            steps: Vec::new(),
            result: Outcome::Failed,
            error: None,
            error_code: None,
            language: plan.report_context.language.clone(),
            saved_to: Vec::new(),
            log: None,
            log_skipped: 0,
        }
    }

    /// The same report as it stands while the run is under way.
    pub(crate) fn pending(&self) -> Report {
        Report {
            result: Outcome::Pending,
            saved_to: Vec::new(),
            ..self.clone()
        }
    }

    /// Record the end of the run: now, and how it ended.
    pub(crate) fn finish(&mut self, error: Option<&Error>) {
        self.finished = rfc3339(now());
        self.result = match error {
            None => Outcome::Success,
            Some(Error::Cancelled) => Outcome::Cancelled,
            Some(_) => Outcome::Failed,
        };
        self.error = error.map(ToString::to_string);
        self.error_code = error.map(|e| e.code().to_string());
    }

    /// Take in the end of the installer's log at `path`, if it can be read.
    pub(crate) fn attach_log(&mut self, path: Option<&Path>) {
        if let Some((text, skipped)) = path.and_then(|p| log_tail(p, MAX_LOG_BYTES).ok()) {
            self.log = Some(text);
            self.log_skipped = skipped;
        }
    }

    /// Read a report of format [`OLDEST_REPORT_FORMAT`] to
    /// [`REPORT_FORMAT`], refusing a layout it does not know.
    pub fn parse(json: &[u8]) -> Result<Report, ReportError> {
        let head: Head = serde_json::from_slice(json)?;
        if !(u64::from(OLDEST_REPORT_FORMAT)..=u64::from(REPORT_FORMAT)).contains(&head.format) {
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

/// The last `max` bytes of the file at `path`, from the first line that
/// begins within them, as text (bytes that are not UTF-8 replaced), and
/// how many bytes before were left out.
pub fn log_tail(path: &Path, max: u64) -> std::io::Result<(String, u64)> {
    let mut f = std::fs::File::open(path)?;
    let len = f.metadata()?.len();
    let mut skipped = len.saturating_sub(max);
    f.seek(SeekFrom::Start(skipped))?;
    let mut bytes = Vec::new();
    f.take(max).read_to_end(&mut bytes)?;
    if skipped > 0 {
        // Start at a line: the first one is cut.
        let cut = bytes
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| i + 1);
        bytes.drain(..cut);
        skipped = skipped.saturating_add(cut as u64);
    }
    Ok((String::from_utf8_lossy(&bytes).into_owned(), skipped))
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
    fn a_format_1_report_reads_without_the_new_facts() {
        let r = Report::parse(WRITTEN.as_bytes()).expect("a report");
        assert_eq!(r.format, 1);
        assert_eq!(
            (r.machine.as_ref(), r.installer_version.as_deref()),
            (None, None)
        );
        assert_eq!(
            (r.disk_serial.as_deref(), r.signer.as_deref()),
            (None, None)
        );
        assert_eq!((r.log.as_deref(), r.log_skipped), (None, 0));
        assert_eq!(r.error_code, None);
        assert_eq!(r.language, None);
    }

    #[test]
    fn the_language_of_the_screens_is_recorded_when_known() {
        let mut r = Report::parse(WRITTEN.as_bytes()).expect("a report");
        let json = serde_json::to_vec_pretty(&r).expect("JSON");
        let value: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
        assert!(value.get("language").is_none(), "no language, no field");
        r.language = Some("fr".into());
        let json = serde_json::to_vec_pretty(&r).expect("JSON");
        let value: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
        assert_eq!(value["language"], "fr");
        assert_eq!(Report::parse(&json).expect("read back"), r);
    }

    #[test]
    fn a_failure_is_reported_with_its_code_next_to_the_english() {
        let mut r = Report::parse(WRITTEN.as_bytes()).expect("a report");
        r.finish(Some(&Error::ReadBack {
            what: crate::error::Object::Slot(detect::layout::Slot::B),
            start: 0,
            end: 512,
        }));
        assert_eq!(r.error_code.as_deref(), Some("read-back"));
        assert!(r
            .error
            .as_deref()
            .is_some_and(|e| e.starts_with("read-back of slot b")));
        let json = serde_json::to_vec_pretty(&r).expect("JSON");
        let value: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
        assert_eq!(value["error_code"], "read-back");
        assert_eq!(Report::parse(&json).expect("read back"), r);

        r.finish(None);
        assert_eq!((r.error.as_deref(), r.error_code.as_deref()), (None, None));
        let json = serde_json::to_vec_pretty(&r).expect("JSON");
        let value: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
        assert!(
            value.get("error_code").is_none(),
            "no code without a failure"
        );
    }

    #[test]
    fn a_format_2_report_carries_the_machine_and_new_outcomes() {
        let mut v: serde_json::Value = serde_json::from_str(WRITTEN).expect("JSON");
        v["format"] = 2.into();
        v["machine"] =
            serde_json::json!({"serial": "SN-1", "uuid": "6a1d2c3e-0000-4000-8000-00000000abcd"});
        v["installer_version"] = "0.1.0".into();
        v["disk_serial"] = "DISK-7".into();
        v["log"] = "answer file: ferry/answer.toml\n".into();
        for (word, outcome) in [
            ("pending", Outcome::Pending),
            ("cancelled", Outcome::Cancelled),
        ] {
            v["result"] = word.into();
            let r = Report::parse(v.to_string().as_bytes()).expect("format 2");
            assert_eq!(r.result, outcome);
            assert_eq!(r.machine.and_then(|m| m.serial).as_deref(), Some("SN-1"));
            assert_eq!(r.disk_serial.as_deref(), Some("DISK-7"));
        }
    }

    #[test]
    fn the_log_is_its_end_from_a_whole_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("installer.log");
        std::fs::write(&p, "first line\nsecond\nthird\n").expect("log");
        assert_eq!(
            log_tail(&p, 1000).expect("tail"),
            ("first line\nsecond\nthird\n".into(), 0)
        );
        // 10 bytes from the end fall in "second": it is left out whole.
        assert_eq!(log_tail(&p, 10).expect("tail"), ("third\n".into(), 18));
        // Bytes that are not UTF-8 do not lose the rest.
        std::fs::write(&p, b"ok \xff\xfe\nend\n").expect("log");
        assert_eq!(
            log_tail(&p, 1000).expect("tail").0,
            "ok \u{fffd}\u{fffd}\nend\n"
        );
        let mut r = Report::parse(WRITTEN.as_bytes()).expect("a report");
        r.attach_log(Some(&dir.path().join("missing.log")));
        assert_eq!(r.log, None);
        r.attach_log(Some(&p));
        assert_eq!(r.log.as_deref(), Some("ok \u{fffd}\u{fffd}\nend\n"));
    }

    #[test]
    fn refuses_a_newer_format() {
        let newer = WRITTEN.replace("\"format\": 1", "\"format\": 3");
        assert!(matches!(
            Report::parse(newer.as_bytes()),
            Err(ReportError::UnsupportedFormat { found: 3 })
        ));
        let older = WRITTEN.replace("\"format\": 1", "\"format\": 0");
        assert!(matches!(
            Report::parse(older.as_bytes()),
            Err(ReportError::UnsupportedFormat { found: 0 })
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
