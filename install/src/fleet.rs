//! Many reports, one line per machine: what `media-builder reports` shows
//! an admin back from a site with a stick holding the reports of thirty
//! machines.
//!
//! A machine is known by its firmware's system UUID, else its serial
//! number, else its disk's serial, else Ferry's machine id (reports of
//! format 1 carry only that). Its status is the one of its latest run:
//! [`Status::Installed`], [`Status::Failed`] with the reason,
//! [`Status::Cancelled`] or [`Status::Pending`] for a run that never
//! finished.
//!
//! Reports come from sticks that were in the field: [`Fleet::add`] takes
//! at most [`MAX_REPORT_BYTES`] of any one, never fails on what it is
//! given (a report it cannot read is listed with the reason), and every
//! text it hands on is cleaned of control characters and bounded, so a
//! hostile report cannot rewrite the admin's terminal or spreadsheet.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::report::{Outcome, Report};

/// The largest report read: the log it carries is at most 256 KiB, which
/// JSON escaping may make six times as long.
pub const MAX_REPORT_BYTES: u64 = 4 << 20;

/// The longest text of a field kept, in characters.
pub const MAX_FIELD_CHARS: usize = 200;

/// The most reports one summary takes; more are counted as left out.
pub const MAX_REPORTS: usize = 100_000;

/// A machine's status: how its latest run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Status {
    /// The run was under way when its report was last written: it never
    /// finished (power cut, reset, stick pulled).
    Pending,
    /// The technician cancelled it; the running system is untouched.
    Cancelled,
    /// It failed; the running system is untouched.
    Failed,
    /// The release is installed; it starts at the next boot.
    Installed,
}

impl Status {
    /// The word the summary prints.
    pub fn name(self) -> &'static str {
        match self {
            Status::Pending => "Pending",
            Status::Cancelled => "Cancelled",
            Status::Failed => "Failed",
            Status::Installed => "Installed",
        }
    }

    fn of(outcome: Outcome) -> Status {
        match outcome {
            Outcome::Success => Status::Installed,
            Outcome::Failed => Status::Failed,
            Outcome::Cancelled => Status::Cancelled,
            Outcome::Pending => Status::Pending,
        }
    }
}

/// One machine: its identity and its latest run. Every text is cleaned
/// ([`clean`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MachineStatus {
    /// What the machine is known by: its system UUID, serial number, disk
    /// serial or Ferry machine id, whichever its reports give first.
    pub machine: String,
    /// Which of these `machine` is: `uuid`, `serial`, `disk-serial` or
    /// `machine-id`.
    pub known_by: &'static str,
    /// Manufacturer, from the firmware.
    pub vendor: Option<String>,
    /// Model, from the firmware.
    pub model: Option<String>,
    /// Serial number, from the firmware.
    pub serial: Option<String>,
    /// System UUID, from the firmware.
    pub uuid: Option<String>,
    /// Ferry's machine id.
    pub machine_id: String,
    /// The disk written: its model and serial, or its path.
    pub disk: String,
    /// What the latest run did (`install`, `upgrade`, ...).
    pub action: String,
    /// The release before it, if any.
    pub from: Option<String>,
    /// The release it wrote.
    pub to: String,
    /// How it ended.
    pub status: Status,
    /// When it ended (RFC 3339), or began for a pending run.
    pub when: String,
    /// Why it failed, was cancelled or is pending.
    pub reason: Option<String>,
    /// The failure's stable code (`read-back`, `disk-full`...), when the
    /// report records one.
    pub error_code: Option<String>,
    /// The language the installer's screens spoke, when recorded.
    pub language: Option<String>,
    /// The medium it came from.
    pub medium: Option<String>,
    /// The installer that did it.
    pub installer_version: Option<String>,
    /// The key that vouched for the payload.
    pub signer: Option<String>,
    /// Where its report was found.
    pub report: String,
    /// How many runs of this machine the reports hold.
    pub runs: usize,
}

/// A report that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unreadable {
    /// Where it was found.
    pub report: String,
    /// Why it was not read.
    pub reason: String,
}

/// The reports gathered so far.
#[derive(Debug, Default)]
pub struct Fleet {
    /// Latest run of each machine (its order, its line), with the starts
    /// of all its runs. Only the cleaned, bounded summary of a report is
    /// kept, never the report (its log, its steps).
    latest: BTreeMap<String, (Order, MachineStatus, BTreeSet<String>)>,
    unreadable: Vec<Unreadable>,
    taken: usize,
    left_out: usize,
}

impl Fleet {
    /// An empty summary.
    pub fn new() -> Fleet {
        Fleet::default()
    }

