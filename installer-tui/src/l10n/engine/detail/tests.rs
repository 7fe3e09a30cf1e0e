//! Every nested failure in English (the log's words) and in French.

use std::io;
use std::path::PathBuf;

use migrate::{
    DocumentProblem, NameProblem, NoPath, OpAt, OpProblem, RangeProblem, SpecError, StepAt,
};
use toml_syntax::{Position, SyntaxError};

use super::*;
use crate::l10n::{set, Lang};

/// Each rendering in English and in French, with the English `Display`.
fn both<E: std::fmt::Display>(e: &E, render: impl Fn(&E) -> String) -> (String, String) {
    set(Lang::En);
    let en = render(e);
    set(Lang::Fr);
    let fr = render(e);
    set(Lang::En);
    assert_eq!(en, e.to_string(), "the English is the log's");
    assert_ne!(fr, en, "{en} is not translated");
    assert!(!fr.trim().is_empty());
    (en, fr)
}

fn migrate_errors() -> Vec<migrate::Error> {
    use migrate::{Error as M, Reason as R, ValueType as V};
    let failure = |reason| {
        M::Migration(migrate::Failure {
            file: "engine.toml".into(),
            key: "vm[name = \"db\"].memory".into(),
            from_schema: 1,
            to_schema: 2,
            reason,
        })
    };
    let mut all = vec![
        M::SpecTooLarge {
            size: 2 << 20,
            limit: 1 << 20,
        },
        M::SchemaMismatch {
            file: "schema.toml".into(),
            found: 1,
            expected: 2,
        },
        M::TargetNotEmpty {
            path: PathBuf::from("/config/b"),
        },
        M::Io {
            path: PathBuf::from("/config/b/net.toml"),
            source: io::Error::from_raw_os_error(5),
        },
    ];
    let types = [
        V::String,
        V::Integer,
        V::Float,
        V::Boolean,
        V::Datetime,
        V::Array,
        V::Table,
    ];
    for (i, expected) in types.into_iter().enumerate() {
        all.push(failure(R::WrongType {
            expected,
            found: types[(i + 1) % types.len()],
        }));
    }
    for (min, max) in [
        (Some(1), Some(9)),
        (Some(1), None),
        (None, Some(9)),
        (None, None),
    ] {
        all.push(failure(R::OutOfRange {
            value: 12,
            min,
            max,
        }));
    }
    all.extend(spec_errors().into_iter().map(M::Spec));
    all.extend(
        [
            NoPath::Downgrade,
            NoPath::PastRelease { schema: 3 },
            NoPath::TooOld { oldest: 2, from: 1 },
        ]
        .map(|reason| M::NoPath {
            from: 1,
            to: 3,
            reason,
        }),
    );
    all.extend(document_problems().into_iter().map(|reason| M::Document {
        file: "net.toml".into(),
        reason,
    }));
    all.extend(
        [
            R::Missing,
            R::Exists {
                target: "net.address".into(),
            },
            R::NotATable { key: "net".into() },
            R::NotAnArrayOfTables,
            R::Unmapped {
                value: "\"verbose\"".into(),
            },
            R::TooFewParts {
                separator: ":".into(),
                expected: 2,
                found: 1,
            },
            R::NotAnInteger { part: "80a".into() },
        ]
        .map(failure),
    );
    all
}

/// Where a TOML parser stopped in a document, and its words.
fn syntax(at: bool) -> SyntaxError {
    SyntaxError {
        at: at.then_some(Position { line: 3, column: 7 }),
        message: "invalid table header expected `.`, `]]`".into(),
    }
}

/// Every name problem, as a key or a file name.
fn name_problems() -> Vec<NameProblem> {
    use NameProblem as N;
    vec![
        N::EmptyKey,
        N::KeyTooLong { max: 64 },
        N::KeyCharacter {
            name: "a b".into(),
            character: ' ',
        },
        N::TooManyParts { max: 16 },
        N::FileNameLength { max: 64 },
        N::HiddenFile {
            name: ".net.toml".into(),
        },
        N::FileCharacter {
            name: "etc/net.toml".into(),
            character: '/',
        },
        N::NotTomlDocument {
            name: "notes.txt".into(),
        },
        N::SchemaFile,
    ]
}

