use std::io;

/// What went wrong with a FAT volume, in words an admin understands.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: io::Error,
    },
    #[error("volume label {0:?} is not 1 to 11 characters of A-Z, 0-9, space, - or _")]
    BadLabel(String),
    #[error("{path}: {size} bytes is more than a FAT file can hold (4 GiB - 1)")]
    FileTooLarge { path: String, size: u64 },
    #[error("not a FAT file system: {0}")]
    NotFat(String),
    #[error("{0} is not a valid path on a FAT volume")]
    BadPath(String),
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
        why: &'static str,
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
}

impl Error {
    pub(crate) fn io(what: impl Into<String>) -> impl FnOnce(io::Error) -> Error {
        let what = what.into();
        move |source| Error::Io { what, source }
    }
}