    /// Take the report found at `source` (a name for the admin), its bytes
    /// `json`. Never fails: a report that cannot be read is listed in
    /// [`Fleet::unreadable`].
    pub fn add(&mut self, source: &str, json: &[u8]) {
        if self.taken >= MAX_REPORTS {
            self.left_out = self.left_out.saturating_add(1);
            return;
        }
        self.taken += 1;
        let source = clean(source);
        if json.len() as u64 > MAX_REPORT_BYTES {
            self.unreadable.push(Unreadable {
                report: source,
                reason: format!("larger than {MAX_REPORT_BYTES} bytes"),
            });
            return;
        }
        let report = match Report::parse(json) {
            Ok(r) => r,
            Err(e) => {
                self.unreadable.push(Unreadable {
                    report: source,
                    reason: clean(&e.to_string()),
                });
                return;
            }
        };
        let (key, kind) = machine_key(&report);
        let key = format!("{kind}:{key}");
        let order = order(&report);
        let started = clean(&report.started);
        let line = status_of(&report, &source);
        match self.latest.get_mut(&key) {
            None => {
                self.latest
                    .insert(key, (order, line, BTreeSet::from([started])));
            }
            Some((best_order, best, runs)) => {
                runs.insert(started);
                if order > *best_order {
                    *best_order = order;
                    *best = line;
                }
            }
        }
    }

    /// A file that could not be read at all (`source`, why).
    pub fn unreadable_file(&mut self, source: &str, reason: &str) {
        self.unreadable.push(Unreadable {
            report: clean(source),
            reason: clean(reason),
        });
    }

    /// Every machine, in the order of what it is known by.
    pub fn machines(&self) -> Vec<MachineStatus> {
        let mut all: Vec<MachineStatus> = self
            .latest
            .values()
            .map(|(_, line, runs)| MachineStatus {
                runs: runs.len(),
                ..line.clone()
            })
            .collect();
        all.sort_by(|a, b| a.machine.cmp(&b.machine));
        all
    }

    /// Reports that could not be read.
    pub fn unreadable(&self) -> &[Unreadable] {
        &self.unreadable
    }

    /// Reports past [`MAX_REPORTS`], not looked at.
    pub fn left_out(&self) -> usize {
        self.left_out
    }
}

/// What a report's machine is known by, and which kind of key it is.
fn machine_key(r: &Report) -> (String, &'static str) {
    let m = r.machine.as_ref();
    if let Some(uuid) = m.and_then(|m| m.uuid.as_deref()) {
        return (clean(&uuid.to_ascii_lowercase()), "uuid");
    }
    if let Some(serial) = m.and_then(|m| m.serial.as_deref()) {
        return (clean(serial), "serial");
    }
    if let Some(serial) = r.disk_serial.as_deref() {
        return (clean(serial), "disk-serial");
    }
    (clean(&r.machine_id), "machine-id")
}

/// How reports of one machine are ordered: by start, then a finished run
/// over the pending copy of the same run.
type Order = (Option<OffsetDateTime>, String, bool);

fn order(r: &Report) -> Order {
    (
        OffsetDateTime::parse(&r.started, &Rfc3339).ok(),
        clean(&r.started),
        r.result != Outcome::Pending,
    )
}

fn status_of(r: &Report, at: &str) -> MachineStatus {
    let (machine, known_by) = machine_key(r);
    let m = r.machine.clone().unwrap_or_default();
    let opt = |s: Option<String>| s.as_deref().map(clean);
    let disk = match (&r.disk_model, &r.disk_serial) {
        (None, None) => r.disk.clone(),
        (model, serial) => [model.as_deref(), serial.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" "),
    };
    let status = Status::of(r.result);
    let reason = match status {
        Status::Installed => None,
        Status::Pending => Some("the run never finished (power cut or reset?)".to_string()),
        Status::Cancelled | Status::Failed => r
            .error
            .as_deref()
            .map(|e| e.lines().next().unwrap_or_default().to_string()),
    };
    MachineStatus {
        machine,
        known_by,
        vendor: opt(m.vendor),
        model: opt(m.model),
        serial: opt(m.serial),
        uuid: opt(m.uuid),
        machine_id: clean(&r.machine_id),
        disk: clean(&disk),
        action: r.action.to_string(),
        from: opt(r.from.clone()),
        to: clean(&r.to),
        status,
        when: clean(if r.finished.is_empty() {
            &r.started
        } else {
            &r.finished
        }),
        reason: opt(reason),
        error_code: opt(r.error_code.clone()),
        language: opt(r.language.clone()),
        medium: opt(r.medium.clone()),
        installer_version: opt(r.installer_version.clone()),
        signer: opt(r.signer.clone()),
        report: at.to_string(),
        runs: 1,
    }
}

