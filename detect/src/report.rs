//! What detection says about a disk: the types `installer-tui detect --json`
//! prints as they are, and the install engine plans from.

use crate::boot::BootHealth;
use crate::firmware::Firmware;
pub use crate::foreign::{EmptyTable, Foreign};
use crate::gpt::GptCopy;
use crate::guid::Guid;
pub use crate::issue::{FatPartition, Issue, IssueFact, IssueKind, PartitionRef};
use crate::layout::Slot;
use crate::probe::Filesystem;
use crate::state::{SlotState, StateRecord};
use semver::Version;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use time::OffsetDateTime;

/// Everything detection found on one disk or image.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DiskReport {
    /// Device node or image file.
    pub path: PathBuf,
    /// Size in bytes.
    pub size: u64,
    /// Logical sector size of the device in bytes (BLKSSZGET): 512 or
    /// 4096; 512 for an image file. A partition table is visible to the
    /// kernel and the firmware only in this unit.
    #[serde(default = "default_sector_size")]
    pub sector_size: u64,
    /// Model, from sysfs, for block devices that report it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Serial number, from sysfs, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    /// The kernel marks the device removable (USB stick, card reader).
    pub removable: bool,
    /// The bus the disk is on (`nvme`, `sata`, `scsi`, `virtio`,
    /// `virtio-scsi`, `usb`, `mmc`), from sysfs; absent for image files and
    /// devices on no bus Ferry names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bus: Option<blockdev::Bus>,
    /// Partition table found.
    pub table: PartitionTable,
    /// Partitions, in table order.
    pub partitions: Vec<PartitionInfo>,
    /// What was recognised on the disk itself, outside any partition (file
    /// systems, volume managers, RAID members, encryption, swap, caches on
    /// the whole disk). Looked for on disks without partitions.
    #[serde(default)]
    pub signatures: Vec<Filesystem>,
    /// What the disk holds.
    pub content: Content,
    /// Everything that does not add up, worst first is not implied.
    pub issues: Vec<Issue>,
}

fn default_sector_size() -> u64 {
    blockdev::DEFAULT_SECTOR_SIZE
}

impl DiskReport {
    /// The Ferry installation on this disk, if there is one.
    pub fn ferry(&self) -> Option<&FerryInstall> {
        match &self.content {
            Content::Ferry(f) => Some(f),
            _ => None,
        }
    }

    /// The partition table is damaged: unreadable in both copies, or it
    /// lists partitions that overlap, end before they start or lie outside
    /// the disk or the area the table allows (the issues say which). Such
    /// a disk is wiped and reinstalled, never upgraded.
    pub fn table_damaged(&self) -> bool {
        self.table == PartitionTable::Damaged
            || self.issues.iter().any(|i| {
                matches!(
                    i.kind,
                    IssueKind::PartitionOutsideDisk | IssueKind::PartitionsOverlap
                )
            })
    }
}

/// The partition table of a disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "kind")]
pub enum PartitionTable {
    /// GUID partition table.
    Gpt {
        /// Copy the partitions were read from; `backup` means the primary
        /// is damaged (see the issues).
        used: GptCopy,
        /// Logical sector size the table uses.
        sector_size: u64,
        /// Disk GUID.
        disk_guid: Guid,
    },
    /// Classic MBR (DOS) partition table.
    Mbr,
    /// A table is there but cannot be read (see the content's reason).
    Damaged,
    /// No partition table.
    None,
}

/// One partition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionInfo {
    /// Number as Linux and `sgdisk` count it (1-based).
    pub index: u32,
    /// Offset in bytes from the start of the disk.
    pub start: u64,
    /// Length in bytes.
    pub size: u64,
    /// Type: a GUID for GPT, `0x83`-style for MBR.
    pub type_id: String,
    /// A name for the type a technician recognises, if it is a common one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_name: Option<String>,
    /// GPT partition name (MBR has none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// File system recognised at its start, with its label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filesystem: Option<Filesystem>,
}

/// What a disk holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(into = "ContentDoc", from = "ContentDoc")]
pub enum Content {
    /// A Ferry installation (possibly incomplete: see the issues).
    Ferry(Box<FerryInstall>),
    /// Something else; its partitions are listed in the report.
    Foreign {
        /// Operating systems the partition types point at, e.g. `Windows`.
        looks_like: Vec<String>,
        /// What was found; its English `Display` is the JSON's `summary`,
        /// one line for a technician.
        found: Foreign,
    },
    /// Nothing at all: no partition table (not even an empty one), no
    /// signature of any file system, volume manager, RAID member,
    /// encrypted volume, swap or cache, and only zeros in the first and
    /// last MiB (see [`crate::whole`]). Only a blank disk is installed on
    /// without a typed confirmation.
    Blank,
    /// Could not be read or made sense of.
    Unreadable {
        /// Why.
        why: crate::Unreadable,
    },
}

/// [`Content`] as the JSON output carries it: a foreign disk's facts
/// (`found`) and their English line (`summary`), which is made again from
/// the facts when the document is read back.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "kind")]
enum ContentDoc {
    Ferry(Box<FerryInstall>),
    Foreign {
        looks_like: Vec<String>,
        summary: String,
        found: Foreign,
    },
    Blank,
    Unreadable {
        reason: String,
        why: crate::Unreadable,
    },
}

