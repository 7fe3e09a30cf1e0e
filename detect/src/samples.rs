//! One value of every variant of [`IssueFact`] and [`Foreign`] (and of
//! what they carry: [`EntryProblem`], [`CopyProblem`], [`EmptyTable`],
//! [`FatProblem`], [`RecordProblem`]), for the tests of the front ends
//! that say them in other languages.

use crate::fat::FatProblem;
use crate::gpt::{CopyProblem, EntryExtent, EntryProblem, TableSector};
use crate::layout::Slot;
use crate::probe::Filesystem;
use crate::report::{EmptyTable, FatPartition, Foreign, IssueFact, PartitionRef};
use crate::state::{RecordProblem, Rule, SlotState};
use crate::{SystemError, Unreadable};
use semver::Version;
use toml_syntax::{Position, SyntaxError};

/// An error the system gave with its number, in this machine's words.
fn eio() -> SystemError {
    SystemError::from(&std::io::Error::from_raw_os_error(5))
}

/// What the FAT reader finds, every kind of it: the boot sector's checks
/// and the chains' (the `fat` crate's), a volume larger than its
/// partition, and files and directories that cannot be read, with a
/// system error that has a number and one that is only text.
pub fn fat_problems() -> Vec<FatProblem> {
    use ::fat::{Access, BootSector, LinkProblem};
    vec![
        FatProblem::BootSectorUnreadable { error: eio() },
        FatProblem::NotFat {
            boot_sector: BootSector::NoSignature,
        },
        FatProblem::NotFat {
            boot_sector: BootSector::DataPastEnd {
                data: 8192,
                total: 4096,
            },
        },
        FatProblem::LargerThanPartition {
            size: 268_435_456,
            partition: 134_217_728,
        },
        FatProblem::Io {
            what: Access::Table,
            error: eio(),
        },
        FatProblem::ChainLoop {
            cluster: 7,
            next: 3,
        },
        FatProblem::BadLink {
            cluster: 9,
            next: 1_000_000,
            why: LinkProblem::Outside,
        },
        FatProblem::TooManyClusters {
            clusters: 20_000_000,
            max: ::fat::MAX_CHECKED_CLUSTERS,
        },
        FatProblem::BadStart {
            name: Some("CONFIG".into()),
            cluster: 999_999,
        },
        FatProblem::BadStart {
            name: None,
            cluster: 0,
        },
        FatProblem::TooManyDirectories { max: 65_536 },
        FatProblem::Rewind { error: eio() },
        FatProblem::Refused {
            error: SystemError::text("invalid bytes_per_sector value in BPB"),
        },
        FatProblem::OpenFile {
            path: "state.toml".into(),
            error: eio(),
        },
        // A file cut short: the kind of an error without a number, kept
        // beside the flattened fact's own `kind`.
        FatProblem::ReadFile {
            path: "loader/loader.conf".into(),
            error: SystemError::from(&std::io::Error::from(std::io::ErrorKind::UnexpectedEof)),
        },
        FatProblem::FileTooLarge {
            path: "state.toml".into(),
            max: 65_536,
        },
        FatProblem::OpenDirectory {
            path: "loader/entries".into(),
            error: SystemError::text("invalid directory entry"),
        },
        FatProblem::List {
            path: "loader/entries".into(),
            error: eio(),
        },
    ]
}

/// Every reason a state record is refused.
pub fn record_problems() -> Vec<RecordProblem> {
    vec![
        RecordProblem::TooLarge { size: 70_000 },
        RecordProblem::NotText,
        RecordProblem::UnsupportedFormat { found: 9 },
        RecordProblem::Malformed {
            syntax: SyntaxError {
                at: Some(Position {
                    line: 2,
                    column: 11,
                }),
                message: "invalid array, expected `]`".into(),
            },
        },
        RecordProblem::NoFormat,
        RecordProblem::FormatNotNumber,
        RecordProblem::Invalid {
            rule: Rule::NoTrustedKey,
        },
        RecordProblem::Unwritable,
    ]
}

