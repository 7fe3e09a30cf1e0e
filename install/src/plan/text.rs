//! The plan as a technician reads it: the summary `Plan` prints as and the
//! sentence of each step.

use std::fmt;
use std::path::{Path, PathBuf};

use detect::layout::{self, Slot};
use detect::state::{SlotState, StateRecord};
use payload::Version;
use units::size;

use super::checks::component_size;
use super::{Action, Plan, Step, StepKind};
use crate::source::{PayloadInfo, ROOTFS};
use crate::target::Target;

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match (self.action, &self.hotfix) {
            (Action::Hotfix, Some(id)) => {
                format!("Apply hotfix {id} to {} {}", self.product, self.to)
            }
            (Action::Upgrade, _) => format!(
                "Upgrade {} from {} to {}",
                self.product,
                self.from.as_ref().map_or("?".into(), |v| v.to_string()),
                self.to
            ),
            (Action::Wipe, _) => format!("Wipe and reinstall {} {}", self.product, self.to),
            (Action::Repair, _) => format!(
                "Reinstall {} {} in slot {}",
                self.product, self.to, self.slot
            ),
            _ => format!("Install {} {}", self.product, self.to),
        };
        writeln!(
            f,
            "{what} on {} ({})",
            self.disk.display(),
            size(self.disk_size)
        )?;
        if let Some(keep) = self.keep_slot {
            writeln!(
                f,
                "The running system in slot {keep} and its configuration are kept as they are; \
                 if the new one does not start, the machine returns to it by itself."
            )?;
        }
        if self.action == Action::Repair {
            writeln!(
                f,
                "The release is written again from the medium with the running configuration, \
                 copied unchanged; the data partition is not touched."
            )?;
        }
        if self.action == Action::Wipe {
            writeln!(
                f,
                "Everything on this disk is erased. No other disk is touched."
            )?;
        }
        writeln!(
            f,
            "Layout{}: {}",
            if self.new_table { "" } else { " (kept)" },
            self.layout_summary()
        )?;
        writeln!(f, "Kernel command line: {}", self.cmdline)?;
        for n in &self.notes {
            writeln!(f, "Note: {n}")?;
        }
        if let Some(m) = &self.migration {
            writeln!(
                f,
                "Configuration: schema {} -> {}, {} change(s):",
                m.from_schema,
                m.to_schema,
                m.changes.len()
            )?;
            for c in &m.changes {
                writeln!(f, "  - {c}")?;
            }
        }
        writeln!(f, "Steps:")?;
        for (i, s) in self.steps.iter().enumerate() {
            writeln!(f, "  {:>2}. {}", i + 1, s.title)?;
        }
        Ok(())
    }
}

