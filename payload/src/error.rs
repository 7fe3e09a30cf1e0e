use std::path::{Path, PathBuf};

use crate::{Fingerprint, HeaderField};

mod build;
mod container;
mod keys;
mod manifest;

pub use build::BuildProblem;
pub use container::{Damage, FrameProblem, LayoutProblem, MemberKind, NotPayload};
pub use keys::{KeyProblem, SignatureProblem};
pub use manifest::ManifestProblem;

/// Everything that can go wrong reading, verifying or building a payload.
///
/// Messages are written for the technician or admin who will read them:
/// they say what is wrong with which part of the file, never how the code
/// found out.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{context}: {source}")]
    Io {
        context: IoContext,
        #[source]
        source: std::io::Error,
    },

    #[error("the payload ends early: {cut} (the file stops before byte {at})")]
    Truncated { cut: Cut, at: u64 },

    #[error("not a Ferry payload: {0}")]
    NotAPayload(NotPayload),

    #[error("the payload's container is damaged at byte {offset}: {reason}")]
    Container { offset: u64, reason: Damage },

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
    Manifest(ManifestProblem),

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
        what: Newer,
        min_installer: Option<semver::Version>,
    },

    #[error("the signature file is not valid: {0}")]
    SignatureFormat(SignatureProblem),

    #[error("{0}")]
    Untrusted(Untrusted),

    #[error("{0}")]
    Key(KeyProblem),

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
    Layout(LayoutProblem),

    #[error(
        "the payload is damaged: {component} bytes {start}..{end} (chunk {chunk}) \
         do not decompress to the signed length: {reason}"
    )]
    BadFrame {
        component: String,
        chunk: u64,
        start: u64,
        end: u64,
        reason: FrameProblem,
    },

    #[error("cannot build the payload: {0}")]
    Build(BuildProblem),

    /// One of the threads that hash, compress, check or decompress chunks
    /// ended without an answer: reading, verifying or building alike.
    #[error("a worker thread that hashes or checks the payload's chunks stopped unexpectedly")]
    WorkerStopped,
}

/// What a payload from a newer installer has that this one does not
/// read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Newer {
    /// A payload format number above the highest this code reads.
    #[error("it is payload format {0}")]
    Format(i64),
    /// A component compressed in a way this code does not know.
    #[error(
        "component '{}' is compressed with '{}'",
        component.escape_debug(),
        compression.escape_debug()
    )]
    Compression {
        component: String,
        compression: String,
    },
}

/// Why a payload's signatures do not make it trusted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Untrusted {
    /// A trusted key's signature does not verify over the manifest.
    #[error(
        "the signature by key {} does not match the manifest: the payload was changed after \
         it was signed",
        key.short()
    )]
    Mismatch { key: Fingerprint },
    /// Every key that signed it and is known has been revoked.
    #[error("the payload is signed by key {}, which has been revoked", key.short())]
    Revoked { key: Fingerprint },
    /// No key that signed it is trusted.
    #[error(
        "the payload is signed by key {}, which is not trusted here (trusted: {})",
        key.short(),
        short_keys(trusted)
    )]
    NotTrusted {
        key: Fingerprint,
        /// The keys trusted here.
        trusted: Vec<Fingerprint>,
    },
    /// The signature file holds no signature.
    #[error("the payload carries no signature")]
    Unsigned,
    /// The payload's trust update would revoke every trusted key.
    #[error("the payload would revoke every trusted key, leaving none to verify the next one")]
    NoKeyLeft,
}

/// Keys by their short fingerprints, `none` for no key.
fn short_keys(keys: &[Fingerprint]) -> String {
    if keys.is_empty() {
        return "none".to_string();
    }
    let short: Vec<String> = keys.iter().map(Fingerprint::short).collect();
    short.join(", ")
}

impl Error {
    pub(crate) fn io(context: IoContext, source: std::io::Error) -> Error {
        Error::Io { context, source }
    }