fn extent(index: u32, name: &str, first_lba: u64, last_lba: u64) -> EntryExtent {
    EntryExtent {
        index,
        name: name.into(),
        first_lba,
        last_lba,
    }
}

fn part(index: u32, name: Option<&str>) -> PartitionRef {
    PartitionRef::new(index, name)
}

/// Every reason a copy of the GPT is unusable, with each sector of the
/// table the area for partitions may cover.
pub fn copy_problems() -> Vec<CopyProblem> {
    let mut problems = vec![
        CopyProblem::TooShort,
        CopyProblem::NoSignature,
        CopyProblem::HeaderSize { size: 600 },
        CopyProblem::HeaderChecksum,
        CopyProblem::WrongPlace {
            says: 16_777_215,
            read_from: 1,
        },
        CopyProblem::EntrySize { size: 100 },
        CopyProblem::ArrayTooLarge { bytes: 2_097_152 },
        CopyProblem::UsableReversed,
        CopyProblem::ArrayBeyondEnd,
        CopyProblem::ArrayOverlapsHeader,
    ];
    for (what, lba) in [
        (TableSector::ProtectiveMbr, 0),
        (TableSector::ThisHeader, 1),
        (TableSector::OtherHeader, 16_777_215),
    ] {
        problems.push(CopyProblem::AreaIncludes {
            first: 0,
            last: 16_777_215,
            what,
            lba,
        });
    }
    problems.extend([
        CopyProblem::AreaIncludesArray {
            first: 2,
            last: 16_777_182,
            array_first: 2,
            array_last: 33,
        },
        CopyProblem::SectorBeyondEnd { lba: u64::MAX },
        CopyProblem::ReadSector {
            lba: 16_777_215,
            error: eio(),
        },
        CopyProblem::BackupBeyondEnd {
            lba: 33_554_431,
            sectors: 16_777_216,
        },
        CopyProblem::ArrayPastEnd,
        // A short read: the standard library's kind, without a number.
        CopyProblem::ReadArray {
            error: SystemError::from(&std::io::Error::from(std::io::ErrorKind::UnexpectedEof)),
        },
        CopyProblem::ArrayChecksum,
    ]);
    problems
}

/// Every problem of a GPT's entries, with an unnamed partition and
/// sector numbers past what a float holds exactly.
pub fn entry_problems() -> Vec<EntryProblem> {
    vec![
        EntryProblem::EndsBeforeStart {
            part: extent(2, "ferry-root-a", 4096, 2048),
        },
        EntryProblem::PastEnd {
            part: extent(3, "", 2048, u64::MAX - 1),
            disk_sectors: 16_777_216,
        },
        EntryProblem::OutsideUsable {
            part: extent(1, "ferry-esp", 1, 1_050_623),
            first_usable: 34,
            last_usable: 16_777_182,
        },
        EntryProblem::Overlap {
            a: extent(1, "ferry-esp", 2048, 1_050_623),
            b: extent(2, "ferry-root-a", 1_048_576, 17_825_791),
        },
        EntryProblem::MoreBadEntries { count: 1 },
        EntryProblem::MoreOverlaps { count: 96 },
    ]
}

