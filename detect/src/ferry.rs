//! A Ferry installation: find its partitions, read the state record from the
//! config partition and the boot entries from the ESP, and compare them.

use crate::boot::{self, BootEntry, BootHealth};
use crate::fat;
use crate::layout::{self, Role, Slot};
use crate::report::{FerryInstall, Issue, IssueKind, PartitionInfo, SlotReport};
use crate::scan::describe;
use crate::state::{SlotState, StateRecord, MAX_STATE_SIZE};
use std::io::{Read, Seek};

/// Largest `loader.conf` we read.
const MAX_LOADER_CONF: usize = 64 * 1024;

/// What the ESP says about booting.
struct EspFacts {
    entries: Vec<BootEntry>,
    default: Option<String>,
}

/// What the config partition holds.
struct ConfigFacts {
    record: Option<StateRecord>,
    config_dirs: [bool; 2],
}

/// Inspect a disk whose GPT has Ferry partition names.
pub(crate) fn inspect<D: Read + Seek>(
    dev: &mut D,
    size: u64,
    partitions: &[PartitionInfo],
    issues: &mut Vec<Issue>,
) -> FerryInstall {
    let find = |role: Role| -> Option<&PartitionInfo> {
        let mut found = partitions
            .iter()
            .filter(|p| p.name.as_deref() == Some(role.partition_name()));
        found.next()
    };
    for role in Role::ALL {
        let matching: Vec<&PartitionInfo> = partitions
            .iter()
            .filter(|p| p.name.as_deref() == Some(role.partition_name()))
            .collect();
        match matching.as_slice() {
            [] => issues.push(Issue::new(
                IssueKind::MissingPartition,
                format!("the Ferry partition {} is missing", role.partition_name()),
            )),
            [p, rest @ ..] => {
                if !rest.is_empty() {
                    issues.push(Issue::new(
                        IssueKind::DuplicatePartition,
                        format!(
                            "{} partitions are named {}; partition {} is used",
                            matching.len(),
                            role.partition_name(),
                            p.index
                        ),
                    ));
                }
                if !p.type_id.eq_ignore_ascii_case(role.type_guid()) {
                    issues.push(Issue::new(
                        IssueKind::WrongPartitionType,
                        format!(
                            "partition {} has type {} instead of {}",
                            describe(p.index, p.name.as_deref()),
                            p.type_id,
                            role.type_guid()
                        ),
                    ));
                }
            }
        }
    }

    let config = find(Role::Config).and_then(|p| read_config(dev, size, p, issues));
    let esp = find(Role::Esp).and_then(|p| read_esp(dev, size, p, issues));
    let record = config.as_ref().and_then(|c| c.record.clone());

    let slots: Vec<SlotReport> = Slot::ALL
        .into_iter()
        .map(|slot| {
            let rec = record.as_ref().map(|r| r.slots.get(slot));
            let entries: Vec<&BootEntry> = esp
                .as_ref()
                .map(|e| e.entries.iter().filter(|b| b.slot == slot).collect())
                .unwrap_or_default();
            if entries.len() > 1 {
                let files: Vec<&str> = entries.iter().map(|e| e.file.as_str()).collect();
                issues.push(Issue::new(
                    IssueKind::BootEntryDisagrees,
                    format!(
                        "slot {slot} has {} boot entries on the ESP: {}",
                        files.len(),
                        files.join(", ")
                    ),
                ));
            }
            SlotReport {
                slot,
                partition: find(Role::Root(slot)).map(|p| p.index),
                state: rec.map(|r| r.state),
                release: rec.and_then(|r| r.release.clone()),
                hotfixes: rec.map(|r| r.hotfixes.clone()).unwrap_or_default(),
                config_schema: rec.and_then(|r| r.config_schema),
                written_at: rec.and_then(|r| r.written_at),
                boot: esp
                    .as_ref()
                    .map(|_| entries.first().map_or(BootHealth::NoEntry, |e| e.health)),
                boot_entry: entries.first().map(|e| e.file.clone()),
                config_dir: config
                    .as_ref()
                    .is_some_and(|c| c.config_dirs[slot_index(slot)]),
            }
        })
        .collect();

    let boot_default = esp.as_ref().and_then(|e| {
        if let Some(d) = &e.default {
            if !e.entries.is_empty() && !e.entries.iter().any(|b| b.matches(d)) {
                issues.push(Issue::new(
                    IssueKind::DefaultBootDisagrees,
                    format!(
                        "the boot default {d:?} in {} matches no Ferry entry; the boot loader \
                         starts the first one",
                        layout::LOADER_CONF_PATH
                    ),
                ));
            }
        }
        boot::default_entry(&e.entries, e.default.as_deref()).map(|b| b.slot)
    });
    if let Some(rec) = &record {
        compare(rec, &slots, boot_default, issues);
    }

    FerryInstall {
        product: record.as_ref().map(|r| r.product.clone()),
        machine_id: record.as_ref().map(|r| r.machine_id.clone()),
        installed_at: record.as_ref().map(|r| r.installed_at),
        active_slot: record.as_ref().map(|r| r.active),
        boot_default,
        slots,
        trusted_keys: record
            .as_ref()
            .map(|r| r.trusted_keys.clone())
            .unwrap_or_default(),
        data_partition: find(Role::Data).is_some(),
        record,
    }
}

fn slot_index(slot: Slot) -> usize {
    match slot {
        Slot::A => 0,
        Slot::B => 1,
    }
}

