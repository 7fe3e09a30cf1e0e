//! `media-builder iso | usb-image | usb write`: arguments in, library
//! calls, progress and results out.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{anyhow, bail, Context, Result};
use blockdev::inspect::Kind;
use blockdev::Roots;
use media::iso::{self, CustomizeSpec, IsoSpec};
use media::usb::{image, target, write};

use crate::bootkit_cli::warn_demo_keys;
use crate::media_cli::{IsoArgs, IsoCommand, UsbImageArgs, UsbWriteArgs};
use crate::progress::Progress;

/// Exit codes of `usb write`, for scripts.
pub const EXIT_REFUSED: i32 = 2;
pub const EXIT_FAILED: i32 = 3;

fn bar(label: &str) -> impl FnMut(u64, u64) {
    let mut p: Option<Progress> = None;
    let mut finished = false;
    let label = label.to_string();
    move |done, total| {
        if finished {
            return;
        }
        let bar = p.get_or_insert_with(|| Progress::new(&label, total));
        bar.set(done);
        if done >= total {
            finished = true;
            if let Some(b) = p.take() {
                b.finish();
            }
        }
    }
}

pub fn iso(args: IsoArgs) -> Result<()> {
    match args.command {
        Some(IsoCommand::Customize(c)) => {
            let built = iso::customize(
                &CustomizeSpec {
                    iso: c.iso,
                    answer: c.answer,
                    cmdline: c.cmdline,
                    isomd5: c.isomd5,
                    out: c.out,
                },
                bar("payload"),
            )?;
            report_iso(&built, c.json)
        }
        Some(IsoCommand::Check(c)) => {
            let f = std::fs::File::open(&c.iso)
                .with_context(|| format!("opening {}", c.iso.display()))?;
            let r = medium::checksum::check(f, bar("checking"))
                .with_context(|| format!("checking {}", c.iso.display()))?;
            if c.json {
                println!(
                    "{}",
                    serde_json::json!({"file": c.iso, "ok": r.ok(), "bytes": r.bytes,
                        "checksum_ok": r.ferry_ok, "md5_ok": r.md5_ok})
                );
            } else if r.ok() {
                println!(
                    "{}: the medium is good ({})",
                    c.iso.display(),
                    units::size(r.bytes)
                );
            }
            if !r.ok() {
                bail!(
                    "{}: the medium is damaged: its checksum does not match",
                    c.iso.display()
                );
            }
            Ok(())
        }
        None => {
            let b = args.build;
            if b.payload.is_empty() {
                bail!("say which payload to carry with --payload FILE.upg");
            }
            let out = b
                .out
                .ok_or_else(|| anyhow!("say where to write the ISO with --out FILE.iso"))?;
            let built = iso::build(
                &IsoSpec {
                    bootkit: b.bootkit,
                    payloads: b.payload,
                    answer: b.answer,
                    out,
                    extra_cmdline: b.cmdline,
                    unsigned_ok: b.unsigned_ok,
                    isomd5: b.isomd5,
                },
                bar("payload"),
            )?;
            report_iso(&built, b.json)
        }
    }
}

fn report_iso(b: &iso::Built, json: bool) -> Result<()> {
    if let Some(keys) = &b.demo_keys {
        warn_demo_keys(&b.path.display().to_string(), keys);
    }
    if json {
        #[derive(serde::Serialize)]
        struct Report<'a> {
            #[serde(flatten)]
            built: &'a iso::Built,
            fits: media::capacity::DiscFit,
        }
        let report = Report {
            built: b,
            fits: b.disc_fit(),
        };
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "{}: {}, label {}, medium id {}\n{}\nchecksum (Ferry BLAKE3) {}",
            b.path.display(),
            units::size(b.bytes),
            b.label,
            b.medium_id,
            b.disc_fit(),
            b.checksum
        );
        if let Some(m) = &b.md5 {
            println!("md5 (checkisomd5) {m}");
        }
        if b.payloads.len() > 1 {
            println!("payloads: {}", b.payloads.join(", "));
        }
        if b.payload_verified {
            println!("{COPY_CHECKED}");
        }
    }
    Ok(())
}

/// What copying a payload onto a medium checks, and what it leaves to
/// `payload verify`.
const COPY_CHECKED: &str = "payload copied as signed (signature and stored chunk digests      checked); 'media-builder payload verify' also checks that every chunk decompresses";

