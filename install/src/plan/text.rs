//! The plan as a technician reads it: the summary `Plan` prints as and the
//! sentence of each step.

use std::fmt;
use std::path::Path;

use detect::layout::{self, Slot};
use detect::state::{SlotState, StateRecord};
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

pub(super) fn step(kind: StepKind, title: String) -> Step {
    Step { kind, title }
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
        steps.push(step(
            StepKind::MarkSlotWriting,
            format!("Mark slot {slot} as being written (not bootable) and remove its boot entry"),
        ));
    }
    steps.push(step(
        StepKind::WriteSlot,
        format!(
            "Write {} {} into slot {slot} ({} root image, kernel, initrd), verifying every chunk",
            m.product,
            m.version,
            size(component_size(payload, ROOTFS))
        ),
    ));
    steps.push(step(
        StepKind::ReadBack,
        format!("Read slot {slot} back and compare it with the signed manifest"),
    ));
    steps.push(step(
        StepKind::WriteConfig,
        format!(
            "Write the configuration of slot {slot}{}",
            schema.map(|s| format!(" (schema {s})")).unwrap_or_default()
        ),
    ));
    match (fresh, shim) {
        (true, false) => steps.push(step(
            StepKind::InstallBootLoader,
            "Install systemd-boot on the ESP".into(),
        )),
        (true, true) => steps.push(step(
            StepKind::InstallBootLoader,
            "Install the boot chain on the ESP: shim (Secure Boot), systemd-boot, MokManager"
                .into(),
        )),
        (false, true) => steps.push(step(
            StepKind::InstallBootLoader,
            "Bring the ESP's boot chain to the medium's: shim (Secure Boot), systemd-boot, \
             MokManager, each file replaced whole"
                .into(),
        )),
        (false, false) => {}
    }
    steps.push(step(
        StepKind::RecordNewSlot,
        format!("Record slot {slot} as new in the state record"),
    ));
    steps.push(step(
        StepKind::SetDefault,
        format!(
            "Make slot {slot} the boot default: add its boot entry with {} tries{}",
            layout::DEFAULT_BOOT_TRIES,
            if fresh {
                ""
            } else {
                ", after which the machine falls back to the other slot by itself"
            }
        ),
    ));
    steps.push(step(
        StepKind::WriteReport,
        "Write the report to the config partition and the medium".into(),
    ));
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
        steps.push(step(
            StepKind::VerifyPayload,
            format!(
                "Verify every chunk of the payload ({}) before {} anything",
                size(payload.manifest.total_size()),
                if wipe { "erasing" } else { "writing" }
            ),
        ));
    }
    if wipe {
        steps.push(step(
            StepKind::DiscardData,
            "Erase the data partition (discard, or write zeros where the disk cannot discard)"
                .into(),
        ));
    }
    steps.extend([
        step(
            StepKind::WritePartitionTable,
            format!(
                "Write a new GPT partition table on {}: ESP, root a, root b, config, data",
                disk.display()
            ),
        ),
        step(
            StepKind::FormatEsp,
            format!("Format the ESP ({})", fat_name(esp)),
        ),
        step(
            StepKind::FormatConfig,
            format!("Format the config partition ({})", fat_name(config)),
        ),
    ]);
    if let Some(data) = data {
        steps.push(step(
            StepKind::FormatData,
            format!(
                "Format the data partition ({}), as the product asks",
                fat_name(data)
            ),
        ));
    }
    steps.extend(slot_steps(payload, Slot::A, Some(schema), true, shim));
    steps
}

/// What an update finds in the slot it overwrites, and the detection
/// issues it sets right.
pub(super) fn update_notes(
    target: &Target,
    record: &StateRecord,
    slot: Slot,
    running: Slot,
) -> Vec<String> {
    let Some(install) = target.report.ferry() else {
        return Vec::new();
    };
    let mut notes = Vec::new();
    let other = record.slots.get(slot);
    match other.state {
        SlotState::Writing => notes.push(format!(
            "slot {slot} holds an interrupted write{}; it is not trusted and is overwritten",
            other
                .release
                .as_ref()
                .map(|v| format!(" of {v}"))
                .unwrap_or_default()
        )),
        SlotState::New
            if matches!(
                install.slot(slot).and_then(|s| s.boot),
                Some(detect::boot::BootHealth::Failed { .. })
            ) =>
        {
            notes.push(format!(
                "slot {slot} holds{}, which failed to start and used up its tries; it is \
                 replaced",
                other
                    .release
                    .as_ref()
                    .map(|v| format!(" {v}"))
                    .unwrap_or_default()
            ))
        }
        SlotState::Good | SlotState::New if record.active == slot => notes.push(format!(
            "the state record makes slot {slot} active but the boot loader starts slot \
             {running}: an earlier run stopped before switching; slot {slot} is overwritten"
        )),
        SlotState::Good | SlotState::New => notes.push(format!(
            "slot {slot} holds the previous release{}; it is replaced",
            other
                .release
                .as_ref()
                .map(|v| format!(" {v}"))
                .unwrap_or_default()
        )),
        SlotState::Empty => {}
    }
    for issue in &target.report.issues {
        if matches!(
            issue.kind,
            detect::IssueKind::BootEntryDisagrees | detect::IssueKind::DefaultBootDisagrees
        ) {
            notes.push(format!("{} (set right by this run)", issue.message));
        }
    }

    notes
}
