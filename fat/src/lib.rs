//! FAT file systems that `fsck.fat -n` finds nothing to complain about.
//!
//! Ferry writes FAT in three places: the EFI boot image inside the ISO, the
//! writable partition of the USB image, and the target's ESP and config
//! partitions. All of them go through this crate.
//!
//! The writer is `fatfs` 0.3.6, kept because it is a stable release, formats
//! FAT12/16/32 deterministically and reads and writes inside any
//! `Read + Write + Seek`. Its one defect for us: `create_dir` writes long-name
//! entries for `.` and `..` (upstream issue 117), which `fsck.fat` reports for
//! every directory. [`repair`] rewrites the head of each directory so that `.`
//! and `..` are plain short entries in the first two slots, as DOS and Linux
//! write them. [`Volume::create_dir`] repairs as it goes; code that creates
//! directories through plain `fatfs` calls [`repair`] (or opens the volume
//! with [`Volume::open`] and closes it with [`Volume::close`], which repairs).
//! `hadris-fat` writes clean directories but is a release candidate; a
//! ~200-line repair pass over a stable writer is the smaller risk.

mod chain;
mod clock;
mod error;
mod repair;
mod shared;
mod swap;
mod volume;

pub use chain::{check_chains, volume_size, MAX_CHECKED_CLUSTERS};
pub use clock::FixedTime;
pub use error::{Access, BootSector, Error, LinkProblem};
pub use repair::{repair, RepairReport};
pub use shared::SharedDisk;
pub use swap::swap_files;
pub use volume::{format, kind_and_cluster, FatKind, FormatOptions, Volume, MAX_FILE_SIZE};

/// The `fatfs` crate this one builds on, for callers that need its types
/// (`Dir`, `File`, `DirEntry`) directly.
pub use fatfs;
