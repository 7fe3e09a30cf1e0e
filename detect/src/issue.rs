//! What does not add up on a disk, as facts: the partitions, slots,
//! numbers and files concerned. The English `Display` is what the log,
//! `installer-tui detect` and its JSON (`message`) say; a front end says
//! the same facts in its own language.

use crate::fat::FatProblem;
use crate::gpt::{CopyProblem, EntryProblem};
use crate::layout::{self, Slot};
use crate::state::{RecordProblem, SlotState};
use semver::Version;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Something on a disk that does not add up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "IssueDoc", from = "IssueDoc")]
pub struct Issue {
    /// What kind of problem, for programs: always `fact.kind()`.
    pub kind: IssueKind,
    /// What was found, with the partitions, slots and numbers concerned.
    pub fact: IssueFact,
}

impl Issue {
    /// The issue `fact` makes.
    pub fn new(fact: IssueFact) -> Self {
        Issue {
            kind: fact.kind(),
            fact,
        }
    }

    /// What is wrong, in English: the `message` of the JSON output.
    pub fn message(&self) -> String {
        self.fact.to_string()
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fact.fmt(f)
    }
}

/// An issue as the JSON output carries it: its kind, its English message
/// for people and tools that read text, and its facts. Read back, the
/// kind and the message are made again from the facts.
#[derive(Serialize, Deserialize)]
struct IssueDoc {
    kind: IssueKind,
    message: String,
    fact: IssueFact,
}

impl From<Issue> for IssueDoc {
    fn from(i: Issue) -> Self {
        IssueDoc {
            kind: i.kind,
            message: i.fact.to_string(),
            fact: i.fact,
        }
    }
}

impl From<IssueDoc> for Issue {
    fn from(d: IssueDoc) -> Self {
        Issue::new(d.fact)
    }
}

/// Kinds of inconsistency detection reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IssueKind {
    /// The primary GPT is damaged; the backup was used.
    PrimaryGptDamaged,
    /// The backup GPT is damaged or missing; the primary was used.
    BackupGptDamaged,
    /// Both GPT copies are valid but list different partitions.
    GptCopiesDiffer,
    /// A partition lies outside the disk or its usable area (often: a
    /// truncated image), or ends before it starts.
    PartitionOutsideDisk,
    /// Two partitions overlap.
    PartitionsOverlap,
    /// A Ferry partition is missing.
    MissingPartition,
    /// A Ferry partition name appears twice.
    DuplicatePartition,
    /// A Ferry partition has an unexpected type GUID.
    WrongPartitionType,
    /// The config partition has no `state.toml`.
    StateMissing,
    /// `state.toml` exists but is not a valid state record.
    StateUnreadable,
    /// The config partition's FAT file system cannot be read.
    ConfigUnreadable,
    /// The ESP's FAT file system cannot be read.
    EspUnreadable,
    /// The state record and the partitions or directories disagree.
    StateDisagreesWithDisk,
    /// A slot is recorded as `writing`: a write started and did not finish.
    HalfWrittenSlot,
    /// The state record and a slot's boot entry disagree.
    BootEntryDisagrees,
    /// `loader.conf` boots another slot than the state record's active one.
    DefaultBootDisagrees,
    /// The active or default slot failed to boot (no tries left).
    SlotFailedToBoot,
    /// Ferry is installed on more than one disk.
    SeveralInstalls,
    /// The GPT was found with another logical sector size than the
    /// device's: the kernel and the firmware do not see its partitions
    /// (an image written for 512-byte sectors on a 4096-byte disk).
    SectorSizeDiffers,
}

/// A partition as an issue names it: its number, and its name when it
/// has one (`3` or `3 (ferry-config)`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionRef {
    /// Number as Linux counts it (1-based).
    pub index: u32,
    /// GPT partition name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl PartitionRef {
    /// Partition `index`, named `name` when it has a name.
    pub fn new(index: u32, name: Option<&str>) -> Self {
        PartitionRef {
            index,
            name: name.map(str::to_string),
        }
    }
}

impl fmt::Display for PartitionRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(n) => write!(f, "{} ({n})", self.index),
            None => write!(f, "{}", self.index),
        }
    }
}

