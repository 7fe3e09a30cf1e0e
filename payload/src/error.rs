use std::path::Path;

use crate::HeaderField;

/// Everything that can go wrong reading, verifying or building a payload.
///
/// Messages are written for the technician or admin who will read them:
/// they say what is wrong with which part of the file, never how the code
/// found out.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },

    #[error("the payload ends early: {0}")]
    Truncated(String),

    #[error("not a Ferry payload: {0}")]
    NotAPayload(String),

    #[error("the payload's container is damaged at byte {offset}: {reason}")]
    Container { offset: u64, reason: String },

    #[error(
        "the payload's container is damaged at byte {offset}: the header of member '{}' \
         has a {field} that payload build never writes",
        member.escape_debug()
    )]
    NonCanonicalHeader {
        offset: u64,
        member: String,
        field: HeaderField,
    },

    #[error("the manifest is {size} bytes, more than the {max} bytes allowed")]
    ManifestTooLarge { size: u64, max: u64 },

    #[error("the manifest is not valid: {0}")]
    Manifest(String),

    /// A payload this code cannot read: a newer format, or a compression it
    /// does not know. `min_installer` is what the payload says it needs.
    #[error(
        "this payload needs a newer installer: {what}, which this one does not read{}",
        match min_installer {
            Some(v) => format!("; use installer {v} or newer"),
            None => String::new(),
        }
    )]
    NewerFormat {
        what: String,
        min_installer: Option<semver::Version>,
    },

    #[error("the signature file is not valid: {0}")]
    SignatureFormat(String),

    #[error("{0}")]
    Untrusted(String),

    #[error("{0}")]
    Key(String),

    #[error(
        "the payload is damaged: {component} bytes {start}..{end} (chunk {chunk}) \
         do not match the signed checksum"
    )]
    ChunkMismatch {
        component: String,
        chunk: u64,
        start: u64,
        end: u64,
    },

    #[error("the payload is damaged: {0}")]
    Layout(String),

    #[error(
        "the payload is damaged: {component} bytes {start}..{end} (chunk {chunk}) \
         do not decompress to the signed length: {reason}"
    )]
    BadFrame {
        component: String,
        chunk: u64,
        start: u64,
        end: u64,
        reason: String,
    },

    #[error("cannot build the payload: {0}")]
    Build(String),
}

impl Error {
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Error {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    pub(crate) fn in_file(self, path: &Path) -> Error {
        match self {
            Error::Key(msg) => Error::Key(format!("{}: {msg}", path.display())),
            other => other,
        }
    }
}
