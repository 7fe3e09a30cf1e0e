//! Why the engine refuses a plan.

use install::Refusal;
use payload::Kind;

use super::answer::answer_mismatch;
use super::detail::{migrate, state};
use super::disk::fat_problem;
use super::payload_error::payload_error;
use super::{action, keys};
use crate::l10n::{size, t};

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
            t!("refusal-default-config-unreadable", detail = migrate(e))
        }
        Refusal::SchemaDisagrees { manifest, recorded } => t!(
            "refusal-schema-disagrees",
            manifest = manifest.to_string(),
            recorded = recorded.to_string()
        ),
        Refusal::TrustUpdate(e) => t!("refusal-trust-update", detail = payload_error(e)),
        Refusal::NoKeyLeft => t!("refusal-no-key-left"),
        Refusal::InvalidState(e) => t!("refusal-invalid-state", detail = state(e)),
        Refusal::BiosMode { action: a } => t!("refusal-bios-mode", action = action(*a)),
        Refusal::DiskUnusable { disk, reason } => match reason {
            Some(reason) => t!(
                "refusal-disk-unusable",
                disk = disk.display().to_string(),
                reason = super::unreadable(reason)
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
        Refusal::NotBlank { found } => t!("refusal-not-blank", summary = super::foreign(found)),
        Refusal::Unreadable { why } => t!("refusal-unreadable", reason = super::unreadable(why)),
        Refusal::DamagedPartitionTable { disk, problems } => t!(
            "refusal-damaged-partition-table",
            disk = disk.display().to_string(),
            problems = super::problem_list(problems)
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
        Refusal::ConfigUnreadable { slot, reason } => t!(
            "refusal-config-unreadable",
            slot = slot.to_string(),
            reason = config_problem(reason)
        ),
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
        Refusal::Migration(e) => t!("refusal-migration", detail = migrate(e)),
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

/// Why the running slot's configuration cannot be read.
fn config_problem(p: &install::ConfigProblem) -> String {
    use install::ConfigProblem as C;
    match p {
        C::Partition(None) => t!("config-problem-partition"),
        C::Partition(Some(fat)) => t!("config-problem-partition-why", problem = fat_problem(fat)),
        C::Fat(fat) => fat_problem(fat),
        C::NoDirectory { dir } => t!("config-problem-no-directory", dir = dir.as_str()),
        C::Disappeared { path } => t!("config-problem-disappeared", path = path.as_str()),
        C::Tree(e) => migrate(e),
    }
}