/// The FAT partitions of a Ferry installation detection reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FatPartition {
    /// `ferry-config`, with the state record.
    Config,
    /// `ferry-esp`, with the boot entries.
    Esp,
}

impl FatPartition {
    fn unreadable(self) -> IssueKind {
        match self {
            FatPartition::Config => IssueKind::ConfigUnreadable,
            FatPartition::Esp => IssueKind::EspUnreadable,
        }
    }
}

/// What detection found that does not add up, with its facts: what the
/// GPT's checks, the FAT reader and the state record's parser found are
/// typed problems.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum IssueFact {
    /// The GPT is written for sectors of `table` bytes on a disk of
    /// `disk`-byte sectors.
    SectorSizeDiffers {
        /// Sector size the table is written for.
        table: u64,
        /// The disk's logical sector size.
        disk: u64,
    },
    /// The primary GPT is damaged; the backup was used.
    PrimaryGptDamaged {
        /// What is wrong with the primary copy.
        problem: CopyProblem,
    },
    /// The backup GPT is damaged or missing; the primary was used.
    BackupGptDamaged {
        /// What is wrong with the backup copy.
        problem: CopyProblem,
    },
    /// Both GPT copies are valid but list different partitions.
    GptCopiesDiffer,
    /// What the GPT's checks found wrong with its entries.
    TableDamaged {
        /// The partitions and sectors concerned.
        problem: EntryProblem,
    },
    /// An MBR partition ends after the end of the disk.
    PartitionPastEnd {
        /// The partition.
        partition: PartitionRef,
        /// Byte where it ends.
        end: u64,
        /// Size of the disk in bytes.
        disk_size: u64,
    },
    /// Two MBR partitions overlap.
    PartitionsOverlap {
        /// The one first in the table.
        a: PartitionRef,
        /// The other.
        b: PartitionRef,
    },
    /// Overlapping pairs beyond those named.
    MoreOverlaps {
        /// How many pairs.
        count: u64,
    },
    /// A Ferry partition is missing.
    MissingPartition {
        /// Its GPT name.
        name: String,
    },
    /// Several partitions bear one Ferry partition's name.
    DuplicatePartition {
        /// The name.
        name: String,
        /// How many partitions bear it.
        count: u64,
        /// The partition used: the first.
        used: u32,
    },
    /// A Ferry partition has another type GUID than its role's.
    WrongPartitionType {
        /// The partition.
        partition: PartitionRef,
        /// Its type.
        found: String,
        /// The type its role has.
        expected: String,
    },
    /// A Ferry FAT partition ends after the end of the disk.
    FatCutOff {
        /// Which one.
        fat: FatPartition,
        /// The partition.
        partition: PartitionRef,
    },
    /// A Ferry FAT partition's file system cannot be opened.
    FatUnreadable {
        /// Which one.
        fat: FatPartition,
        /// The partition.
        partition: PartitionRef,
        /// What the FAT reader found.
        problem: FatProblem,
    },
    /// The ESP opened but its boot entries or `loader.conf` cannot be
    /// read.
    EspFilesUnreadable {
        /// What the FAT reader found.
        problem: FatProblem,
    },
    /// The config partition has no state record.
    StateMissing,
    /// The state record's file cannot be read from the config partition.
    StateFileUnreadable {
        /// What the FAT reader found.
        problem: FatProblem,
    },
    /// The state record is not valid.
    StateUnreadable {
        /// What the parser found.
        problem: RecordProblem,
    },
    /// The state record says a slot holds a release; its partition is
    /// missing.
    SlotPartitionMissing {
        /// The slot.
        slot: Slot,
        /// Its release, from the state record.
        release: Option<Version>,
    },
    /// A slot in use has no configuration directory.
    ConfigDirMissing {
        /// The slot.
        slot: Slot,
        /// Its state, from the state record.
        state: SlotState,
    },
    /// A slot is recorded as `writing`.
    HalfWrittenSlot {
        /// The slot.
        slot: Slot,
        /// The release being written, from the state record.
        release: Option<Version>,
    },
    /// A slot has several boot entries on the ESP.
    SeveralBootEntries {
        /// The slot.
        slot: Slot,
        /// The entries' file names.
        files: Vec<String>,
    },
    /// A slot in use has no boot entry.
    NoBootEntry {
        /// The slot.
        slot: Slot,
        /// Its state, from the state record.
        state: SlotState,
    },
    /// A slot recorded as good has a boot entry that failed.
    GoodSlotFailed {
        /// The slot.
        slot: Slot,
        /// Boot attempts made.
        tries: u32,
    },
    /// A slot without a release has a bootable entry.
    EmptySlotBootable {
        /// The slot.
        slot: Slot,
        /// Its state, from the state record.
        state: SlotState,
    },
    /// A new slot used up its boot tries.
    SlotFailedToBoot {
        /// The slot.
        slot: Slot,
        /// Its release, from the state record.
        release: Option<Version>,
        /// Boot attempts made.
        tries: u32,
        /// The boot loader still starts it (otherwise it starts the
        /// other slot).
        still_default: bool,
    },
    /// `loader.conf`'s default names no Ferry boot entry.
    DefaultMatchesNoEntry {
        /// The default, as written.
        default: String,
    },
    /// The boot loader starts another slot than the active one.
    DefaultNotActive {
        /// The active slot, from the state record.
        active: Slot,
        /// The slot the boot loader starts.
        default: Slot,
    },
    /// Ferry is installed on other disks too.
    SeveralInstalls {
        /// The other disks.
        others: Vec<String>,
    },
}

