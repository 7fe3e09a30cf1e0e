use std::io;
use std::path::PathBuf;

use crate::stick::PARTITION_NAME;
use crate::INFO_PATH;

/// Why a medium could not be read, in words an admin understands.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{what}: {source}")]
    Io {
        /// What the reader was reading.
        what: Access,
        #[source]
        source: io::Error,
    },
    #[error("not an ISO 9660 medium: {0}")]
    NotIso(NotIso),
    #[error("the medium is damaged: {0}")]
    Damaged(Damage),
    #[error("{0}: no such file on the medium")]
    NotFound(String),
    #[error("{path}: {size} bytes is more than the {max} bytes allowed")]
    TooLarge { path: String, size: u64, max: u64 },
    #[error("the medium carries no checksum")]
    NoChecksum,
    /// `ferry/medium.toml` says something this installer cannot take.
    #[error("{path}: {0}", path = INFO_PATH)]
    Invalid(InfoProblem),
    /// A file read as text is not UTF-8.
    #[error("{path} is not UTF-8 text")]
    NotText { path: String },
    /// A directory was asked for, and the path names a file.
    #[error("{path} is not a directory")]
    NotADirectory { path: String },
    /// A file was asked for, and the path names a directory.
    #[error("{path} is a directory")]
    IsADirectory { path: String },
    /// A position before the start of a file on the medium was asked for;
    /// carried in the `io::Error` its reader sees.
    #[error("seek before the start of the file")]
    SeekBeforeStart,
    #[error("the stick has no GPT")]
    NoGpt,
    #[error("no partition named {} on the stick", PARTITION_NAME)]
    NoPartition,
    /// A report's file name that would leave `ferry/reports/`.
    #[error("{name:?} is not a report file name")]
    BadReportName { name: String },
    #[error(transparent)]
    Fat(#[from] fat::Error),
    #[error(
        "the boot medium{} was not found{}: is the DVD or stick still in?",
        id.as_ref().map(|id| format!(" (id {id})")).unwrap_or_default(),
        if others.is_empty() { String::new() } else { format!("; other Ferry media: {}", list(others)) }
    )]
    BootMediumNotFound {
        /// The id from `ferry.medium=`, if the command line has one.
        id: Option<String>,
        /// Devices holding other Ferry media.
        others: Vec<PathBuf>,
    },
    #[error(
        "{} each hold a Ferry medium {}, and medium.toml is not signed: the installer cannot \
         tell which one it started from. Remove every medium but the one to install from, \
         then start again",
        list(devices),
        match id { Some(id) => format!("with id {id}"), None => "and the boot command line names none (ferry.medium=)".to_string() }
    )]
    SeveralBootMedia {
        /// The id from `ferry.medium=`, if the command line has one.
        id: Option<String>,
        /// Every device that could be the boot medium.
        devices: Vec<PathBuf>,
    },
}

/// What the medium's reader was reading when the device failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Access {
    #[error("rewinding the medium")]
    Rewind,
    /// The ISO's volume descriptors, from block 16.
    #[error("reading the volume descriptor at block {block}")]
    VolumeDescriptor { block: u64 },
    #[error("reading the directory at block {block}")]
    Directory { block: u32 },
    #[error("reading {path}")]
    File { path: String },
    /// The whole medium, read for its checksum.
    #[error("reading the medium at byte {offset}")]
    At { offset: u64 },
    #[error("reading the GPT header")]
    GptHeader,
    #[error("reading GPT entries")]
    GptEntries,
}

/// Why a medium is not an ISO 9660 volume.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotIso {
    #[error("no CD001 volume descriptor at block {block}")]
    NoCd001 { block: u64 },
    #[error("no primary volume descriptor")]
    NoPrimary,
    #[error("its blocks are {size} bytes, not 2048")]
    BlockSize { size: u16 },
}

/// What is damaged on a medium: its ISO directories, its length, the
/// stick's partition table or payload parts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Damage {
    #[error("a directory of {len} bytes, more than the {max} a Ferry medium has")]
    DirectoryTooLarge { len: u32, max: u32 },
    #[error("the directory at block {block} lies past the end of the volume")]
    DirectoryPastEnd { block: u32 },
    #[error("{name}: more than {max} extents")]
    TooManyExtents { name: String, max: usize },
    #[error("{name} lies past the end of the volume")]
    FilePastEnd { name: String },
    /// The medium ends before its volume does.
    #[error("it ends after {read} bytes of {total}")]
    Short { read: u64, total: u64 },
    #[error("the GPT header is not valid")]
    GptHeader,
    /// The stick's partition's first and last sectors.
    #[error(
        "the {} partition has a bad range (sectors {first} to {last})",
        PARTITION_NAME
    )]
    PartitionRange { first: u64, last: u64 },
    /// A payload's parts on a stick do not add up to its size.
    #[error("the parts of {name} hold {total} bytes, medium.toml says {expected}")]
    PartsSize {
        name: String,
        total: u64,
        expected: u64,
    },
}

/// What `ferry/medium.toml` says that this installer cannot take.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InfoProblem {
    /// The TOML parser's account, with the line and column.
    #[error(transparent)]
    Syntax(#[from] toml_syntax::SyntaxError),
    #[error("format {found} is newer than this installer")]
    Format { found: u32 },
    #[error("more than {max} payloads")]
    TooManyPayloads { max: usize },
    /// A payload's file name, or one of its parts', that is not a plain
    /// name in `ferry/`.
    #[error("{name:?} is not a payload file name")]
    BadName { name: String },
    #[error("{name} is listed twice")]
    ListedTwice { name: String },
}

fn list(devices: &[PathBuf]) -> String {
    let names: Vec<String> = devices.iter().map(|d| d.display().to_string()).collect();
    names.join(", ")
}

impl Error {
    pub(crate) fn io(what: Access) -> impl FnOnce(io::Error) -> Error {
        move |source| Error::Io { what, source }
    }
}
