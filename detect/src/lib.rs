//! Find what is on a machine's disks, read only: partition tables, Ferry
//! installations (state record, slots, boot health), other systems, blank
//! disks, and everything that does not add up.
//!
//! Nothing is mounted: GPT and MBR are parsed here, FAT is read with
//! `fatfs` through [`io::Slice`]. The same code runs on `/dev/sdX` and on
//! image files. [`layout`] and [`state`] are the on-disk contract the
//! install engine writes; `docs/detect.md` describes it.
//!
//! ```no_run
//! let reports = detect::detect_all(&detect::enumerate(&[]).unwrap_or_default());
//! for r in &reports {
//!     println!("{}: {:?}", r.path.display(), r.content);
//! }
//! ```

pub mod boot;
pub mod device;
pub mod dmi;
pub mod fat;
mod ferry;
pub mod firmware;
pub mod foreign;
pub mod gpt;
pub mod guid;
pub mod io;
pub mod issue;
pub mod layout;
pub mod mbr;
pub mod part_type;
pub mod probe;
pub mod report;
pub mod samples;
pub mod scan;
pub mod state;
pub mod system;
pub mod unreadable;
pub mod whole;

pub use device::{enumerate, enumerate_with, Disk, EnumerateOptions};
pub use dmi::MachineIdentity;
pub use fat::FatProblem;
pub use firmware::Firmware;
pub use layout::Slot;
pub use report::{
    Content, DiskReport, EmptyTable, FerryInstall, Foreign, Issue, IssueFact, IssueKind,
    PartitionInfo, PartitionTable, Reports, ReportsError, SlotReport, REPORT_FORMAT,
};
pub use scan::scan;
pub use state::{SlotRecord, SlotState, StateRecord, UnattendedRun};
pub use system::SystemError;
pub use unreadable::Unreadable;

use std::io::{Read, Seek};
use std::path::{Path, PathBuf};

/// Detect what one disk or image holds. Never fails: a disk that cannot be
/// opened is reported as unreadable.
pub fn detect_path(path: &Path) -> DiskReport {
    match Disk::open(path) {
        Ok(mut disk) => {
            let (size, sector_size) = (disk.size, disk.sector_size);
            let s = scan(&mut disk, size, sector_size);
            DiskReport {
                path: disk.path.clone(),
                size,
                sector_size,
                model: disk.model.clone(),
                serial: disk.serial.clone(),
                removable: disk.removable,
                bus: disk.bus,
                table: s.table,
                partitions: s.partitions,
                signatures: s.signatures,
                content: s.content,
                issues: s.issues,
            }
        }
        Err(e) => DiskReport {
            path: path.to_path_buf(),
            size: 0,
            sector_size: blockdev::DEFAULT_SECTOR_SIZE,
            model: None,
            serial: None,
            removable: false,
            bus: None,
            table: PartitionTable::None,
            partitions: Vec::new(),
            signatures: Vec::new(),
            content: Content::Unreadable {
                why: Unreadable::from(&e),
            },
            issues: Vec::new(),
        },
    }
}

/// Detect a device that is already open, e.g. an in-memory image, of
/// `size` bytes in logical sectors of `sector_size` bytes.
pub fn detect_device<D: Read + Seek>(
    path: PathBuf,
    dev: &mut D,
    size: u64,
    sector_size: u64,
) -> DiskReport {
    let s = scan(dev, size, sector_size);
    DiskReport {
        path,
        size,
        sector_size,
        model: None,
        serial: None,
        removable: false,
        bus: None,
        table: s.table,
        partitions: s.partitions,
        signatures: s.signatures,
        content: s.content,
        issues: s.issues,
    }
}

/// Detect every path, then check across disks.
pub fn detect_all(paths: &[PathBuf]) -> Vec<DiskReport> {
    let mut reports: Vec<DiskReport> = paths.iter().map(|p| detect_path(p)).collect();
    check_across_disks(&mut reports);
    reports
}

/// Add issues only visible across disks: Ferry installed on several.
pub fn check_across_disks(reports: &mut [DiskReport]) {
    let ferry: Vec<String> = reports
        .iter()
        .filter(|r| r.ferry().is_some())
        .map(|r| r.path.display().to_string())
        .collect();
    if ferry.len() < 2 {
        return;
    }
    for r in reports.iter_mut().filter(|r| r.ferry().is_some()) {
        let me = r.path.display().to_string();
        let others: Vec<String> = ferry.iter().filter(|p| **p != me).cloned().collect();
        r.issues
            .push(Issue::new(IssueFact::SeveralInstalls { others }));
    }
}
