//! The engine's refusals, failures and plans in the technician's
//! language. The engine's types carry the facts; these functions say them
//! with the catalog's `engine.ftl` messages, whose ids end with the
//! failure's code ([`install::Error::code`], [`install::Refusal::code`]):
//! `refusal-<code>`, `error-<code>`. The English `Display` of the same
//! types is what the log and the reports keep, next to that code; the
//! English catalog says the same words.
//!
//! Some facts are English text made elsewhere and are shown as they are,
//! after a translated sentence: what detection found on a disk, a damaged
//! partition table's problems, what the engine was doing when an I/O
//! error came (`error-io`), the configuration tools' findings (migrate),
//! the state record's and file system checks' findings, a vendor's
//! upgrade hint, the reason a payload's signature is refused. The
//! operating system's own error message is kept as it is.

use std::io;

use super::size;
use detect::layout::Role;
use install::{Action, BootChain, DiskChange, Plan, PlanNote, Refusal, Step, StepFacts};
use payload::Kind;

use super::t;
use crate::answer::{AnswerError, AnswerProblem};
use crate::tui::failure::{InspectError, LoadError, RunError};

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;

/// An action as the engine's sentences name it.
fn action(a: Action) -> String {
    t!("engine-action", action = a.name())
}

/// An I/O error: the operating system's message as it is, after a
/// sentence when the disk is full.
fn io_error(e: &io::Error) -> String {
    if install::is_disk_full(e) {
        t!("engine-io-disk-full", detail = e.to_string())
    } else {
        e.to_string()
    }
}

fn keys(keys: impl IntoIterator<Item = String>) -> String {
    keys.into_iter().collect::<Vec<_>>().join(", ")
}