/// Every rule an operation of a migration set can break.
fn op_problems() -> Vec<OpProblem> {
    use OpProblem as P;
    let key = |k: &str| migrate::KeyPath::parse(k).expect("a key path");
    let mut all = vec![
        P::NoFile,
        P::FileInForEach,
        P::RenameToItself,
        P::MoveToFileInForEach,
        P::MoveIntoItself {
            key: key("net"),
            to: key("net.v4"),
        },
        P::EmptySeparator,
        P::TooFewParts,
        P::PartTwice { key: key("port") },
        P::PartHoldsAnother { key: key("net") },
        P::PartType {
            key: key("port"),
            found: migrate::ValueType::Float,
        },
        P::PartDefault {
            key: key("prefix"),
            reason: migrate::Reason::WrongType {
                expected: migrate::ValueType::Integer,
                found: migrate::ValueType::String,
            },
        },
        P::Default(migrate::Reason::OutOfRange {
            value: 0,
            min: Some(1),
            max: None,
        }),
        P::EmptyMap,
        P::MapTwice {
            value: "\"virtio\"".into(),
        },
        P::NothingToCheck,
        P::Range(RangeProblem::MinAboveMax { min: 5, max: 1 }),
        P::Range(RangeProblem::NotInteger),
        P::TooDeep { max: 4 },
        P::InForEach {
            array: key("vm"),
            op: Box::new(OpAt {
                index: 2,
                name: "drop",
                problem: P::FileInForEach,
            }),
        },
    ];
    all.extend(name_problems().into_iter().map(P::File));
    all.push(P::NewName(NameProblem::EmptyKey));
    all.push(P::Key(migrate::KeyPathError {
        key: "vm.the name".into(),
        problem: NameProblem::KeyCharacter {
            name: "the name".into(),
            character: ' ',
        },
    }));
    all
}

/// Every way a migration set is refused.
fn spec_errors() -> Vec<SpecError> {
    use SpecError as S;
    let step = StepAt {
        index: 2,
        from: 2,
        to: 3,
    };
    let mut all = vec![
        S::NotText { offset: 13 },
        S::Syntax(syntax(true)),
        S::ZeroSchema,
        S::NotOneStep { step },
        S::NotFollowing {
            step,
            previous_end: 1,
        },
        S::LastStepEnd { end: 2, schema: 5 },
    ];
    all.extend(op_problems().into_iter().map(|problem| S::Op {
        step,
        op: OpAt {
            index: 4,
            name: "split",
            problem,
        },
    }));
    all
}

/// Every way a configuration document is refused.
fn document_problems() -> Vec<DocumentProblem> {
    use DocumentProblem as D;
    let mut all = vec![
        D::NotText { offset: 40 },
        D::Syntax(syntax(true)),
        D::TooLarge {
            size: 2 << 20,
            max: 1 << 20,
        },
        D::TooManyFiles { max: 256 },
        D::NotAFile,
        D::NoSchemaFile,
        D::NoSchemaKey,
        D::BadSchema,
    ];
    all.extend(name_problems().into_iter().map(D::Name));
    all
}