impl Plan {
    /// The partitions in a line: "ESP 512.0 MiB, root a 8.0 GiB, ...".
    pub fn layout_summary(&self) -> String {
        self.partitions
            .iter()
            .map(|p| {
                let name = match p.role {
                    detect::layout::Role::Esp => "ESP".to_string(),
                    detect::layout::Role::Root(s) => format!("root {s}"),
                    detect::layout::Role::Config => "config".into(),
                    detect::layout::Role::Data => "data".into(),
                };
                format!("{name} {}", size(p.size))
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What a step does, with the facts its sentence names: a front end says
/// it in the technician's language, the log and the reports keep its
/// English `Display` (the step's `title`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepFacts {
    /// Read the whole payload (`bytes`) before erasing or writing.
    VerifyPayload {
        bytes: u64,
        before_erasing: bool,
    },
    DiscardData,
    WritePartitionTable {
        disk: PathBuf,
    },
    /// Format a partition; `file_system`: "FAT12", "FAT16" or "FAT32".
    FormatEsp {
        file_system: &'static str,
    },
    FormatConfig {
        file_system: &'static str,
    },
    /// The data partition, as the product asks.
    FormatData {
        file_system: &'static str,
    },
    MarkSlotWriting {
        slot: Slot,
    },
    /// `root_image`: the root image's size in bytes.
    WriteSlot {
        product: String,
        version: Version,
        slot: Slot,
        root_image: u64,
    },
    ReadBack {
        slot: Slot,
    },
    WriteConfig {
        slot: Slot,
        schema: Option<u32>,
    },
    InstallBootLoader {
        chain: BootChain,
    },
    RecordNewSlot {
        slot: Slot,
    },
    /// `falls_back`: when its tries are used up, the machine starts the
    /// other slot (an update; a fresh install has no other).
    SetDefault {
        slot: Slot,
        tries: u32,
        falls_back: bool,
    },
    WriteReport,
}

/// What the install-boot-loader step puts on the ESP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BootChain {
    /// systemd-boot alone, on a new ESP.
    SystemdBoot,
    /// shim, systemd-boot and MokManager, on a new ESP.
    Shim,
    /// The ESP's shim chain brought to the medium's.
    UpdateShim,
}

impl StepFacts {
    /// The step these facts describe.
    pub fn kind(&self) -> StepKind {
        match self {
            StepFacts::VerifyPayload { .. } => StepKind::VerifyPayload,
            StepFacts::DiscardData => StepKind::DiscardData,
            StepFacts::WritePartitionTable { .. } => StepKind::WritePartitionTable,
            StepFacts::FormatEsp { .. } => StepKind::FormatEsp,
            StepFacts::FormatConfig { .. } => StepKind::FormatConfig,
            StepFacts::FormatData { .. } => StepKind::FormatData,
            StepFacts::MarkSlotWriting { .. } => StepKind::MarkSlotWriting,
            StepFacts::WriteSlot { .. } => StepKind::WriteSlot,
            StepFacts::ReadBack { .. } => StepKind::ReadBack,
            StepFacts::WriteConfig { .. } => StepKind::WriteConfig,
            StepFacts::InstallBootLoader { .. } => StepKind::InstallBootLoader,
            StepFacts::RecordNewSlot { .. } => StepKind::RecordNewSlot,
            StepFacts::SetDefault { .. } => StepKind::SetDefault,
            StepFacts::WriteReport => StepKind::WriteReport,
        }
    }
}

impl fmt::Display for StepFacts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StepFacts::VerifyPayload {
                bytes,
                before_erasing,
            } => write!(
                f,
                "Verify every chunk of the payload ({}) before {} anything",
                size(*bytes),
                if *before_erasing {
                    "erasing"
                } else {
                    "writing"
                }
            ),
            StepFacts::DiscardData => f.write_str(
                "Erase the data partition (discard, or write zeros where the disk cannot discard)",
            ),
            StepFacts::WritePartitionTable { disk } => write!(
                f,
                "Write a new GPT partition table on {}: ESP, root a, root b, config, data",
                disk.display()
            ),
            StepFacts::FormatEsp { file_system } => write!(f, "Format the ESP ({file_system})"),
            StepFacts::FormatConfig { file_system } => {
                write!(f, "Format the config partition ({file_system})")
            }
            StepFacts::FormatData { file_system } => write!(
                f,
                "Format the data partition ({file_system}), as the product asks"
            ),
            StepFacts::MarkSlotWriting { slot } => write!(
                f,
                "Mark slot {slot} as being written (not bootable) and remove its boot entry"
            ),
            StepFacts::WriteSlot {
                product,
                version,
                slot,
                root_image,
            } => write!(
                f,
                "Write {product} {version} into slot {slot} ({} root image, kernel, initrd), \
                 verifying every chunk",
                size(*root_image)
            ),
            StepFacts::ReadBack { slot } => write!(
                f,
                "Read slot {slot} back and compare it with the signed manifest"
            ),
            StepFacts::WriteConfig { slot, schema } => write!(
                f,
                "Write the configuration of slot {slot}{}",
                schema.map(|s| format!(" (schema {s})")).unwrap_or_default()
            ),
            StepFacts::InstallBootLoader { chain } => f.write_str(match chain {
                BootChain::SystemdBoot => "Install systemd-boot on the ESP",
                BootChain::Shim => {
                    "Install the boot chain on the ESP: shim (Secure Boot), systemd-boot, \
                     MokManager"
                }
                BootChain::UpdateShim => {
                    "Bring the ESP's boot chain to the medium's: shim (Secure Boot), \
                     systemd-boot, MokManager, each file replaced whole"
                }
            }),
            StepFacts::RecordNewSlot { slot } => {
                write!(f, "Record slot {slot} as new in the state record")
            }
            StepFacts::SetDefault {
                slot,
                tries,
                falls_back,
            } => write!(
                f,
                "Make slot {slot} the boot default: add its boot entry with {tries} tries{}",
                if *falls_back {
                    ", after which the machine falls back to the other slot by itself"
                } else {
                    ""
                }
            ),
            StepFacts::WriteReport => {
                f.write_str("Write the report to the config partition and the medium")
            }
        }
    }
}

