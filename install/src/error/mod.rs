//! What can go wrong, in sentences a technician can act on. Every variant
//! carries the facts (versions, keys, sizes, names) a front end may show
//! or act on; the sentence is its `Display`.

use std::io;
use std::path::PathBuf;
use std::sync::Arc;

use detect::gpt::EntryProblem;
use detect::layout::Slot;
use detect::state::{SlotState, StateError};
use payload::{Fingerprint, Kind, Version};
use units::size;

use crate::answers::AnswerMismatch;
use crate::plan::Action;
use crate::window::WindowError;

pub mod doing;

pub use doing::{Act, Doing, Object};

/// Why the running slot's configuration cannot be read from the config
/// partition ([`Refusal::ConfigUnreadable`]).
#[derive(Debug, Clone, thiserror::Error)]
pub enum ConfigProblem {
    /// The config partition is not a FAT volume that can be read; `None`
    /// when there is no config partition to read or no running slot.
    #[error("the config partition is unreadable{}", match .0 { Some(p) => format!(": {p}"), None => String::new() })]
    Partition(Option<detect::FatProblem>),
    /// A file or the directory of the slot cannot be read.
    #[error("{0}")]
    Fat(detect::FatProblem),
    /// The slot has no configuration directory.
    #[error("the config partition has no {dir}/")]
    NoDirectory { dir: String },
    /// A file listed in the directory could not be found again.
    #[error("{path} disappeared while reading")]
    Disappeared { path: String },
    /// A file is not one a configuration holds (its name, its size).
    #[error("{0}")]
    Tree(Arc<migrate::Error>),
}

