//! `installer-tui detect`: print what is on the disks, for people or as JSON.

use crate::cli::DetectArgs;
use anyhow::Context;
use detect::boot::BootHealth;
use detect::report::{Content, DiskReport, FerryInstall, PartitionTable, SlotReport};
use detect::{Firmware, SlotState};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use units::size;

/// Run `detect`.
pub fn detect(args: DetectArgs) -> anyhow::Result<()> {
    // The machine's own disks: its firmware matters too. Image files may
    // come from any machine.
    let (disks, firmware) = if args.disks.is_empty() {
        let disks = detect::enumerate(&args.exclude)
            .context("listing the machine's disks in /sys/block")?;
        (disks, Some(Firmware::read(Path::new("/"))))
    } else {
        (args.disks, None)
    };
    let mut reports = detect::Reports::new(detect::detect_all(&disks));
    reports.firmware = firmware;
    let text = if args.json {
        reports.to_json().context("writing the reports as JSON")?
    } else {
        render_all(&reports)
    };
    emit(&text)
}

/// The text `detect` prints: the firmware, when the machine's disks were
/// looked at, then every disk.
pub fn render_all(reports: &detect::Reports) -> String {
    let mut out = String::new();
    if let Some(fw) = reports.firmware {
        let _ = writeln!(out, "Firmware: {}\n", fw.describe());
    }
    if reports.disks.is_empty() {
        out += "No disks found.\n";
    } else {
        out += &render(&reports.disks);
    }
    out
}

/// Write to stdout; a closed pipe (`| head`) is not an error.
fn emit(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(e).context("writing to standard output")
        }
        _ => Ok(()),
    }
}

/// The human-readable summary of all reports.
pub fn render(reports: &[DiskReport]) -> String {
    let mut out = String::new();
    for (i, r) in reports.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        render_disk(&mut out, r);
    }
    out
}

fn render_disk(out: &mut String, r: &DiskReport) {
    let mut head = r.path.display().to_string();
    if r.size > 0 {
        head += &format!("  {}", size(r.size));
    }
    if let Some(m) = &r.model {
        head += &format!("  {m}");
    }
    if let Some(s) = &r.serial {
        head += &format!("  serial {s}");
    }
    if let Some(b) = r.bus {
        head += &format!("  {b}");
    }
    if r.removable {
        head += "  (removable)";
    }
    let _ = writeln!(out, "{head}");
    let table = match &r.table {
        PartitionTable::Gpt { used, .. } => {
            let mut t = match used {
                detect::gpt::GptCopy::Primary => "GPT".to_string(),
                detect::gpt::GptCopy::Backup => "GPT (read from the backup copy)".to_string(),
            };
            if r.table_damaged() {
                t += ", damaged (see the problems)";
            }
            t
        }
        PartitionTable::Mbr => "MBR (DOS)".to_string(),
        PartitionTable::Damaged => "damaged".to_string(),
        PartitionTable::None => "none".to_string(),
    };
    let _ = writeln!(out, "  Partition table: {table}");
    match &r.content {
        Content::Ferry(f) => render_ferry(out, f),
        Content::Foreign { found, .. } => {
            let _ = writeln!(out, "  Content: other system: {found}");
        }
        Content::Blank => {
            let _ = writeln!(out, "  Content: blank");
        }
        Content::Unreadable { why } => {
            let _ = writeln!(out, "  Content: unreadable: {why}");
        }
    }
    if !r.partitions.is_empty() {
        let _ = writeln!(out, "  Partitions:");
        for p in &r.partitions {
            let ty = p.type_name.clone().unwrap_or_else(|| p.type_id.clone());
            let mut line = format!("    {:>2}  {:>9}  {:<22}", p.index, size(p.size), ty);
            if let Some(n) = &p.name {
                line += &format!("  {n:?}");
            }
            if let Some(fs) = &p.filesystem {
                line += &format!("  {}", fs.kind);
                if let Some(l) = &fs.label {
                    line += &format!(" {l:?}");
                }
            }
            let _ = writeln!(out, "{}", line.trim_end());
        }
    }
    if !r.issues.is_empty() {
        let _ = writeln!(out, "  Problems:");
        for i in &r.issues {
            let _ = writeln!(out, "    ! {i}");
        }
    }
}

fn render_ferry(out: &mut String, f: &FerryInstall) {
    let product = f
        .product
        .as_deref()
        .unwrap_or("unknown product (no readable state record)");
    let _ = writeln!(out, "  Content: Ferry installation of {product}");
    if let Some(t) = f.installed_at {
        let _ = writeln!(out, "    Installed: {}", t.date());
    }
    for s in &f.slots {
        let _ = writeln!(out, "    {}", slot_line(f, s));
    }
    let _ = writeln!(
        out,
        "    Data partition: {}",
        if f.data_partition {
            "present"
        } else {
            "missing"
        }
    );
    if !f.trusted_keys.is_empty() {
        let keys: Vec<&str> = f
            .trusted_keys
            .iter()
            .map(|k| k.get(..16).unwrap_or(k))
            .collect();
        let _ = writeln!(out, "    Trusted keys: {}", keys.join(", "));
    }
}

fn slot_line(f: &FerryInstall, s: &SlotReport) -> String {
    let mut line = format!("Slot {}:", s.slot);
    let state = match s.state {
        Some(SlotState::Good) => "good",
        Some(SlotState::New) => "new, not yet confirmed",
        Some(SlotState::Writing) => "INCOMPLETE WRITE",
        Some(SlotState::Empty) => "empty",
        None => "state unknown",
    };
    match &s.release {
        Some(v) => line += &format!(" release {v} ({state})"),
        None => line += &format!(" {state}"),
    }
    if !s.hotfixes.is_empty() {
        line += &format!(", hotfixes {}", s.hotfixes.join(" "));
    }
    if let Some(c) = s.config_schema {
        line += &format!(", config schema {c}");
    }
    let boot = match s.boot {
        Some(BootHealth::Good) => "boots good".to_string(),
        Some(BootHealth::Trying { tries_left, .. }) => {
            format!("on trial, boot tries left: {tries_left}")
        }
        Some(BootHealth::Failed { .. }) => "FAILED TO BOOT".to_string(),
        Some(BootHealth::NoEntry) => "no boot entry".to_string(),
        None => "boot state unknown".to_string(),
    };
    line += &format!(", {boot}");
    let mut marks = Vec::new();
    if f.active_slot == Some(s.slot) {
        marks.push("active");
    }
    if f.boot_default == Some(s.slot) {
        marks.push("boot default");
    }
    if !marks.is_empty() {
        line += &format!(" [{}]", marks.join(", "));
    }
    line
}

/// Binary units, one decimal: `8.0 MiB`.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_blank_and_unreadable() {
        let dir = tempfile_dir();
        let blank = dir.join("blank.img");
        std::fs::File::create(&blank)
            .and_then(|f| f.set_len(1 << 20))
            .expect("image");
        let mut reports =
            detect::Reports::new(detect::detect_all(&[blank, dir.join("missing.img")]));
        let text = render_all(&reports);
        assert!(text.contains("Content: blank"), "{text}");
        assert!(text.contains("Content: unreadable: cannot open"), "{text}");
        assert!(!text.contains("Firmware"), "{text}");
        reports.firmware = Some(Firmware::Bios);
        let text = render_all(&reports);
        assert!(
            text.starts_with("Firmware: legacy BIOS (or UEFI in BIOS compatibility mode)\n\n/"),
            "{text}"
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("installer-tui-test-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("tmp dir");
        d
    }
}