/// Why the engine refuses a plan.
pub fn refusal(r: &Refusal) -> String {
    match r {
        Refusal::InstallerTooOld { needed, running } => t!(
            "refusal-installer-too-old",
            needed = needed.to_string(),
            running = running.to_string()
        ),
        Refusal::MissingComponent { component } => {
            t!("refusal-missing-component", component = component.as_str())
        }
        Refusal::NoDefaultConfig => t!("refusal-no-default-config"),
        Refusal::DefaultConfig(e) => {
            t!("refusal-default-config-unreadable", detail = e.to_string())
        }
        Refusal::SchemaDisagrees { manifest, recorded } => t!(
            "refusal-schema-disagrees",
            manifest = manifest.to_string(),
            recorded = recorded.to_string()
        ),
        Refusal::TrustUpdate(e) => t!("refusal-trust-update", detail = e.to_string()),
        Refusal::NoKeyLeft => t!("refusal-no-key-left"),
        Refusal::InvalidState(e) => t!("refusal-invalid-state", detail = e.to_string()),
        Refusal::BiosMode { action: a } => t!("refusal-bios-mode", action = action(*a)),
        Refusal::DiskUnusable { disk, reason } => match reason {
            Some(reason) => t!(
                "refusal-disk-unusable",
                disk = disk.display().to_string(),
                reason = reason.as_str()
            ),
            None => t!(
                "refusal-disk-unusable-empty",
                disk = disk.display().to_string()
            ),
        },
        Refusal::UnsupportedSectorSize { sector_size } => t!(
            "refusal-unsupported-sector-size",
            sector_size = sector_size.to_string()
        ),
        Refusal::SectorSizeDiffers {
            disk,
            table,
            sector_size,
        } => t!(
            "refusal-sector-size-differs",
            disk = disk.display().to_string(),
            table = table.to_string(),
            sector_size = sector_size.to_string()
        ),
        Refusal::DiskTooSmall { size, needed } => t!(
            "refusal-disk-too-small",
            size = size.to_string(),
            needed = needed.to_string()
        ),
        Refusal::AlreadyInstalled => t!("refusal-already-installed"),
        Refusal::AlreadyDone {
            disk,
            product,
            version,
            medium,
        } => match medium {
            Some(medium) => t!(
                "refusal-already-done-medium",
                disk = disk.display().to_string(),
                product = product.as_str(),
                version = version.to_string(),
                medium = medium.as_str()
            ),
            None => t!(
                "refusal-already-done",
                disk = disk.display().to_string(),
                product = product.as_str(),
                version = version.to_string()
            ),
        },
        Refusal::NotBlank { summary } => t!("refusal-not-blank", summary = summary.as_str()),
        Refusal::Unreadable { reason } => t!("refusal-unreadable", reason = reason.as_str()),
        Refusal::DamagedPartitionTable { disk, problems } => t!(
            "refusal-damaged-partition-table",
            disk = disk.display().to_string(),
            problems = install::problem_list(problems)
        ),
        Refusal::NoInstallation { disk, action: a } => t!(
            "refusal-no-installation",
            disk = disk.display().to_string(),
            action = action(*a)
        ),
        Refusal::NoStateRecord => t!("refusal-no-state-record"),
        Refusal::NoRunningSlot => t!("refusal-no-running-slot"),
        Refusal::NotConfirmed { slot } => t!("refusal-not-confirmed", slot = slot.to_string()),
        Refusal::BrokenSlot { slot, state } => t!(
            "refusal-broken-slot",
            slot = slot.to_string(),
            state = t!("engine-slot-state", state = state.name())
        ),
        Refusal::NoRelease { slot } => t!("refusal-no-release", slot = slot.to_string()),
        Refusal::MissingPartition { partition } => {
            t!("refusal-missing-partition", partition = *partition)
        }
        Refusal::ConfigUnreadable { slot, reason } => match reason {
            Some(reason) => t!(
                "refusal-config-unreadable",
                slot = slot.to_string(),
                reason = reason.as_str()
            ),
            None => t!(
                "refusal-config-unreadable-partition",
                slot = slot.to_string()
            ),
        },
        Refusal::OtherProduct { installed, offered } => t!(
            "refusal-other-product",
            installed = installed.as_str(),
            offered = offered.as_str()
        ),
        Refusal::Upgrade(u) => upgrade_refusal(u),
        Refusal::KeyNotTrusted { signers, trusted } => t!(
            "refusal-key-not-trusted",
            count = signers.len(),
            signers = keys(signers.iter().map(payload::Fingerprint::short)),
            trusted = if trusted.is_empty() {
                t!("engine-no-key")
            } else {
                keys(trusted.iter().map(|k| k.chars().take(16).collect()))
            }
        ),
        Refusal::SignedByRevokedKey { key } => {
            t!("refusal-signed-by-revoked-key", key = key.short())
        }
        Refusal::RevokedKeyTrusted { key } => t!("refusal-revoked-key-trusted", key = key.short()),
        Refusal::HotfixAlone {
            id,
            product,
            version,
        } => t!(
            "refusal-hotfix-alone",
            id = id.as_str(),
            product = product.as_str(),
            version = version.to_string()
        ),
        Refusal::WrongKind { kind, action: _ } => t!(
            "refusal-wrong-kind",
            kind = match kind {
                Kind::Release => "release",
                Kind::Hotfix => "hotfix",
            }
        ),
        Refusal::HotfixChangesSchema {
            id,
            declared,
            running,
        } => t!(
            "refusal-hotfix-changes-schema",
            id = id.as_str(),
            declared = declared.to_string(),
            running = running.to_string()
        ),
        Refusal::DataNotFormattable { bytes, filesystem } => t!(
            "refusal-data-not-formattable",
            size = size(*bytes),
            filesystem = filesystem.to_string()
        ),
        Refusal::RepairOtherRelease { installed, offered } => t!(
            "refusal-repair-other-release",
            installed = installed.to_string(),
            offered = offered.to_string()
        ),
        Refusal::RepairLosesHotfixes { release, hotfixes } => t!(
            "refusal-repair-loses-hotfixes",
            release = release.to_string(),
            hotfixes = hotfixes.join(", ")
        ),
        Refusal::RootImageTooLarge { slot, image, room } => t!(
            "refusal-root-image-too-large",
            slot = slot.to_string(),
            image = size(*image),
            room = size(*room)
        ),
        Refusal::EspTooSmall { boot_files, esp } => t!(
            "refusal-esp-too-small",
            boot_files = size(*boot_files),
            esp = size(*esp)
        ),
        Refusal::EspFull { boot_files, free } => t!(
            "refusal-esp-full",
            boot_files = size(*boot_files),
            free = size(*free)
        ),
        Refusal::ConfigFull { needed, free } => t!(
            "refusal-config-full",
            needed = size(*needed),
            free = size(*free)
        ),
        Refusal::Migration(e) => t!("refusal-migration", detail = e.to_string()),
        Refusal::NoMigrations { from, to } => t!(
            "refusal-no-migrations",
            from = from.to_string(),
            to = to.to_string()
        ),
        Refusal::Answers(m) => t!("refusal-answers-mismatch", detail = answer_mismatch(m)),
        Refusal::NoMachineId => t!("refusal-no-machine-id"),
        Refusal::BadMachineId { id } => t!("refusal-bad-machine-id", id = format!("{id:?}")),
    }
}