#[test]
fn migration_failures_in_both_languages() {
    for e in migrate_errors() {
        both(&e, migrate);
    }
    let e = migrate::Error::Migration(migrate::Failure {
        file: "engine.toml".into(),
        key: "net.mtu".into(),
        from_schema: 1,
        to_schema: 2,
        reason: migrate::Reason::WrongType {
            expected: migrate::ValueType::Integer,
            found: migrate::ValueType::String,
        },
    });
    assert_eq!(
        both(&e, migrate).1,
        "engine.toml : impossible de migrer net.mtu (du schéma 1 au schéma 2) : la valeur \
         devait être un entier, c'est une chaîne"
    );
    let e = migrate::Error::Spec(SpecError::Op {
        step: StepAt {
            index: 2,
            from: 2,
            to: 3,
        },
        op: OpAt {
            index: 4,
            name: "split",
            problem: OpProblem::TooFewParts,
        },
    });
    assert_eq!(
        both(&e, migrate).1,
        "migrations.toml n'est pas valide : étape 2 (du schéma 2 au schéma 3), opération 4 \
         (split) : un split demande au moins deux clés dans `into`"
    );
    let e = migrate::Error::Document {
        file: "vms.toml".into(),
        reason: DocumentProblem::Syntax(syntax(true)),
    };
    assert_eq!(
        both(&e, migrate).1,
        "vms.toml : ce n'est pas du TOML valide : ligne 3, colonne 7 : invalid table header \
         expected `.`, `]]`"
    );
}

#[test]
fn a_parser_error_without_a_position_is_its_words() {
    let e = migrate::Error::Spec(SpecError::Syntax(syntax(false)));
    set(Lang::Fr);
    let fr = migrate(&e);
    set(Lang::En);
    assert_eq!(
        fr,
        "migrations.toml n'est pas valide : invalid table header expected `.`, `]]`"
    );
    assert_eq!(migrate(&e), e.to_string());
}

/// What the TOML serializer says of a value it cannot write.
fn unwritable() -> toml::ser::Error {
    toml::to_string(&None::<u8>).expect_err("a lone None is not a document")
}

#[test]
fn state_record_refusals_in_both_languages() {
    use detect::state::{Rule as R, StateError as S, TimeField};
    for e in [
        S::TooLarge(70_000),
        S::NotText,
        S::UnsupportedFormat { found: 2 },
        S::Malformed(syntax(true)),
        S::NoFormat,
        S::FormatNotNumber,
        S::Unwritable(unwritable()),
    ] {
        both(&e, state);
    }
    let (a, b) = (detect::Slot::A, detect::Slot::B);
    let good = detect::SlotState::Good;
    let hex = || "zz".repeat(16);
    for rule in [
        R::ProductId("Acme Router".into()),
        R::MachineId(hex()),
        R::NoTrustedKey,
        R::TooManyTrustedKeys { count: 65, max: 64 },
        R::TrustedKey(hex()),
        R::TooManyRevokedKeys {
            count: 257,
            max: 256,
        },
        R::RevokedKey(hex()),
        R::TrustedAndRevoked("ab".repeat(32)),
        R::NoRelease {
            slot: a,
            state: good,
        },
        R::NoConfigSchema {
            slot: b,
            state: detect::SlotState::New,
        },
        R::EmptyWithRelease { slot: a },
        R::TooManyHotfixes { slot: b, max: 256 },
        R::HotfixId {
            slot: a,
            id: "hf 7".into(),
        },
        R::AnswerDigest(hex()),
        R::MediumId(String::new()),
        R::ActiveNotBootable {
            slot: b,
            state: detect::SlotState::Writing,
        },
        R::Time {
            field: TimeField::InstalledAt,
        },
        R::Time {
            field: TimeField::WrittenAt(b),
        },
    ] {
        let e = S::Invalid(rule);
        both(&e, state);
    }
    assert_eq!(
        both(&S::UnsupportedFormat { found: 2 }, state).1,
        "l'enregistrement d'état est au format 2 ; cet installateur lit le format 1"
    );
}

