//! `media-builder reports PATH...`: the reports on sticks back from the
//! field (or copied into directories), one line per machine with the
//! status of its latest run; `--json` and `--csv` for a management server
//! or a spreadsheet. The summary itself is `install::fleet`'s; this reads
//! the places and prints.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use install::fleet::{Fleet, MachineStatus, Status, MAX_REPORT_BYTES};
use medium::stick::{self, Stick};
use medium::REPORTS_DIR;
use serde::Serialize;

use crate::cli::{ReportsArgs, ReportsFormat};

/// How deep a directory is searched for reports.
const MAX_DEPTH: usize = 6;

/// The most directory entries looked at in all: a stick holds thousands
/// of reports at most.
const MAX_ENTRIES: usize = 200_000;

/// Gather the reports at `args.paths` and print the summary.
pub fn reports(args: ReportsArgs) -> Result<()> {
    let mut fleet = Fleet::new();
    let mut budget = MAX_ENTRIES;
    for path in &args.paths {
        gather(path, &mut fleet, &mut budget)?;
    }
    let machines = fleet.machines();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.format() {
        ReportsFormat::Text => {
            out.write_all(text(&machines).as_bytes())?;
            for u in fleet.unreadable() {
                eprintln!("warning: {} was not read: {}", u.report, u.reason);
            }
        }
        ReportsFormat::Json => {
            #[derive(Serialize)]
            struct Out<'a> {
                machines: &'a [MachineStatus],
                unreadable: &'a [install::fleet::Unreadable],
                left_out: usize,
            }
            let json = serde_json::to_string_pretty(&Out {
                machines: &machines,
                unreadable: fleet.unreadable(),
                left_out: fleet.left_out(),
            })?;
            writeln!(out, "{json}")?;
        }
        ReportsFormat::Csv => {
            out.write_all(csv(&machines).as_bytes())?;
            for u in fleet.unreadable() {
                eprintln!("warning: {} was not read: {}", u.report, u.reason);
            }
        }
    }
    if fleet.left_out() > 0 {
        eprintln!(
            "warning: {} more reports were left out (at most {} are read)",
            fleet.left_out(),
            install::fleet::MAX_REPORTS
        );
    }
    Ok(())
}

/// Add the reports at `path`: a directory (searched), a report file, or a
/// Ferry stick (device or image: its `ferry/reports/`).
fn gather(path: &Path, fleet: &mut Fleet, budget: &mut usize) -> Result<()> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("{} cannot be read", path.display()))?;
    if meta.is_dir() {
        walk(path, 0, fleet, budget);
        return Ok(());
    }
    if is_report_name(&path.to_string_lossy()) {
        add_file(path, fleet);
        return Ok(());
    }
    from_stick(path, fleet, budget).with_context(|| {
        format!(
            "{} is neither a directory, a report (.json) nor a Ferry stick",
            path.display()
        )
    })
}

fn is_report_name(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".json")
}

/// Search `dir` for report files, `depth` levels down already. Symbolic
/// links are not followed.
fn walk(dir: &Path, depth: usize, fleet: &mut Fleet, budget: &mut usize) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => return fleet.unreadable_file(&dir.display().to_string(), &e.to_string()),
    };
    let mut paths: Vec<(PathBuf, std::fs::FileType)> = Vec::new();
    for e in entries.flatten() {
        if *budget == 0 {
            break;
        }
        *budget -= 1;
        if let Ok(t) = e.file_type() {
            paths.push((e.path(), t));
        }
    }
    paths.sort_by(|a, b| a.0.cmp(&b.0));
    for (p, t) in paths {
        if t.is_dir() && depth < MAX_DEPTH {
            walk(&p, depth + 1, fleet, budget);
        } else if t.is_file() && is_report_name(&p.to_string_lossy()) {
            add_file(&p, fleet);
        }
    }
}

fn add_file(path: &Path, fleet: &mut Fleet) {
    let name = path.display().to_string();
    let mut bytes = Vec::new();
    match File::open(path).and_then(|f| f.take(MAX_REPORT_BYTES + 1).read_to_end(&mut bytes)) {
        Ok(_) => fleet.add(&name, &bytes),
        Err(e) => fleet.unreadable_file(&name, &e.to_string()),
    }
}

/// The reports of a Ferry stick, read only.
fn from_stick(path: &Path, fleet: &mut Fleet, budget: &mut usize) -> Result<()> {
    // Opened read only: the stick is read as the admin brought it back.
    let mut file = File::open(path)?;
    let (start, len) = stick::find_partition(&mut file)?;
    let s = Stick::open(detect::io::Slice::new(file, start, len)?)?;
    let volume = s.volume();
    if !volume.exists(REPORTS_DIR) {
        bail!("the stick holds no {REPORTS_DIR}");
    }
    let mut names: Vec<(String, bool, u64)> = volume.list(REPORTS_DIR)?;
    names.truncate(*budget);
    *budget -= names.len();
    names.sort();
    for (name, is_dir, size) in names {
        if is_dir || !is_report_name(&name) {
            continue;
        }
        let at = format!("{}:{REPORTS_DIR}/{name}", path.display());
        if size > MAX_REPORT_BYTES {
            fleet.unreadable_file(&at, &format!("larger than {MAX_REPORT_BYTES} bytes"));
            continue;
        }
        match volume.read(&format!("{REPORTS_DIR}/{name}"), MAX_REPORT_BYTES) {
            Ok(bytes) => fleet.add(&at, &bytes),
            Err(e) => fleet.unreadable_file(&at, &e.to_string()),
        }
    }
    Ok(())
}