/// Every fact of an issue, with plausible values; where a count or a
/// presence changes the sentence, each case.
pub fn issue_facts() -> Vec<IssueFact> {
    let v = Version::new(1, 2, 0);
    let mut facts = vec![
        IssueFact::SectorSizeDiffers {
            table: 512,
            disk: 4096,
        },
        IssueFact::PrimaryGptDamaged {
            problem: CopyProblem::HeaderChecksum,
        },
        IssueFact::BackupGptDamaged {
            problem: CopyProblem::NoSignature,
        },
        IssueFact::GptCopiesDiffer,
        IssueFact::PartitionPastEnd {
            partition: part(2, None),
            end: 21_474_836_480,
            disk_size: 8_589_934_592,
        },
        IssueFact::PartitionsOverlap {
            a: part(1, None),
            b: part(2, None),
        },
        IssueFact::MoreOverlaps { count: 1 },
        IssueFact::MoreOverlaps { count: 12 },
        IssueFact::MissingPartition {
            name: "ferry-data".into(),
        },
        IssueFact::DuplicatePartition {
            name: "ferry-config".into(),
            count: 2,
            used: 4,
        },
        IssueFact::WrongPartitionType {
            partition: part(4, Some("ferry-config")),
            found: "0FC63DAF-8483-4772-8E79-3D69D8477DE4".into(),
            expected: "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7".into(),
        },
        IssueFact::FatCutOff {
            fat: FatPartition::Config,
            partition: part(4, Some("ferry-config")),
        },
        IssueFact::FatUnreadable {
            fat: FatPartition::Esp,
            partition: part(1, Some("ferry-esp")),
            problem: FatProblem::ChainLoop {
                cluster: 7,
                next: 3,
            },
        },
        IssueFact::EspFilesUnreadable {
            problem: FatProblem::List {
                path: "loader/entries".into(),
                error: eio(),
            },
        },
        IssueFact::StateMissing,
        IssueFact::StateFileUnreadable {
            problem: FatProblem::FileTooLarge {
                path: "state.toml".into(),
                max: 65_536,
            },
        },
        IssueFact::SlotPartitionMissing {
            slot: Slot::B,
            release: Some(v.clone()),
        },
        IssueFact::SlotPartitionMissing {
            slot: Slot::A,
            release: None,
        },
        IssueFact::HalfWrittenSlot {
            slot: Slot::B,
            release: Some(v.clone()),
        },
        IssueFact::HalfWrittenSlot {
            slot: Slot::A,
            release: None,
        },
        IssueFact::SeveralBootEntries {
            slot: Slot::A,
            files: vec!["ferry-a-1.conf".into(), "ferry-a-2+1-2.conf".into()],
        },
        IssueFact::GoodSlotFailed {
            slot: Slot::A,
            tries: 3,
        },
        IssueFact::GoodSlotFailed {
            slot: Slot::A,
            tries: 1,
        },
        IssueFact::SlotFailedToBoot {
            slot: Slot::B,
            release: Some(v.clone()),
            tries: 3,
            still_default: false,
        },
        IssueFact::SlotFailedToBoot {
            slot: Slot::A,
            release: None,
            tries: 1,
            still_default: true,
        },
        IssueFact::DefaultMatchesNoEntry {
            default: "ferry-c-*".into(),
        },
        IssueFact::DefaultNotActive {
            active: Slot::A,
            default: Slot::B,
        },
        IssueFact::SeveralInstalls {
            others: vec!["/dev/sdb".into()],
        },
        IssueFact::SeveralInstalls {
            others: vec!["/dev/sdb".into(), "/dev/nvme0n1".into()],
        },
    ];
    for state in [
        SlotState::Good,
        SlotState::New,
        SlotState::Writing,
        SlotState::Empty,
    ] {
        facts.push(IssueFact::ConfigDirMissing {
            slot: Slot::A,
            state,
        });
        facts.push(IssueFact::NoBootEntry {
            slot: Slot::B,
            state,
        });
        facts.push(IssueFact::EmptySlotBootable {
            slot: Slot::B,
            state,
        });
    }
    facts.extend(
        entry_problems()
            .into_iter()
            .map(|problem| IssueFact::TableDamaged { problem }),
    );
    facts.extend(
        copy_problems()
            .into_iter()
            .map(|problem| IssueFact::BackupGptDamaged { problem }),
    );
    facts.extend(
        fat_problems()
            .into_iter()
            .map(|problem| IssueFact::FatUnreadable {
                fat: FatPartition::Esp,
                partition: part(1, Some("ferry-esp")),
                problem,
            }),
    );
    facts.extend(
        record_problems()
            .into_iter()
            .map(|problem| IssueFact::StateUnreadable { problem }),
    );
    facts
}