/// Why `plan` refuses a choice. Nothing has been written when one of these
/// is returned.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Refusal {
    /// The payload needs a newer installer.
    #[error(
        "this payload needs installer {needed} or newer; this is {running}: boot from a \
         newer medium"
    )]
    InstallerTooOld { needed: Version, running: Version },
    /// The payload lacks a component every installation needs.
    #[error("the payload has no component {component}; it cannot be installed")]
    MissingComponent { component: String },
    /// A fresh install needs the release's default configuration.
    #[error("the payload carries no default configuration (config-*.toml components)")]
    NoDefaultConfig,
    /// The default configuration records no readable schema.
    #[error("the default configuration: {0}")]
    DefaultConfig(Arc<migrate::Error>),
    /// The manifest and the default configuration disagree on the schema.
    #[error(
        "the manifest says configuration schema {manifest} but the default configuration \
         records {recorded}"
    )]
    SchemaDisagrees { manifest: u32, recorded: u32 },
    /// A key of the payload's trust update cannot be read.
    #[error("the payload's trust update: {0}")]
    TrustUpdate(Arc<payload::Error>),
    /// The payload's trust update would leave no trusted key.
    #[error(
        "the payload would revoke every key the system trusts, leaving none to verify the \
         next payload"
    )]
    NoKeyLeft,
    /// The state record the plan would write breaks a rule.
    #[error("the state record would be invalid: {0}")]
    InvalidState(Arc<StateError>),

    /// An install or a wipe on a machine that started the installer in
    /// legacy BIOS mode: the installed system starts only with UEFI.
    #[error(
        "this machine started the installer in legacy BIOS mode and the system installed \
         starts only with UEFI, so {action} is refused and nothing was written: restart and \
         choose the stick's UEFI entry in the firmware's boot menu (a DVD: the drive's UEFI \
         entry)"
    )]
    BiosMode { action: Action },

    /// The disk reads as empty or cannot be read at all.
    #[error(
        "{} cannot be used: {}",
        disk.display(),
        reason.as_ref().map_or("it is empty".to_string(), ToString::to_string)
    )]
    DiskUnusable {
        disk: PathBuf,
        /// What detection found wrong; `None`: the disk has no bytes.
        reason: Option<detect::Unreadable>,
    },
    /// The disk's logical sectors are neither 512 nor 4096 bytes.
    #[error(
        "the disk has logical sectors of {sector_size} bytes; Ferry installs on disks of \
         512-byte or 4096-byte sectors"
    )]
    UnsupportedSectorSize { sector_size: u64 },
    /// An upgrade of a disk whose partition table is in other sectors
    /// than the disk's: neither the system nor the firmware sees it.
    #[error(
        "the partition table of {} is written for {table}-byte sectors, but the disk has \
         {sector_size}-byte sectors, so the firmware and the system do not see its \
         partitions: wipe and reinstall",
        disk.display()
    )]
    SectorSizeDiffers {
        disk: PathBuf,
        table: u64,
        sector_size: u64,
    },
    /// The disk is smaller than the layout.
    #[error("the disk is {size} bytes; this installation needs at least {needed} bytes")]
    DiskTooSmall { size: u64, needed: u64 },
    /// An install (not a wipe) on a disk that holds Ferry.
    #[error("Ferry is already installed on this disk: upgrade it, or wipe it and install again")]
    AlreadyInstalled,
    /// An unattended wipe of a disk that holds what the same medium and
    /// answer file installed: it would erase and install again at every
    /// boot from the medium.
    #[error(
        "{} already holds {product} {version}, installed by this answer file from {}: an \
         unattended run does not erase it again. Remove the medium and start the machine \
         from the disk",
        disk.display(),
        medium.as_deref().map_or("this medium".to_string(), |m| format!("medium {m}"))
    )]
    AlreadyDone {
        disk: PathBuf,
        product: String,
        version: Version,
        /// The boot medium's id, when it has one.
        medium: Option<String>,
    },
    /// An install (not a wipe) on a disk that holds something else.
    #[error("the disk is not empty ({found}); only a wipe installs on it")]
    NotBlank { found: detect::Foreign },
    /// An install (not a wipe) on a disk that cannot be read.
    #[error("the disk holds something unreadable ({why}); only a wipe installs on it")]
    Unreadable { why: detect::Unreadable },
    /// An upgrade or hotfix of a disk whose partition table lists
    /// partitions that overlap, end before they start or lie outside the
    /// disk or the area the table allows: the slot written would not be
    /// where the table says, and could be the running one, the ESP or the
    /// table. A wipe replaces the table.
    #[error(
        "the partition table of {} is damaged ({}); an upgrade would write where it points, \
         so it is refused: wipe and reinstall",
        disk.display(),
        problem_list(problems)
    )]
    DamagedPartitionTable {
        disk: PathBuf,
        /// What is wrong, with the partitions and sectors concerned.
        problems: Vec<EntryProblem>,
    },
    /// An upgrade or hotfix of a disk without Ferry.
    #[error(
        "{} holds no Ferry installation to {action}; install on it, or wipe it",
        disk.display()
    )]
    NoInstallation { disk: PathBuf, action: Action },
    /// The installation's state record is missing or unreadable.
    #[error(
        "the installation has no readable state record, so what runs there is not known: \
         wipe and reinstall"
    )]
    NoStateRecord,
    /// Neither the boot loader nor the state record says what runs.
    #[error("neither the boot loader nor the state record names a running slot")]
    NoRunningSlot,
    /// The running release has not confirmed its first start.
    #[error(
        "the release in slot {slot} has not yet started successfully; start the machine \
         from the disk once, so it confirms it, before changing the other slot"
    )]
    NotConfirmed { slot: Slot },
    /// The boot loader starts a slot that holds no complete release.
    #[error(
        "the boot loader starts slot {slot}, which is {}: the installation is broken; wipe \
         and reinstall",
        state.name()
    )]
    BrokenSlot { slot: Slot, state: SlotState },
    /// The state record names no release in the running slot.
    #[error("the state record names no release in slot {slot}")]
    NoRelease { slot: Slot },
    /// A partition of the layout is missing.
    #[error("the partition {partition} is missing; wipe and reinstall")]
    MissingPartition { partition: &'static str },
    /// The running slot's configuration cannot be read: an upgrade would
    /// lose it.
    #[error(
        "the configuration of slot {slot} cannot be read ({reason}); it would be lost, so \
         nothing is changed"
    )]
    ConfigUnreadable {
        slot: Slot,
        /// What reading it found.
        reason: ConfigProblem,
    },

    /// The payload is for another product.
    #[error("this payload is for {offered}; the disk holds {installed}")]
    OtherProduct { installed: String, offered: String },
    /// The installed release and its hotfixes do not take this payload.
    #[error(transparent)]
    Upgrade(#[from] payload::Refusal),
    /// The installed system trusts none of the payload's signers.
    #[error(
        "the payload is signed by {}, which the installed system does not trust \
         (it trusts {}); wipe and reinstall to change keys",
        signed_by(signers),
        short_keys(trusted)
    )]
    KeyNotTrusted {
        /// Every key of the installer's trust store that signed it.
        signers: Vec<Fingerprint>,
        /// The installed system's trusted keys (fingerprints).
        trusted: Vec<String>,
    },
    /// Every key of the installer's that signed the payload has been
    /// revoked, by the installed system's record or by the installer.
    #[error(
        "the payload is signed by key {}, which has been revoked: it is never trusted \
         again on this machine; use a payload signed by a current key",
        key.short()
    )]
    SignedByRevokedKey { key: Fingerprint },
    /// The payload's trust update would trust a revoked key again.
    #[error(
        "the payload asks to trust key {} again, which has been revoked: a revoked key is \
         never trusted again on this machine",
        key.short()
    )]
    RevokedKeyTrusted { key: Fingerprint },
    /// A hotfix chosen for an install or a wipe.
    #[error(
        "hotfix {id} changes an installed {product} {version}; it cannot be installed on \
         its own"
    )]
    HotfixAlone {
        id: String,
        product: String,
        version: Version,
    },
    /// A release for a hotfix, or a hotfix for an upgrade.
    #[error("this payload is a {kind}; {}", wrong_kind(*kind))]
    WrongKind { kind: Kind, action: Action },
    /// A hotfix that would change the configuration schema.
    #[error(
        "hotfix {id} declares configuration schema {declared}, the running release has \
         {running}: a hotfix cannot change the configuration"
    )]
    HotfixChangesSchema {
        id: String,
        declared: u32,
        running: u32,
    },

    /// The data partition is too large or too small for the file system
    /// the release's install definition asks for.
    #[error(
        "the data partition would be {} and cannot be formatted {filesystem}, as the \
         release asks",
        size(*bytes)
    )]
    DataNotFormattable {
        bytes: u64,
        filesystem: payload::product::DataFilesystem,
    },
    /// A repair writes the installed release again, not another.
    #[error(
        "a reinstall keeps the release: {installed} is installed but the medium holds \
         {offered}; upgrade instead"
    )]
    RepairOtherRelease {
        installed: Version,
        offered: Version,
    },
    /// A repair writes the bare release: the running slot's hotfixes
    /// would be lost.
    #[error(
        "reinstalling {release} would remove the hotfixes this system has ({}); \
         apply the latest hotfix again instead",
        hotfixes.join(", ")
    )]
    RepairLosesHotfixes {
        release: Version,
        hotfixes: Vec<String>,
    },
    /// The root image is larger than a root slot.
    #[error("the root image is {} but slot {slot} is {}", size(*image), size(*room))]
    RootImageTooLarge { slot: Slot, image: u64, room: u64 },
    /// A new ESP cannot hold the kernel and initrd of both slots.
    #[error(
        "kernel and initrd take {}; two of them do not fit on an ESP of {}",
        size(*boot_files),
        size(*esp)
    )]
    EspTooSmall { boot_files: u64, esp: u64 },
    /// The ESP has no room for the new kernel and initrd.
    #[error("kernel and initrd take {} but the ESP has {} free", size(*boot_files), size(*free))]
    EspFull { boot_files: u64, free: u64 },
    /// The config partition has no room for the new configuration.
    #[error(
        "the configuration takes {} but the config partition has {} free",
        size(*needed),
        size(*free)
    )]
    ConfigFull { needed: u64, free: u64 },

    /// The running configuration cannot be migrated.
    #[error("the configuration cannot be migrated: {0}")]
    Migration(Arc<migrate::Error>),
    /// The release changes the schema but carries no way there.
    #[error(
        "the release uses configuration schema {to} but carries no migrations.toml to bring \
         schema {from} there"
    )]
    NoMigrations { from: u32, to: u32 },
    /// The answer file's configuration values do not fit the release.
    #[error("the answer file does not fit this release: {0}")]
    Answers(#[from] AnswerMismatch),

    /// A fresh install without a machine id.
    #[error("no machine id was given for the new installation")]
    NoMachineId,
    /// A machine id of the wrong form.
    #[error("machine id {id:?} is not 32 lower case hex digits")]
    BadMachineId { id: String },
}