/// Why the installed release and its hotfixes do not take the payload.
fn upgrade_refusal(u: &payload::Refusal) -> String {
    use payload::Refusal as U;
    match u {
        U::SameVersion { product, installed } => t!(
            "refusal-same-version",
            product = product.as_str(),
            installed = installed.to_string()
        ),
        U::Downgrade { installed, offered } => t!(
            "refusal-downgrade",
            installed = installed.to_string(),
            offered = offered.to_string()
        ),
        U::Unsupported {
            installed,
            offered,
            hint,
        } => t!(
            "refusal-upgrade-unsupported",
            installed = installed.to_string(),
            offered = offered.to_string(),
            hint = hint.as_str()
        ),
        U::FirstRelease { offered } => {
            t!("refusal-first-release", offered = offered.to_string())
        }
        U::WrongBase {
            id,
            base,
            installed,
        } => t!(
            "refusal-hotfix-wrong-base",
            id = id.as_str(),
            base = base.to_string(),
            installed = installed.to_string()
        ),
        U::HotfixApplied { id } => t!("refusal-hotfix-applied", id = id.as_str()),
        U::HotfixNotIncluded { id, applied } => t!(
            "refusal-hotfix-not-included",
            id = id.as_str(),
            applied = applied.as_str()
        ),
    }
}

/// Why the payload did not verify or could not be read.
fn payload_error(e: &payload::Error) -> String {
    use payload::Error as P;
    match e {
        P::Io { context, source } => t!(
            "error-payload-io",
            context = context.as_str(),
            detail = io_error(source)
        ),
        P::Truncated(d) => t!("error-payload-truncated", detail = d.as_str()),
        P::NotAPayload(d) => t!("error-payload-not-a-payload", detail = d.as_str()),
        P::Container { offset, reason } => t!(
            "error-payload-container",
            offset = offset.to_string(),
            reason = reason.as_str()
        ),
        P::NonCanonicalHeader {
            offset,
            member,
            field,
        } => t!(
            "error-payload-header",
            offset = offset.to_string(),
            member = member.escape_debug().to_string(),
            field = field.to_string()
        ),
        P::ManifestTooLarge { size, max } => t!(
            "error-payload-manifest-too-large",
            size = size.to_string(),
            max = max.to_string()
        ),
        P::Manifest(d) => t!("error-payload-manifest", detail = d.as_str()),
        P::NewerFormat {
            what,
            min_installer,
        } => match min_installer {
            Some(v) => t!(
                "error-payload-newer-format-version",
                what = what.as_str(),
                version = v.to_string()
            ),
            None => t!("error-payload-newer-format", what = what.as_str()),
        },
        P::SignatureFormat(d) => t!("error-payload-signature-format", detail = d.as_str()),
        P::Untrusted(d) => t!("error-payload-signature", detail = d.as_str()),
        P::Key(d) => t!("error-payload-key", detail = d.as_str()),
        P::ChunkMismatch {
            component,
            chunk,
            start,
            end,
        } => t!(
            "error-payload-digest",
            component = component.as_str(),
            chunk = chunk.to_string(),
            start = start.to_string(),
            end = end.to_string()
        ),
        P::Layout(d) => t!("error-payload-layout", detail = d.as_str()),
        P::BadFrame {
            component,
            chunk,
            start,
            end,
            reason,
        } => t!(
            "error-payload-frame",
            component = component.as_str(),
            chunk = chunk.to_string(),
            start = start.to_string(),
            end = end.to_string(),
            reason = reason.as_str()
        ),
        P::Build(d) => t!("error-payload-build", detail = d.as_str()),
    }
}