/// `text` fit to print: control characters (line breaks, escapes) as
/// spaces, at most [`MAX_FIELD_CHARS`] characters (cut ones end in `...`).
pub fn clean(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_FIELD_CHARS + 1)
        .collect();
    if out.chars().count() > MAX_FIELD_CHARS {
        out = out.chars().take(MAX_FIELD_CHARS - 3).collect();
        out.push_str("...");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(started: &str, result: &str, machine: serde_json::Value) -> Vec<u8> {
        serde_json::json!({
            "format": 2,
            "machine_id": "0123456789abcdef0123456789abcdef",
            "machine": machine,
            "installer_version": "0.1.0",
            "disk": "/dev/sda",
            "disk_model": "QEMU HARDDISK",
            "disk_serial": "QM00001",
            "action": "upgrade",
            "product": "demo-engine",
            "from": "1.0.0",
            "to": "1.1.0",
            "from_hotfixes": [],
            "hotfixes": [],
            "slot": "b",
            "started": started,
            "finished": if result == "pending" { "" } else { "2025-03-01T10:09:00Z" },
            "steps": [],
            "result": result,
            "error": if result == "failed" { Some("the medium is gone\nsecond line") } else { None },
            "saved_to": [],
        })
        .to_string()
        .into_bytes()
    }

    #[test]
    fn the_latest_run_of_each_machine_counts() {
        let a = serde_json::json!({"uuid": "AAAA-1", "serial": "SN-A"});
        let b = serde_json::json!({"serial": "SN-B"});
        let mut f = Fleet::new();
        f.add(
            "a1.json",
            &report("2025-03-01T10:00:00Z", "failed", a.clone()),
        );
        f.add(
            "a2.json",
            &report("2025-03-02T10:00:00Z", "success", a.clone()),
        );
        // The pending copy of the same run, found elsewhere, loses.
        f.add(
            "a2-copy.json",
            &report("2025-03-02T10:00:00Z", "pending", a),
        );
        f.add(
            "b1.json",
            &report("2025-03-01T09:00:00Z", "pending", b.clone()),
        );
        f.add("b0.json", &report("2025-02-01T09:00:00Z", "failed", b));
        f.add("junk.json", b"{\"format\": 9}");
        f.add("nonsense.json", b"\x1b[2Jnot json");
        let m = f.machines();
        assert_eq!(m.len(), 2);
        assert_eq!((m[0].machine.as_str(), m[0].known_by), ("SN-B", "serial"));
        assert_eq!(m[0].status, Status::Pending);
        assert_eq!(m[0].runs, 2);
        assert_eq!((m[1].machine.as_str(), m[1].known_by), ("aaaa-1", "uuid"));
        assert_eq!(
            (m[1].status, m[1].report.as_str()),
            (Status::Installed, "a2.json")
        );
        assert_eq!(m[1].disk, "QEMU HARDDISK QM00001");
        assert_eq!(m[1].runs, 2);
        let bad: Vec<&str> = f.unreadable().iter().map(|u| u.report.as_str()).collect();
        assert_eq!(bad, ["junk.json", "nonsense.json"]);
    }

    #[test]
    fn reasons_are_one_clean_line() {
        let mut f = Fleet::new();
        let evil = serde_json::json!({"serial": "SN\u{1b}[31m-X\r\n", "model": "M".repeat(5000)});
        f.add("x.json", &report("2025-03-01T10:00:00Z", "failed", evil));
        let m = &f.machines()[0];
        assert_eq!(m.reason.as_deref(), Some("the medium is gone"));
        assert_eq!(m.machine, "SN [31m-X  ");
        let model = m.model.as_deref().unwrap_or_default();
        assert_eq!(model.chars().count(), MAX_FIELD_CHARS);
        assert!(model.ends_with("..."));
    }

    #[test]
    fn format_1_reports_are_known_by_the_machine_id() {
        let mut v: serde_json::Value = serde_json::from_slice(&report(
            "2025-03-01T10:00:00Z",
            "success",
            serde_json::Value::Null,
        ))
        .expect("JSON");
        v["format"] = 1.into();
        for k in ["machine", "installer_version", "disk_model", "disk_serial"] {
            v.as_object_mut().expect("object").remove(k);
        }
        let mut f = Fleet::new();
        f.add("old.json", v.to_string().as_bytes());
        let m = &f.machines()[0];
        assert_eq!(m.known_by, "machine-id");
        assert_eq!(m.disk, "/dev/sda");
        assert_eq!(m.status, Status::Installed);
    }

    #[test]
    fn a_huge_report_is_refused_unread() {
        let mut f = Fleet::new();
        f.add("big.json", &vec![b' '; MAX_REPORT_BYTES as usize + 1]);
        assert_eq!(f.machines(), vec![]);
        assert!(f.unreadable()[0].reason.contains("larger than"));
    }
}