impl From<Content> for ContentDoc {
    fn from(c: Content) -> Self {
        match c {
            Content::Ferry(f) => ContentDoc::Ferry(f),
            Content::Foreign { looks_like, found } => ContentDoc::Foreign {
                looks_like,
                summary: found.to_string(),
                found,
            },
            Content::Blank => ContentDoc::Blank,
            Content::Unreadable { why } => ContentDoc::Unreadable {
                reason: why.to_string(),
                why,
            },
        }
    }
}

impl From<ContentDoc> for Content {
    fn from(c: ContentDoc) -> Self {
        match c {
            ContentDoc::Ferry(f) => Content::Ferry(f),
            ContentDoc::Foreign {
                looks_like, found, ..
            } => Content::Foreign { looks_like, found },
            ContentDoc::Blank => Content::Blank,
            ContentDoc::Unreadable { why, .. } => Content::Unreadable { why },
        }
    }
}

/// A Ferry installation as found on disk: the state record and the ESP.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FerryInstall {
    /// Product id from the state record.
    pub product: Option<String>,
    /// Machine id from the state record.
    pub machine_id: Option<String>,
    /// First install time from the state record.
    #[serde(with = "time::serde::rfc3339::option")]
    pub installed_at: Option<OffsetDateTime>,
    /// Active slot according to the state record.
    pub active_slot: Option<Slot>,
    /// Slot `loader.conf` makes the boot default.
    pub boot_default: Option<Slot>,
    /// Slots `a` and `b`.
    pub slots: Vec<SlotReport>,
    /// Trusted key fingerprints recorded at install (SHA-256 of SPKI DER).
    pub trusted_keys: Vec<String>,
    /// The `ferry-data` partition exists.
    pub data_partition: bool,
    /// The state record as parsed, for the install engine to update.
    #[serde(skip)]
    pub record: Option<StateRecord>,
}

impl FerryInstall {
    /// The report of one slot.
    pub fn slot(&self, slot: Slot) -> Option<&SlotReport> {
        self.slots.iter().find(|s| s.slot == slot)
    }
}

/// One root slot: what the state record says and what the ESP says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotReport {
    /// `a` or `b`.
    pub slot: Slot,
    /// Index of its root partition, if present.
    pub partition: Option<u32>,
    /// State from the state record.
    pub state: Option<SlotState>,
    /// Installed release from the state record.
    pub release: Option<Version>,
    /// Hotfixes applied, from the state record.
    pub hotfixes: Vec<String>,
    /// Config schema version, from the state record.
    pub config_schema: Option<u32>,
    /// When the slot was written, from the state record.
    #[serde(with = "time::serde::rfc3339::option")]
    pub written_at: Option<OffsetDateTime>,
    /// Health from the boot loader entry; `None` if the ESP was unreadable.
    pub boot: Option<BootHealth>,
    /// Loader entry file on the ESP.
    pub boot_entry: Option<String>,
    /// `config/<slot>/` exists on the config partition.
    pub config_dir: bool,
}

/// The layout of [`Reports`] this code writes and reads. It changes when a
/// field is removed or changes meaning; fields may be added within a
/// format, so readers ignore fields they do not know. Format 2: the GPT's
/// checks', the FAT reader's and the state record's findings are typed
/// facts, no longer English text.
pub const REPORT_FORMAT: u32 = 2;

/// What `installer-tui detect --json` prints: the format number, then one
/// report per disk.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reports {
    /// Layout of this document: [`REPORT_FORMAT`].
    pub format: u32,
    /// How the machine started (UEFI with Secure Boot on or off, or
    /// legacy BIOS); absent when disk images were looked at, or in a
    /// document written before it was reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub firmware: Option<Firmware>,
    /// One report per disk, in the order they were given or found.
    pub disks: Vec<DiskReport>,
}

/// Why a detection document was refused.
#[derive(Debug, thiserror::Error)]
pub enum ReportsError {
    /// Written by a newer (or unknown) Ferry.
    #[error("the detection output has format {found}; this program reads format {REPORT_FORMAT}")]
    UnsupportedFormat {
        /// The `format` found.
        found: u64,
    },
    /// No `format` number at the top.
    #[error("the detection output has no format number (a `format` field holding a whole number)")]
    NoFormat,
    /// Not JSON, or not the fields of this format.
    #[error("the detection output is not valid: {source}")]
    Malformed {
        /// What the JSON reader found wrong.
        #[source]
        source: serde_json::Error,
    },
}

impl Reports {
    /// The document for `disks`, in the current format.
    pub fn new(disks: Vec<DiskReport>) -> Self {
        Reports {
            format: REPORT_FORMAT,
            firmware: None,
            disks,
        }
    }

    /// Pretty-printed JSON, ending in a newline.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        Ok(text)
    }

    /// Read a document. The format number is looked at first, so one from
    /// a newer Ferry is refused as newer rather than as malformed.
    pub fn from_json(text: &str) -> Result<Self, ReportsError> {
        let malformed = |source| ReportsError::Malformed { source };
        let value: serde_json::Value = serde_json::from_str(text).map_err(malformed)?;
        match value.get("format").map(serde_json::Value::as_u64) {
            Some(Some(n)) if n == u64::from(REPORT_FORMAT) => {}
            Some(Some(found)) => return Err(ReportsError::UnsupportedFormat { found }),
            Some(None) | None => return Err(ReportsError::NoFormat),
        }
        serde_json::from_value(value).map_err(malformed)
    }
}
