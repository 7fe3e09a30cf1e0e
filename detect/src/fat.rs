//! Read-only access to a FAT partition through `fatfs`, with limits so a
//! corrupt file system cannot make detection read forever: the boot
//! sector's areas must fit the partition, and no cluster chain may loop
//! ([`::fat::check_chains`]). Why a volume, a file or a directory cannot
//! be read is a [`FatProblem`].

use crate::io::{ReadOnly, Slice};
use crate::system::SystemError;
use serde::{Deserialize, Serialize};
use std::io::{self, Read, Seek, SeekFrom};

/// A FAT volume on a partition of a device, opened read-only.
pub type FatVolume<'a, D> = fatfs::FileSystem<ReadOnly<Slice<&'a mut D>>>;

/// Most directory entries we look at in one directory.
const MAX_DIR_ENTRIES: usize = 4096;

/// Why a FAT partition, or a file or directory on it, cannot be read:
/// the facts of [`IssueFact::FatUnreadable`](crate::report::IssueFact),
/// `EspFilesUnreadable` and `StateFileUnreadable`. The English `Display`
/// is what the log and the JSON's `message` say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum FatProblem {
    /// The boot sector could not be read.
    #[error("cannot read the boot sector: {error}")]
    BootSectorUnreadable {
        #[serde(flatten)]
        error: SystemError,
    },
    /// A field of the boot sector describes no FAT volume that can be.
    #[error("not a FAT file system: {boot_sector}")]
    NotFat { boot_sector: ::fat::BootSector },
    /// The volume says it spans more bytes than its partition has.
    #[error("FAT file system claims {size} bytes but its partition has {partition}")]
    LargerThanPartition { size: u64, partition: u64 },
    /// The check of the cluster chains could not read the volume.
    #[error("{what}: {error}")]
    Io {
        /// What the check was reading.
        what: ::fat::Access,
        #[serde(flatten)]
        error: SystemError,
    },
    /// A cluster chain loops.
    #[error("{}", self.fat_error().map(|e| e.to_string()).unwrap_or_default())]
    ChainLoop { cluster: u32, next: u32 },
    /// A cluster links to one no chain may continue into.
    #[error("{}", self.fat_error().map(|e| e.to_string()).unwrap_or_default())]
    BadLink {
        cluster: u32,
        next: u32,
        why: ::fat::LinkProblem,
    },
    /// More clusters than the chains' check takes.
    #[error("{}", self.fat_error().map(|e| e.to_string()).unwrap_or_default())]
    TooManyClusters { clusters: u32, max: u32 },
    /// A directory entry (`None`: the FAT32 root) starts outside the
    /// data area.
    #[error("{}", self.fat_error().map(|e| e.to_string()).unwrap_or_default())]
    BadStart { name: Option<String>, cluster: u32 },
    /// More directories than the chains' check takes.
    #[error("{}", self.fat_error().map(|e| e.to_string()).unwrap_or_default())]
    TooManyDirectories { max: usize },
    /// The partition could not be read from its start again.
    #[error("cannot rewind the partition: {error}")]
    Rewind {
        #[serde(flatten)]
        error: SystemError,
    },
    /// `fatfs` refused the volume.
    #[error("not a readable FAT file system: {error}")]
    Refused {
        #[serde(flatten)]
        error: SystemError,
    },
    /// A file could not be opened.
    #[error("cannot open {path}: {error}")]
    OpenFile {
        path: String,
        #[serde(flatten)]
        error: SystemError,
    },
    /// A file could not be read.
    #[error("cannot read {path}: {error}")]
    ReadFile {
        path: String,
        #[serde(flatten)]
        error: SystemError,
    },
    /// A file is larger than detection reads.
    #[error("{path} is larger than {max} bytes")]
    FileTooLarge { path: String, max: u64 },
    /// A directory could not be opened.
    #[error("cannot open directory {path}: {error}")]
    OpenDirectory {
        path: String,
        #[serde(flatten)]
        error: SystemError,
    },
    /// A directory could not be listed.
    #[error("cannot list {path}: {error}")]
    List {
        path: String,
        #[serde(flatten)]
        error: SystemError,
    },
}

impl FatProblem {
    /// The `fat` crate's error this problem is, for the chains' and the
    /// boot sector's findings: their words are that crate's, in English
    /// and in a front end's language.
    pub fn fat_error(&self) -> Option<::fat::Error> {
        use ::fat::Error as E;
        Some(match self.clone() {
            FatProblem::NotFat { boot_sector } => E::NotFat(boot_sector),
            FatProblem::ChainLoop { cluster, next } => E::ChainLoop { cluster, next },
            FatProblem::BadLink { cluster, next, why } => E::BadLink { cluster, next, why },
            FatProblem::TooManyClusters { clusters, max } => E::TooManyClusters { clusters, max },
            FatProblem::BadStart { name, cluster } => E::BadStart { name, cluster },
            FatProblem::TooManyDirectories { max } => E::TooManyDirectories { max },
            _ => return None,
        })
    }

