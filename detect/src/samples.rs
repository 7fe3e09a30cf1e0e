//! One value of every variant of [`IssueFact`] and [`Foreign`] (and of
//! what they carry: [`EntryProblem`], [`EmptyTable`]), for the tests of
//! the front ends that say them in other languages.

use crate::gpt::{EntryExtent, EntryProblem};
use crate::layout::Slot;
use crate::probe::Filesystem;
use crate::report::{EmptyTable, FatPartition, Foreign, IssueFact, PartitionRef};
use crate::state::SlotState;
use crate::Unreadable;
use semver::Version;

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
            cause: "header checksum is wrong".into(),
        },
        IssueFact::BackupGptDamaged {
            cause: "no GPT signature".into(),
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
            cause: "the FAT file system is damaged: cluster 7 loops back".into(),
        },
        IssueFact::EspFilesUnreadable {
            cause: "cannot list loader/entries: Input/output error".into(),
        },
        IssueFact::StateMissing,
        IssueFact::StateUnreadable {
            cause: "state record is not text (invalid UTF-8)".into(),
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
            cause: "No medium found (os error 123)".into(),
        },
        Unreadable::SectorSize {
            path: "/dev/sdc".into(),
            cause: "Inappropriate ioctl for device (os error 25)".into(),
        },
        Unreadable::Size {
            path: "/dev/sdc".into(),
            cause: "Input/output error (os error 5)".into(),
        },
        Unreadable::Empty,
        Unreadable::SmallerThanASector { size: 100 },
        Unreadable::FirstSector {
            cause: "Input/output error (os error 5)".into(),
        },
        Unreadable::Probe {
            cause: "Input/output error (os error 5)".into(),
        },
        Unreadable::At {
            at: 1_048_576,
            cause: "Input/output error (os error 5)".into(),
        },
        Unreadable::GptDamaged {
            primary: "header checksum does not match".into(),
            backup: "no GPT signature".into(),
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
        assert_eq!(facts, all(27));
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