/// Every description of a foreign disk, with one and several systems,
/// signatures with and without labels, and both empty tables.
pub fn foreign() -> Vec<Foreign> {
    let fs = |kind: &str, label: Option<&str>| Filesystem {
        kind: kind.into(),
        label: label.map(str::to_string),
    };
    vec![
        Foreign::Partitions {
            count: 1,
            systems: Vec::new(),
        },
        Foreign::Partitions {
            count: 3,
            systems: vec!["Windows".into()],
        },
        Foreign::Partitions {
            count: 5,
            systems: vec!["Windows".into(), "Linux".into()],
        },
        Foreign::WholeDisk {
            signatures: vec![fs("LVM2_member", None)],
            table: None,
        },
        Foreign::WholeDisk {
            signatures: vec![fs("ext4", Some("home \"old\""))],
            table: Some(EmptyTable::Gpt),
        },
        Foreign::WholeDisk {
            signatures: vec![
                fs("Linux RAID member (md 1.0)", None),
                fs("FAT32", Some("STICK")),
                fs("BitLocker", None),
            ],
            table: Some(EmptyTable::Mbr),
        },
        Foreign::EmptyTable {
            table: EmptyTable::Mbr,
        },
        Foreign::EmptyTable {
            table: EmptyTable::Gpt,
        },
        Foreign::UnknownData,
    ]
}

