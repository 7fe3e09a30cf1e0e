//! `plan`: every check, no I/O. Turns what was found on the disk, a
//! verified payload and the technician's choice into the steps `apply`
//! carries out, or a refusal that says why.

use std::fmt;
use std::path::PathBuf;

use detect::layout::{self, Role, Slot};
use detect::state::{SlotRecord, SlotState, StateRecord, STATE_FORMAT};
use detect::Content;
use migrate::ConfigTree;
use payload::{Kind, TrustStore, Version};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::answers::Answers;
use crate::error::Refusal;
use crate::source::{PayloadInfo, INITRD, KERNEL, ROOTFS};
use crate::target::{running_slot, PartitionSizes, Target};

/// What the technician chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Install on a blank disk.
    Install,
    /// Erase the disk, whatever it holds, and install.
    Wipe,
    /// Install a newer release next to the running one, keeping and
    /// migrating its configuration.
    Upgrade,
    /// Install a hotfix of the running release next to it.
    Hotfix,
}

impl Action {
    /// The word used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Action::Install => "install",
            Action::Wipe => "wipe",
            Action::Upgrade => "upgrade",
            Action::Hotfix => "hotfix",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The technician's choice and what comes with it.
#[derive(Debug, Clone)]
pub struct Choice {
    /// What to do.
    pub action: Action,
    /// Values over the default configuration (install and wipe only).
    pub answers: Option<Answers>,
    /// Partition sizes for a new layout (install and wipe).
    pub sizes: PartitionSizes,
    /// Machine id for a new installation: 32 lower case hex digits. A wipe
    /// keeps the id of the Ferry installation it replaces.
    pub machine_id: Option<String>,
    /// systemd-boot's EFI binary, copied to `\EFI\BOOT\BOOTX64.EFI`.
    pub boot_loader: PathBuf,
    /// Directories on the boot medium to copy the report to (skipped when
    /// not writable).
    pub report_dirs: Vec<PathBuf>,
    /// The boot medium's id (`ferry.medium=`), quoted in the report so an
    /// admin can tell which medium did the work.
    pub medium: Option<String>,
}

/// Where systemd-boot's EFI binary is on a Debian system
/// (package `systemd-boot-efi`).
pub const SYSTEMD_BOOT_EFI: &str = "/usr/lib/systemd/boot/efi/systemd-bootx64.efi";
/// Where the boot loader goes on the ESP.
pub const ESP_BOOT_LOADER: &str = "EFI/BOOT/BOOTX64.EFI";

impl Choice {
    /// A choice with the default layout and boot loader path.
    pub fn new(action: Action) -> Choice {
        Choice {
            action,
            answers: None,
            sizes: PartitionSizes::default(),
            machine_id: None,
            boot_loader: PathBuf::from(SYSTEMD_BOOT_EFI),
            report_dirs: Vec::new(),
            medium: None,
        }
    }
}

/// A new random machine id.
pub fn new_machine_id() -> Result<String, getrandom::Error> {
    let mut b = [0u8; 16];
    getrandom::getrandom(&mut b)?;
    Ok(hex::encode(b))
}

/// One step of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepKind {
    /// Discard (or zero) the data partition.
    DiscardData,
    /// Write the GPT and protective MBR.
    WritePartitionTable,
    /// Format the ESP.
    FormatEsp,
    /// Format the config partition.
    FormatConfig,
    /// Record the target slot as `writing` and remove its boot entry.
    MarkSlotWriting,
    /// Write the components while verifying them.
    WriteSlot,
    /// Read the written slot back and compare it with the manifest.
    ReadBack,
    /// Write the new slot's configuration directory.
    WriteConfig,
    /// Copy systemd-boot to the ESP.
    InstallBootLoader,
    /// Record the slot `new` and active in the state record.
    RecordNewSlot,
    /// Write the slot's loader entry with boot counting: the boot loader
    /// starts it from now on while it has tries left.
    SetDefault,
    /// Write the report.
    WriteReport,
}

impl StepKind {
    /// The step's name, as `FERRY_FAULT_STOP_AFTER` and reports spell it.
    pub fn name(self) -> &'static str {
        match self {
            StepKind::DiscardData => "discard-data",
            StepKind::WritePartitionTable => "write-partition-table",
            StepKind::FormatEsp => "format-esp",
            StepKind::FormatConfig => "format-config",
            StepKind::MarkSlotWriting => "mark-slot-writing",
            StepKind::WriteSlot => "write-slot",
            StepKind::ReadBack => "read-back",
            StepKind::WriteConfig => "write-config",
            StepKind::InstallBootLoader => "install-boot-loader",
            StepKind::RecordNewSlot => "record-new-slot",
            StepKind::SetDefault => "set-default",
            StepKind::WriteReport => "write-report",
        }
    }
}

/// A step and the sentence a technician reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// Which step.
    pub kind: StepKind,
    /// What it does, in a sentence.
    pub title: String,
}

/// A partition of the layout the plan writes or works on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedPartition {
    /// Its role.
    pub role: Role,
    /// Partition number.
    pub index: u32,
    /// First byte.
    pub start: u64,
    /// Length in bytes.
    pub size: u64,
    /// Unique partition GUID, lower case.
    pub part_guid: String,
}

/// The configuration migration an upgrade makes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MigrationPreview {
    /// Schema of the running slot's configuration.
    pub from_schema: u32,
    /// Schema of the new release.
    pub to_schema: u32,
    /// One line per change.
    pub changes: Vec<String>,
    /// Unified diff of every changed document.
    pub diff: String,
}