/// How many of a damaged table's problems a sentence names; the rest are
/// counted. Front ends that say them in another language follow it.
pub const PROBLEMS_SHOWN: usize = 3;

/// The first few problems of a damaged table, for one sentence.
pub fn problem_list(problems: &[EntryProblem]) -> String {
    const SHOWN: usize = PROBLEMS_SHOWN;
    let mut text: Vec<String> = problems
        .iter()
        .take(SHOWN)
        .map(ToString::to_string)
        .collect();
    if problems.len() > SHOWN {
        let more = problems.len() - SHOWN;
        let s = if more == 1 { "" } else { "s" };
        text.push(format!("and {more} more problem{s}"));
    }
    text.join("; ")
}

fn short_keys(keys: &[String]) -> String {
    if keys.is_empty() {
        return "none".into();
    }
    let short: Vec<String> = keys.iter().map(|k| k.chars().take(16).collect()).collect();
    short.join(", ")
}

fn signed_by(keys: &[Fingerprint]) -> String {
    let short: Vec<String> = keys.iter().map(Fingerprint::short).collect();
    match short.as_slice() {
        [one] => format!("key {one}"),
        _ => format!("keys {}", short.join(", ")),
    }
}

fn wrong_kind(kind: Kind) -> &'static str {
    match kind {
        Kind::Hotfix => "it is applied as a hotfix, not as an upgrade",
        Kind::Release => "it is installed by an upgrade, not as a hotfix",
    }
}