/// Every reason a disk is unreadable.
pub fn unreadable() -> Vec<Unreadable> {
    vec![
        Unreadable::Open {
            path: "/dev/sdc".into(),
            error: SystemError::from(&std::io::Error::from_raw_os_error(123)),
        },
        Unreadable::SectorSize {
            path: "/dev/sdc".into(),
            error: SystemError::from(&std::io::Error::from_raw_os_error(25)),
        },
        Unreadable::Size {
            path: "/dev/sdc".into(),
            error: eio(),
        },
        Unreadable::Empty,
        Unreadable::SmallerThanASector { size: 100 },
        Unreadable::FirstSector { error: eio() },
        Unreadable::Probe {
            error: SystemError::text("failed to fill whole buffer"),
        },
        Unreadable::At {
            at: 1_048_576,
            error: eio(),
        },
        Unreadable::GptDamaged {
            primary: CopyProblem::HeaderChecksum,
            backup: CopyProblem::NoSignature,
        },
        Unreadable::ProtectiveWithoutGpt,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Content, Issue};
    use std::collections::BTreeSet;

    /// A number for each variant: a new variant does not compile until it
    /// has one, and the test below fails until the samples show it.
    fn fact_variant(f: &IssueFact) -> u32 {
        use IssueFact as F;
        match f {
            F::SectorSizeDiffers { .. } => 0,
            F::PrimaryGptDamaged { .. } => 1,
            F::BackupGptDamaged { .. } => 2,
            F::GptCopiesDiffer => 3,
            F::TableDamaged { .. } => 4,
            F::PartitionPastEnd { .. } => 5,
            F::PartitionsOverlap { .. } => 6,
            F::MoreOverlaps { .. } => 7,
            F::MissingPartition { .. } => 8,
            F::DuplicatePartition { .. } => 9,
            F::WrongPartitionType { .. } => 10,
            F::FatCutOff { .. } => 11,
            F::FatUnreadable { .. } => 12,
            F::EspFilesUnreadable { .. } => 13,
            F::StateMissing => 14,
            F::StateUnreadable { .. } => 15,
            F::StateFileUnreadable { .. } => 27,
            F::SlotPartitionMissing { .. } => 16,
            F::ConfigDirMissing { .. } => 17,
            F::HalfWrittenSlot { .. } => 18,
            F::SeveralBootEntries { .. } => 19,
            F::NoBootEntry { .. } => 20,
            F::GoodSlotFailed { .. } => 21,
            F::EmptySlotBootable { .. } => 22,
            F::SlotFailedToBoot { .. } => 23,
            F::DefaultMatchesNoEntry { .. } => 24,
            F::DefaultNotActive { .. } => 25,
            F::SeveralInstalls { .. } => 26,
        }
    }

    fn problem_variant(p: &EntryProblem) -> u32 {
        match p {
            EntryProblem::EndsBeforeStart { .. } => 0,
            EntryProblem::PastEnd { .. } => 1,
            EntryProblem::OutsideUsable { .. } => 2,
            EntryProblem::Overlap { .. } => 3,
            EntryProblem::MoreBadEntries { .. } => 4,
            EntryProblem::MoreOverlaps { .. } => 5,
        }
    }

    fn copy_variant(p: &CopyProblem) -> u32 {
        use CopyProblem as C;
        match p {
            C::TooShort => 0,
            C::NoSignature => 1,
            C::HeaderSize { .. } => 2,
            C::HeaderChecksum => 3,
            C::WrongPlace { .. } => 4,
            C::EntrySize { .. } => 5,
            C::ArrayTooLarge { .. } => 6,
            C::UsableReversed => 7,
            C::ArrayBeyondEnd => 8,
            C::ArrayOverlapsHeader => 9,
            C::AreaIncludes {
                what: TableSector::ProtectiveMbr,
                ..
            } => 10,
            C::AreaIncludes {
                what: TableSector::ThisHeader,
                ..
            } => 11,
            C::AreaIncludes {
                what: TableSector::OtherHeader,
                ..
            } => 12,
            C::AreaIncludesArray { .. } => 13,
            C::SectorBeyondEnd { .. } => 14,
            C::ReadSector { .. } => 15,
            C::BackupBeyondEnd { .. } => 16,
            C::ArrayPastEnd => 17,
            C::ReadArray { .. } => 18,
            C::ArrayChecksum => 19,
        }
    }

    fn fat_variant(p: &FatProblem) -> u32 {
        use FatProblem as P;
        match p {
            P::BootSectorUnreadable { .. } => 0,
            P::NotFat {
                boot_sector: ::fat::BootSector::NoSignature,
            } => 1,
            P::NotFat { .. } => 2,
            P::LargerThanPartition { .. } => 3,
            P::Io { .. } => 4,
            P::ChainLoop { .. } => 5,
            P::BadLink { .. } => 6,
            P::TooManyClusters { .. } => 7,
            P::BadStart { name: Some(_), .. } => 8,
            P::BadStart { name: None, .. } => 9,
            P::TooManyDirectories { .. } => 10,
            P::Rewind { .. } => 11,
            P::Refused { .. } => 12,
            P::OpenFile { .. } => 13,
            P::ReadFile { .. } => 14,
            P::FileTooLarge { .. } => 15,
            P::OpenDirectory { .. } => 16,
            P::List { .. } => 17,
        }
    }

    fn record_variant(p: &RecordProblem) -> u32 {
        use RecordProblem as R;
        match p {
            R::TooLarge { .. } => 0,
            R::NotText => 1,
            R::UnsupportedFormat { .. } => 2,
            R::Malformed { .. } => 3,
            R::NoFormat => 4,
            R::FormatNotNumber => 5,
            R::Invalid { .. } => 6,
            R::Unwritable => 7,
        }
    }

    fn foreign_variant(f: &Foreign) -> u32 {
        match f {
            Foreign::Partitions { .. } => 0,
            Foreign::WholeDisk { .. } => 1,
            Foreign::EmptyTable { .. } => 2,
            Foreign::UnknownData => 3,
        }
    }

    fn all(n: u32) -> BTreeSet<u32> {
        (0..n).collect()
    }

    #[test]
    fn the_samples_show_every_variant() {
        let facts: BTreeSet<u32> = issue_facts().iter().map(fact_variant).collect();
        assert_eq!(facts, all(28));
        let copy: BTreeSet<u32> = copy_problems().iter().map(copy_variant).collect();
        assert_eq!(copy, all(20));
        let fat: BTreeSet<u32> = fat_problems().iter().map(fat_variant).collect();
        assert_eq!(fat, all(18));
        let record: BTreeSet<u32> = record_problems().iter().map(record_variant).collect();
        assert_eq!(record, all(8));
        let problems: BTreeSet<u32> = entry_problems().iter().map(problem_variant).collect();
        assert_eq!(problems, all(6));
        let found: BTreeSet<u32> = foreign().iter().map(foreign_variant).collect();
        assert_eq!(found, all(4));
    }

    /// The JSON carries the English line beside the facts, and reads back
    /// into the same facts.
    #[test]
    fn the_json_carries_the_english_and_reads_back() {
        for fact in issue_facts() {
            let issue = Issue::new(fact);
            let v = serde_json::to_value(&issue).expect("JSON");
            assert_eq!(v["message"], issue.to_string());
            assert_eq!(v["kind"], serde_json::to_value(issue.kind).expect("JSON"));
            let back: Issue = serde_json::from_value(v).expect("reads back");
            assert_eq!(back, issue);
        }
        for found in foreign() {
            let content = Content::Foreign {
                looks_like: vec!["Linux".into()],
                found: found.clone(),
            };
            let v = serde_json::to_value(&content).expect("JSON");
            assert_eq!(v["kind"], "foreign");
            assert_eq!(v["summary"], found.to_string());
            assert_eq!(v["looks_like"][0], "Linux");
            let back: Content = serde_json::from_value(v).expect("reads back");
            assert!(
                matches!(&back, Content::Foreign { found: f, .. } if *f == found),
                "{back:?}"
            );
        }
    }

    /// The sentences detection said before its facts were typed.
    #[test]
    fn english_keeps_its_words() {
        let text = |f: Foreign| f.to_string();
        let found = foreign();
        assert_eq!(text(found[0].clone()), "1 partition(s) of other systems");
        assert_eq!(
            text(found[2].clone()),
            "5 partition(s), looks like Windows and Linux"
        );
        assert_eq!(
            text(found[3].clone()),
            "LVM2_member on the whole disk, no partition table"
        );
        assert_eq!(
            text(found[4].clone()),
            "ext4 labelled \"home \\\"old\\\"\" on the whole disk, and an empty GPT"
        );
        assert_eq!(
            text(found[6].clone()),
            "an empty MBR partition table with no partitions"
        );
        let issue = |f: IssueFact| Issue::new(f).to_string();
        assert_eq!(
            issue(IssueFact::SlotFailedToBoot {
                slot: Slot::B,
                release: Some(Version::new(1, 2, 0)),
                tries: 3,
                still_default: false,
            }),
            "slot b (release 1.2.0) failed to start 3 times; the machine starts slot a instead"
        );
        assert_eq!(
            issue(IssueFact::TableDamaged {
                problem: entry_problems()[3].clone()
            }),
            "the partition table is damaged: partitions 1 (ferry-esp, sectors 2048 to \
             1050623) and 2 (ferry-root-a, sectors 1048576 to 17825791) overlap"
        );
    }

    #[test]
    fn every_reason_a_disk_is_unreadable_is_sampled() {
        let index = |u: &Unreadable| match u {
            Unreadable::Open { .. } => 0,
            Unreadable::SectorSize { .. } => 1,
            Unreadable::Size { .. } => 2,
            Unreadable::Empty => 3,
            Unreadable::SmallerThanASector { .. } => 4,
            Unreadable::FirstSector { .. } => 5,
            Unreadable::Probe { .. } => 6,
            Unreadable::At { .. } => 7,
            Unreadable::GptDamaged { .. } => 8,
            Unreadable::ProtectiveWithoutGpt => 9,
        };
        let seen: Vec<usize> = unreadable().iter().map(index).collect();
        assert_eq!(seen, (0..10).collect::<Vec<_>>());
        // The system's words stay the `cause`; its number is beside them.
        let size = serde_json::to_value(&unreadable()[2]).expect("JSON");
        assert_eq!(size["cause"], eio().cause);
        assert_eq!(size["errno"], 5);
        let probe = serde_json::to_value(&unreadable()[6]).expect("JSON");
        assert_eq!(probe["cause"], "failed to fill whole buffer");
        assert!(probe.get("errno").is_none(), "{probe}");
        for u in unreadable() {
            let doc = serde_json::to_string(&u).unwrap();
            assert_eq!(
                serde_json::from_str::<Unreadable>(&doc).unwrap(),
                u,
                "{doc}"
            );
        }
    }
}