/// Everything `apply` will do, checked.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// What was chosen.
    pub action: Action,
    /// The disk or image written; no other is touched.
    pub disk: PathBuf,
    /// Its size in bytes.
    pub disk_size: u64,
    /// Product id.
    pub product: String,
    /// Release running now (upgrade, hotfix) or found before a wipe.
    pub from: Option<Version>,
    /// Hotfixes on the running release.
    pub from_hotfixes: Vec<String>,
    /// Release written.
    pub to: Version,
    /// Hotfix id, for a hotfix.
    pub hotfix: Option<String>,
    /// Hotfixes the new slot carries.
    pub to_hotfixes: Vec<String>,
    /// Slot written.
    pub slot: Slot,
    /// Slot kept as it is (upgrade, hotfix).
    pub keep_slot: Option<Slot>,
    /// Machine id.
    pub machine_id: String,
    /// GPT disk GUID of a new layout.
    pub disk_guid: Option<String>,
    /// The partitions: new (install, wipe) or found (upgrade, hotfix).
    pub partitions: Vec<PlannedPartition>,
    /// Whether a new partition table is written.
    pub new_table: bool,
    /// Byte ranges discarded (old and new data partition) on a wipe.
    pub discard: Vec<(u64, u64)>,
    /// The migration, for an upgrade that changes the configuration schema.
    pub migration: Option<MigrationPreview>,
    /// Schema of the new slot's configuration.
    pub config_schema: u32,
    /// The new slot's configuration directory.
    #[serde(skip)]
    pub config: ConfigTree,
    /// The state record before (upgrade, hotfix).
    pub state_before: Option<StateRecord>,
    /// The state record after; `apply` stamps the times.
    pub state_after: StateRecord,
    /// Payload file.
    pub payload: PathBuf,
    /// SHA-256 of the payload's signed manifest.
    pub manifest_sha256: String,
    /// Fingerprint of the key that signed it.
    pub signer: String,
    /// Bytes read from the medium: the components.
    pub payload_bytes: u64,
    /// The manifest's components, to check the written slot against.
    #[serde(skip)]
    pub components: Vec<payload::Component>,
    /// The installer's trust store, to verify the payload again.
    #[serde(skip)]
    pub trust: TrustStore,
    /// systemd-boot binary (install, wipe).
    pub boot_loader: PathBuf,
    /// Report copies on the medium.
    pub report_dirs: Vec<PathBuf>,
    /// The boot medium's id, for the report.
    pub medium: Option<String>,
    /// Leftovers and other findings the plan deals with.
    pub notes: Vec<String>,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

impl Plan {
    /// The planned partition of a role.
    pub fn partition(&self, role: Role) -> Option<&PlannedPartition> {
        self.partitions.iter().find(|p| p.role == role)
    }
}

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
        if self.action == Action::Wipe {
            writeln!(
                f,
                "Everything on this disk is erased. No other disk is touched."
            )?;
        }
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

fn size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// The version of this installer, compared with a payload's
/// `min-installer`.
pub fn installer_version() -> Version {
    Version::parse(env!("CARGO_PKG_VERSION")).unwrap_or_else(|_| Version::new(0, 0, 0))
}

/// Check everything and work out the steps. Pure: reads and writes nothing.
pub fn plan(target: &Target, payload: &PayloadInfo, choice: &Choice) -> Result<Plan, Refusal> {
    let m = &payload.manifest;
    if m.min_installer > installer_version() {
        return Err(Refusal::Payload(format!(
            "this payload needs installer {} or newer; this is {}: boot from a newer medium",
            m.min_installer,
            installer_version()
        )));
    }
    for name in [ROOTFS, KERNEL, INITRD] {
        if m.component(name).is_none() {
            return Err(Refusal::Payload(format!(
                "the payload has no component {name}; it cannot be installed"
            )));
        }
    }
    if target.report.size == 0 {
        let why = match &target.report.content {
            Content::Unreadable { reason } => reason.clone(),
            _ => "it is empty".into(),
        };
        return Err(Refusal::Disk(format!(
            "{} cannot be used: {why}",
            target.path().display()
        )));
    }
    match choice.action {
        Action::Install | Action::Wipe => plan_fresh(target, payload, choice),
        Action::Upgrade | Action::Hotfix => plan_update(target, payload, choice),
    }
}

fn fingerprints(trust: &TrustStore) -> Vec<String> {
    trust.trusted().map(|(f, _)| f.to_string()).collect()
}

/// A GUID derived from the machine id and a name: the same inputs give the
/// same disk, so tests and reinstalls are reproducible; different machines
/// differ. Formatted as a version 4 (random) UUID.
pub fn derived_guid(machine_id: &str, name: &str) -> String {
    let d = Sha256::digest(format!("ferry-guid:{machine_id}:{name}").as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    uuid::Uuid::from_bytes(b).to_string()
}

fn valid_machine_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn plan_fresh(target: &Target, payload: &PayloadInfo, choice: &Choice) -> Result<Plan, Refusal> {
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

fn component_size(payload: &PayloadInfo, name: &str) -> u64 {
    payload.manifest.component(name).map_or(0, |c| c.size)
}

fn step(kind: StepKind, title: String) -> Step {
    Step { kind, title }
}

fn slot_steps(payload: &PayloadInfo, slot: Slot, schema: Option<u32>, fresh: bool) -> Vec<Step> {
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
    if fresh {
        steps.push(step(
            StepKind::InstallBootLoader,
            "Install systemd-boot on the ESP".into(),
        ));
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

fn plan_update(target: &Target, payload: &PayloadInfo, choice: &Choice) -> Result<Plan, Refusal> {
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