    /// What the chains' check or the boot sector's found.
    fn from_fat(e: ::fat::Error) -> Self {
        use ::fat::Error as E;
        match e {
            E::Io {
                what: ::fat::Access::BootSector,
                source,
            } => FatProblem::BootSectorUnreadable {
                error: (&source).into(),
            },
            E::Io { what, source } => FatProblem::Io {
                what,
                error: (&source).into(),
            },
            E::NotFat(boot_sector) => FatProblem::NotFat { boot_sector },
            E::ChainLoop { cluster, next } => FatProblem::ChainLoop { cluster, next },
            E::BadLink { cluster, next, why } => FatProblem::BadLink { cluster, next, why },
            E::TooManyClusters { clusters, max } => FatProblem::TooManyClusters { clusters, max },
            E::BadStart { name, cluster } => FatProblem::BadStart { name, cluster },
            E::TooManyDirectories { max } => FatProblem::TooManyDirectories { max },
            // Errors of writing and of paths, which reading a volume's
            // boot sector and chains does not give.
            other => FatProblem::Refused {
                error: SystemError::text(other.to_string()),
            },
        }
    }
}

/// Open the FAT file system in bytes `[start, start + len)` of `dev`.
pub fn open<D: Read + Seek>(
    dev: &mut D,
    start: u64,
    len: u64,
) -> Result<FatVolume<'_, D>, FatProblem> {
    let mut slice =
        Slice::new(dev, start, len).map_err(|e| FatProblem::Refused { error: (&e).into() })?;
    // `fatfs` leaves the boot sector's geometry to arithmetic: a volume
    // that does not fit its partition is refused before it is read from.
    let size = ::fat::volume_size(&mut slice).map_err(FatProblem::from_fat)?;
    if size > len {
        return Err(FatProblem::LargerThanPartition {
            size,
            partition: len,
        });
    }
    // `fatfs` follows cluster chains without a bound, so one loop on one
    // disk would stop detection for good: refuse the volume before anything
    // walks it. Its message says the file system is damaged.
    ::fat::check_chains(&mut slice).map_err(FatProblem::from_fat)?;
    slice
        .seek(SeekFrom::Start(0))
        .map_err(|e| FatProblem::Rewind { error: (&e).into() })?;
    fatfs::FileSystem::new(ReadOnly(slice), fatfs::FsOptions::new())
        .map_err(|e| FatProblem::Refused { error: (&e).into() })
}

/// Read a whole file of at most `cap` bytes. `Ok(None)` if it does not exist.
pub fn read_file<D: Read + Seek>(
    fs: &FatVolume<'_, D>,
    path: &str,
    cap: usize,
) -> Result<Option<Vec<u8>>, FatProblem> {
    let file = match fs.root_dir().open_file(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(FatProblem::OpenFile {
                path: path.into(),
                error: (&e).into(),
            })
        }
    };
    let mut data = Vec::new();
    file.take((cap as u64).saturating_add(1))
        .read_to_end(&mut data)
        .map_err(|e| FatProblem::ReadFile {
            path: path.into(),
            error: (&e).into(),
        })?;
    if data.len() > cap {
        return Err(FatProblem::FileTooLarge {
            path: path.into(),
            max: cap as u64,
        });
    }
    Ok(Some(data))
}

/// Names of the entries of a directory (without `.` and `..`), or `Ok(None)`
/// if it does not exist.
pub fn list_dir<D: Read + Seek>(
    fs: &FatVolume<'_, D>,
    path: &str,
) -> Result<Option<Vec<String>>, FatProblem> {
    let dir = match fs.root_dir().open_dir(path) {
        Ok(d) => d,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(FatProblem::OpenDirectory {
                path: path.into(),
                error: (&e).into(),
            })
        }
    };
    let mut names = Vec::new();
    for entry in dir.iter().take(MAX_DIR_ENTRIES) {
        let entry = entry.map_err(|e| FatProblem::List {
            path: path.into(),
            error: (&e).into(),
        })?;
        let name = entry.file_name();
        if name != "." && name != ".." {
            names.push(name);
        }
    }
    Ok(Some(names))
}

/// Whether a directory exists.
pub fn dir_exists<D: Read + Seek>(fs: &FatVolume<'_, D>, path: &str) -> bool {
    fs.root_dir().open_dir(path).is_ok()
}
