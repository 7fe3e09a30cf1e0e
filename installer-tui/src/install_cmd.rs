//! `installer-tui plan` and `installer-tui apply`: the install engine for
//! scripts and tests.

use std::io::Write as _;
use std::os::unix::fs::FileTypeExt;
use std::path::PathBuf;

use anyhow::{bail, Context};
use install::{Action, AnswerFile, Choice, Plan, Progress, Refusal};

use crate::cli::{ActionArg, ApplyArgs, PlanArgs};

fn make_plan(args: &PlanArgs, report_dirs: Vec<PathBuf>) -> anyhow::Result<Plan> {
    let trust = payload::TrustStore::load(&args.trust)?;
    let payload = install::open_payload(&args.payload, &trust)
        .with_context(|| format!("checking the payload {}", args.payload.display()))?;
    let target = install::inspect(&args.disk)
        .with_context(|| format!("looking at {}", args.disk.display()))?;
    // An answer file must select this disk; without --action its action
    // decides, as in an unattended run.
    let answer = match &args.answers {
        Some(p) => {
            let text =
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            let answer = AnswerFile::parse(&p.display().to_string(), &text)?;
            answer.pick_disk(std::slice::from_ref(&target.report))?;
            Some(answer)
        }
        None => None,
    };
    let action = match (args.action, &answer) {
        (Some(ActionArg::Install), _) => Action::Install,
        (Some(ActionArg::Upgrade), _) => Action::Upgrade,
        (Some(ActionArg::Wipe), _) => Action::Wipe,
        (Some(ActionArg::Hotfix), _) => Action::Hotfix,
        (Some(ActionArg::Repair), _) => Action::Repair,
        (None, Some(answer)) => answer.action_for(&target.report)?,
        (None, None) if target.report.ferry().is_none() => Action::Install,
        (None, None) if payload.manifest.kind == payload::Kind::Hotfix => Action::Hotfix,
        (None, None) => Action::Upgrade,
    };
    let mut choice = Choice::new(action);
    choice.report_dirs = report_dirs;
    if let Some(p) = &args.boot_loader {
        choice.boot_loader = p.clone();
    }
    if let (Some(shim), Some(mm)) = (&args.shim, &args.mok_manager) {
        choice.shim = Some(install::Shim {
            shim: shim.clone(),
            mok_manager: mm.clone(),
        });
    }
    choice.answers = answer.as_ref().and_then(|a| a.config.clone());
    choice.sizes = args.layout_mib;
    // A disk of this machine: this machine's firmware starts it, and names
    // the machine in the report. An image file is started by another
    // machine, whose firmware is not known.
    if std::fs::metadata(&args.disk).is_ok_and(|m| m.file_type().is_block_device()) {
        choice.firmware = Some(detect::Firmware::read(std::path::Path::new("/")));
        choice.machine = Some(detect::MachineIdentity::read(std::path::Path::new("/")));
    }
    if matches!(action, Action::Install | Action::Wipe) {
        choice.machine_id = Some(
            install::new_machine_id().map_err(|e| anyhow::anyhow!("choosing a machine id: {e}"))?,
        );
    }
    install::plan(&target, &payload, &choice).map_err(|refusal| match (&answer, refusal) {
        // A configuration value the release refuses: at its line.
        (Some(answer), r @ Refusal::Answers(_)) => answer.refused(r).into(),
        (_, r) => r.into(),
    })
}

/// Run `plan`.
pub fn plan(args: PlanArgs) -> anyhow::Result<()> {
    let plan = make_plan(&args, Vec::new())?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &plan).context("writing the plan")?;
        writeln!(out)?;
    } else {
        write!(out, "{plan}")?;
        if let Some(m) = &plan.migration {
            if !m.diff.is_empty() {
                writeln!(out, "Configuration diff:\n{}", m.diff)?;
            }
        }
    }
    Ok(())
}

/// Run `apply`.
pub fn apply(args: ApplyArgs) -> anyhow::Result<()> {
    let report_dirs = match &args.report_dir {
        Some(d) => vec![d.clone()],
        None => args
            .plan
            .payload
            .parent()
            .map(|p| vec![p.join("reports")])
            .unwrap_or_default(),
    };
    let plan = make_plan(&args.plan, report_dirs)?;
    print!("{plan}");
    if !args.yes {
        bail!("nothing was changed: add --yes to carry out this plan");
    }
    let mut last_percent = None;
    let mut show = |p: &Progress| match p {
        Progress::Step {
            index,
            total,
            title,
            ..
        } => {
            println!("[{index}/{total}] {title}");
            last_percent = None;
        }
        Progress::Bytes {
            kind,
            done,
            total,
            rate,
        } => {
            let percent = (done * 100).checked_div(*total).unwrap_or(100);
            if last_percent != Some(percent / 10) {
                last_percent = Some(percent / 10);
                println!("      {} {percent:>3}% {:.1} MB/s", kind.name(), rate / 1e6);
            }
        }
        // The percentage of the bytes written says enough on a terminal.
        Progress::Medium { .. } => {}
        Progress::StepDone { seconds, .. } => {
            println!("      done in {seconds:.1} s");
        }
    };
    match install::apply(&plan, &mut show) {
        Ok(report) => {
            for path in &report.saved_to {
                println!("report: {path}");
            }
            println!(
                "{} {} is installed in slot {}; it starts at the next boot.",
                plan.product, plan.to, plan.slot
            );
            Ok(())
        }
        Err(failure) => {
            for path in &failure.report.saved_to {
                println!("report: {path}");
            }
            Err(failure.error).context(match plan.keep_slot {
                Some(slot) => format!(
                    "the {} failed; the system in slot {slot} is unchanged and still starts",
                    plan.action
                ),
                None => format!("the {} failed", plan.action),
            })
        }
    }
}