/// Every way a FAT volume can fail, each variant of its nested facts once.
fn fat_errors() -> Vec<fat::Error> {
    use fat::{Access as A, BootSector as B, Error as F};
    let path = || "EFI/ferry/a/initrd.img".to_string();
    let accesses = [
        A::Measure,
        A::Rewind,
        A::Format {
            size: 64 << 20,
            label: "FERRY-ESP".into(),
        },
        A::Mount,
        A::BootSector,
        A::Table,
        A::ReadFsInfo,
        A::WriteFsInfo,
        A::ReadDirectory,
        A::WriteDirectory,
        A::FreeSpace,
        A::CreateDirectory { path: path() },
        A::OpenDirectory { path: path() },
        A::List { path: path() },
        A::CreateFile { path: path() },
        A::Truncate { path: path() },
        A::ReadSource { path: path() },
        A::WriteFile { path: path() },
        A::OpenFile { path: path() },
        A::ReadFile { path: path() },
        A::Remove { path: path() },
        A::Close,
        A::Flush,
    ];
    let boot = [
        B::NoSignature,
        B::SectorSize { bytes: 520 },
        B::ClusterSize { sectors: 3 },
        B::NoReservedSectors,
        B::NoTables,
        B::EmptyTables,
        B::AreasOverflow,
        B::DataPastEnd {
            data: 4100,
            total: 4096,
        },
        B::TableTooLarge { bytes: 1 << 40 },
    ];
    let mut all: Vec<F> = accesses
        .into_iter()
        .map(|what| F::Io {
            what,
            source: io::Error::from_raw_os_error(5),
        })
        .collect();
    all.extend(boot.into_iter().map(F::NotFat));
    all.extend([
        F::BadLabel("FERRY ESP TOO LONG".into()),
        F::FileTooLarge {
            path: path(),
            size: 5 << 30,
        },
        F::BadPath("a/../b".into()),
        F::NoDirectory {
            dir: "EFI/BOOT".into(),
            part: "BOOT".into(),
        },
        F::NotADirectory {
            dir: "EFI/BOOT".into(),
            part: "EFI".into(),
        },
        F::NoFile {
            path: "EFI/BOOT/BOOTX64.NEW".into(),
        },
        F::BadSectorSize(520),
        F::ChainLoop {
            cluster: 7,
            next: 3,
        },
        F::BadLink {
            cluster: 7,
            next: 900_000,
            why: fat::LinkProblem::Outside,
        },
        F::BadLink {
            cluster: 7,
            next: 9,
            why: fat::LinkProblem::Free,
        },
        F::TooManyClusters {
            clusters: 1 << 26,
            max: 1 << 24,
        },
        F::BadStart {
            name: Some("LOADER".into()),
            cluster: 1 << 20,
        },
        F::BadStart {
            name: None,
            cluster: 1 << 20,
        },
        F::TooManyDirectories { max: 4096 },
        F::InUse,
        F::SeekBeforeStart,
        F::FileExists {
            path: "loader/entries/ferry-b-2.conf".into(),
        },
    ]);
    all
}

#[test]
fn fat_failures_in_both_languages() {
    for e in fat_errors() {
        both(&e, fat);
    }
    let e = fat::Error::NotFat(fat::BootSector::SectorSize { bytes: 520 });
    assert_eq!(
        both(&e, fat).1,
        "ce n'est pas un système de fichiers FAT : le secteur de démarrage indique des \
         secteurs de 520 octets (512, 1024, 2048 ou 4096 attendus)"
    );
}

#[test]
fn writes_outside_their_partition_in_both_languages() {
    use install::WindowError as W;
    for e in [
        W::Overflow {
            partition: "ferry-root-b",
            start: u64::MAX - 10,
            size: 4096,
        },
        W::Unaligned {
            partition: "ferry-root-b",
            start: 1 << 20,
            size: 1000,
            sector_size: 512,
        },
        W::Outside {
            partition: "ferry-data",
            start: 1 << 30,
            end: 2 << 30,
            area_start: 1 << 20,
            area_end: 1 << 30,
        },
        W::Overlap {
            partition: "ferry-root-a",
            start: 1 << 20,
            end: 3 << 20,
            other: "ferry-root-b",
            other_start: 2 << 20,
            other_end: 4 << 20,
        },
        W::PastPartitionEnd {
            partition: "ferry-esp",
            offset: 4096,
            len: 8192,
            size: 8192,
        },
        W::PastDiskEnd {
            start: 1 << 30,
            len: 1 << 20,
            disk_size: 1 << 30,
        },
    ] {
        both(&e, window);
    }
}

