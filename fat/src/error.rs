use std::io;

use serde::{Deserialize, Serialize};

/// What went wrong with a FAT volume, in words an admin understands.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{what}: {source}")]
    Io {
        /// What the volume code was reading or writing.
        what: Access,
        #[source]
        source: io::Error,
    },
    #[error("volume label {0:?} is not 1 to 11 characters of A-Z, 0-9, space, - or _")]
    BadLabel(String),
    #[error("{path}: {size} bytes is more than a FAT file can hold (4 GiB - 1)")]
    FileTooLarge { path: String, size: u64 },
    #[error("not a FAT file system: {0}")]
    NotFat(BootSector),
    #[error("{0} is not a valid path on a FAT volume")]
    BadPath(String),
    /// A directory on the way to a file is not there.
    #[error("{dir}: no directory {part} on the FAT volume")]
    NoDirectory {
        /// The whole directory path asked for.
        dir: String,
        /// The part of it that is missing.
        part: String,
    },
    /// A part of a directory path is a file.
    #[error("{dir}: {part} is a file, not a directory")]
    NotADirectory { dir: String, part: String },
    /// The file asked for is not in its directory.
    #[error("{path}: no such file on the FAT volume")]
    NoFile { path: String },
    /// A file was to get a name another file already has.
    #[error("{path} exists already")]
    FileExists { path: String },
    #[error("{0}-byte sectors: a FAT volume has sectors of 512, 1024, 2048 or 4096 bytes")]
    BadSectorSize(u16),
    /// A cluster chain comes back to a cluster it already passed: whatever
    /// follows it (a directory listing, a file) never ends.
    #[error(
        "the FAT file system is damaged: a loop in its cluster chains (cluster {cluster} \
         leads back to cluster {next}); repair it with fsck.fat or reformat the partition"
    )]
    ChainLoop { cluster: u32, next: u32 },
    /// A cluster links to one no chain may continue into.
    #[error(
        "the FAT file system is damaged: cluster {cluster} leads to cluster {next}, {why}; \
         repair it with fsck.fat or reformat the partition"
    )]
    BadLink {
        cluster: u32,
        next: u32,
        why: LinkProblem,
    },
    #[error(
        "the FAT file system has {clusters} clusters, more than the {max} whose chains \
         can be checked before reading it"
    )]
    TooManyClusters { clusters: u32, max: u32 },
    /// A directory entry (or, on FAT32, the root directory) starts at a
    /// cluster outside the data area: following it reads from nowhere.
    #[error(
        "the FAT file system is damaged: {} starts at cluster {cluster}, which is outside \
         the volume; repair it with fsck.fat or reformat the partition",
        match name { Some(n) => format!("the directory entry {n:?}"), None => "the root directory".to_string() }
    )]
    BadStart {
        /// The entry's short (8.3) name; `None` for the root directory.
        name: Option<String>,
        cluster: u32,
    },
    #[error(
        "the FAT file system has more than {max} directories, more than can be checked \
         before reading it"
    )]
    TooManyDirectories { max: usize },
    /// The volume is closed while a file or directory of it is still open.
    #[error("the FAT volume cannot be closed: the disk is still in use")]
    InUse,
    /// A position before the start of the disk was asked for (`fatfs`
    /// reading a damaged volume); carried in the `io::Error` it sees.
    #[error("seek before the start of the disk")]
    SeekBeforeStart,
}

/// What the volume code was reading or writing when the disk (or the
/// `fatfs` code on top of it) failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "access")]
pub enum Access {
    #[error("measuring the disk to format")]
    Measure,
    #[error("rewinding the disk")]
    Rewind,
    #[error("formatting a {size}-byte FAT volume {label:?}")]
    Format { size: u64, label: String },
    /// `fatfs` reading the boot sector and the FSInfo sector to open the
    /// volume (its own checks of the boot sector fail here too).
    #[error("opening the FAT file system")]
    Mount,
    #[error("reading the FAT boot sector")]
    BootSector,
    #[error("reading the FAT")]
    Table,
    #[error("reading the FAT32 FSInfo sector")]
    ReadFsInfo,
    #[error("writing the FAT32 FSInfo sector")]
    WriteFsInfo,
    #[error("reading a directory")]
    ReadDirectory,
    #[error("writing a directory")]
    WriteDirectory,
    #[error("reading free space")]
    FreeSpace,
    #[error("creating directory {path}")]
    CreateDirectory { path: String },
    #[error("opening directory {path}")]
    OpenDirectory { path: String },
    #[error("listing {path}")]
    List { path: String },
    #[error("creating {path}")]
    CreateFile { path: String },
    #[error("truncating {path}")]
    Truncate { path: String },
    #[error("reading the source of {path}")]
    ReadSource { path: String },
    #[error("writing {path}")]
    WriteFile { path: String },
    #[error("opening {path}")]
    OpenFile { path: String },
    #[error("reading {path}")]
    ReadFile { path: String },
    #[error("removing {path}")]
    Remove { path: String },
    #[error("closing the FAT volume")]
    Close,
    #[error("flushing the FAT volume")]
    Flush,
}

/// Why the first sector of a volume is not a FAT boot sector, or
/// describes a volume that cannot be: its fields, checked in order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "field")]
pub enum BootSector {
    #[error("the boot sector does not end with the boot signature 55 AA")]
    NoSignature,
    #[error("the boot sector gives {bytes}-byte sectors (512, 1024, 2048 or 4096 expected)")]
    SectorSize { bytes: u16 },
    #[error("the boot sector gives {sectors} sectors per cluster, not a power of two")]
    ClusterSize { sectors: u8 },
    #[error("the boot sector gives no reserved sectors")]
    NoReservedSectors,
    #[error("the boot sector gives no allocation table")]
    NoTables,
    #[error("the boot sector gives allocation tables of 0 sectors")]
    EmptyTables,
    #[error("the boot sector's areas overflow")]
    AreasOverflow,
    #[error("the data area starts at sector {data}, past the end of the volume ({total} sectors)")]
    DataPastEnd { data: u64, total: u64 },
    #[error("the allocation table ({bytes} bytes) does not fit in memory")]
    TableTooLarge { bytes: u64 },
}

/// Why a cluster may not link to the one it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkProblem {
    #[error("which is outside the volume")]
    Outside,
    #[error("which is marked free")]
    Free,
}

impl Error {
    pub(crate) fn io(what: Access) -> impl FnOnce(io::Error) -> Error {
        move |source| Error::Io { what, source }
    }
}