/// How the disk differs from the one the plan was made for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiskChange {
    #[error("it is {found} bytes, the plan was made for {planned}")]
    Size { found: u64, planned: u64 },
    #[error("partition {partition} is not where it was")]
    PartitionMoved { partition: &'static str },
    #[error("the state record changed")]
    StateRecord,
}

/// Why reading the disk, the payload or writing the system failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{what}: {source}")]
    Io {
        what: Doing,
        #[source]
        source: io::Error,
    },
    #[error("the payload: {0}")]
    Payload(#[from] payload::Error),
    #[error("{0}")]
    Refused(#[from] Refusal),
    #[error("the disk changed since the plan was made: {0}; plan again")]
    DiskChanged(DiskChange),
    /// A write that would have left the partition its step names, or a
    /// plan whose partitions overlap or leave the disk: refused before
    /// any byte of it was written.
    #[error("a write outside its partition was refused: {0}")]
    Window(#[from] WindowError),
    #[error(
        "the payload is not the one the plan was made for (its manifest hashes to {found}, \
         the plan's to {planned}); plan again"
    )]
    PayloadChanged { planned: String, found: String },
    #[error(
        "read-back of {what} found bytes {start}..{end} differ from what was written: the \
         disk does not keep what it is given"
    )]
    ReadBack { what: Object, start: u64, end: u64 },
    #[error("the payload's {0}")]
    Migrations(Box<migrate::Error>),
    #[error("component {component} of the payload: {source}")]
    DefaultConfig {
        component: String,
        #[source]
        source: Box<migrate::Error>,
    },
    #[error("the state record: {0}")]
    State(#[from] StateError),
    #[error("checking the file system of {partition}: {source}")]
    Fat {
        partition: &'static str,
        #[source]
        source: fat::Error,
    },
    #[error("the read-back of {what} stopped at byte {at}: the write did not finish")]
    ReadBackIncomplete { what: Object, at: u64 },
    #[error("the payload was read already: a plan is applied once")]
    PayloadUsed,
    #[error("the plan's GUID {guid:?} is not a GUID")]
    BadGuid { guid: String },
    /// The plan lacks something `plan` always puts there: a plan made by
    /// hand or by another version.
    #[error("the plan has no {0}")]
    PlanIncomplete(String),
    /// A worker thread of the write path ended without an answer.
    #[error("the {0} stopped unexpectedly")]
    ThreadStopped(&'static str),
    /// The medium could not give the payload: the front end's reason
    /// (a [`crate::PayloadSource`] that is not a file).
    #[error("{0:#}")]
    Medium(Box<dyn std::error::Error + Send + Sync>),
    /// The technician cancelled the run (a [`crate::PayloadSource`] that
    /// stopped on request).
    #[error("cancelled by the technician")]
    Cancelled,
    /// Every `Boot####` firmware variable is taken: no boot entry can be
    /// added for the run's continuation.
    #[error("every Boot#### variable of the firmware is taken: no boot entry can be added")]
    NoFreeBootOption,
}

impl Error {
    /// An I/O error with what was being done.
    pub fn io(what: Doing, source: io::Error) -> Error {
        Error::Io { what, source }
    }
}

/// Attach what was being done to an I/O result.
pub(crate) trait IoContext<T> {
    fn ctx(self, what: impl FnOnce() -> Doing) -> Result<T, Error>;
}

impl<T> IoContext<T> for io::Result<T> {
    fn ctx(self, what: impl FnOnce() -> Doing) -> Result<T, Error> {
        self.map_err(|e| Error::io(what(), e))
    }
}

impl Refusal {
    /// The refusal's stable identifier: written into reports next to the
    /// English sentence, and the suffix of its message in a front end's
    /// catalog. It never changes once released; every variant has its own.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::InstallerTooOld { .. } => "installer-too-old",
            Refusal::MissingComponent { .. } => "missing-component",
            Refusal::NoDefaultConfig => "no-default-config",
            Refusal::DefaultConfig(_) => "default-config-unreadable",
            Refusal::SchemaDisagrees { .. } => "schema-disagrees",
            Refusal::TrustUpdate(_) => "trust-update",
            Refusal::NoKeyLeft => "no-key-left",
            Refusal::InvalidState(_) => "invalid-state",
            Refusal::BiosMode { .. } => "bios-mode",
            Refusal::DiskUnusable { .. } => "disk-unusable",
            Refusal::UnsupportedSectorSize { .. } => "unsupported-sector-size",
            Refusal::SectorSizeDiffers { .. } => "sector-size-differs",
            Refusal::DiskTooSmall { .. } => "disk-too-small",
            Refusal::AlreadyInstalled => "already-installed",
            Refusal::AlreadyDone { .. } => "already-done",
            Refusal::NotBlank { .. } => "not-blank",
            Refusal::Unreadable { .. } => "unreadable",
            Refusal::DamagedPartitionTable { .. } => "damaged-partition-table",
            Refusal::NoInstallation { .. } => "no-installation",
            Refusal::NoStateRecord => "no-state-record",
            Refusal::NoRunningSlot => "no-running-slot",
            Refusal::NotConfirmed { .. } => "not-confirmed",
            Refusal::BrokenSlot { .. } => "broken-slot",
            Refusal::NoRelease { .. } => "no-release",
            Refusal::MissingPartition { .. } => "missing-partition",
            Refusal::ConfigUnreadable { .. } => "config-unreadable",
            Refusal::OtherProduct { .. } => "other-product",
            Refusal::Upgrade(r) => match r {
                payload::Refusal::SameVersion { .. } => "same-version",
                payload::Refusal::Downgrade { .. } => "downgrade",
                payload::Refusal::Unsupported { .. } => "upgrade-unsupported",
                payload::Refusal::FirstRelease { .. } => "first-release",
                payload::Refusal::WrongBase { .. } => "hotfix-wrong-base",
                payload::Refusal::HotfixApplied { .. } => "hotfix-applied",
                payload::Refusal::HotfixNotIncluded { .. } => "hotfix-not-included",
            },
            Refusal::KeyNotTrusted { .. } => "key-not-trusted",
            Refusal::SignedByRevokedKey { .. } => "signed-by-revoked-key",
            Refusal::RevokedKeyTrusted { .. } => "revoked-key-trusted",
            Refusal::HotfixAlone { .. } => "hotfix-alone",
            Refusal::WrongKind { .. } => "wrong-kind",
            Refusal::HotfixChangesSchema { .. } => "hotfix-changes-schema",
            Refusal::DataNotFormattable { .. } => "data-not-formattable",
            Refusal::RepairOtherRelease { .. } => "repair-other-release",
            Refusal::RepairLosesHotfixes { .. } => "repair-loses-hotfixes",
            Refusal::RootImageTooLarge { .. } => "root-image-too-large",
            Refusal::EspTooSmall { .. } => "esp-too-small",
            Refusal::EspFull { .. } => "esp-full",
            Refusal::ConfigFull { .. } => "config-full",
            Refusal::Migration(_) => "migration",
            Refusal::NoMigrations { .. } => "no-migrations",
            Refusal::Answers(_) => "answers-mismatch",
            Refusal::NoMachineId => "no-machine-id",
            Refusal::BadMachineId { .. } => "bad-machine-id",
        }
    }
}