impl IssueFact {
    /// The kind of issue this is.
    pub fn kind(&self) -> IssueKind {
        use IssueFact as F;
        use IssueKind as K;
        match self {
            F::SectorSizeDiffers { .. } => K::SectorSizeDiffers,
            F::PrimaryGptDamaged { .. } => K::PrimaryGptDamaged,
            F::BackupGptDamaged { .. } => K::BackupGptDamaged,
            F::GptCopiesDiffer => K::GptCopiesDiffer,
            F::TableDamaged { problem } if problem.is_overlap() => K::PartitionsOverlap,
            F::TableDamaged { .. } | F::PartitionPastEnd { .. } => K::PartitionOutsideDisk,
            F::PartitionsOverlap { .. } | F::MoreOverlaps { .. } => K::PartitionsOverlap,
            F::MissingPartition { .. } => K::MissingPartition,
            F::DuplicatePartition { .. } => K::DuplicatePartition,
            F::WrongPartitionType { .. } => K::WrongPartitionType,
            F::FatCutOff { fat, .. } | F::FatUnreadable { fat, .. } => fat.unreadable(),
            F::EspFilesUnreadable { .. } => K::EspUnreadable,
            F::StateMissing => K::StateMissing,
            F::StateFileUnreadable { .. } | F::StateUnreadable { .. } => K::StateUnreadable,
            F::SlotPartitionMissing { .. } | F::ConfigDirMissing { .. } => {
                K::StateDisagreesWithDisk
            }
            F::HalfWrittenSlot { .. } => K::HalfWrittenSlot,
            F::SeveralBootEntries { .. }
            | F::NoBootEntry { .. }
            | F::GoodSlotFailed { .. }
            | F::EmptySlotBootable { .. } => K::BootEntryDisagrees,
            F::SlotFailedToBoot { .. } => K::SlotFailedToBoot,
            F::DefaultMatchesNoEntry { .. } | F::DefaultNotActive { .. } => K::DefaultBootDisagrees,
            F::SeveralInstalls { .. } => K::SeveralInstalls,
        }
    }
}

/// ` (release 1.2.0)`, or nothing when the release is not known.
pub fn release_note(release: Option<&Version>) -> String {
    release
        .map(|v| format!(" (release {v})"))
        .unwrap_or_default()
}

