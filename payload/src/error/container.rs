//! Why a file is not a payload, where its container is damaged, which
//! member is not where the manifest puts it, and why a signed frame does
//! not decompress.

use crate::container::{MANIFEST_NAME, SIGNATURE_NAME};
use crate::Section;

/// Why a file is not a Ferry payload at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotPayload {
    #[error("the file starts with zeros")]
    Zeros,
    #[error("the file does not start with a tar header")]
    NoTarHeader,
    #[error("its first member is '{}', not {MANIFEST_NAME}", name.escape_debug())]
    FirstMember { name: String },
    #[error("{SIGNATURE_NAME} is missing")]
    NoSignature,
    #[error(
        "the member after the manifest is '{}', not {SIGNATURE_NAME}",
        name.escape_debug()
    )]
    SecondMember { name: String },
}

/// What is damaged in the payload's tar container.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Damage {
    /// The zeros that pad a member to its last block hold data.
    #[error("the padding after {0} holds data")]
    Padding(Section),
    #[error("the header checksum field is not a number")]
    ChecksumField,
    #[error("the header checksum does not match (this is not a tar header)")]
    Checksum,
    #[error("the header is not a POSIX ustar header")]
    NotUstar,
    #[error("the member name is empty or not text")]
    NoName,
    #[error(
        "member '{}' uses a path prefix; payload members have plain names",
        member.escape_debug()
    )]
    PathPrefix { member: String },
    #[error(
        "member '{}' is {kind}; a payload holds only plain files",
        member.escape_debug()
    )]
    NotPlainFile { member: String, kind: MemberKind },
    #[error("member '{}' has an unreadable size", member.escape_debug())]
    Size { member: String },
    /// The second block of the end-of-archive marker is not zeros.
    #[error("the end-of-archive marker is damaged")]
    EndMarker,
}

/// What a tar member that is not a plain file is, by its type flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MemberKind {
    #[error("a hard link")]
    HardLink,
    #[error("a symbolic link")]
    Symlink,
    #[error("a character device")]
    CharDevice,
    #[error("a block device")]
    BlockDevice,
    #[error("a directory")]
    Directory,
    #[error("a FIFO")]
    Fifo,
    #[error("an extended (pax) header")]
    Pax,
    #[error("a GNU long-name record")]
    GnuLongName,
    /// A type flag no tar program gives a file.
    #[error("not a plain file")]
    Other,
}

impl MemberKind {
    /// The kind of a member whose type flag is `flag` (not `0` nor NUL).
    pub(crate) fn of(flag: u8) -> MemberKind {
        match flag {
            b'1' => MemberKind::HardLink,
            b'2' => MemberKind::Symlink,
            b'3' => MemberKind::CharDevice,
            b'4' => MemberKind::BlockDevice,
            b'5' => MemberKind::Directory,
            b'6' => MemberKind::Fifo,
            b'x' | b'g' => MemberKind::Pax,
            b'L' | b'K' => MemberKind::GnuLongName,
            _ => MemberKind::Other,
        }
    }
}

/// Which member is not where the manifest puts it, or holds what it
/// does not say.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayoutProblem {
    /// A reader asked for a component after the last.
    #[error("every component has already been read")]
    AllRead,
    /// A component read whole into memory is larger than its reader
    /// expects of it.
    #[error("component '{component}' is {size} bytes, more than the {max} expected")]
    TooLarge {
        component: String,
        size: u64,
        max: u64,
    },
    #[error("component '{component}' was not read")]
    NotRead { component: String },
    #[error("component '{component}' appears twice")]
    Twice { component: String },
    #[error("member '{}' is not listed in the manifest", member.escape_debug())]
    Unlisted { member: String },
    #[error("there are bytes after the end of the payload (from byte {at})")]
    Trailing { at: u64 },
    #[error("component '{component}' is missing (the payload ends after the previous one)")]
    Missing { component: String },
    #[error(
        "component '{found}' is where '{expected}' should be: the components are out of \
         order or repeated"
    )]
    OutOfOrder { found: String, expected: String },
    /// `manifest.toml` or `manifest.sig` again among the components.
    #[error("a second '{member}' follows the signature")]
    SecondHead { member: String },
    #[error(
        "component '{component}' is {container} bytes in the container but {manifest} in \
         the manifest"
    )]
    SizeDiffers {
        component: String,
        container: u64,
        manifest: u64,
    },
    #[error("component '{component}' chunk {chunk} is not a frame of at most {max} bytes")]
    NotAFrame {
        component: String,
        chunk: u64,
        max: u64,
    },
}

/// Why a signed zstd frame does not decompress to its chunk's length.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameProblem {
    #[error("it expands beyond {len} bytes")]
    Beyond { len: u64 },
    #[error("it expands to {got} bytes, not {len}")]
    Short { got: u64, len: u64 },
    /// zstd refuses it; `detail` is zstd's own account.
    #[error("it is not a valid zstd frame ({detail})")]
    NotZstd { detail: String },
    /// zstd could not set up a decompressor (no memory); `detail` is
    /// zstd's own account.
    #[error("no zstd decompressor could be set up ({detail})")]
    NoDecompressor { detail: String },
}
