//! What can go wrong, in sentences a technician can act on.

use std::io;

/// Why `plan` refuses a choice. Nothing has been written when one of these
/// is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("{0}")]
    Upgrade(#[from] payload::Refusal),
    #[error("this payload is for {offered}; the disk holds {installed}")]
    OtherProduct { installed: String, offered: String },
    #[error("{0}")]
    Disk(String),
    #[error("the disk is {size} bytes; this installation needs at least {needed} bytes")]
    DiskTooSmall { size: u64, needed: u64 },
    #[error("{0}")]
    Space(String),
    #[error(
        "the payload is signed by key {signer}, which the installed system does not trust \
         (it trusts {trusted}); wipe and reinstall to change keys"
    )]
    KeyNotTrusted { signer: String, trusted: String },
    #[error("{0}")]
    Payload(String),
    #[error("the configuration cannot be migrated: {0}")]
    Migration(String),
    #[error("the answer file does not fit this release: {0}")]
    Answers(String),
    #[error("{0}")]
    Choice(String),
}

/// Why reading the disk, the payload or writing the system failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: io::Error,
    },
    #[error("the payload: {0}")]
    Payload(#[from] payload::Error),
    #[error("{0}")]
    Refused(#[from] Refusal),
    #[error("the disk changed since the plan was made: {0}; run the plan again")]
    DiskChanged(String),
    #[error("read-back of {what} found bytes {start}..{end} differ from what was written: the disk does not keep what it is given")]
    ReadBack { what: String, start: u64, end: u64 },
    #[error("the configuration: {0}")]
    Config(String),
    #[error("the state record: {0}")]
    State(#[from] detect::state::StateError),
    #[error("{0}")]
    Other(String),
}

impl Error {
    /// An I/O error with the object it concerns.
    pub fn io(what: impl Into<String>, source: io::Error) -> Error {
        Error::Io {
            what: what.into(),
            source,
        }
    }
}

/// Attach what was being done to an I/O result.
pub(crate) trait IoContext<T> {
    fn ctx(self, what: impl FnOnce() -> String) -> Result<T, Error>;
}

impl<T> IoContext<T> for io::Result<T> {
    fn ctx(self, what: impl FnOnce() -> String) -> Result<T, Error> {
        self.map_err(|e| Error::io(what(), e))
    }
}