/// How the disk differs from the one the plan was made for.
fn disk_change(c: &DiskChange) -> String {
    match c {
        DiskChange::Size { found, planned } => t!(
            "engine-disk-change-size",
            found = found.to_string(),
            planned = planned.to_string()
        ),
        DiskChange::PartitionMoved { partition } => {
            t!("engine-disk-change-partition", partition = *partition)
        }
        DiskChange::StateRecord => t!("engine-disk-change-state-record"),
    }
}

/// Why the engine stopped.
pub fn error(e: &install::Error) -> String {
    use install::Error as E;
    match e {
        E::Io { what, source } if install::is_disk_full(source) => t!(
            "error-disk-full",
            what = what.as_str(),
            detail = source.to_string()
        ),
        E::Io { what, source } => t!(
            "error-io",
            what = what.as_str(),
            detail = source.to_string()
        ),
        E::Payload(p) => payload_error(p),
        E::Refused(r) => refusal(r),
        E::DiskChanged(c) => t!("error-disk-changed", change = disk_change(c)),
        E::Window(w) => t!("error-write-outside-partition", detail = w.to_string()),
        E::PayloadChanged { planned, found } => t!(
            "error-payload-changed",
            planned = planned.as_str(),
            found = found.as_str()
        ),
        E::ReadBack { what, start, end } => t!(
            "error-read-back",
            what = what.as_str(),
            start = start.to_string(),
            end = end.to_string()
        ),
        E::Migrations(m) => t!("error-payload-migrations", detail = m.to_string()),
        E::DefaultConfig { component, source } => t!(
            "error-payload-default-config",
            component = component.as_str(),
            detail = source.to_string()
        ),
        E::State(s) => t!("error-state-record", detail = s.to_string()),
        E::Fat { partition, source } => t!(
            "error-file-system",
            partition = *partition,
            detail = source.to_string()
        ),
        E::ReadBackIncomplete { what, at } => t!(
            "error-read-back-incomplete",
            what = what.as_str(),
            at = at.to_string()
        ),
        E::PayloadUsed => t!("error-payload-used"),
        E::BadGuid { guid } => t!("error-plan-guid", guid = format!("{guid:?}")),
        E::PlanIncomplete(what) => t!("error-plan-incomplete", what = what.as_str()),
        E::ThreadStopped(what) => t!("error-thread-stopped", what = *what),
        E::Medium(m) => t!("error-medium", detail = format!("{m:#}")),
        E::Cancelled => t!("error-cancelled"),
    }
}

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
        PlanNote::ForeignErased { summary } => {
            t!("note-foreign-erased", summary = summary.as_str())
        }
        PlanNote::TableReplaced { problems } => {
            t!("note-table-replaced", problems = problems.as_str())
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
        PlanNote::SetRight { issue } => t!("note-set-right", issue = issue.as_str()),
    }
}

/// Why the medium cannot be used.
pub fn load_error(e: &LoadError) -> String {
    match e {
        LoadError::Medium(m) => t!("load-medium", detail = format!("{m:#}")),
        LoadError::Payload(e) => error(e),
        LoadError::OnePayload { name, source } => t!(
            "load-one-payload",
            name = name.as_str(),
            detail = error(source)
        ),
    }
}

/// Why the chosen disk could not be inspected.
pub fn inspect_error(e: &InspectError) -> String {
    match e {
        InspectError::Disk(e) => error(e),
        InspectError::MachineId(m) => t!("inspect-machine-id", detail = m.to_string()),
    }
}

/// Why a run failed.
pub fn run_error(e: &RunError) -> String {
    match e {
        RunError::Open { disk, source } => t!(
            "run-open",
            disk = disk.display().to_string(),
            detail = io_error(source)
        ),
        RunError::Engine(e) => error(e),
        RunError::MediumGone { medium, source } => t!(
            "run-medium-gone",
            medium = medium.display().to_string(),
            detail = error(source)
        ),
    }
}

/// What is wrong with the answer file.
pub fn answer_error(e: &AnswerError) -> String {
    let problem = answer_problem(&e.problem);
    if e.key.is_empty() {
        t!(
            "answer-error",
            source = e.source.as_str(),
            line = e.line.to_string(),
            problem = problem
        )
    } else {
        t!(
            "answer-error-key",
            source = e.source.as_str(),
            line = e.line.to_string(),
            key = e.key.as_str(),
            problem = problem
        )
    }
}