pub(super) fn step(facts: StepFacts) -> Step {
    Step {
        kind: facts.kind(),
        title: facts.to_string(),
        facts,
    }
}

pub(super) fn slot_steps(
    payload: &PayloadInfo,
    slot: Slot,
    schema: Option<u32>,
    fresh: bool,
    shim: bool,
) -> Vec<Step> {
    let m = &payload.manifest;
    let mut steps = Vec::new();
    if !fresh {
        steps.push(step(StepFacts::MarkSlotWriting { slot }));
    }
    steps.push(step(StepFacts::WriteSlot {
        product: m.product.clone(),
        version: m.version.clone(),
        slot,
        root_image: component_size(payload, ROOTFS),
    }));
    steps.push(step(StepFacts::ReadBack { slot }));
    steps.push(step(StepFacts::WriteConfig { slot, schema }));
    let chain = match (fresh, shim) {
        (true, false) => Some(BootChain::SystemdBoot),
        (true, true) => Some(BootChain::Shim),
        (false, true) => Some(BootChain::UpdateShim),
        (false, false) => None,
    };
    if let Some(chain) = chain {
        steps.push(step(StepFacts::InstallBootLoader { chain }));
    }
    steps.push(step(StepFacts::RecordNewSlot { slot }));
    steps.push(step(StepFacts::SetDefault {
        slot,
        tries: layout::DEFAULT_BOOT_TRIES,
        falls_back: !fresh,
    }));
    steps.push(step(StepFacts::WriteReport));
    steps
}

/// The steps of a fresh install (`wipe`: erasing the data first;
/// `verify`: reading the whole payload before anything is written).
pub(super) fn fresh_steps(
    payload: &PayloadInfo,
    disk: &Path,
    schema: u32,
    wipe: bool,
    verify: bool,
    (esp, config, data): (fat::FatKind, fat::FatKind, Option<fat::FatKind>),
    shim: bool,
) -> Vec<Step> {
    let fat_name = |kind| match kind {
        fat::FatKind::Fat12 => "FAT12",
        fat::FatKind::Fat16 => "FAT16",
        fat::FatKind::Fat32 => "FAT32",
    };
    let mut steps = Vec::new();
    if verify {
        steps.push(step(StepFacts::VerifyPayload {
            bytes: payload.manifest.total_size(),
            before_erasing: wipe,
        }));
    }
    if wipe {
        steps.push(step(StepFacts::DiscardData));
    }
    steps.extend([
        step(StepFacts::WritePartitionTable {
            disk: disk.to_path_buf(),
        }),
        step(StepFacts::FormatEsp {
            file_system: fat_name(esp),
        }),
        step(StepFacts::FormatConfig {
            file_system: fat_name(config),
        }),
    ]);
    if let Some(data) = data {
        steps.push(step(StepFacts::FormatData {
            file_system: fat_name(data),
        }));
    }
    steps.extend(slot_steps(payload, Slot::A, Some(schema), true, shim));
    steps
}

