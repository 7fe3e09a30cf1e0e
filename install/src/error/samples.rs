//! One value of every variant of [`Refusal`] and [`Error`], for the tests
//! of their codes and of the front ends that render them.

use super::*;

fn v(s: &str) -> Version {
    Version::parse(s).unwrap_or_else(|_| Version::new(0, 0, 0))
}

fn key() -> Fingerprint {
    Fingerprint::parse(&"ab".repeat(32)).expect("a fingerprint in hex")
}

fn migrate_error() -> migrate::Error {
    migrate::Error::Spec("line 3: expected a table".into())
}

/// Every refusal, each with plausible facts.
pub fn refusals() -> Vec<Refusal> {
    let disk = PathBuf::from("/dev/sda");
    vec![
        Refusal::InstallerTooOld {
            needed: v("2.0.0"),
            running: v("1.4.0"),
        },
        Refusal::MissingComponent {
            component: "root.img".into(),
        },
        Refusal::NoDefaultConfig,
        Refusal::DefaultConfig(Arc::new(migrate_error())),
        Refusal::SchemaDisagrees {
            manifest: 3,
            recorded: 2,
        },
        Refusal::TrustUpdate(Arc::new(payload::Error::Key("not a key".into()))),
        Refusal::NoKeyLeft,
        Refusal::InvalidState(Arc::new(StateError::NotText)),
        Refusal::BiosMode {
            action: Action::Wipe,
        },
        Refusal::DiskUnusable {
            disk: disk.clone(),
            reason: None,
        },
        Refusal::UnsupportedSectorSize { sector_size: 520 },
        Refusal::SectorSizeDiffers {
            disk: disk.clone(),
            table: 512,
            sector_size: 4096,
        },
        Refusal::DiskTooSmall {
            size: 4 << 30,
            needed: 8 << 30,
        },
        Refusal::AlreadyInstalled,
        Refusal::AlreadyDone {
            disk: disk.clone(),
            product: "acme-router".into(),
            version: v("2.0.0"),
            medium: Some("2026-11-30-a".into()),
        },
        Refusal::NotBlank {
            found: detect::samples::foreign().remove(0),
        },
        Refusal::Unreadable {
            why: detect::Unreadable::ProtectiveWithoutGpt,
        },
        Refusal::DamagedPartitionTable {
            disk: disk.clone(),
            problems: Vec::new(),
        },
        Refusal::NoInstallation {
            disk: disk.clone(),
            action: Action::Upgrade,
        },
        Refusal::NoStateRecord,
        Refusal::NoRunningSlot,
        Refusal::NotConfirmed { slot: Slot::A },
        Refusal::BrokenSlot {
            slot: Slot::B,
            state: SlotState::Writing,
        },
        Refusal::NoRelease { slot: Slot::A },
        Refusal::MissingPartition {
            partition: "ferry-config",
        },
        Refusal::ConfigUnreadable {
            slot: Slot::A,
            reason: None,
        },
        Refusal::OtherProduct {
            installed: "acme-router".into(),
            offered: "acme-switch".into(),
        },
        Refusal::Upgrade(payload::Refusal::SameVersion {
            product: "acme-router".into(),
            installed: v("2.0.0"),
        }),
        Refusal::Upgrade(payload::Refusal::Downgrade {
            installed: v("2.0.0"),
            offered: v("1.9.0"),
        }),
        Refusal::Upgrade(payload::Refusal::Unsupported {
            installed: v("1.0.0"),
            offered: v("3.0.0"),
            hint: "upgrade to 2.x first".into(),
        }),
        Refusal::Upgrade(payload::Refusal::FirstRelease {
            offered: v("1.0.0"),
        }),
        Refusal::Upgrade(payload::Refusal::WrongBase {
            id: "hf-7".into(),
            base: v("2.0.0"),
            installed: v("2.1.0"),
        }),
        Refusal::Upgrade(payload::Refusal::HotfixApplied { id: "hf-7".into() }),
        Refusal::Upgrade(payload::Refusal::HotfixNotIncluded {
            id: "hf-8".into(),
            applied: "hf-7".into(),
        }),
        Refusal::KeyNotTrusted {
            signers: vec![key()],
            trusted: vec!["cd".repeat(32)],
        },
        Refusal::SignedByRevokedKey { key: key() },
        Refusal::RevokedKeyTrusted { key: key() },
        Refusal::HotfixAlone {
            id: "hf-7".into(),
            product: "acme-router".into(),
            version: v("2.0.0"),
        },
        Refusal::WrongKind {
            kind: Kind::Hotfix,
            action: Action::Upgrade,
        },
        Refusal::HotfixChangesSchema {
            id: "hf-7".into(),
            declared: 4,
            running: 3,
        },
        Refusal::DataNotFormattable {
            bytes: 1 << 20,
            filesystem: payload::product::DataFilesystem::Fat32,
        },
        Refusal::RepairOtherRelease {
            installed: v("2.0.0"),
            offered: v("2.1.0"),
        },
        Refusal::RepairLosesHotfixes {
            release: v("2.0.0"),
            hotfixes: vec!["hf-7".into()],
        },
        Refusal::RootImageTooLarge {
            slot: Slot::B,
            image: 3 << 30,
            room: 2 << 30,
        },
        Refusal::EspTooSmall {
            boot_files: 300 << 20,
            esp: 512 << 20,
        },
        Refusal::EspFull {
            boot_files: 300 << 20,
            free: 100 << 20,
        },
        Refusal::ConfigFull {
            needed: 2 << 20,
            free: 1 << 20,
        },
        Refusal::Migration(Arc::new(migrate_error())),
        Refusal::NoMigrations { from: 2, to: 3 },
        Refusal::Answers(AnswerMismatch::NoDocument {
            document: "engine.toml".into(),
        }),
        Refusal::NoMachineId,
        Refusal::BadMachineId { id: "xyz".into() },
    ]
}