/// What is wrong at one place of the answer file.
fn answer_problem(p: &AnswerProblem) -> String {
    use AnswerProblem as A;
    match p {
        A::Unreadable(d) => t!("answer-unreadable", detail = d.as_str()),
        A::NotToml(d) => t!("answer-not-toml", detail = d.as_str()),
        A::UnknownKey { expected } => t!("answer-unknown-key", expected = expected.join(", ")),
        A::NoInstallTable => t!("answer-no-install-table"),
        A::NotATable => t!("answer-not-a-table"),
        A::NotAString => t!("answer-not-a-string"),
        A::NoAction => t!("answer-no-action"),
        A::NotAnAction(s) => t!("answer-not-an-action", value = format!("{s:?}")),
        A::NotALanguage { given, expected } => {
            let q: Vec<String> = expected.iter().map(|c| format!("{c:?}")).collect();
            let (last, rest) = q.split_last().unwrap_or((given, &[]));
            t!(
                "answer-not-a-language",
                value = format!("{given:?}"),
                count = q.len(),
                rest = rest.join(", "),
                last = last.as_str()
            )
        }
        A::NoDisk => t!("answer-no-disk"),
        A::NotADisk(s) => t!("answer-not-a-disk", value = format!("{s:?}")),
        A::NotADiskSelector => t!("answer-not-a-disk-selector"),
        A::EmptySelector => t!("answer-empty-selector"),
        A::NotASize => t!("answer-not-a-size"),
        A::NotConfirmed(s) => t!("answer-not-confirmed", value = format!("{s:?}")),
        A::ConfigOnUpgrade => t!("answer-config-on-upgrade"),
        A::NotDocuments => t!("answer-not-documents"),
        A::NotADocument => t!("answer-not-a-document"),
        A::NotSettings => t!("answer-not-settings"),
        A::TableNotValue => t!("answer-table-not-value"),
        A::NotAValue(s) => t!("answer-not-a-value", value = s.as_str()),
        A::NotAFinish(s) => t!("answer-not-a-finish", value = format!("{s:?}")),
        A::BadDelay => t!("answer-bad-delay"),
        A::NoDisks => t!("answer-no-disks"),
        A::SeveralDisks(n) => t!("answer-several-disks", count = *n),
        A::NoMatch => t!("answer-no-match"),
        A::ManyMatch(n) => t!("answer-many-match", count = *n),
        A::AutoWontErase(disk) => {
            t!("answer-auto-wont-erase", disk = disk.display().to_string())
        }
        A::EraseNotConfirmed(disk) => {
            t!(
                "answer-erase-not-confirmed",
                disk = disk.display().to_string()
            )
        }
        A::NotOffered(a) => t!("answer-not-offered", action = action(*a)),
        A::Refused(r) => refusal(r),
        A::Mismatch(m) => t!("refusal-answers-mismatch", detail = answer_mismatch(m)),
    }
}

/// Why the answer file's configuration values do not fit the release.
fn answer_mismatch(m: &install::AnswerMismatch) -> String {
    use install::AnswerMismatch as M;
    match m {
        M::SchemaDocument { document } => {
            t!("answer-schema-document", document = document.as_str())
        }
        M::NoDocument { document } => t!("answer-no-document", document = document.as_str()),
        M::NotToml { document, reason } => t!(
            "answer-document-not-toml",
            document = document.as_str(),
            detail = reason.as_str()
        ),
        M::BadKey { document, key } => t!(
            "answer-bad-key",
            document = document.as_str(),
            key = key.as_str()
        ),
        M::NoTable {
            document,
            key,
            table,
        } => t!(
            "answer-no-table",
            document = document.as_str(),
            key = key.as_str(),
            table = table.as_str()
        ),
        M::NoKey { document, key } => t!(
            "answer-no-key",
            document = document.as_str(),
            key = key.as_str()
        ),
        M::TypeChanged {
            document,
            key,
            release,
            answer,
        } => t!(
            "answer-type-changed",
            document = document.as_str(),
            key = key.as_str(),
            release = *release,
            answer = *answer
        ),
        M::Tree { document, source } => t!(
            "answer-tree",
            document = document.as_str(),
            detail = source.to_string()
        ),
    }
}
