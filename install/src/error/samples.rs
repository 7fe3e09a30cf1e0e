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
    migrate::Error::Spec(migrate::SpecError::LastStepEnd { end: 2, schema: 3 })
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
        Refusal::TrustUpdate(Arc::new(payload::Error::Key(
            payload::KeyProblem::ListedNotBase64,
        ))),
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
            reason: ConfigProblem::Partition(None),
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

/// Every reason the running slot's configuration cannot be read, as
/// [`Refusal::ConfigUnreadable`] carries it.
pub fn config_problems() -> Vec<ConfigProblem> {
    let fat = detect::samples::fat_problems();
    let mut all = vec![
        ConfigProblem::Partition(None),
        ConfigProblem::NoDirectory { dir: "a".into() },
        ConfigProblem::Disappeared {
            path: "a/engine.toml".into(),
        },
        ConfigProblem::Tree(Arc::new(migrate::Error::Document {
            file: "engine.toml".into(),
            reason: migrate::DocumentProblem::TooLarge {
                size: 2 << 20,
                max: migrate::MAX_FILE_SIZE,
            },
        })),
    ];
    all.extend(
        fat.iter()
            .take(1)
            .cloned()
            .map(|p| ConfigProblem::Partition(Some(p))),
    );
    all.extend(fat.into_iter().map(ConfigProblem::Fat));
    all
}