#[test]
fn the_installers_medium_in_both_languages() {
    use medium::Error as M;
    let sdb = PathBuf::from("/dev/sdb");
    let sdc = PathBuf::from("/dev/sdc");
    for e in [
        M::NotFound("ferry/medium.toml".into()),
        M::TooLarge {
            path: "ferry/answer.toml".into(),
            size: 2 << 20,
            max: 1 << 20,
        },
        M::NoChecksum,
        M::NotText {
            path: "ferry/medium.toml".into(),
        },
        M::NotADirectory {
            path: "ferry/medium.toml".into(),
        },
        M::IsADirectory {
            path: "ferry".into(),
        },
        M::NoGpt,
        M::NoPartition,
        M::SeekBeforeStart,
        M::BadReportName {
            name: "../x.json".into(),
        },
        M::Fat(fat::Error::BadSectorSize(520)),
        M::BootMediumNotFound {
            id: None,
            others: Vec::new(),
        },
        M::BootMediumNotFound {
            id: Some("0123456789abcdef".into()),
            others: Vec::new(),
        },
        M::BootMediumNotFound {
            id: None,
            others: vec![sdb.clone()],
        },
        M::BootMediumNotFound {
            id: Some("0123456789abcdef".into()),
            others: vec![sdb.clone(), sdc.clone()],
        },
        M::SeveralBootMedia {
            id: Some("0123456789abcdef".into()),
            devices: vec![sdb.clone(), sdc.clone()],
        },
        M::SeveralBootMedia {
            id: None,
            devices: vec![sdb, sdc],
        },
    ] {
        both(&e, medium);
    }
    for e in medium_facts() {
        both(&e, medium);
    }
    let e = M::Invalid(medium::InfoProblem::Syntax(syntax_error()));
    assert_eq!(
        both(&e, medium).1,
        "ferry/medium.toml est invalide : ligne 3, colonne 7 : expected `=`"
    );
}

/// What the TOML parser says about line 3.
pub(super) fn syntax_error() -> toml_syntax::SyntaxError {
    toml_syntax::SyntaxError {
        at: Some(toml_syntax::Position { line: 3, column: 7 }),
        message: "expected `=`".into(),
    }
}

/// The medium's errors with nested facts, each variant of them once.
fn medium_facts() -> Vec<medium::Error> {
    use medium::{Access as A, Damage as D, Error as M, InfoProblem as I, NotIso as N};
    let mut all: Vec<M> = [
        A::Rewind,
        A::VolumeDescriptor { block: 16 },
        A::Directory { block: 23 },
        A::File {
            path: "ferry/medium.toml".into(),
        },
        A::At { offset: 1 << 30 },
        A::GptHeader,
        A::GptEntries,
    ]
    .into_iter()
    .map(|what| M::Io {
        what,
        source: io::Error::from_raw_os_error(5),
    })
    .collect();
    all.extend(
        [
            N::NoCd001 { block: 17 },
            N::NoPrimary,
            N::BlockSize { size: 512 },
        ]
        .map(M::NotIso),
    );
    all.extend(
        [
            D::DirectoryTooLarge {
                len: 32 << 20,
                max: 16 << 20,
            },
            D::DirectoryPastEnd { block: 90_000 },
            D::TooManyExtents {
                name: "acme-2.0.upg".into(),
                max: 4096,
            },
            D::FilePastEnd {
                name: "acme-2.0.upg".into(),
            },
            D::Short {
                read: 1 << 20,
                total: 4 << 20,
            },
            D::GptHeader,
            D::PartitionRange {
                first: 90,
                last: 10,
            },
            D::PartsSize {
                name: "acme-2.0.upg".into(),
                total: 100,
                expected: 120,
            },
        ]
        .map(M::Damaged),
    );
    all.extend(
        [
            I::Syntax(syntax_error()),
            I::Format { found: 2 },
            I::TooManyPayloads { max: 64 },
            I::BadName {
                name: "../x.upg".into(),
            },
            I::ListedTwice {
                name: "acme-2.0.upg".into(),
            },
        ]
        .map(M::Invalid),
    );
    all
}

