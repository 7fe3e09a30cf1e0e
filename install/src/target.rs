//! What the engine needs to know about the target disk before planning:
//! detection's report, the partition GUIDs, the configuration of the
//! running slot and the free space on the FAT volumes. Gathered by reading
//! only, so `plan` can stay pure.

use std::fs::File;
use std::io::{Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use detect::gpt::{EntryProblem, GptEntry, GptHeader};
use detect::layout::{self, Role, Slot};
use detect::{DiskReport, FerryInstall};
use migrate::ConfigTree;
use serde::Serialize;

use crate::error::{Act, ConfigProblem, Error, IoContext, Object};

/// One GPT partition with its unique GUID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Partition {
    /// Partition number (1-based).
    pub index: u32,
    /// GPT partition name.
    pub name: String,
    /// First byte.
    pub start: u64,
    /// Length in bytes.
    pub size: u64,
    /// Type GUID, upper case.
    pub type_guid: String,
    /// Unique partition GUID (`PARTUUID`), lower case.
    pub part_guid: String,
}

/// The target disk as found.
#[derive(Debug, Clone)]
pub struct Target {
    /// What detection says.
    pub report: DiskReport,
    /// Partitions from the GPT, with their GUIDs (empty without GPT).
    /// An entry whose sectors make no byte range (it ends before it starts,
    /// or its bytes pass 2^64) is left out; `table_problems` names it.
    pub partitions: Vec<Partition>,
    /// Bytes `[start, end)` of the disk the GPT leaves for partitions,
    /// inside the disk: the protective MBR and both copies of the table lie
    /// outside. `(0, 0)` without a GPT.
    pub partition_area: (u64, u64),
    /// Logical sector size the GPT was found with; `None` without a GPT.
    /// It differs from the device's ([`DiskReport::sector_size`]) when the
    /// table was written for other sectors (then nothing sees it).
    pub table_sector_size: Option<u64>,
    /// What is wrong with the GPT's entries ([`detect::gpt::check_entries`]):
    /// while there is anything, an upgrade is refused.
    pub table_problems: Vec<EntryProblem>,
    /// Configuration directory of the running slot, for an upgrade.
    pub config: Option<ConfigTree>,
    /// Why the running slot's configuration could not be read.
    pub config_problem: Option<ConfigProblem>,
    /// Free bytes on the ESP, if it could be read.
    pub esp_free: Option<u64>,
    /// Bytes the other slot's kernel and initrd take on the ESP now.
    pub esp_other_slot_bytes: u64,
    /// Free bytes on the config partition, if it could be read.
    pub config_free: Option<u64>,
}

impl Target {
    /// The disk's path.
    pub fn path(&self) -> &Path {
        &self.report.path
    }

    /// The partition playing `role`, by GPT name.
    pub fn partition(&self, role: Role) -> Option<&Partition> {
        self.partitions
            .iter()
            .find(|p| p.name == role.partition_name())
    }
}

/// The slot the machine runs now: the one the boot loader starts, else the
/// one the state record calls active.
pub fn running_slot(install: &FerryInstall) -> Option<Slot> {
    install.boot_default.or(install.active_slot)
}

/// The release the running slot holds, as detection read it.
pub fn running_release(install: &FerryInstall) -> Option<payload::Version> {
    running_slot(install)
        .and_then(|s| install.slot(s))
        .and_then(|s| s.release.clone())
}

/// Look at the disk or image at `path`, reading only.
pub fn inspect(path: &Path) -> Result<Target, Error> {
    let report = detect::detect_path(path);
    if report.size == 0 {
        return Ok(bare(report));
    }
    let mut file = File::open(path).ctx(|| Act::Opening.on(Object::Disk(path.to_path_buf())))?;
    let size = report.size;
    Ok(inspect_with(report, &mut file, size))
}

/// [`inspect`] on a device that is already open, of `size` bytes in
/// logical sectors of `sector_size` bytes.
pub fn inspect_device<D: Read + Seek>(
    path: PathBuf,
    dev: &mut D,
    size: u64,
    sector_size: u64,
) -> Target {
    let report = detect::detect_device(path, dev, size, sector_size);
    inspect_with(report, dev, size)
}

fn bare(report: DiskReport) -> Target {
    Target {
        report,
        partitions: Vec::new(),
        partition_area: (0, 0),
        table_sector_size: None,
        table_problems: Vec::new(),
        config: None,
        config_problem: None,
        esp_free: None,
        esp_other_slot_bytes: 0,
        config_free: None,
    }
}