/// Whether an I/O error says the disk or file system is full: the
/// technician's remedy differs (a larger disk, not a new one).
pub fn is_disk_full(e: &io::Error) -> bool {
    /// `ENOSPC` on Linux.
    const ENOSPC: i32 = 28;
    e.kind() == io::ErrorKind::StorageFull || e.raw_os_error() == Some(ENOSPC)
}

/// The stable identifier of a payload failure (see [`Error::code`]).
pub fn payload_code(e: &payload::Error) -> &'static str {
    match e {
        payload::Error::Io { .. } => "payload-io",
        payload::Error::Truncated { .. } => "payload-truncated",
        payload::Error::NotAPayload(_) => "payload-not-a-payload",
        payload::Error::Container { .. } => "payload-container",
        payload::Error::NonCanonicalHeader { .. } => "payload-header",
        payload::Error::ManifestTooLarge { .. } => "payload-manifest-too-large",
        payload::Error::Manifest(_) => "payload-manifest",
        payload::Error::NewerFormat { .. } => "payload-newer-format",
        payload::Error::SignatureFormat(_) => "payload-signature-format",
        payload::Error::Untrusted(_) => "payload-signature",
        payload::Error::Key(_) => "payload-key",
        payload::Error::ChunkMismatch { .. } => "payload-digest",
        payload::Error::Layout(_) => "payload-layout",
        payload::Error::BadFrame { .. } => "payload-frame",
        payload::Error::Build(_) => "payload-build",
        payload::Error::WorkerStopped => "payload-worker-stopped",
    }
}