#[test]
fn a_failed_medium_check_in_both_languages() {
    let payload = || {
        Box::new(install::Error::Payload(payload::Error::ChunkMismatch {
            component: "root.img".into(),
            chunk: 3,
            start: 3 << 20,
            end: 4 << 20,
        }))
    };
    for e in [
        CheckError::Open {
            path: PathBuf::from("/dev/sr0"),
            source: io::Error::from_raw_os_error(123),
        },
        CheckError::Iso(medium::Error::NotIso(medium::NotIso::NoPrimary)),
        CheckError::ChecksumMismatch,
        CheckError::Unreadable {
            name: None,
            error: crate::boot_medium::ReadError::Open {
                path: PathBuf::from("/dev/sr0"),
                source: io::Error::from_raw_os_error(123),
            },
        },
        CheckError::Unreadable {
            name: Some("acme-2.0.upg".into()),
            error: crate::boot_medium::ReadError::NoPayload {
                medium: PathBuf::from("/dev/sr0"),
                name: "acme-2.0.upg".into(),
            },
        },
        CheckError::Payload {
            name: None,
            source: payload(),
        },
        CheckError::Payload {
            name: Some("acme-2.0.upg".into()),
            source: payload(),
        },
    ] {
        both(&e, CheckError::sentence);
    }
    assert_eq!(
        both(&CheckError::ChecksumMismatch, check_error).1,
        "la somme de contrôle du support ne correspond pas : il est endommagé ou a été \
         mal écrit"
    );
}

/// Every reason a file on the medium cannot be read.
fn read_errors() -> Vec<ReadError> {
    let sdb = || PathBuf::from("/dev/sdb");
    vec![
        ReadError::NoPayload {
            medium: sdb(),
            name: "acme-2.0.upg".into(),
        },
        ReadError::Open {
            path: sdb(),
            source: io::Error::from_raw_os_error(13),
        },
        ReadError::Read {
            path: PathBuf::from("/answer.toml"),
            source: io::Error::from_raw_os_error(5),
        },
        ReadError::Medium(medium::Error::NotIso(medium::NotIso::NoPrimary)),
        // A stick's partition table, then its file system.
        ReadError::Medium(medium::Error::NoPartition),
        ReadError::Medium(medium::Error::Fat(fat::Error::NotFat(
            fat::BootSector::NoSignature,
        ))),
        ReadError::Missing {
            file: "ferry/other.toml".into(),
        },
        ReadError::TooLarge {
            file: "ferry/answer.toml".into(),
            max: 1 << 20,
        },
        ReadError::NotText {
            file: "ferry/answer.toml".into(),
        },
    ]
}

#[test]
fn a_file_the_medium_cannot_give_in_both_languages() {
    for e in read_errors() {
        both(&e, read_error);
    }
    use crate::boot_medium::OpenError;
    let sdb = || PathBuf::from("/dev/sdb");
    let mut opens = vec![
        OpenError::Open {
            path: sdb(),
            source: io::Error::from_raw_os_error(13),
        },
        OpenError::Description {
            path: sdb(),
            source: medium::Error::Invalid(medium::InfoProblem::Format { found: 2 }),
        },
        OpenError::NoPayload {
            dir: PathBuf::from("/media/ferry"),
        },
        OpenError::TooManyPayloads {
            dir: PathBuf::from("/media/ferry"),
            max: 64,
        },
    ];
    opens.extend(
        read_errors()
            .into_iter()
            .map(|error| OpenError::NotFerry { path: sdb(), error }),
    );
    for e in opens {
        both(&e, OpenError::sentence);
    }
    let e = OpenError::NotFerry {
        path: sdb(),
        error: ReadError::Medium(medium::Error::NoGpt),
    };
    assert_eq!(
        both(&e, OpenError::sentence).1,
        "/dev/sdb n'est ni un ISO Ferry ni une clé Ferry : la clé n'a pas de table de \
         partitions GPT"
    );
}