impl fmt::Display for IssueFact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use IssueFact as F;
        match self {
            F::SectorSizeDiffers { table, disk } => write!(
                f,
                "the partition table is written for {table}-byte sectors, but the disk has \
                 {disk}-byte sectors: the system and the firmware do not see its partitions"
            ),
            F::PrimaryGptDamaged { problem } => write!(
                f,
                "the primary GPT is damaged ({problem}); the partitions were read from the \
                 intact backup copy"
            ),
            F::BackupGptDamaged { problem } => write!(
                f,
                "the backup GPT is damaged or missing ({problem}); the primary copy was used"
            ),
            F::GptCopiesDiffer => f.write_str(
                "the primary and backup GPT list different partitions; the primary was used",
            ),
            F::TableDamaged { problem } => write!(f, "the partition table is damaged: {problem}"),
            F::PartitionPastEnd {
                partition,
                end,
                disk_size,
            } => write!(
                f,
                "partition {partition} ends at byte {end} but the disk has only {disk_size} \
                 bytes (truncated image or wrong disk size)"
            ),
            F::PartitionsOverlap { a, b } => write!(f, "partitions {a} and {b} overlap"),
            F::MoreOverlaps { count } => write!(f, "{count} more pairs of partitions overlap"),
            F::MissingPartition { name } => write!(f, "the Ferry partition {name} is missing"),
            F::DuplicatePartition { name, count, used } => write!(
                f,
                "{count} partitions are named {name}; partition {used} is used"
            ),
            F::WrongPartitionType {
                partition,
                found,
                expected,
            } => write!(
                f,
                "partition {partition} has type {found} instead of {expected}"
            ),
            F::FatCutOff { partition, .. } => {
                write!(f, "partition {partition} is cut off by the end of the disk")
            }
            F::FatUnreadable {
                partition, problem, ..
            } => write!(f, "partition {partition}: {problem}"),
            F::EspFilesUnreadable { problem } | F::StateFileUnreadable { problem } => {
                problem.fmt(f)
            }
            F::StateUnreadable { problem } => problem.fmt(f),
            F::StateMissing => write!(f, "the config partition has no {}", layout::STATE_PATH),
            F::SlotPartitionMissing { slot, release } => write!(
                f,
                "the state record says slot {slot} holds a release{}, but its partition {} \
                 is missing",
                release_note(release.as_ref()),
                slot.partition_name()
            ),
            F::ConfigDirMissing { slot, state } => write!(
                f,
                "slot {slot} is {} but the config partition has no {}/",
                state.name(),
                slot.config_dir()
            ),
            F::HalfWrittenSlot { slot, release } => write!(
                f,
                "slot {slot} was being written{} and the write did not finish; its content \
                 must not be trusted",
                release_note(release.as_ref())
            ),
            F::SeveralBootEntries { slot, files } => write!(
                f,
                "slot {slot} has {} boot entries on the ESP: {}",
                files.len(),
                files.join(", ")
            ),
            F::NoBootEntry { slot, state } => write!(
                f,
                "slot {slot} is {} but the ESP has no boot entry for it",
                state.name()
            ),
            F::GoodSlotFailed { slot, tries } => write!(
                f,
                "slot {slot} is recorded as good but its boot entry failed after {tries} tries"
            ),
            F::EmptySlotBootable { slot, state } => write!(
                f,
                "slot {slot} is {} but has a bootable entry on the ESP",
                state.name()
            ),
            F::SlotFailedToBoot {
                slot,
                release,
                tries,
                still_default,
            } => {
                write!(
                    f,
                    "slot {slot}{} failed to start {tries} times; ",
                    release_note(release.as_ref())
                )?;
                if *still_default {
                    f.write_str("the boot loader still starts it")
                } else {
                    write!(f, "the machine starts slot {} instead", slot.other())
                }
            }
            F::DefaultMatchesNoEntry { default } => write!(
                f,
                "the boot default {default:?} in {} matches no Ferry entry; the boot loader \
                 starts the first one",
                layout::LOADER_CONF_PATH
            ),
            F::DefaultNotActive { active, default } => write!(
                f,
                "the state record makes slot {active} active but the boot loader defaults to \
                 slot {default}"
            ),
            F::SeveralInstalls { others } => write!(
                f,
                "Ferry is also installed on {}; the machine may boot either, so choose which \
                 disk to keep",
                others.join(", ")
            ),
        }
    }
}