/// Open a FAT partition, or explain why not as an issue.
fn open_fat<'a, D: Read + Seek>(
    dev: &'a mut D,
    size: u64,
    part: &PartitionInfo,
    kind: IssueKind,
    issues: &mut Vec<Issue>,
) -> Option<fat::FatVolume<'a, D>> {
    let what = describe(part.index, part.name.as_deref());
    if part.start.saturating_add(part.size) > size {
        issues.push(Issue::new(
            kind,
            format!("partition {what} is cut off by the end of the disk"),
        ));
        return None;
    }
    match fat::open(dev, part.start, part.size) {
        Ok(fs) => Some(fs),
        Err(e) => {
            issues.push(Issue::new(kind, format!("partition {what}: {e}")));
            None
        }
    }
}

fn read_config<D: Read + Seek>(
    dev: &mut D,
    size: u64,
    part: &PartitionInfo,
    issues: &mut Vec<Issue>,
) -> Option<ConfigFacts> {
    let fs = open_fat(dev, size, part, IssueKind::ConfigUnreadable, issues)?;
    let record = match fat::read_file(&fs, layout::STATE_PATH, MAX_STATE_SIZE) {
        Ok(Some(bytes)) => match StateRecord::parse_bytes(&bytes) {
            Ok(r) => Some(r),
            Err(e) => {
                issues.push(Issue::new(IssueKind::StateUnreadable, e.to_string()));
                None
            }
        },
        Ok(None) => {
            issues.push(Issue::new(
                IssueKind::StateMissing,
                format!("the config partition has no {}", layout::STATE_PATH),
            ));
            None
        }
        Err(e) => {
            issues.push(Issue::new(IssueKind::StateUnreadable, e));
            None
        }
    };
    let config_dirs = Slot::ALL.map(|s| fat::dir_exists(&fs, &s.config_dir()));
    Some(ConfigFacts {
        record,
        config_dirs,
    })
}

fn read_esp<D: Read + Seek>(
    dev: &mut D,
    size: u64,
    part: &PartitionInfo,
    issues: &mut Vec<Issue>,
) -> Option<EspFacts> {
    let fs = open_fat(dev, size, part, IssueKind::EspUnreadable, issues)?;
    let files = match fat::list_dir(&fs, layout::LOADER_ENTRIES_DIR) {
        Ok(f) => f.unwrap_or_default(),
        Err(e) => {
            issues.push(Issue::new(IssueKind::EspUnreadable, e));
            return None;
        }
    };
    let default = match fat::read_file(&fs, layout::LOADER_CONF_PATH, MAX_LOADER_CONF) {
        Ok(Some(bytes)) => boot::loader_default(&String::from_utf8_lossy(&bytes)),
        Ok(None) => None,
        Err(e) => {
            issues.push(Issue::new(IssueKind::EspUnreadable, e));
            None
        }
    };
    Some(EspFacts {
        entries: boot::ferry_entries(&files),
        default,
    })
}

/// Compare the state record with the partitions, the config directories
/// and the boot entries.
fn compare(
    rec: &StateRecord,
    slots: &[SlotReport],
    boot_default: Option<Slot>,
    issues: &mut Vec<Issue>,
) {
    let mut push = |kind, msg: String| issues.push(Issue::new(kind, msg));
    for s in slots {
        let slot = s.slot;
        let r = rec.slots.get(slot);
        let release = r
            .release
            .as_ref()
            .map(|v| format!(" (release {v})"))
            .unwrap_or_default();
        let installed = matches!(r.state, SlotState::Good | SlotState::New);
        if r.state == SlotState::Writing {
            push(
                IssueKind::HalfWrittenSlot,
                format!("slot {slot} was being written{release} and the write did not finish; its content must not be trusted"),
            );
        }
        if installed && s.partition.is_none() {
            push(
                IssueKind::StateDisagreesWithDisk,
                format!("the state record says slot {slot} holds a release{release}, but its partition {} is missing", slot.partition_name()),
            );
        }
        if installed && !s.config_dir {
            push(
                IssueKind::StateDisagreesWithDisk,
                format!(
                    "slot {slot} is {} but the config partition has no {}/",
                    r.state.name(),
                    slot.config_dir()
                ),
            );
        }
        match (r.state, s.boot) {
            (SlotState::Good | SlotState::New, Some(BootHealth::NoEntry)) => push(
                IssueKind::BootEntryDisagrees,
                format!("slot {slot} is {} but the ESP has no boot entry for it", r.state.name()),
            ),
            (SlotState::Good, Some(BootHealth::Failed { tries_done })) => push(
                IssueKind::BootEntryDisagrees,
                format!("slot {slot} is recorded as good but its boot entry failed after {tries_done} tries"),
            ),
            (SlotState::Empty | SlotState::Writing, Some(BootHealth::Good | BootHealth::Trying { .. })) => push(
                IssueKind::BootEntryDisagrees,
                format!("slot {slot} is {} but has a bootable entry on the ESP", r.state.name()),
            ),
            _ => {}
        }
        if let (SlotState::New, Some(BootHealth::Failed { tries_done })) = (r.state, s.boot) {
            let then = if boot_default == Some(slot) {
                "the boot loader still starts it".to_string()
            } else {
                format!("the machine starts slot {} instead", slot.other())
            };
            push(
                IssueKind::SlotFailedToBoot,
                format!("slot {slot}{release} failed to start {tries_done} times; {then}"),
            );
        }
    }
    if let Some(d) = boot_default {
        // A new slot that used up its tries already explains the fallback.
        let failed = matches!(
            slots
                .iter()
                .find(|s| s.slot == rec.active)
                .and_then(|s| s.boot),
            Some(BootHealth::Failed { .. })
        );
        if d != rec.active && !failed {
            push(
                IssueKind::DefaultBootDisagrees,
                format!("the state record makes slot {} active but the boot loader defaults to slot {d}", rec.active),
            );
        }
    }
}