fn inspect_with<D: Read + Seek>(report: DiskReport, dev: &mut D, size: u64) -> Target {
    // Counting free clusters reads the whole allocation table entry by
    // entry: cached, that is a few large reads instead of 100,000 small.
    let mut cached = crate::io::BlockCache::new(dev, size, 4096);
    let dev = &mut cached;
    let mut t = bare(report);
    if let Ok(gpt) = detect::gpt::read_gpt_first(dev, size, t.report.sector_size) {
        let ss = gpt.sector_size;
        t.table_sector_size = Some(ss);
        t.partition_area = area_of(&gpt.header, ss, size);
        t.partitions = gpt
            .entries
            .iter()
            .filter_map(|e| partition(e, ss))
            .collect();
        t.table_problems = gpt.problems;
    }
    let Some(install) = t.report.ferry().cloned() else {
        return t;
    };
    let running = running_slot(&install);
    if let Some(p) = t.partition(Role::Config).cloned() {
        match detect::fat::open(dev, p.start, p.size) {
            Err(e) => t.config_problem = Some(ConfigProblem::Partition(Some(e))),
            Ok(fs) => {
                t.config_free = fs
                    .stats()
                    .ok()
                    .map(|s| u64::from(s.free_clusters()) * u64::from(s.cluster_size()));
                if let Some(slot) = running {
                    match read_config(&fs, slot) {
                        Ok(tree) => t.config = Some(tree),
                        Err(e) => t.config_problem = Some(e),
                    }
                }
            }
        }
    }
    if let Some(p) = t.partition(Role::Esp).cloned() {
        if let Ok(fs) = detect::fat::open(dev, p.start, p.size) {
            t.esp_free = fs
                .stats()
                .ok()
                .map(|s| u64::from(s.free_clusters()) * u64::from(s.cluster_size()));
            if let Some(slot) = running {
                let other = slot.other().name();
                for name in ["vmlinuz", "initrd.img"] {
                    if let Ok(f) = fs.root_dir().open_file(&format!("{other}/{name}")) {
                        let mut f = f;
                        let len = f.seek(std::io::SeekFrom::End(0)).unwrap_or(0);
                        t.esp_other_slot_bytes = t.esp_other_slot_bytes.saturating_add(len);
                    }
                }
            }
        }
    }
    t
}

/// A GPT entry in bytes; `None` when its sectors make no byte range.
fn partition(e: &GptEntry, ss: u64) -> Option<Partition> {
    let sectors = e.last_lba.checked_sub(e.first_lba)?.checked_add(1)?;
    Some(Partition {
        index: e.index,
        name: e.name.clone(),
        start: e.first_lba.checked_mul(ss)?,
        size: sectors.checked_mul(ss)?,
        type_guid: e.type_guid.to_string(),
        part_guid: e.part_guid.to_string().to_lowercase(),
    })
}

/// The header's area for partitions in bytes, cut to a disk of `size`
/// bytes.
fn area_of(h: &GptHeader, ss: u64, size: u64) -> (u64, u64) {
    let bytes = |lba: Option<u64>| {
        lba.and_then(|l| l.checked_mul(ss))
            .map_or(size, |b| b.min(size))
    };
    let start = bytes(Some(h.first_usable));
    let end = bytes(h.last_usable.checked_add(1));
    (start, end.max(start))
}

fn read_config<D: Read + Seek>(
    fs: &detect::fat::FatVolume<'_, D>,
    slot: Slot,
) -> Result<ConfigTree, ConfigProblem> {
    let dir = slot.config_dir();
    let names = detect::fat::list_dir(fs, &dir)
        .map_err(ConfigProblem::Fat)?
        .ok_or(ConfigProblem::NoDirectory { dir: dir.clone() })?;
    let mut tree = ConfigTree::new();
    for name in names {
        let path = format!("{dir}/{name}");
        if fs.root_dir().open_dir(&path).is_ok() {
            continue;
        }
        let bytes = detect::fat::read_file(fs, &path, migrate::MAX_FILE_SIZE)
            .map_err(ConfigProblem::Fat)?
            .ok_or(ConfigProblem::Disappeared { path })?;
        tree.insert(&name, bytes)
            .map_err(|e| ConfigProblem::Tree(Arc::new(e)))?;
    }
    Ok(tree)
}

/// Size of the layout's partitions, from the product definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PartitionSizes {
    /// ESP.
    pub esp: u64,
    /// Each root slot.
    pub root: u64,
    /// Config partition.
    pub config: u64,
    /// Smallest data partition (it takes the rest of the disk).
    pub min_data: u64,
}

impl Default for PartitionSizes {
    fn default() -> Self {
        PartitionSizes {
            esp: layout::DEFAULT_ESP_SIZE,
            root: layout::DEFAULT_ROOT_SIZE,
            config: layout::DEFAULT_CONFIG_SIZE,
            min_data: layout::MIN_DATA_SIZE,
        }
    }
}

impl PartitionSizes {
    /// The sizes `def` gives on a disk of `disk` bytes.
    pub fn of_definition(def: &payload::InstallDefinition, disk: u64) -> PartitionSizes {
        let s = def.sizes(disk);
        PartitionSizes {
            esp: s.esp,
            root: s.slot,
            config: s.config,
            min_data: s.data_min,
        }
    }

    /// Smallest disk these sizes fit on, with 1 MiB at each end for the GPT
    /// (`u64::MAX` for sizes no disk has).
    pub fn min_disk_size(&self) -> u64 {
        [self.esp, self.root, self.root, self.config, self.min_data]
            .into_iter()
            .fold(2 * layout::MIB, u64::saturating_add)
    }

    /// Size of a role's partition; `None` for data (the rest of the disk).
    pub fn of(&self, role: Role) -> Option<u64> {
        match role {
            Role::Esp => Some(self.esp),
            Role::Root(_) => Some(self.root),
            Role::Config => Some(self.config),
            Role::Data => None,
        }
    }
}
