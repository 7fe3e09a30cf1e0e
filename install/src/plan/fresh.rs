//! Planning a fresh install or a wipe: a new layout on the whole disk.

use detect::layout::{self, Role, Slot};
use detect::state::{SlotRecord, SlotState, StateRecord, STATE_FORMAT};
use detect::Content;
use migrate::ConfigTree;
use payload::Kind;

use super::checks::{component_size, fingerprints};
use super::text::{size, slot_steps, step};
use super::{derived_guid, Action, Choice, Plan, PlannedPartition, StepKind};
use crate::error::Refusal;
use crate::source::{PayloadInfo, INITRD, KERNEL, ROOTFS};
use crate::target::Target;

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
        return Err(Refusal::Choice(format!(
            "hotfix {} changes an installed {} {}; it cannot be installed on its own",
            m.hotfix_id.clone().unwrap_or_default(),
            m.product,
            m.version
        )));
    }
    if choice.action == Action::Install {
        match &target.report.content {
            Content::Blank => {}
            Content::Ferry(_) => {
                return Err(Refusal::Choice(
                    "Ferry is already installed on this disk: choose upgrade, or wipe and reinstall"
                        .into(),
                ))
            }
            Content::Foreign { summary, .. } => {
                return Err(Refusal::Choice(format!(
                    "the disk is not empty ({summary}); choose wipe and reinstall to erase it"
                )))
            }
            Content::Unreadable { reason } => {
                return Err(Refusal::Choice(format!(
                    "the disk holds something unreadable ({reason}); choose wipe and reinstall to erase it"
                )))
            }
        }
    }
    let sizes = choice.sizes;
    let needed = sizes.min_disk_size();
    if target.report.size < needed {
        return Err(Refusal::DiskTooSmall {
            size: target.report.size,
            needed,
        });
    }
    let rootfs = component_size(payload, ROOTFS);
    if rootfs > sizes.root {
        return Err(Refusal::Space(format!(
            "the root image is {} but a root slot is {}",
            size(rootfs),
            size(sizes.root)
        )));
    }
    let boot_bytes = component_size(payload, KERNEL) + component_size(payload, INITRD);
    // Both slots' kernels and initrds, plus room for the boot loader and
    // the FAT itself.
    if 2 * boot_bytes + 16 * layout::MIB > sizes.esp {
        return Err(Refusal::Space(format!(
            "kernel and initrd take {}; two of them do not fit on an ESP of {}",
            size(boot_bytes),
            size(sizes.esp)
        )));
    }
    let machine_id = match (
        existing.and_then(|f| f.machine_id.clone()),
        &choice.machine_id,
    ) {
        (Some(id), _) if choice.action == Action::Wipe => id,
        (_, Some(id)) => id.clone(),
        (_, None) => {
            return Err(Refusal::Choice(
                "no machine id was given for the new installation".into(),
            ))
        }
    };
    if !valid_machine_id(&machine_id) {
        return Err(Refusal::Choice(format!(
            "machine id {machine_id:?} is not 32 lower case hex digits"
        )));
    }
    let config = fresh_config(payload, choice)?;
    let config_schema = config
        .schema()
        .map_err(|e| Refusal::Payload(format!("the default configuration: {e}")))?;
    if let Some(s) = m.config_schema {
        if s != config_schema {
            return Err(Refusal::Payload(format!(
                "the manifest says configuration schema {s} but the default configuration records {config_schema}"
            )));
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

    let trust = match &m.trust {
        Some(update) => payload
            .trust
            .updated(update)
            .map_err(|e| Refusal::Payload(e.to_string()))?,
        None => payload.trust.clone(),
    };
    let trusted_keys = fingerprints(&trust);
    if trusted_keys.is_empty() {
        return Err(Refusal::Payload(
            "no trusted key would be left to record".into(),
        ));
    }
    let epoch = time::OffsetDateTime::UNIX_EPOCH;
    let slot = Slot::A;
    let state_after = StateRecord {
        format: STATE_FORMAT,
        product: m.product.clone(),
        machine_id: machine_id.clone(),
        installed_at: epoch,
        active: slot,
        trusted_keys,
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
    };
    state_after
        .validate()
        .map_err(|e| Refusal::Payload(format!("the state record would be invalid: {e}")))?;

    let mut discard = Vec::new();
    let mut notes = Vec::new();
    if let Some(old) = target.partition(Role::Data) {
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
        Content::Ferry(f) if choice.action == Action::Wipe => notes.push(format!(
            "the Ferry installation of {} on this disk{} and its data are erased",
            f.product
                .clone()
                .unwrap_or_else(|| "an unknown product".into()),
            from.as_ref().map(|v| format!(" ({v})")).unwrap_or_default()
        )),
        Content::Foreign { summary, .. } => {
            notes.push(format!("{summary}: it is erased"));
        }
        _ => {}
    }
    let disk = target.path().display().to_string();
    let mut steps = vec![
        step(
            StepKind::DiscardData,
            "Erase the data partition (discard, or write zeros where the disk cannot discard)"
                .into(),
        ),
        step(
            StepKind::WritePartitionTable,
            format!("Write a new GPT partition table on {disk}: ESP, root a, root b, config, data"),
        ),
        step(StepKind::FormatEsp, "Format the ESP (FAT32)".into()),
        step(
            StepKind::FormatConfig,
            "Format the config partition (FAT32)".into(),
        ),
    ];
    steps.extend(slot_steps(payload, slot, Some(config_schema), true));
    if choice.action == Action::Install {
        steps.remove(0);
        discard.clear();
    }
    Ok(Plan {
        action: choice.action,
        disk: target.path().to_path_buf(),
        disk_size: target.report.size,
        product: m.product.clone(),
        from,
        from_hotfixes: Vec::new(),
        to: m.version.clone(),
        hotfix: None,
        to_hotfixes: Vec::new(),
        slot,
        keep_slot: None,
        disk_guid: Some(derived_guid(&machine_id, "disk")),
        machine_id,
        partitions,
        new_table: true,
        discard,
        migration: None,
        config_schema,
        config,
        state_before: existing.and_then(|f| f.record.clone()),
        state_after,
        payload: payload.path.clone(),
        manifest_sha256: payload.manifest_sha256.clone(),
        signer: payload.signer.to_string(),
        payload_bytes: m.total_size(),
        components: m.components.clone(),
        trust: payload.trust.clone(),
        boot_loader: choice.boot_loader.clone(),
        report_dirs: choice.report_dirs.clone(),
        medium: choice.medium.clone(),
        notes,
        steps,
    })
}

fn fresh_config(payload: &PayloadInfo, choice: &Choice) -> Result<ConfigTree, Refusal> {
    if payload.defaults.is_empty() {
        return Err(Refusal::Payload(
            "the payload carries no default configuration (config-*.toml components)".into(),
        ));
    }
    match &choice.answers {
        Some(a) => a.apply_to(&payload.defaults).map_err(Refusal::Answers),
        None => Ok(payload.defaults.clone()),
    }
}