pub fn usb_image(a: UsbImageArgs) -> Result<()> {
    let built = image::build(
        &image::UsbSpec {
            bootkit: a.bootkit,
            payloads: a.payload,
            answer: a.answer,
            extra_cmdline: a.cmdline,
            size: a.size,
            unsigned_ok: a.unsigned_ok,
            out: a.out,
            part_size: image::PART_SIZE,
            sector_size: a.sector_size,
        },
        bar("payload"),
    )?;
    warn_demo_keys(&built.path.display().to_string(), &built.demo_keys);
    if a.json {
        println!("{}", serde_json::to_string_pretty(&built)?);
    } else {
        println!(
            "{}: {}, medium id {}, payload in {} part(s)",
            built.path.display(),
            units::size(built.bytes),
            built.medium_id,
            built.payload_parts.len()
        );
        if built.payloads.len() > 1 {
            println!("payloads: {}", built.payloads.join(", "));
        }
        if built.payload_verified {
            println!("{COPY_CHECKED}");
        }
    }
    Ok(())
}

pub fn usb_write(a: UsbWriteArgs) -> Result<()> {
    let image_size =
        write::image_size(&a.image).with_context(|| format!("reading {}", a.image.display()))?;
    let roots = Roots::system();
    let facts = a
        .devices
        .iter()
        .map(|d| blockdev::inspect(d, &roots))
        .collect();
    let allow = target::Allow {
        non_removable: a.force,
        files: a.file_ok,
    };
    let image = target::Image {
        size: image_size,
        sector_size: write::image_sector_size(&a.image)
            .with_context(|| format!("reading {}", a.image.display()))?,
    };
    let (targets, refusals) =
        target::check_all(facts, blockdev::inspect::identity(&a.image), image, allow);
    if !refusals.is_empty() {
        if a.json {
            let refused: Vec<_> = refusals
                .iter()
                .map(|r| {
                    let reasons: Vec<String> = r.reasons.iter().map(|x| x.to_string()).collect();
                    serde_json::json!({"path": r.path, "reason": reasons.join("; "),
                        "reasons": reasons})
                })
                .collect();
            println!("{}", serde_json::json!({ "refused": refused }));
        }
        for r in &refusals {
            for reason in &r.reasons {
                eprintln!("error: refusing {}: {reason}", r.path.display());
            }
        }
        eprintln!("nothing was written to any target");
        std::process::exit(EXIT_REFUSED);
    }
    for t in &targets {
        match &t.kind {
            Kind::Disk(d) => eprintln!(
                "{}: disk {}, {}{}{}{}",
                t.path.display(),
                d.facts.name,
                units::size(d.facts.size),
                if d.facts.removable { ", removable" } else { "" },
                d.facts
                    .model
                    .as_deref()
                    .map(|m| format!(", model {m}"))
                    .unwrap_or_default(),
                d.facts
                    .serial
                    .as_deref()
                    .map(|s| format!(", serial {s}"))
                    .unwrap_or_default(),
            ),
            Kind::File { size } => {
                eprintln!("{}: image file, {}", t.path.display(), units::size(*size))
            }
            _ => eprintln!("{}", t.path.display()),
        }
    }
    if !a.yes {
        if !std::io::stdin().is_terminal() {
            bail!("not asking for confirmation without a terminal: add --yes");
        }
        eprint!(
            "Everything on {} will be lost. Type yes to write: ",
            if targets.len() == 1 {
                "this device"
            } else {
                "these devices"
            }
        );
        std::io::stderr().flush().ok();
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        if line.trim() != "yes" {
            bail!("nothing written");
        }
    }
    let paths: Vec<PathBuf> = targets.iter().map(|t| t.path.clone()).collect();
    let mut writing = bar("writing");
    let mut verifying = bar("verifying");
    let results = write::write_all(&a.image, &paths, !a.no_verify, |phase, done, total| {
        if phase == "writing" {
            writing(done, total)
        } else {
            verifying(done, total)
        }
    })?;
    let failed = results
        .iter()
        .any(|r| r.error.is_some() || r.verified == Some(false));
    if a.json {
        println!("{}", serde_json::to_string_pretty(&results)?);
    } else {
        for r in &results {
            match (&r.error, r.verified) {
                (Some(e), _) => eprintln!("{}: failed: {e}", r.path.display()),
                (None, Some(false)) => eprintln!(
                    "{}: written, but reading it back gave different bytes: a bad stick?",
                    r.path.display()
                ),
                (None, Some(true)) => println!(
                    "{}: written and verified ({}, {:.1} s)",
                    r.path.display(),
                    units::size(r.bytes),
                    r.seconds
                ),
                (None, None) => println!(
                    "{}: written, not verified ({}, {:.1} s)",
                    r.path.display(),
                    units::size(r.bytes),
                    r.seconds
                ),
            }
        }
    }
    if failed {
        std::process::exit(EXIT_FAILED);
    }
    Ok(())
}
