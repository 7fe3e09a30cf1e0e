//! Planning a fresh install or a wipe: a new layout on the whole disk.

use std::sync::Arc;

use detect::layout::{self, Role, Slot};
use detect::state::{SlotRecord, SlotState, StateRecord, UnattendedRun, STATE_FORMAT};
use detect::{Content, FerryInstall};
use migrate::ConfigTree;
use payload::{Kind, Manifest};

use super::checks::{boot_files, keys_after, root_fits};
use super::text::{fresh_steps, PlanNote};
use super::{derived_guid, Action, Choice, Plan, PlannedPartition};
use crate::error::Refusal;
use crate::source::PayloadInfo;
use crate::target::{PartitionSizes, Target};

fn valid_machine_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

pub(super) fn plan_fresh(
    target: &Target,
    payload: &PayloadInfo,
    choice: &Choice,
) -> Result<Plan, Refusal> {
    let m = &payload.manifest;
    let existing = target.report.ferry();
    if m.kind == Kind::Hotfix {
        return Err(Refusal::HotfixAlone {
            id: m.hotfix_id.clone().unwrap_or_default(),
            product: m.product.clone(),
            version: m.version.clone(),
        });
    }
    if choice.action == Action::Install {
        match &target.report.content {
            Content::Blank => {}
            Content::Ferry(_) => return Err(Refusal::AlreadyInstalled),
            Content::Foreign { found, .. } => {
                return Err(Refusal::NotBlank {
                    found: found.clone(),
                })
            }
            Content::Unreadable { why } => return Err(Refusal::Unreadable { why: why.clone() }),
        }
    }
    if let (Some(run), Some(install)) = (&choice.unattended, existing) {
        if holds_result(install, run, m) {
            return Err(Refusal::AlreadyDone {
                disk: target.path().to_path_buf(),
                product: m.product.clone(),
                version: m.version.clone(),
                medium: run.medium.clone(),
            });
        }
    }
    let def = super::definition(m);
    let sizes = choice
        .sizes
        .unwrap_or_else(|| PartitionSizes::of_definition(&def, target.report.size));
    let needed = sizes.min_disk_size();
    if target.report.size < needed {
        return Err(Refusal::DiskTooSmall {
            size: target.report.size,
            needed,
        });
    }
    let slot = Slot::A;
    root_fits(payload, slot, sizes.root)?;
    let boot_bytes = boot_files(payload);
    // Both slots' kernels and initrds, plus room for the boot loader and
    // the FAT itself.
    if payload::product::esp_needed(boot_bytes) > sizes.esp {
        return Err(Refusal::EspTooSmall {
            boot_files: boot_bytes,
            esp: sizes.esp,
        });
    }
    let machine_id = match (
        existing.and_then(|f| f.machine_id.clone()),
        &choice.machine_id,
    ) {
        (Some(id), _) if choice.action == Action::Wipe => id,
        (_, Some(id)) => id.clone(),
        (_, None) => return Err(Refusal::NoMachineId),
    };
    if !valid_machine_id(&machine_id) {
        return Err(Refusal::BadMachineId { id: machine_id });
    }
    let config = fresh_config(payload, choice)?;
    let config_schema = config
        .schema()
        .map_err(|e| Refusal::DefaultConfig(Arc::new(e)))?;
    if let Some(manifest) = m.config_schema {
        if manifest != config_schema {
            return Err(Refusal::SchemaDisagrees {
                manifest,
                recorded: config_schema,
            });
        }
    }

    // The layout: 1 MiB for the protective MBR and primary GPT, then the
    // partitions aligned to 1 MiB, the data partition up to the last MiB.
    let end = (target.report.size / layout::MIB - 1) * layout::MIB;
    let mut start = layout::MIB;
    let mut partitions = Vec::new();
    for (i, role) in layout::Role::ALL.into_iter().enumerate() {
        let len = sizes.of(role).unwrap_or(end - start);
        partitions.push(PlannedPartition {
            role,
            index: i as u32 + 1,
            start,
            size: len,
            part_guid: derived_guid(&machine_id, role.partition_name()),
        });
        start += len;
    }

    // The installer's keys, without those the installer or the record on
    // the disk (a wipe) revoked: a revocation outlives the installation.
    let installer_keys: Vec<String> = payload
        .trust
        .trusted()
        .map(|(fp, _)| fp.to_string())
        .collect();
    let mut revoked: Vec<String> = existing
        .and_then(|f| f.record.as_ref())
        .map(|r| r.revoked_keys.clone())
        .unwrap_or_default();
    revoked.extend(payload.trust.revoked().map(ToString::to_string));
    let keys = keys_after(
        &installer_keys,
        &revoked,
        &payload.signers,
        m.trust.as_ref(),
    )?;
    let epoch = time::OffsetDateTime::UNIX_EPOCH;
    let state_after = StateRecord {
        format: STATE_FORMAT,
        product: m.product.clone(),
        machine_id: machine_id.clone(),
        installed_at: epoch,
        active: slot,
        trusted_keys: keys.trusted,
        revoked_keys: keys.revoked,
        slots: detect::state::Slots {
            a: SlotRecord {
                state: SlotState::New,
                release: Some(m.version.clone()),
                hotfixes: Vec::new(),
                config_schema: Some(config_schema),
                written_at: Some(epoch),
            },
            b: SlotRecord::empty(),
        },
        unattended: choice.unattended.clone(),
    };
    state_after
        .validate()
        .map_err(|e| Refusal::InvalidState(Arc::new(e)))?;

    let mut discard = Vec::new();
    let mut notes = Vec::new();
    // The old data partition as the old table says, where that lies on
    // the disk (a damaged table may say otherwise).
    let on_disk = |p: &&crate::target::Partition| {
        p.start
            .checked_add(p.size)
            .is_some_and(|end| end <= target.report.size)
    };
    if let Some(old) = target.partition(Role::Data).filter(on_disk) {
        discard.push((old.start, old.size));
    }
    if let Some(new) = partitions.iter().find(|p| p.role == Role::Data) {
        discard.push((new.start, new.size));
    }
    let from = existing.and_then(|f| {
        f.active_slot
            .and_then(|s| f.slot(s))
            .and_then(|s| s.release.clone())
    });
    match &target.report.content {
        Content::Ferry(f) if choice.action == Action::Wipe => notes.push(PlanNote::FerryErased {
            product: f.product.clone(),
            release: from.clone(),
        }),
        Content::Foreign { found, .. } => notes.push(PlanNote::ForeignErased {
            found: found.clone(),
        }),
        _ => {}
    }
    if !target.table_problems.is_empty() {
        notes.push(PlanNote::TableReplaced {
            problems: target.table_problems.clone(),
        });
    }
    let wipe = choice.action == Action::Wipe;
    if !wipe {
        discard.clear();
    }
    let verify = !choice.payload_verified;
    let sector_size = target.report.sector_size;
    let fat_kind = |role| {
        sizes
            .of(role)
            .and_then(|len| crate::fatvol::layout(len, sector_size))
            .map_or(fat::FatKind::Fat32, |(kind, _, _)| kind)
    };
    let data_fat = match def.data_filesystem {
        payload::product::DataFilesystem::None => None,
        payload::product::DataFilesystem::Fat32 => {
            let len = partitions
                .iter()
                .find(|p| p.role == Role::Data)
                .map_or(0, |p| p.size);
            // A FAT volume counts its sectors in 32 bits.
            let sectors_fit = len / sector_size <= u64::from(u32::MAX);
            match crate::fatvol::layout(len, sector_size).filter(|_| sectors_fit) {
                Some((kind, _, _)) => Some(kind),
                None => {
                    return Err(Refusal::DataNotFormattable {
                        bytes: len,
                        filesystem: def.data_filesystem,
                    })
                }
            }
        }
    };
    let fats = (fat_kind(Role::Esp), fat_kind(Role::Config), data_fat);
    let steps = fresh_steps(
        payload,
        target.path(),
        config_schema,
        wipe,
        verify,
        fats,
        choice.shim.is_some(),
    );
    Ok(Plan {
        action: choice.action,
        disk: target.path().to_path_buf(),
        disk_size: target.report.size,
        sector_size,
        product: m.product.clone(),
        from,
        from_hotfixes: Vec::new(),
        to: m.version.clone(),
        hotfix: None,
        to_hotfixes: Vec::new(),
        slot,
        keep_slot: None,
        entry_title: super::entry_title(m, &[]),
        cmdline: def.cmdline.clone(),
        disk_guid: Some(derived_guid(&machine_id, "disk")),
        machine_id,
        partitions,
        new_table: true,
        partition_area: (layout::MIB, end),
        discard,
        migration: None,
        config_schema,
        config,
        state_before: existing.and_then(|f| f.record.clone()),
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
        steps,
    })
}

/// Whether `install` holds what the unattended `run` installed from the
/// payload of `m`: its state record names the run and the release in its
/// active slot, and the boot loader starts that slot (an install stopped
/// before its boot entry was written holds no result).
fn holds_result(install: &FerryInstall, run: &UnattendedRun, m: &Manifest) -> bool {
    let Some(record) = &install.record else {
        return false;
    };
    record.unattended.as_ref() == Some(run)
        && record.product == m.product
        && record.slots.get(record.active).release.as_ref() == Some(&m.version)
        && install.boot_default == Some(record.active)
}

fn fresh_config(payload: &PayloadInfo, choice: &Choice) -> Result<ConfigTree, Refusal> {
    if payload.defaults.is_empty() {
        return Err(Refusal::NoDefaultConfig);
    }
    match &choice.answers {
        Some(a) => Ok(a.apply_to(&payload.defaults)?),
        None => Ok(payload.defaults.clone()),
    }
}
