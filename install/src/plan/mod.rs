//! `plan`: every check, no I/O. Turns what was found on the disk, a
//! verified payload and the technician's choice into the steps `apply`
//! carries out, or a refusal that says why.

mod checks;
mod fresh;
mod text;
mod update;

pub use text::{BootChain, PlanNote, StepFacts};
pub use update::config_migration;

use std::fmt;
use std::path::PathBuf;

use detect::layout::{Role, Slot};
use detect::state::{StateRecord, UnattendedRun};
use detect::{Content, Firmware, MachineIdentity};
use migrate::ConfigTree;
use payload::{TrustStore, Version};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::answers::Answers;
use crate::error::Refusal;
use crate::report::ReportContext;
use crate::source::{PayloadInfo, INITRD, KERNEL, ROOTFS};
use crate::target::{PartitionSizes, Target};

/// The install definition of a release: its manifest's, or the layout and
/// command line of releases made before definitions existed.
pub fn definition(m: &payload::Manifest) -> payload::InstallDefinition {
    m.install.clone().unwrap_or_default()
}

/// The boot menu title of the slot a plan writes.
fn entry_title(m: &payload::Manifest, hotfixes: &[String]) -> String {
    definition(m).entry_title(&m.product, &m.version.to_string(), hotfixes)
}

/// What the technician chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Install the running release again in the other slot, keeping its
    /// configuration and data: an upgrade to the same version, for an
    /// installation whose slot is damaged or failed to start.
    Repair,
}

impl Action {
    /// The word used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Action::Install => "install",
            Action::Wipe => "wipe",
            Action::Upgrade => "upgrade",
            Action::Hotfix => "hotfix",
            Action::Repair => "repair",
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
    /// Partition sizes for a new layout (install and wipe) instead of the
    /// release's install definition: for tests on small images.
    pub sizes: Option<PartitionSizes>,
    /// Machine id for a new installation: 32 lower case hex digits. A wipe
    /// keeps the id of the Ferry installation it replaces.
    pub machine_id: Option<String>,
    /// systemd-boot's EFI binary, copied to `\EFI\BOOT\BOOTX64.EFI`, or
    /// behind the shim when there is one.
    pub boot_loader: PathBuf,
    /// The shim and MokManager that start systemd-boot with Secure Boot on
    /// (from the installer medium: [`Shim::installed`]). An install then
    /// writes the chain; an upgrade brings the ESP's to this one (adding
    /// it to an ESP written before it).
    pub shim: Option<Shim>,
    /// Directories on the boot medium to copy the report to (skipped when
    /// not writable).
    pub report_dirs: Vec<PathBuf>,
    /// The boot medium's id (`ferry.medium=`), quoted in the report so an
    /// admin can tell which medium did the work.
    pub medium: Option<String>,
    /// Every chunk of the payload was read and verified already since the
    /// installer started (the medium check): an install or a wipe then
    /// begins writing at once instead of reading the payload once first.
    pub payload_verified: bool,
    /// The unattended run that makes this choice (its medium and answer
    /// file, [`crate::AnswerFile::run_from`]): an install or a wipe records
    /// it in the state record, and a wipe is refused on a disk that holds
    /// what the same run installed.
    pub unattended: Option<UnattendedRun>,
    /// How the machine whose disk this is started the installer, when the
    /// disk is one of its own (`detect::Firmware::read` at the edge):
    /// an install or a wipe is refused under legacy BIOS
    /// ([`Refusal::BiosMode`]). `None` for disk images, which another
    /// machine starts: not checked.
    pub firmware: Option<Firmware>,
    /// The machine's identity from its firmware, for the report, when the
    /// disk is one of the machine's own (`detect::MachineIdentity::read`
    /// at the edge); `None` for disk images.
    pub machine: Option<MachineIdentity>,
    /// The installer's log, whose end the report carries.
    pub log: Option<PathBuf>,
}

/// Where systemd-boot's EFI binary is on a Debian system
/// (package `systemd-boot-efi`).
pub const SYSTEMD_BOOT_EFI: &str = "/usr/lib/systemd/boot/efi/systemd-bootx64.efi";
/// Where the boot loader goes on the ESP.
pub const ESP_BOOT_LOADER: &str = detect::layout::ESP_BOOT_LOADER;
/// Where Debian's signed shim is (package `shim-signed`).
pub const SHIM_EFI: &str = "/usr/lib/shim/shimx64.efi.signed";
/// Where Debian's signed MokManager is (package `shim-helpers-amd64-signed`).
pub const MOK_MANAGER_EFI: &str = "/usr/lib/shim/mmx64.efi.signed";

/// The first stages of the Secure Boot chain: the shim signed by
/// Microsoft, which starts systemd-boot, and MokManager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shim {
    pub shim: PathBuf,
    pub mok_manager: PathBuf,
}

impl Shim {
    /// Debian's shim and MokManager ([`SHIM_EFI`], [`MOK_MANAGER_EFI`]) if
    /// both are there, as on the installer medium.
    pub fn installed() -> Option<Shim> {
        let s = Shim {
            shim: PathBuf::from(SHIM_EFI),
            mok_manager: PathBuf::from(MOK_MANAGER_EFI),
        };
        (s.shim.is_file() && s.mok_manager.is_file()).then_some(s)
    }
}

