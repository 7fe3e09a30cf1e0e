//! A Ferry installation: find its partitions, read the state record from the
//! config partition and the boot entries from the ESP, and compare them.

use crate::boot::{self, BootEntry, BootHealth};
use crate::fat;
use crate::layout::{self, Role, Slot};
use crate::report::{
    FatPartition, FerryInstall, Issue, IssueFact, PartitionInfo, PartitionRef, SlotReport,
};
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
            [] => issues.push(Issue::new(IssueFact::MissingPartition {
                name: role.partition_name().to_string(),
            })),
            [p, rest @ ..] => {
                if !rest.is_empty() {
                    issues.push(Issue::new(IssueFact::DuplicatePartition {
                        name: role.partition_name().to_string(),
                        count: matching.len() as u64,
                        used: p.index,
                    }));
                }
                if !p.type_id.eq_ignore_ascii_case(role.type_guid()) {
                    issues.push(Issue::new(IssueFact::WrongPartitionType {
                        partition: PartitionRef::new(p.index, p.name.as_deref()),
                        found: p.type_id.clone(),
                        expected: role.type_guid().to_string(),
                    }));
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
                let files = entries.iter().map(|e| e.file.clone()).collect();
                issues.push(Issue::new(IssueFact::SeveralBootEntries { slot, files }));
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
                issues.push(Issue::new(IssueFact::DefaultMatchesNoEntry {
                    default: d.clone(),
                }));
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
    which: FatPartition,
    issues: &mut Vec<Issue>,
) -> Option<fat::FatVolume<'a, D>> {
    let partition = PartitionRef::new(part.index, part.name.as_deref());
    if part.start.saturating_add(part.size) > size {
        issues.push(Issue::new(IssueFact::FatCutOff {
            fat: which,
            partition,
        }));
        return None;
    }
    match fat::open(dev, part.start, part.size) {
        Ok(fs) => Some(fs),
        Err(problem) => {
            issues.push(Issue::new(IssueFact::FatUnreadable {
                fat: which,
                partition,
                problem,
            }));
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
    let fs = open_fat(dev, size, part, FatPartition::Config, issues)?;
    let record = match fat::read_file(&fs, layout::STATE_PATH, MAX_STATE_SIZE) {
        Ok(Some(bytes)) => match StateRecord::parse_bytes(&bytes) {
            Ok(r) => Some(r),
            Err(e) => {
                issues.push(Issue::new(IssueFact::StateUnreadable {
                    problem: (&e).into(),
                }));
                None
            }
        },
        Ok(None) => {
            issues.push(Issue::new(IssueFact::StateMissing));
            None
        }
        Err(problem) => {
            issues.push(Issue::new(IssueFact::StateFileUnreadable { problem }));
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
    let fs = open_fat(dev, size, part, FatPartition::Esp, issues)?;
    let files = match fat::list_dir(&fs, layout::LOADER_ENTRIES_DIR) {
        Ok(f) => f.unwrap_or_default(),
        Err(problem) => {
            issues.push(Issue::new(IssueFact::EspFilesUnreadable { problem }));
            return None;
        }
    };
    let default = match fat::read_file(&fs, layout::LOADER_CONF_PATH, MAX_LOADER_CONF) {
        Ok(Some(bytes)) => boot::loader_default(&String::from_utf8_lossy(&bytes)),
        Ok(None) => None,
        Err(problem) => {
            issues.push(Issue::new(IssueFact::EspFilesUnreadable { problem }));
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
    let mut push = |fact| issues.push(Issue::new(fact));
    for s in slots {
        let slot = s.slot;
        let r = rec.slots.get(slot);
        let release = r.release.clone();
        let installed = matches!(r.state, SlotState::Good | SlotState::New);
        if r.state == SlotState::Writing {
            push(IssueFact::HalfWrittenSlot {
                slot,
                release: release.clone(),
            });
        }
        if installed && s.partition.is_none() {
            push(IssueFact::SlotPartitionMissing {
                slot,
                release: release.clone(),
            });
        }
        if installed && !s.config_dir {
            push(IssueFact::ConfigDirMissing {
                slot,
                state: r.state,
            });
        }
        match (r.state, s.boot) {
            (SlotState::Good | SlotState::New, Some(BootHealth::NoEntry)) => {
                push(IssueFact::NoBootEntry {
                    slot,
                    state: r.state,
                })
            }
            (SlotState::Good, Some(BootHealth::Failed { tries_done })) => {
                push(IssueFact::GoodSlotFailed {
                    slot,
                    tries: tries_done,
                })
            }
            (
                SlotState::Empty | SlotState::Writing,
                Some(BootHealth::Good | BootHealth::Trying { .. }),
            ) => push(IssueFact::EmptySlotBootable {
                slot,
                state: r.state,
            }),
            _ => {}
        }
        if let (SlotState::New, Some(BootHealth::Failed { tries_done })) = (r.state, s.boot) {
            push(IssueFact::SlotFailedToBoot {
                slot,
                release,
                tries: tries_done,
                still_default: boot_default == Some(slot),
            });
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
            push(IssueFact::DefaultNotActive {
                active: rec.active,
                default: d,
            });
        }
    }
}
