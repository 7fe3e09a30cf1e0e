//! Planning an upgrade or a hotfix: the other slot of a running
//! installation, its configuration kept and migrated.

use std::sync::Arc;

use detect::layout::{self, Role};
use detect::state::{SlotRecord, SlotState};
use migrate::{ConfigTree, MigrationPlan};
use payload::Kind;

use super::checks::{boot_files, keys_after, root_fits};
use super::text::{slot_steps, update_notes};
use super::{Action, Choice, MigrationPreview, Plan, PlannedPartition};
use crate::error::{ConfigProblem, Refusal};
use crate::source::PayloadInfo;
use crate::target::{running_slot, Target};

pub(super) fn plan_update(
    target: &Target,
    payload: &PayloadInfo,
    choice: &Choice,
) -> Result<Plan, Refusal> {
    let m = &payload.manifest;
    let Some(install) = target.report.ferry() else {
        return Err(Refusal::NoInstallation {
            disk: target.path().to_path_buf(),
            action: choice.action,
        });
    };
    // A slot is written where the table points: only where it is sound.
    if !target.table_problems.is_empty() {
        return Err(Refusal::DamagedPartitionTable {
            disk: target.path().to_path_buf(),
            problems: target.table_problems.clone(),
        });
    }
    let sector_size = target.report.sector_size;
    if let Some(table) = target.table_sector_size.filter(|&t| t != sector_size) {
        return Err(Refusal::SectorSizeDiffers {
            disk: target.path().to_path_buf(),
            table,
            sector_size,
        });
    }
    let Some(record) = install.record.clone() else {
        return Err(Refusal::NoStateRecord);
    };
    if record.product != m.product {
        return Err(Refusal::OtherProduct {
            installed: record.product.clone(),
            offered: m.product.clone(),
        });
    }
    if matches!(
        (choice.action, m.kind),
        (Action::Upgrade | Action::Repair, Kind::Hotfix) | (Action::Hotfix, Kind::Release)
    ) {
        return Err(Refusal::WrongKind {
            kind: m.kind,
            action: choice.action,
        });
    }
    let running = running_slot(install).ok_or(Refusal::NoRunningSlot)?;
    let run_rec = record.slots.get(running).clone();
    let run_report = install.slot(running);
    let blessed = matches!(
        run_report.and_then(|s| s.boot),
        Some(detect::boot::BootHealth::Good)
    );
    let repair = choice.action == Action::Repair;
    match run_rec.state {
        SlotState::Good => {}
        SlotState::New if blessed => {}
        // A repair is for a system that may not have started well.
        SlotState::New if repair => {}
        SlotState::New => return Err(Refusal::NotConfirmed { slot: running }),
        SlotState::Writing | SlotState::Empty => {
            return Err(Refusal::BrokenSlot {
                slot: running,
                state: run_rec.state,
            })
        }
    }
    let installed = run_rec
        .release
        .clone()
        .ok_or(Refusal::NoRelease { slot: running })?;
    if repair {
        // The same release again, from the medium; nothing else.
        if installed != m.version {
            return Err(Refusal::RepairOtherRelease {
                installed,
                offered: m.version.clone(),
            });
        }
        if !run_rec.hotfixes.is_empty() {
            return Err(Refusal::RepairLosesHotfixes {
                release: installed,
                hotfixes: run_rec.hotfixes.clone(),
            });
        }
    } else {
        // The floor comes from the installed system's own record.
        m.check_upgrade_from(&installed, &run_rec.hotfixes)?;
    }

    // Key continuity: the installed system must trust one of the signers;
    // its revocations and the installer's both hold.
    let mut revoked = record.revoked_keys.clone();
    revoked.extend(payload.trust.revoked().map(ToString::to_string));
    let keys = keys_after(
        &record.trusted_keys,
        &revoked,
        &payload.signers,
        m.trust.as_ref(),
    )?;

    let slot = running.other();
    let mut partitions = Vec::new();
    for role in Role::ALL {
        if let Some(p) = target.partition(role) {
            partitions.push(PlannedPartition {
                role,
                index: p.index,
                start: p.start,
                size: p.size,
                part_guid: p.part_guid.clone(),
            });
        } else if role != Role::Data {
            return Err(Refusal::MissingPartition {
                partition: role.partition_name(),
            });
        }
    }
    let slot_size = target.partition(Role::Root(slot)).map_or(0, |p| p.size);
    root_fits(payload, slot, slot_size)?;
    let boot_bytes = boot_files(payload);
    if let Some(free) = target.esp_free {
        let available = free.saturating_add(target.esp_other_slot_bytes);
        // Cluster slack and directory entries.
        if boot_bytes.saturating_add(layout::MIB) > available {
            return Err(Refusal::EspFull {
                boot_files: boot_bytes,
                free: available,
            });
        }
    }

    let source = target
        .config
        .clone()
        .ok_or_else(|| Refusal::ConfigUnreadable {
            slot: running,
            reason: target
                .config_problem
                .clone()
                .unwrap_or(ConfigProblem::Partition(None)),
        })?;
    let current_schema = source
        .schema()
        .map_err(|e| Refusal::Migration(Arc::new(e)))?;
    let (config, migration, config_schema) = match choice.action {
        Action::Upgrade | Action::Repair => match config_migration(payload, &source)? {
            Some(mp) => {
                let preview = MigrationPreview {
                    from_schema: mp.from_schema(),
                    to_schema: mp.to_schema(),
                    changes: mp.changes().to_vec(),
                    diff: mp.diff(),
                };
                (mp.migrated().clone(), Some(preview), mp.to_schema())
            }
            None => (source, None, current_schema),
        },
        _ => match m.config_schema {
            Some(declared) if declared != current_schema => {
                return Err(Refusal::HotfixChangesSchema {
                    id: m.hotfix_id.clone().unwrap_or_default(),
                    declared,
                    running: current_schema,
                })
            }
            _ => (source, None, current_schema),
        },
    };
    if let Some(free) = target.config_free {
        let needed: u64 = config
            .iter()
            .map(|(_, b)| b.len() as u64 + 4096)
            .sum::<u64>()
            .saturating_add(256 * 1024);
        if needed > free {
            return Err(Refusal::ConfigFull { needed, free });
        }
    }

    let notes = update_notes(target, &record, slot, running);

    let mut state_after = record.clone();
    state_after.trusted_keys = keys.trusted;
    state_after.revoked_keys = keys.revoked;
    // A new slot whose entry lost its counter has booted good.
    // A repair of a slot that never proved itself leaves it as it is.
    if !(repair && run_rec.state == SlotState::New && !blessed) {
        state_after.slots.get_mut(running).state = SlotState::Good;
    }
    // What the image holds: `check_upgrade_from` saw to it that the
    // running slot's hotfixes are among them.
    let to_hotfixes = m.slot_hotfixes();
    *state_after.slots.get_mut(slot) = SlotRecord {
        state: SlotState::New,
        release: Some(m.version.clone()),
        hotfixes: to_hotfixes.clone(),
        config_schema: Some(config_schema),
        written_at: Some(time::OffsetDateTime::UNIX_EPOCH),
    };
    state_after.active = slot;
    state_after
        .validate()
        .map_err(|e| Refusal::InvalidState(Arc::new(e)))?;

    Ok(Plan {
        action: choice.action,
        disk: target.path().to_path_buf(),
        disk_size: target.report.size,
        sector_size,
        product: m.product.clone(),
        from: Some(installed),
        from_hotfixes: run_rec.hotfixes.clone(),
        to: m.version.clone(),
        hotfix: m.hotfix_id.clone().filter(|_| m.kind == Kind::Hotfix),
        entry_title: super::entry_title(m, &to_hotfixes),
        to_hotfixes,
        slot,
        keep_slot: Some(running),
        cmdline: super::definition(m).cmdline,
        machine_id: record.machine_id.clone(),
        disk_guid: None,
        partitions,
        new_table: false,
        partition_area: target.partition_area,
        discard: Vec::new(),
        migration,
        config_schema,
        config,
        state_before: Some(record),
        state_after,
        payload: payload.path.clone(),
        manifest_sha256: payload.manifest_sha256.clone(),
        signer: keys.vouching.to_string(),
        payload_bytes: m.total_size(),
        components: m.components.clone(),
        trust: payload.trust.clone(),
        boot_loader: choice.boot_loader.clone(),
        shim: choice.shim.clone(),
        report_dirs: choice.report_dirs.clone(),
        medium: choice.medium.clone(),
        report_context: crate::report::ReportContext::of(target, choice),
        notes,
        steps: slot_steps(
            payload,
            slot,
            Some(config_schema),
            false,
            choice.shim.is_some(),
        ),
    })
}

/// The migration an upgrade to `payload` makes of the running slot's
/// configuration `source`: to the schema the release's manifest declares,
/// with the release's `migrations.toml`. `None` when the release keeps the
/// schema (or declares none): the configuration is copied as it is.
/// `plan` and `installer-tui migrate --dry-run` both use this, so a dry run
/// shows exactly what the upgrade writes.
pub fn config_migration(
    payload: &PayloadInfo,
    source: &ConfigTree,
) -> Result<Option<MigrationPlan>, Refusal> {
    let from = source
        .schema()
        .map_err(|e| Refusal::Migration(Arc::new(e)))?;
    let Some(to) = payload.manifest.config_schema.filter(|to| *to != from) else {
        return Ok(None);
    };
    let set = payload
        .migrations
        .as_ref()
        .ok_or(Refusal::NoMigrations { from, to })?;
    migrate::plan(set, from, to, source)
        .map(Some)
        .map_err(|e| Refusal::Migration(Arc::new(e)))
}