impl Choice {
    /// A choice with the default layout and boot loader path.
    pub fn new(action: Action) -> Choice {
        Choice {
            action,
            answers: None,
            sizes: None,
            machine_id: None,
            boot_loader: PathBuf::from(SYSTEMD_BOOT_EFI),
            shim: None,
            report_dirs: Vec::new(),
            medium: None,
            payload_verified: false,
            unattended: None,
            firmware: None,
            machine: None,
            log: None,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepKind {
    /// Read the whole payload and check every chunk before a fresh install
    /// or a wipe writes anything.
    VerifyPayload,
    /// Discard (or zero) the data partition.
    DiscardData,
    /// Write the GPT and protective MBR.
    WritePartitionTable,
    /// Format the ESP.
    FormatEsp,
    /// Format the config partition.
    FormatConfig,
    /// Format the data partition, as the install definition asks.
    FormatData,
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
            StepKind::VerifyPayload => "verify-payload",
            StepKind::DiscardData => "discard-data",
            StepKind::WritePartitionTable => "write-partition-table",
            StepKind::FormatEsp => "format-esp",
            StepKind::FormatConfig => "format-config",
            StepKind::FormatData => "format-data",
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

    /// Whether the step reads the payload from the medium.
    pub fn reads_payload(self) -> bool {
        matches!(self, StepKind::VerifyPayload | StepKind::WriteSlot)
    }

    /// Whether the step changes the disk (every step but verify-payload).
    pub fn writes(self) -> bool {
        self != StepKind::VerifyPayload
    }
}

impl fmt::Display for StepKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A step and the sentence a technician reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// Which step.
    pub kind: StepKind,
    /// What it does, in a sentence: the English of `facts`, as the log
    /// and the reports keep it.
    pub title: String,
    /// What it does, as facts a front end says in its language.
    #[serde(skip)]
    pub facts: StepFacts,
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
    /// One change per key; its `Display` is the line the log keeps (and
    /// the plan's JSON, as a string).
    #[serde(serialize_with = "as_lines")]
    pub changes: Vec<migrate::Change>,
    /// Unified diff of every changed document.
    pub diff: String,
}

/// Changes as the lines their `Display` makes.
fn as_lines<S: serde::Serializer>(changes: &[migrate::Change], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(changes.iter().map(ToString::to_string))
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
    /// Its logical sector size in bytes (512 or 4096): the unit of the
    /// partition table, of the partitions' bounds and of the FAT volumes.
    pub sector_size: u64,
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
    /// Slot kept as it is (upgrade, hotfix, repair).
    pub keep_slot: Option<Slot>,
    /// The new slot's boot menu title.
    pub entry_title: String,
    /// The product's kernel command line for the new slot (after Ferry's
    /// `root=` and `ferry.slot=`).
    pub cmdline: String,
    /// Machine id.
    pub machine_id: String,
    /// GPT disk GUID of a new layout.
    pub disk_guid: Option<String>,
    /// The partitions: new (install, wipe) or found (upgrade, hotfix).
    pub partitions: Vec<PlannedPartition>,
    /// Whether a new partition table is written.
    pub new_table: bool,
    /// Bytes `[start, end)` of the disk the partitions lie in: outside are
    /// the protective MBR and both copies of the partition table. Apply
    /// writes there only in the partition table step.
    pub partition_area: (u64, u64),
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
    /// Fingerprint of the key that vouches for the payload: the first of
    /// its signers the system trusts (the installed system's keys for an
    /// update, the installer's for a fresh install).
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
    /// The shim before it ([`Choice::shim`]).
    pub shim: Option<Shim>,
    /// Report copies on the medium.
    pub report_dirs: Vec<PathBuf>,
    /// The boot medium's id, for the report.
    pub medium: Option<String>,
    /// The machine, the disk and the log, for the report.
    pub report_context: ReportContext,
    /// Leftovers and other findings the plan deals with.
    pub notes: Vec<PlanNote>,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

impl Plan {
    /// The planned partition of a role.
    pub fn partition(&self, role: Role) -> Option<&PlannedPartition> {
        self.partitions.iter().find(|p| p.role == role)
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
        return Err(Refusal::InstallerTooOld {
            needed: m.min_installer.clone(),
            running: installer_version(),
        });
    }
    for name in [ROOTFS, KERNEL, INITRD] {
        if m.component(name).is_none() {
            return Err(Refusal::MissingComponent {
                component: name.to_string(),
            });
        }
    }
    if target.report.size == 0 {
        return Err(Refusal::DiskUnusable {
            disk: target.path().to_path_buf(),
            reason: match &target.report.content {
                Content::Unreadable { why } => Some(why.clone()),
                _ => None,
            },
        });
    }
    let sector_size = target.report.sector_size;
    if !detect::layout::sector_size_supported(sector_size) {
        return Err(Refusal::UnsupportedSectorSize { sector_size });
    }
    match choice.action {
        Action::Install | Action::Wipe => {
            checks::firmware_starts_layout(choice)?;
            fresh::plan_fresh(target, payload, choice)
        }
        Action::Upgrade | Action::Hotfix | Action::Repair => {
            update::plan_update(target, payload, choice)
        }
    }
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
