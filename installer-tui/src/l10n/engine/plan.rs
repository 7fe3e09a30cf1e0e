//! The plan, its steps, notes and configuration changes.

use detect::layout::Role;
use install::{Action, BootChain, Plan, PlanNote, Step, StepFacts};

use crate::l10n::{size, t};

/// What a step does, as its line on Review and Progress.
pub fn step(s: &Step) -> String {
    match &s.facts {
        StepFacts::VerifyPayload {
            bytes,
            before_erasing,
        } => t!(
            "step-verify-payload",
            size = size(*bytes),
            erasing = if *before_erasing { "yes" } else { "no" }
        ),
        StepFacts::DiscardData => t!("step-discard-data"),
        StepFacts::WritePartitionTable { disk } => t!(
            "step-write-partition-table",
            disk = disk.display().to_string()
        ),
        StepFacts::FormatEsp { file_system } => t!("step-format-esp", fs = *file_system),
        StepFacts::FormatConfig { file_system } => t!("step-format-config", fs = *file_system),
        StepFacts::FormatData { file_system } => t!("step-format-data", fs = *file_system),
        StepFacts::MarkSlotWriting { slot } => {
            t!("step-mark-slot-writing", slot = slot.to_string())
        }
        StepFacts::WriteSlot {
            product,
            version,
            slot,
            root_image,
        } => t!(
            "step-write-slot",
            product = product.as_str(),
            version = version.to_string(),
            slot = slot.to_string(),
            size = size(*root_image)
        ),
        StepFacts::ReadBack { slot } => t!("step-read-back", slot = slot.to_string()),
        StepFacts::WriteConfig { slot, schema } => match schema {
            Some(schema) => t!(
                "step-write-config-schema",
                slot = slot.to_string(),
                schema = schema.to_string()
            ),
            None => t!("step-write-config", slot = slot.to_string()),
        },
        StepFacts::InstallBootLoader { chain } => match chain {
            BootChain::SystemdBoot => t!("step-boot-loader-systemd-boot"),
            BootChain::Shim => t!("step-boot-loader-shim"),
            BootChain::UpdateShim => t!("step-boot-loader-update-shim"),
        },
        StepFacts::RecordNewSlot { slot } => t!("step-record-new-slot", slot = slot.to_string()),
        StepFacts::SetDefault {
            slot,
            tries,
            falls_back,
        } => t!(
            "step-set-default",
            slot = slot.to_string(),
            tries = *tries,
            fallback = if *falls_back { "yes" } else { "no" }
        ),
        StepFacts::WriteReport => t!("step-write-report"),
    }
}

/// The plan as the lines the Review screen scrolls through: what is done
/// to which disk, what is kept, erased and migrated. The English lines
/// are the plan's `Display` (the log's), with what is erased and the
/// configuration diff added. The migration's changes are the configuration
/// tool's English lines; the diff is file content.
pub fn plan_lines(plan: &Plan) -> Vec<String> {
    let disk = plan.disk.display().to_string();
    let disk_size = size(plan.disk_size);
    let product = plan.product.as_str();
    let to = plan.to.to_string();
    let mut out = vec![match (plan.action, &plan.hotfix) {
        (Action::Hotfix, Some(id)) => t!(
            "plan-hotfix",
            id = id.as_str(),
            product = product,
            version = to,
            disk = disk.as_str(),
            size = disk_size
        ),
        (Action::Upgrade, _) => t!(
            "plan-upgrade",
            product = product,
            from = plan
                .from
                .as_ref()
                .map_or_else(|| "?".to_string(), ToString::to_string),
            version = to,
            disk = disk.as_str(),
            size = disk_size
        ),
        (Action::Wipe, _) => t!(
            "plan-wipe",
            product = product,
            version = to,
            disk = disk.as_str(),
            size = disk_size
        ),
        (Action::Repair, _) => t!(
            "plan-repair",
            product = product,
            version = to,
            slot = plan.slot.to_string(),
            disk = disk.as_str(),
            size = disk_size
        ),
        (Action::Install | Action::Hotfix, _) => t!(
            "plan-install",
            product = product,
            version = to,
            disk = disk.as_str(),
            size = disk_size
        ),
    }];
    if matches!(plan.action, Action::Install | Action::Wipe) && !plan.discard.is_empty() {
        out.push(t!("plan-erased", disk = disk.as_str()));
    }
    if let Some(keep) = plan.keep_slot {
        out.push(t!("plan-keep", slot = keep.to_string()));
    }
    if plan.action == Action::Repair {
        out.push(t!("plan-repair-keeps"));
    }
    if plan.action == Action::Wipe {
        out.push(t!("plan-wipe-erases"));
    }
    let layout = plan
        .partitions
        .iter()
        .map(|p| {
            let name = match p.role {
                Role::Esp => t!("plan-part-esp"),
                Role::Root(s) => t!("plan-part-root", slot = s.to_string()),
                Role::Config => t!("plan-part-config"),
                Role::Data => t!("plan-part-data"),
            };
            format!("{name} {}", size(p.size))
        })
        .collect::<Vec<_>>()
        .join(", ");
    out.push(if plan.new_table {
        t!("plan-layout", layout = layout)
    } else {
        t!("plan-layout-kept", layout = layout)
    });
    out.push(t!("plan-cmdline", cmdline = plan.cmdline.as_str()));
    for n in &plan.notes {
        out.push(t!("plan-note", note = note(n)));
    }
    if let Some(m) = &plan.migration {
        out.push(t!(
            "plan-migration",
            from = m.from_schema.to_string(),
            to = m.to_schema.to_string(),
            count = m.changes.len()
        ));
        out.extend(m.changes.iter().map(|c| format!("  - {}", change(c))));
    }
    out.push(t!("plan-steps"));
    for (i, s) in plan.steps.iter().enumerate() {
        out.push(format!("  {:>2}. {}", i + 1, step(s)));
    }
    if let Some(m) = &plan.migration {
        if !m.diff.is_empty() {
            out.push(String::new());
            out.push(t!("plan-diff"));
            out.extend(m.diff.lines().map(String::from));
        }
    }
    out
}