/// The columns of the text summary.
const HEADER: [&str; 9] = [
    "MACHINE", "MODEL", "SERIAL", "DISK", "VERSION", "STATUS", "WHEN", "CODE", "REASON",
];

/// One aligned line per machine, then a count per status.
pub fn text(machines: &[MachineStatus]) -> String {
    if machines.is_empty() {
        return "No reports found.\n".into();
    }
    let rows: Vec<[String; 9]> = machines
        .iter()
        .map(|m| {
            let model = [m.vendor.as_deref(), m.model.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            [
                m.machine.clone(),
                dash(&model),
                dash(m.serial.as_deref().unwrap_or_default()),
                dash(&m.disk),
                match &m.from {
                    Some(from) => format!("{from} -> {}", m.to),
                    None => format!("-> {}", m.to),
                },
                m.status.name().to_string(),
                m.when.clone(),
                dash(m.error_code.as_deref().unwrap_or_default()),
                m.reason.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let mut widths = HEADER.map(|h| h.chars().count());
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut l = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                l.push_str(cell);
            } else {
                l.push_str(&format!("{cell:<w$}  "));
            }
        }
        l.trim_end().to_string() + "\n"
    };
    let mut out = line(&HEADER.map(String::from));
    for r in &rows {
        out.push_str(&line(r));
    }
    let counts: Vec<String> = [
        Status::Installed,
        Status::Failed,
        Status::Cancelled,
        Status::Pending,
    ]
    .iter()
    .filter_map(|s| {
        let n = machines.iter().filter(|m| m.status == *s).count();
        (n > 0).then(|| format!("{n} {}", s.name()))
    })
    .collect();
    let plural = if machines.len() == 1 { "" } else { "s" };
    out.push_str(&format!(
        "\n{} machine{plural}: {}\n",
        machines.len(),
        counts.join(", ")
    ));
    out
}

fn dash(s: &str) -> String {
    if s.is_empty() {
        "-".into()
    } else {
        s.to_string()
    }
}

/// Every field of every machine, RFC 4180: a header, quoted fields where
/// needed, CRLF line ends.
pub fn csv(machines: &[MachineStatus]) -> String {
    let header = [
        "machine",
        "known_by",
        "vendor",
        "model",
        "serial",
        "uuid",
        "machine_id",
        "disk",
        "action",
        "from",
        "to",
        "status",
        "when",
        "reason",
        "error_code",
        "language",
        "medium",
        "installer_version",
        "signer",
        "runs",
        "report",
    ];
    let mut out = csv_line(header.iter().map(|h| h.to_string()));
    for m in machines {
        let o = |s: &Option<String>| s.clone().unwrap_or_default();
        out.push_str(&csv_line([
            m.machine.clone(),
            m.known_by.to_string(),
            o(&m.vendor),
            o(&m.model),
            o(&m.serial),
            o(&m.uuid),
            m.machine_id.clone(),
            m.disk.clone(),
            m.action.clone(),
            o(&m.from),
            m.to.clone(),
            m.status.name().to_string(),
            m.when.clone(),
            o(&m.reason),
            o(&m.error_code),
            o(&m.language),
            o(&m.medium),
            o(&m.installer_version),
            o(&m.signer),
            m.runs.to_string(),
            m.report.clone(),
        ]));
    }
    out
}

fn csv_line(fields: impl IntoIterator<Item = String>) -> String {
    let cells: Vec<String> = fields.into_iter().map(|f| csv_field(&f)).collect();
    cells.join(",") + "\r\n"
}

/// One field: quoted when it holds a comma, a quote or a line break
/// (quotes doubled); one a spreadsheet would take for a formula (`=`,
/// `+`, `-`, `@` first) gets a `'` in front.
fn csv_field(f: &str) -> String {
    let f = if f.starts_with(['=', '+', '-', '@']) {
        format!("'{f}")
    } else {
        f.to_string()
    };
    if f.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", f.replace('"', "\"\""))
    } else {
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_as_rfc_4180_says() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
        assert_eq!(csv_field("-1,2"), "\"'-1,2\"");
        assert_eq!(
            csv_line(["a".into(), String::new(), "c".into()]),
            "a,,c\r\n"
        );
    }

    #[test]
    fn no_reports_says_so() {
        assert_eq!(text(&[]), "No reports found.\n");
    }
}