/// Every payload failure.
pub fn payload_errors() -> Vec<payload::Error> {
    vec![
        payload::Error::Io {
            context: payload::IoContext::ReadingPayload { at: 4096 },
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
        payload::Error::NotAPayload(payload::NotPayload::NoTarHeader),
        payload::Error::Container {
            offset: 512,
            reason: payload::Damage::Checksum,
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
        payload::Error::Manifest(payload::ManifestProblem::NoComponents),
        payload::Error::NewerFormat {
            what: payload::Newer::Format(3),
            min_installer: Some(semver::Version::new(2, 0, 0)),
        },
        payload::Error::SignatureFormat(payload::SignatureProblem::NotBase64 { key: key() }),
        payload::Error::Untrusted(payload::Untrusted::Mismatch { key: key() }),
        payload::Error::Key(payload::KeyProblem::Weak {
            file: Some("/etc/ferry/keys/acme.pub".into()),
        }),
        payload::Error::ChunkMismatch {
            component: "root.img".into(),
            chunk: 3,
            start: 3 << 20,
            end: 4 << 20,
        },
        payload::Error::Layout(payload::LayoutProblem::Missing {
            component: "root.img".into(),
        }),
        payload::Error::BadFrame {
            component: "root.img".into(),
            chunk: 3,
            start: 3 << 20,
            end: 4 << 20,
            reason: payload::FrameProblem::Short {
                got: 4096,
                len: 1 << 20,
            },
        },
        payload::Error::Build(payload::BuildProblem::NoKey),
        payload::Error::WorkerStopped,
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

/// Why a file is not a payload, every reason.
pub fn not_payloads() -> Vec<payload::NotPayload> {
    use payload::NotPayload as N;
    vec![
        N::Zeros,
        N::NoTarHeader,
        N::FirstMember {
            name: "root.img".into(),
        },
        N::NoSignature,
        N::SecondMember {
            name: "vmlinuz".into(),
        },
    ]
}

/// Every damage of the container, each member kind once.
pub fn damages() -> Vec<payload::Damage> {
    use payload::{Damage as D, MemberKind as K, Section};
    let member = || "root.img".to_string();
    let mut all = vec![
        D::Padding(Section::Manifest),
        D::Padding(Section::Signature),
        D::Padding(Section::Component(member())),
        D::Padding(Section::End),
        D::ChecksumField,
        D::Checksum,
        D::NotUstar,
        D::NoName,
        D::PathPrefix { member: member() },
        D::Size { member: member() },
        D::EndMarker,
    ];
    all.extend(
        [
            K::HardLink,
            K::Symlink,
            K::CharDevice,
            K::BlockDevice,
            K::Directory,
            K::Fifo,
            K::Pax,
            K::GnuLongName,
            K::Other,
        ]
        .map(|kind| D::NotPlainFile {
            member: member(),
            kind,
        }),
    );
    all
}

/// A TOML parser's account of a document, at a line and column.
fn syntax_error() -> payload::SyntaxError {
    payload::SyntaxError {
        at: Some(payload::Position { line: 3, column: 7 }),
        message: "expected `=`".into(),
    }
}

/// Every rule a manifest can break, with plausible facts.
pub fn manifest_problems() -> Vec<payload::ManifestProblem> {
    use payload::ManifestProblem as M;
    let c = || "root.img".to_string();
    let mut all = vec![
        M::NotText,
        M::Syntax(syntax_error()),
        M::Syntax(payload::SyntaxError {
            at: None,
            message: "missing field `version`".into(),
        }),
        M::NoFormat,
        M::FormatNotANumber,
        M::Format { format: 0 },
        M::NeedsFormat2 { format: 1 },
        M::ProductId {
            id: "Acme Router".into(),
        },
        M::Created {
            created: "yesterday".into(),
        },
        M::NoUpgradeRule,
        M::FirstReleaseUpgrades,
        M::HotfixKeysInRelease,
        M::NoAppliesTo,
        M::AppliesToDiffers {
            version: v("2.0.1"),
            applies_to: v("2.0.0"),
        },
        M::HotfixId { id: "hf/7".into() },
        M::NoHotfixId,
        M::ReleaseKeysInHotfix,
        M::TooManyIncluded { count: 300 },
        M::IncludedId { id: "hf 6".into() },
        M::IncludesItself { id: "hf-7".into() },
        M::IncludedTwice { id: "hf-6".into() },
        M::EmptyTrust,
        M::NoComponents,
        M::TooManyComponents { count: 65 },
        M::ComponentName {
            name: "../etc".into(),
        },
        M::ReservedName {
            name: "manifest.sig".into(),
        },
        M::ComponentTwice { component: c() },
        M::ComponentTooLarge {
            component: c(),
            size: 1 << 41,
        },
        M::ChunkSize {
            component: c(),
            chunk_size: 1000,
        },
        M::ChunkCount {
            component: c(),
            listed: 3,
            size: 4 << 20,
            chunk_size: 1 << 20,
            needed: 4,
        },
        M::NotCompressed {
            component: c(),
            chunk: 2,
            entry: payload::Chunk::Zero,
        },
        M::CompressedInFormat {
            component: c(),
            format: 1,
        },
        M::NoStoredLength {
            component: c(),
            chunk: 2,
        },
        M::StoredTooLong {
            component: c(),
            chunk: 2,
            stored: 2 << 20,
            chunk_size: 1 << 20,
        },
    ];
    all.extend(definition_errors().into_iter().map(M::Install));
    all
}

/// Every way an `[install]` table can be refused.
fn definition_errors() -> Vec<payload::product::DefinitionError> {
    use payload::product::DefinitionError as D;
    let mut all: Vec<D> = size_errors().into_iter().map(D::BadSize).collect();
    all.extend([
        D::BadShare {
            text: "a quarter%".into(),
        },
        D::NotMib {
            key: "slot",
            bytes: 1000,
        },
        D::TooSmall {
            key: "esp",
            bytes: 1 << 20,
            min: 64 << 20,
        },
        D::TooLarge {
            key: "slot",
            bytes: 1 << 60,
        },
        D::BadPercent {
            key: "slot",
            percent: 120,
        },
        D::SharesTooLarge { percent: 110 },
        D::CmdlineCharacter {
            found: '\n',
            at: 12,
        },
        D::CmdlineTooLong { len: 5000 },
        D::CmdlineFerryArgument {
            argument: "ferry.slot",
        },
        D::BadTitle,
    ]);
    all
}

/// Every size the size reader refuses.
fn size_errors() -> Vec<units::SizeError> {
    use units::SizeError as S;
    vec![
        S::Empty,
        S::NotANumber {
            text: "1.5G".into(),
        },
        S::UnknownUnit {
            text: "8X".into(),
            unit: "X".into(),
        },
        S::TooLarge {
            text: "99999999999T".into(),
        },
    ]
}

/// Every reason a signature file is refused.
pub fn signature_problems() -> Vec<payload::SignatureProblem> {
    use payload::SignatureProblem as S;
    vec![
        S::TooLarge {
            size: 70_000,
            max: 65_536,
        },
        S::NotText,
        S::Syntax(syntax_error()),
        S::Empty,
        S::TooMany { count: 17, max: 16 },
        S::NotBase64 { key: key() },
        S::Length {
            key: key(),
            len: 63,
        },
    ]
}

/// Every reason a key cannot be used, in a file and not.
pub fn key_problems() -> Vec<payload::KeyProblem> {
    use payload::KeyProblem as K;
    let file = || Some(PathBuf::from("/etc/ferry/keys/acme.pub"));
    let detail = || "PEM Base64 error: invalid Base64 encoding".to_string();
    vec![
        K::NotAFingerprint { text: "abc".into() },
        K::NotPrivateKey {
            file: None,
            detail: detail(),
        },
        K::NotPrivateKey {
            file: Some("acme.key".into()),
            detail: detail(),
        },
        K::NotPublicKey {
            file: None,
            detail: detail(),
        },
        K::NotPublicKey {
            file: file(),
            detail: detail(),
        },
        K::ListedNotBase64,
        K::ListedNotSpki {
            detail: "ASN.1 error: unexpected end".into(),
        },
        K::Weak { file: None },
        K::Weak { file: file() },
        K::FileTooLarge {
            file: PathBuf::from("/etc/ferry/keys/big.pub"),
            max: 16_384,
        },
    ]
}

/// Every member out of its place.
pub fn layout_problems() -> Vec<payload::LayoutProblem> {
    use payload::LayoutProblem as L;
    let c = || "root.img".to_string();
    vec![
        L::AllRead,
        L::TooLarge {
            component: "migrations.toml".into(),
            size: 20 << 20,
            max: 16 << 20,
        },
        L::NotRead { component: c() },
        L::Twice { component: c() },
        L::Unlisted {
            member: "extra.bin".into(),
        },
        L::Trailing { at: 10_240 },
        L::Missing { component: c() },
        L::OutOfOrder {
            found: "vmlinuz".into(),
            expected: c(),
        },
        L::SecondHead {
            member: "manifest.toml".into(),
        },
        L::SizeDiffers {
            component: c(),
            container: 4096,
            manifest: 8192,
        },
        L::NotAFrame {
            component: c(),
            chunk: 3,
            max: 1_049_624,
        },
    ]
}

/// Every reason a signed frame does not decompress.
pub fn frame_problems() -> Vec<payload::FrameProblem> {
    use payload::FrameProblem as F;
    vec![
        F::Beyond { len: 1 << 20 },
        F::Short {
            got: 4096,
            len: 1 << 20,
        },
        F::NotZstd {
            detail: "Unknown frame descriptor".into(),
        },
        F::NoDecompressor {
            detail: "Allocation error".into(),
        },
    ]
}

/// Everything the payload code reads or writes, as an I/O error names
/// it.
pub fn io_contexts() -> Vec<payload::IoContext> {
    use payload::IoContext as I;
    let file = || PathBuf::from("/srv/release/root.img");
    let out = || PathBuf::from("/srv/out/acme-2.0.0.upg");
    vec![
        I::ReadingPart {
            part: payload::Cut::Whole(payload::Section::Manifest),
            at: 512,
        },
        I::ReadingPayload { at: 4096 },
        I::Delivering {
            component: "root.img".into(),
        },
        I::Opening(file()),
        I::Reading(file()),
        I::Creating {
            dir: "/srv/out".into(),
        },
        I::Writing { out: out() },
        I::WritingComponent {
            component: "root.img".into(),
        },
        I::WritingManifest,
        I::ReadingBack,
        I::Renaming { out: out() },
        I::ListingKeys {
            dir: "/etc/ferry/keys".into(),
        },
        I::Compressing {
            component: "root.img".into(),
            chunk: 3,
        },
        I::Randomness,
    ]
}

/// Every reason a build stops.
pub fn build_problems() -> Vec<payload::BuildProblem> {
    use payload::product::{FitError, Needed};
    use payload::BuildProblem as B;
    vec![
        B::NoKey,
        B::UnknownCompression { text: "xz".into() },
        B::Grew {
            component: "root.img".into(),
        },
        B::MemberName {
            name: "a".repeat(101),
        },
        B::NotInstallable {
            missing: vec![Needed::Component("vmlinuz"), Needed::DefaultConfig],
        },
        B::DoesNotFit(FitError::Slot {
            rootfs: 9 << 30,
            slot: 8 << 30,
        }),
        B::DoesNotFit(FitError::Esp {
            needed: 600 << 20,
            esp: 512 << 20,
        }),
        B::WrittenDoesNotVerify(Box::new(payload::Error::ChunkMismatch {
            component: "root.img".into(),
            chunk: 3,
            start: 3 << 20,
            end: 4 << 20,
        })),
        B::ReadBackDiffers,
        B::CreationTime { year: 10_000 },
        B::FirstReleaseUpgrades,
        B::NoDefaultUpgrades {
            version: v("3.0.0"),
        },
        B::Outgrew(payload::Section::Manifest),
        B::Outgrew(payload::Section::Signature),
        B::OutputIsInput {
            out: "/srv/out/acme-2.0.0.upg".into(),
        },
    ]
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
