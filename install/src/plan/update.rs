//! Planning an upgrade or a hotfix: the other slot of a running
//! installation, its configuration kept and migrated.

use detect::layout::{self, Role};
use detect::state::{SlotRecord, SlotState};
use payload::Kind;

use super::checks::component_size;
use super::text::{size, slot_steps};
use super::{Action, Choice, MigrationPreview, Plan, PlannedPartition};
use crate::error::Refusal;
use crate::source::{PayloadInfo, INITRD, KERNEL, ROOTFS};
use crate::target::{running_slot, Target};

pub(super) fn plan_update(
    target: &Target,
    payload: &PayloadInfo,
    choice: &Choice,
) -> Result<Plan, Refusal> {
    let m = &payload.manifest;
    let Some(install) = target.report.ferry() else {
        return Err(Refusal::Choice(format!(
            "{} holds no Ferry installation to {}; choose install or wipe and reinstall",
            target.path().display(),
            choice.action
        )));
    };
    let Some(record) = install.record.clone() else {
        return Err(Refusal::Disk(
            "the installation has no readable state record, so what runs there is not known: \
             wipe and reinstall"
                .into(),
        ));
    };
    if record.product != m.product {
        return Err(Refusal::OtherProduct {
            installed: record.product.clone(),
            offered: m.product.clone(),
        });
    }
    match (choice.action, m.kind) {
        (Action::Upgrade, Kind::Hotfix) => {
            return Err(Refusal::Choice(
                "this payload is a hotfix: choose hotfix, not upgrade".into(),
            ))
        }
        (Action::Hotfix, Kind::Release) => {
            return Err(Refusal::Choice(
                "this payload is a release: choose upgrade, not hotfix".into(),
            ))
        }
        _ => {}
    }
    let running = running_slot(install).ok_or_else(|| {
        Refusal::Disk("neither the boot loader nor the state record names a running slot".into())
    })?;
    let run_rec = record.slots.get(running).clone();
    let run_report = install.slot(running);
    let blessed = matches!(
        run_report.and_then(|s| s.boot),
        Some(detect::boot::BootHealth::Good)
    );
    match run_rec.state {
        SlotState::Good => {}
        SlotState::New if blessed => {}
        SlotState::New => {
            return Err(Refusal::Disk(format!(
                "the release in slot {running} has not yet started successfully; start the \
                 machine from the disk once, so it confirms it, before changing the other slot"
            )))
        }
        SlotState::Writing | SlotState::Empty => {
            return Err(Refusal::Disk(format!(
                "the boot loader starts slot {running}, which is {}: the installation is \
                 broken; wipe and reinstall",
                run_rec.state.name()
            )))
        }
    }
    let installed = run_rec.release.clone().ok_or_else(|| {
        Refusal::Disk(format!(
            "the state record names no release in slot {running}"
        ))
    })?;
    // The floor comes from the installed system's own record.
    m.check_upgrade_from(&installed, &run_rec.hotfixes)?;

    // Key continuity: the installed system must trust the signer too.
    let signer = payload.signer.to_string();
    if !record.trusted_keys.contains(&signer) {
        let trusted: Vec<String> = record
            .trusted_keys
            .iter()
            .map(|k| k.chars().take(16).collect())
            .collect();
        return Err(Refusal::KeyNotTrusted {
            signer: payload.signer.short(),
            trusted: trusted.join(", "),
        });
    }
    let mut trusted_keys = record.trusted_keys.clone();
    if let Some(update) = &m.trust {
        for fp in &update.revoke {
            trusted_keys.retain(|k| *k != fp.to_string());
        }
        let keys = update
            .public_keys()
            .map_err(|e| Refusal::Payload(e.to_string()))?;
        for k in keys {
            let fp = k.fingerprint();
            let fps = fp.to_string();
            if !update.revoke.contains(&fp) && !trusted_keys.contains(&fps) {
                trusted_keys.push(fps);
            }
        }
        if trusted_keys.is_empty() {
            return Err(Refusal::Payload(
                "the payload would revoke every key the system trusts".into(),
            ));
        }
    }

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
            return Err(Refusal::Disk(format!(
                "the partition {} is missing; wipe and reinstall",
                role.partition_name()
            )));
        }
    }
    let slot_size = target.partition(Role::Root(slot)).map_or(0, |p| p.size);
    let rootfs = component_size(payload, ROOTFS);
    if rootfs > slot_size {
        return Err(Refusal::Space(format!(
            "the root image is {} but slot {slot} is {}",
            size(rootfs),
            size(slot_size)
        )));
    }
    let boot_bytes = component_size(payload, KERNEL) + component_size(payload, INITRD);
    if let Some(free) = target.esp_free {
        let available = free + target.esp_other_slot_bytes;
        // Cluster slack and directory entries.
        if boot_bytes + layout::MIB > available {
            return Err(Refusal::Space(format!(
                "kernel and initrd take {} but the ESP has {} free",
                size(boot_bytes),
                size(available)
            )));
        }
    }

    let source = target.config.clone().ok_or_else(|| {
        Refusal::Disk(format!(
            "the configuration of slot {running} cannot be read ({}); it would be lost, so \
             nothing is changed",
            target
                .config_problem
                .clone()
                .unwrap_or_else(|| "the config partition is unreadable".into())
        ))
    })?;
    let current_schema = source
        .schema()
        .map_err(|e| Refusal::Migration(e.to_string()))?;
    let (config, migration, config_schema) = match (choice.action, m.config_schema) {
        (Action::Upgrade, Some(to)) if to != current_schema => {
            let set = payload.migrations.as_ref().ok_or_else(|| {
                Refusal::Migration(format!(
                    "the release uses schema {to} but carries no migrations.toml to bring \
                     schema {current_schema} there"
                ))
            })?;
            let mp = migrate::plan(set, current_schema, to, &source)
                .map_err(|e| Refusal::Migration(e.to_string()))?;
            let preview = MigrationPreview {
                from_schema: mp.from_schema(),
                to_schema: mp.to_schema(),
                changes: mp.changes().iter().map(ToString::to_string).collect(),
                diff: mp.diff(),
            };
            (mp.migrated().clone(), Some(preview), to)
        }
        (Action::Hotfix, Some(to)) if to != current_schema => {
            return Err(Refusal::Payload(format!(
                "the hotfix declares configuration schema {to}, the running release has \
                 {current_schema}: a hotfix cannot change the configuration"
            )))
        }
        _ => (source.clone(), None, current_schema),
    };
    if let Some(free) = target.config_free {
        let bytes: u64 = config.iter().map(|(_, b)| b.len() as u64 + 4096).sum();
        if bytes + 256 * 1024 > free {
            return Err(Refusal::Space(format!(
                "the configuration takes {} but the config partition has {} free",
                size(bytes),
                size(free)
            )));
        }
    }

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

    let mut state_after = record.clone();
    state_after.trusted_keys = trusted_keys;
    // A new slot whose entry lost its counter has booted good.
    state_after.slots.get_mut(running).state = SlotState::Good;
    let to_hotfixes = match (&m.kind, &m.hotfix_id) {
        (Kind::Hotfix, Some(id)) => {
            let mut h = run_rec.hotfixes.clone();
            h.push(id.clone());
            h
        }
        _ => Vec::new(),
    };
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
        .map_err(|e| Refusal::Payload(format!("the state record would be invalid: {e}")))?;

    Ok(Plan {
        action: choice.action,
        disk: target.path().to_path_buf(),
        disk_size: target.report.size,
        product: m.product.clone(),
        from: Some(installed),
        from_hotfixes: run_rec.hotfixes.clone(),
        to: m.version.clone(),
        hotfix: m.hotfix_id.clone().filter(|_| m.kind == Kind::Hotfix),
        to_hotfixes,
        slot,
        keep_slot: Some(running),
        machine_id: record.machine_id.clone(),
        disk_guid: None,
        partitions,
        new_table: false,
        discard: Vec::new(),
        migration,
        config_schema,
        config,
        state_before: Some(record),
        state_after,
        payload: payload.path.clone(),
        manifest_sha256: payload.manifest_sha256.clone(),
        signer,
        payload_bytes: m.total_size(),
        components: m.components.clone(),
        trust: payload.trust.clone(),
        boot_loader: choice.boot_loader.clone(),
        report_dirs: choice.report_dirs.clone(),
        medium: choice.medium.clone(),
        notes,
        steps: slot_steps(payload, slot, Some(config_schema), false),
    })
}