    /// A key's problem, said of the key file at `path`.
    pub(crate) fn in_file(self, path: &Path) -> Error {
        match self {
            Error::Key(problem) => Error::Key(problem.in_file(path)),
            other => other,
        }
    }
}

/// What the payload code was reading or writing when the operating system
/// refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IoContext {
    /// A part of the payload, from byte `at`.
    #[error("reading {part} at byte {at}")]
    ReadingPart { part: Cut, at: u64 },
    /// The payload past its last member, from byte `at`.
    #[error("reading the payload at byte {at}")]
    ReadingPayload { at: u64 },
    /// The reader's caller taking a component's verified bytes (writing
    /// them where they go).
    #[error("writing {component}")]
    Delivering { component: String },
    /// A component's input file or a key file.
    #[error("opening {}", .0.display())]
    Opening(PathBuf),
    /// A component's input file or a key file.
    #[error("reading {}", .0.display())]
    Reading(PathBuf),
    /// The new payload's temporary file, in the output's directory.
    #[error("creating a file in {}", .dir.display())]
    Creating { dir: PathBuf },
    /// The new payload, written to its temporary file for `out`.
    #[error("writing {}", .out.display())]
    Writing { out: PathBuf },
    /// A component's bytes, written into the new payload.
    #[error("writing {component} into the payload")]
    WritingComponent { component: String },
    /// The manifest and the signatures, written at the new payload's start.
    #[error("writing the manifest into the payload")]
    WritingManifest,
    /// The new payload, read back to be checked.
    #[error("reading the new payload back")]
    ReadingBack,
    /// The new payload, taking its final name.
    #[error("renaming the new payload to {}", .out.display())]
    Renaming { out: PathBuf },
    /// A directory of trusted keys.
    #[error("listing the keys in {}", .dir.display())]
    ListingKeys { dir: PathBuf },
    /// Chunk `chunk` of a component, compressed by zstd (which reports
    /// its own failures as I/O errors).
    #[error("compressing chunk {chunk} of {component}")]
    Compressing { component: String, chunk: u64 },
    /// The operating system's random numbers, for a new key.
    #[error("getting random numbers for a new key")]
    Randomness,
}

/// A part of a payload, as a truncation or damage names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Section {
    Manifest,
    Signature,
    Component(String),
    /// Where the end-of-archive marker belongs.
    End,
}

impl std::fmt::Display for Section {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Section::Manifest => f.write_str("the manifest"),
            Section::Signature => f.write_str("the signature"),
            Section::Component(name) => write!(f, "component '{name}'"),
            Section::End => f.write_str("the end of the payload"),
        }
    }
}

/// Where a payload's file stops too early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cut {
    /// In the tar header of that section.
    Header(Section),
    /// In the manifest or the signature, read whole.
    Whole(Section),
    /// In the zeros that pad that section to its last block.
    Padding(Section),
    /// In the second block of the end-of-archive marker.
    EndMarker,
    /// In bytes `start..end` of a component (of its chunk `chunk` when it
    /// is stored in frames; uncompressed offsets otherwise).
    Bytes {
        component: String,
        chunk: Option<u64>,
        start: u64,
        end: u64,
    },
}

impl std::fmt::Display for Cut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Cut::Header(s) => write!(f, "the header of {s}"),
            Cut::Whole(s) => write!(f, "{s}"),
            Cut::Padding(s) => write!(f, "the padding after {s}"),
            Cut::EndMarker => f.write_str("the end-of-archive marker"),
            Cut::Bytes {
                component,
                chunk: None,
                start,
                end,
            } => write!(f, "component '{component}' (bytes {start}..{end})"),
            Cut::Bytes {
                component,
                chunk: Some(i),
                start,
                end,
            } => write!(
                f,
                "component '{component}' (chunk {i}, bytes {start}..{end})"
            ),
        }
    }
}