/// Every payload failure.
pub fn payload_errors() -> Vec<payload::Error> {
    vec![
        payload::Error::Io {
            context: "reading the payload".into(),
            source: io::Error::from(io::ErrorKind::UnexpectedEof),
        },
        payload::Error::Truncated {
            cut: payload::Cut::Bytes {
                component: "root.img".into(),
                chunk: Some(17),
                start: 17 << 20,
                end: 18 << 20,
            },
            at: 2_105_344,
        },
        payload::Error::NotAPayload("no manifest".into()),
        payload::Error::Container {
            offset: 512,
            reason: "bad header checksum".into(),
        },
        payload::Error::NonCanonicalHeader {
            offset: 512,
            member: "root.img".into(),
            field: header_field(),
        },
        payload::Error::ManifestTooLarge {
            size: 2 << 20,
            max: 1 << 20,
        },
        payload::Error::Manifest("missing field version".into()),
        payload::Error::NewerFormat {
            what: payload::Newer::Format(3),
            min_installer: Some(semver::Version::new(2, 0, 0)),
        },
        payload::Error::SignatureFormat("not base64".into()),
        payload::Error::Untrusted(payload::Untrusted::Mismatch { key: key() }),
        payload::Error::Key("not a key".into()),
        payload::Error::ChunkMismatch {
            component: "root.img".into(),
            chunk: 3,
            start: 3 << 20,
            end: 4 << 20,
        },
        payload::Error::Layout("chunks overlap".into()),
        payload::Error::BadFrame {
            component: "root.img".into(),
            chunk: 3,
            start: 3 << 20,
            end: 4 << 20,
            reason: "unknown frame descriptor".into(),
        },
        payload::Error::Build("no kernel".into()),
    ]
}

/// Every failure; the refusals and payload failures each once.
pub fn errors() -> Vec<Error> {
    let mut all: Vec<Error> = refusals().into_iter().map(Error::Refused).collect();
    all.extend(payload_errors().into_iter().map(Error::Payload));
    all.extend([
        Error::io(
            Act::Writing.on(Object::Slot(Slot::B)).at(4096),
            io::Error::from(io::ErrorKind::PermissionDenied),
        ),
        Error::io(
            Act::Writing.on(Object::Slot(Slot::B)).at(4096),
            io::Error::from_raw_os_error(28),
        ),
        Error::DiskChanged(DiskChange::StateRecord),
        Error::Window(WindowError::Overflow {
            partition: "ferry-root-b",
            start: u64::MAX,
            size: 1,
        }),
        Error::PayloadChanged {
            planned: "aa".into(),
            found: "bb".into(),
        },
        Error::ReadBack {
            what: Object::Slot(Slot::B),
            start: 4096,
            end: 8192,
        },
        Error::Migrations(Box::new(migrate_error())),
        Error::DefaultConfig {
            component: "config-engine.toml".into(),
            source: Box::new(migrate_error()),
        },
        Error::State(StateError::NotText),
        Error::Fat {
            partition: "ferry-esp",
            source: fat::Error::Io {
                what: fat::Access::BootSector,
                source: io::Error::from(io::ErrorKind::UnexpectedEof),
            },
        },
        Error::ReadBackIncomplete {
            what: Object::EspFile("b/vmlinuz".into()),
            at: 4096,
        },
        Error::PayloadUsed,
        Error::BadGuid { guid: "x".into() },
        Error::PlanIncomplete("root partition".into()),
        Error::ThreadStopped("writer"),
        Error::Medium("the stick was removed".into()),
        Error::Cancelled,
        Error::NoFreeBootOption,
    ]);
    all
}