/// One change a migration makes to the configuration. Keys and values
/// are the configuration's own; a kind of change the installer does not
/// know yet is said in English.
pub fn change(c: &migrate::Change) -> String {
    use migrate::ChangeKind as K;
    let file = c.file.as_str();
    match &c.kind {
        K::Renamed { key, to } => t!(
            "change-renamed",
            file = file,
            key = key.as_str(),
            to = to.as_str()
        ),
        K::Moved {
            key,
            to_file: Some(to_file),
            to,
        } => t!(
            "change-moved-file",
            file = file,
            key = key.as_str(),
            to_file = to_file.as_str(),
            to = to.as_str()
        ),
        K::Moved { key, to, .. } => t!(
            "change-moved",
            file = file,
            key = key.as_str(),
            to = to.as_str()
        ),
        K::Split { key, into } => t!(
            "change-split",
            file = file,
            key = key.as_str(),
            into = into
                .iter()
                .map(|(k, v)| format!("{k} = {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        K::Added { key, value } => t!(
            "change-added",
            file = file,
            key = key.as_str(),
            value = value.as_str()
        ),
        K::Dropped { key, was } => t!(
            "change-dropped",
            file = file,
            key = key.as_str(),
            was = was.as_str()
        ),
        K::Mapped { key, from, to } => t!(
            "change-mapped",
            file = file,
            key = key.as_str(),
            from = from.as_str(),
            to = to.as_str()
        ),
        K::Schema { from, to } => t!(
            "change-schema",
            file = file,
            from = from.to_string(),
            to = to.to_string()
        ),
        _ => c.to_string(),
    }
}

/// A note of the plan.
pub fn note(n: &PlanNote) -> String {
    let release = |v: &Option<payload::Version>| v.as_ref().map(ToString::to_string);
    match n {
        PlanNote::FerryErased {
            product,
            release: r,
        } => match (product, release(r)) {
            (Some(p), Some(v)) => t!(
                "note-ferry-erased-release",
                product = p.as_str(),
                release = v
            ),
            (Some(p), None) => t!("note-ferry-erased", product = p.as_str()),
            (None, Some(v)) => t!("note-unknown-erased-release", release = v),
            (None, None) => t!("note-unknown-erased"),
        },
        PlanNote::ForeignErased { found } => {
            t!("note-foreign-erased", summary = super::foreign(found))
        }
        PlanNote::TableReplaced { problems } => {
            t!(
                "note-table-replaced",
                problems = super::problem_list(problems)
            )
        }
        PlanNote::InterruptedWrite { slot, release: r } => match release(r) {
            Some(v) => t!(
                "note-interrupted-write-release",
                slot = slot.to_string(),
                release = v
            ),
            None => t!("note-interrupted-write", slot = slot.to_string()),
        },
        PlanNote::FailedToStart { slot, release: r } => match release(r) {
            Some(v) => t!(
                "note-failed-to-start-release",
                slot = slot.to_string(),
                release = v
            ),
            None => t!("note-failed-to-start", slot = slot.to_string()),
        },
        PlanNote::SwitchNotDone { slot, running } => t!(
            "note-switch-not-done",
            slot = slot.to_string(),
            running = running.to_string()
        ),
        PlanNote::PreviousReplaced { slot, release: r } => match release(r) {
            Some(v) => t!(
                "note-previous-replaced-release",
                slot = slot.to_string(),
                release = v
            ),
            None => t!("note-previous-replaced", slot = slot.to_string()),
        },
        PlanNote::SetRight { issue } => t!("note-set-right", issue = super::issue(issue)),
    }
}