/// Something the plan's reader should know: what is erased or replaced,
/// what this run sets right. A front end says it in its language; the
/// log keeps its English `Display` (and the plan's JSON the same text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanNote {
    /// A wipe erases the Ferry installation the disk holds.
    FerryErased {
        product: Option<String>,
        release: Option<Version>,
    },
    /// An install erases what else the disk holds (what detection found).
    ForeignErased { found: detect::Foreign },
    /// The damaged partition table is replaced (what its checks found).
    TableReplaced {
        problems: Vec<detect::gpt::EntryProblem>,
    },
    /// The slot written holds an interrupted write.
    InterruptedWrite {
        slot: Slot,
        release: Option<Version>,
    },
    /// The slot written holds a release that failed to start.
    FailedToStart {
        slot: Slot,
        release: Option<Version>,
    },
    /// The state record makes the slot written active, but the boot loader
    /// starts the other: an earlier run stopped before switching.
    SwitchNotDone { slot: Slot, running: Slot },
    /// The slot written holds the previous release.
    PreviousReplaced {
        slot: Slot,
        release: Option<Version>,
    },
    /// A detection issue this run sets right.
    SetRight { issue: detect::Issue },
}

impl fmt::Display for PlanNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let of = |v: &Option<Version>, before: &str| {
            v.as_ref()
                .map(|v| format!("{before}{v}"))
                .unwrap_or_default()
        };
        match self {
            PlanNote::FerryErased { product, release } => write!(
                f,
                "the Ferry installation of {} on this disk{} and its data are erased",
                product.as_deref().unwrap_or("an unknown product"),
                release
                    .as_ref()
                    .map(|v| format!(" ({v})"))
                    .unwrap_or_default()
            ),
            PlanNote::ForeignErased { found } => write!(f, "{found}: it is erased"),
            PlanNote::TableReplaced { problems } => write!(
                f,
                "the partition table is damaged ({}); the new one replaces it",
                crate::problem_list(problems)
            ),
            PlanNote::InterruptedWrite { slot, release } => write!(
                f,
                "slot {slot} holds an interrupted write{}; it is not trusted and is overwritten",
                of(release, " of ")
            ),
            PlanNote::FailedToStart { slot, release } => write!(
                f,
                "slot {slot} holds{}, which failed to start and used up its tries; it is \
                 replaced",
                of(release, " ")
            ),
            PlanNote::SwitchNotDone { slot, running } => write!(
                f,
                "the state record makes slot {slot} active but the boot loader starts slot \
                 {running}: an earlier run stopped before switching; slot {slot} is overwritten"
            ),
            PlanNote::PreviousReplaced { slot, release } => write!(
                f,
                "slot {slot} holds the previous release{}; it is replaced",
                of(release, " ")
            ),
            PlanNote::SetRight { issue } => write!(f, "{issue} (set right by this run)"),
        }
    }
}

impl serde::Serialize for PlanNote {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// What an update finds in the slot it overwrites, and the detection
/// issues it sets right.
pub(super) fn update_notes(
    target: &Target,
    record: &StateRecord,
    slot: Slot,
    running: Slot,
) -> Vec<PlanNote> {
    let Some(install) = target.report.ferry() else {
        return Vec::new();
    };
    let mut notes = Vec::new();
    let other = record.slots.get(slot);
    let release = other.release.clone();
    match other.state {
        SlotState::Writing => notes.push(PlanNote::InterruptedWrite { slot, release }),
        SlotState::New
            if matches!(
                install.slot(slot).and_then(|s| s.boot),
                Some(detect::boot::BootHealth::Failed { .. })
            ) =>
        {
            notes.push(PlanNote::FailedToStart { slot, release })
        }
        SlotState::Good | SlotState::New if record.active == slot => {
            notes.push(PlanNote::SwitchNotDone { slot, running })
        }
        SlotState::Good | SlotState::New => {
            notes.push(PlanNote::PreviousReplaced { slot, release })
        }
        SlotState::Empty => {}
    }
    for issue in &target.report.issues {
        if matches!(
            issue.kind,
            detect::IssueKind::BootEntryDisagrees | detect::IssueKind::DefaultBootDisagrees
        ) {
            notes.push(PlanNote::SetRight {
                issue: issue.clone(),
            });
        }
    }

    notes
}