impl Error {
    /// The failure's stable identifier: written into reports next to the
    /// English sentence (`error_code`), and the suffix of its message in a
    /// front end's catalog. A refusal gives its own [`Refusal::code`], a
    /// payload failure says which check failed (`payload-signature`,
    /// `payload-digest`...), a full disk is `disk-full`. Codes never
    /// change once released, and no two failures share one.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Io { source, .. } if is_disk_full(source) => "disk-full",
            Error::Io { .. } => "io",
            Error::Payload(p) => payload_code(p),
            Error::Refused(r) => r.code(),
            Error::DiskChanged(_) => "disk-changed",
            Error::Window(_) => "write-outside-partition",
            Error::PayloadChanged { .. } => "payload-changed",
            Error::ReadBack { .. } => "read-back",
            Error::Migrations(_) => "payload-migrations",
            Error::DefaultConfig { .. } => "payload-default-config",
            Error::State(_) => "state-record",
            Error::Fat { .. } => "file-system",
            Error::ReadBackIncomplete { .. } => "read-back-incomplete",
            Error::PayloadUsed => "payload-used",
            Error::BadGuid { .. } => "plan-guid",
            Error::PlanIncomplete(_) => "plan-incomplete",
            Error::ThreadStopped(_) => "thread-stopped",
            Error::Medium(_) => "medium",
            Error::Cancelled => "cancelled",
            Error::NoFreeBootOption => "no-free-boot-option",
        }
    }
}

/// One value of every variant of [`Refusal`] and [`Error`], for the tests
/// of their codes and of the front ends that render them.
#[doc(hidden)]
pub mod samples;

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::samples;

    #[test]
    fn every_failure_has_its_own_code() {
        let mut seen: BTreeMap<&str, String> = BTreeMap::new();
        let all = samples::errors();
        // Every refusal, every payload failure and every other failure
        // (the I/O error twice: full disk or not).
        assert_eq!(
            all.len(),
            samples::refusals().len() + samples::payload_errors().len() + 18
        );
        for e in &all {
            let code = e.code();
            assert!(
                !code.is_empty()
                    && code
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{code:?} is not a kebab-case identifier"
            );
            if let Some(other) = seen.insert(code, e.to_string()) {
                panic!("{code} names both {other:?} and {e:?}");
            }
        }
        assert_eq!(samples::errors()[0].code(), "installer-too-old");
    }
}