/// Every act and every object the engine names when an I/O error comes,
/// each at least once, some at a byte.
pub fn doings() -> Vec<Doing> {
    let disk = PathBuf::from("/dev/sda");
    vec![
        Act::Opening.on(Object::Disk(disk.clone())),
        Act::OpeningToWrite.on(Object::Disk(disk.clone())),
        Act::OpeningToReadBack.on(Object::Slot(Slot::B)),
        Act::Reading.on(Object::File("/sys/firmware/efi/efivars".into())),
        Act::ReadingBack.on(Object::Slot(Slot::B)).at(1 << 20),
        Act::ReadingBack.on(Object::Esp),
        Act::ReadingBack.on(Object::EspFile("b/vmlinuz".into())),
        Act::Writing.on(Object::Slot(Slot::A)).at(4096),
        Act::Writing.on(Object::ConfigFile("config/b/".into())),
        Act::Writing.on(Object::StateRecord),
        Act::Writing.on(Object::BootEntry(Slot::B)),
        Act::Writing.on(Object::PartitionTable),
        Act::Writing.on(Object::ProtectiveMbr),
        Act::Writing.on(Object::EfiVariable("BootNext".into())),
        Act::Zeroing.on(Object::Slot(Slot::B)).at(8192),
        Act::Zeroing.on(Object::Bytes {
            start: 0,
            end: 1 << 20,
        }),
        Act::Discarding.on(Object::Bytes {
            start: 1 << 20,
            end: 2 << 20,
        }),
        Act::Flushing.on(Object::Disk(disk)),
        Act::Formatting.on(Object::Partition("ferry-esp")),
        Act::Removing.on(Object::BootEntry(Slot::A)),
        Act::Opening.on(Object::Payload(Some("/run/medium/acme-2.0.0.ferry".into()))),
        Act::Opening.on(Object::Payload(None)),
        Act::Opening.on(Object::BootFile {
            path: "/usr/lib/shim/shimx64.efi.signed".into(),
            package: "shim-signed".into(),
        }),
    ]
}

/// Every reason a payload's signatures are refused.
pub fn untrusted() -> Vec<payload::Untrusted> {
    use payload::Untrusted as U;
    vec![
        U::Mismatch { key: key() },
        U::Revoked { key: key() },
        U::NotTrusted {
            key: key(),
            trusted: vec![key(), key()],
        },
        U::NotTrusted {
            key: key(),
            trusted: Vec::new(),
        },
        U::Unsigned,
        U::NoKeyLeft,
    ]
}

/// Everything newer a payload may ask for.
pub fn newer() -> Vec<payload::Newer> {
    vec![
        payload::Newer::Format(3),
        payload::Newer::Compression {
            component: "root.img".into(),
            compression: "xz".into(),
        },
    ]
}

/// Every place a payload's file can stop too early.
pub fn cuts() -> Vec<payload::Cut> {
    use payload::{Cut, Section};
    let sections = [
        Section::Manifest,
        Section::Signature,
        Section::Component("root.img".into()),
        Section::End,
    ];
    let mut cuts: Vec<Cut> = sections.iter().cloned().map(Cut::Header).collect();
    cuts.extend(sections.iter().cloned().map(Cut::Whole));
    cuts.extend(sections.iter().cloned().map(Cut::Padding));
    cuts.push(Cut::EndMarker);
    for chunk in [None, Some(3)] {
        cuts.push(Cut::Bytes {
            component: "root.img".into(),
            chunk,
            start: 3 << 20,
            end: 4 << 20,
        });
    }
    cuts
}

fn header_field() -> payload::HeaderField {
    payload::HeaderField::Mode
}

/// Every note a plan can carry, with plausible facts; what detection found
/// and the problems of a damaged table, one of every kind.
pub fn plan_notes() -> Vec<crate::PlanNote> {
    use crate::PlanNote;
    let mut notes = vec![
        PlanNote::FerryErased {
            product: Some("demo-engine".into()),
            release: Some(v("1.0.0")),
        },
        PlanNote::FerryErased {
            product: Some("demo-engine".into()),
            release: None,
        },
        PlanNote::FerryErased {
            product: None,
            release: Some(v("1.0.0")),
        },
        PlanNote::FerryErased {
            product: None,
            release: None,
        },
    ];
    notes.extend(
        detect::samples::foreign()
            .into_iter()
            .map(|found| PlanNote::ForeignErased { found }),
    );
    let problems = detect::samples::entry_problems();
    for n in 1..=problems.len() {
        notes.push(PlanNote::TableReplaced {
            problems: problems[..n].to_vec(),
        });
    }
    for slot in [Slot::A, Slot::B] {
        for release in [Some(v("1.1.0")), None] {
            notes.push(PlanNote::InterruptedWrite {
                slot,
                release: release.clone(),
            });
            notes.push(PlanNote::FailedToStart {
                slot,
                release: release.clone(),
            });
            notes.push(PlanNote::PreviousReplaced { slot, release });
        }
        notes.push(PlanNote::SwitchNotDone {
            slot,
            running: slot.other(),
        });
    }
    notes.extend(
        detect::samples::issue_facts()
            .into_iter()
            .map(|fact| PlanNote::SetRight {
                issue: detect::Issue::new(fact),
            }),
    );
    notes
}
