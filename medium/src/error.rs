use std::io;

/// Why a medium could not be read, in words an admin understands.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: io::Error,
    },
    #[error("not an ISO 9660 medium: {0}")]
    NotIso(String),
    #[error("the medium is damaged: {0}")]
    Damaged(String),
    #[error("{0}: no such file on the medium")]
    NotFound(String),
    #[error("{path}: {size} bytes is more than the {max} bytes allowed")]
    TooLarge { path: String, size: u64, max: u64 },
    #[error("the medium carries no checksum")]
    NoChecksum,
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Fat(#[from] fat::Error),
}

impl Error {
    pub(crate) fn io(what: impl Into<String>) -> impl FnOnce(io::Error) -> Error {
        let what = what.into();
        move |source| Error::Io { what, source }
    }
}
