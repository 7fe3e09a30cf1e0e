//! Why a manifest is refused: each rule of `docs/payload-format.md` with
//! the key, the component or the value that breaks it.

use semver::Version;
use toml_syntax::SyntaxError;

use crate::manifest::{
    Chunk, FORMAT, FORMAT_1, MAX_CHUNK_SIZE, MAX_COMPONENTS, MAX_COMPONENT_SIZE,
    MAX_INCLUDED_HOTFIXES, MIN_CHUNK_SIZE,
};
use crate::product::DefinitionError;

/// What is wrong with a manifest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestProblem {
    #[error("it is not UTF-8 text")]
    NotText,
    /// The TOML parser's account, or the typed reading's (a missing or
    /// unknown key, a value of the wrong type).
    #[error("{0}")]
    Syntax(SyntaxError),
    #[error("'format' is missing")]
    NoFormat,
    #[error("'format' is not a number")]
    FormatNotANumber,
    /// A format this code does not read (older than format 1, or not the
    /// newer one the lenient reading reports as such).
    #[error("it is format {format}; this tool reads formats {FORMAT_1} to {FORMAT}")]
    Format { format: u32 },
    /// `[install]` or `first-release` in a format 1 manifest.
    #[error("'[install]' and 'first-release' need format {FORMAT}; it says format {format}")]
    NeedsFormat2 { format: u32 },
    #[error("[install]: {0}")]
    Install(DefinitionError),
    #[error(
        "product id '{}' must be 1-64 lowercase letters, digits or '-'",
        id.escape_debug()
    )]
    ProductId { id: String },
    #[error("'created' ({}) is not an RFC 3339 time", created.escape_debug())]
    Created { created: String },
    #[error(
        "a release must say which versions it upgrades ('upgrades-from'), or that it is the \
         first ('first-release')"
    )]
    NoUpgradeRule,
    #[error(
        "the first release upgrades nothing: 'upgrades-from' and 'first-release' exclude \
         each other"
    )]
    FirstReleaseUpgrades,
    #[error("'applies-to', 'hotfix-id' and 'includes-hotfixes' belong to hotfixes, not releases")]
    HotfixKeysInRelease,
    #[error("a hotfix must name the release it applies to ('applies-to')")]
    NoAppliesTo,
    #[error(
        "a hotfix carries the version of the release it fixes: 'version' is {version} but \
         'applies-to' is {applies_to}"
    )]
    AppliesToDiffers {
        version: Version,
        applies_to: Version,
    },
    #[error(
        "hotfix id '{}' must be 1-32 letters, digits, '.', '_' or '-'",
        id.escape_debug()
    )]
    HotfixId { id: String },
    #[error("a hotfix must have an id ('hotfix-id')")]
    NoHotfixId,
    #[error("'upgrades-from', 'first-release' and '[install]' belong to releases, not hotfixes")]
    ReleaseKeysInHotfix,
    #[error(
        "'includes-hotfixes' lists {count} hotfixes, more than the {MAX_INCLUDED_HOTFIXES} \
         allowed"
    )]
    TooManyIncluded { count: usize },
    #[error(
        "included hotfix id '{}' must be 1-32 letters, digits, '.', '_' or '-'",
        id.escape_debug()
    )]
    IncludedId { id: String },
    #[error("hotfix {id} lists itself in 'includes-hotfixes'")]
    IncludesItself { id: String },
    #[error("'includes-hotfixes' lists {id} twice")]
    IncludedTwice { id: String },
    #[error("[trust] is empty")]
    EmptyTrust,
    #[error("it lists no components")]
    NoComponents,
    #[error("it lists {count} components, more than the {MAX_COMPONENTS} allowed")]
    TooManyComponents { count: usize },
    #[error(
        "component name '{}' is not allowed: use 1-100 letters, digits, '.', '_' or '-', \
         starting with a letter or digit (no '/', no '..')",
        name.escape_debug()
    )]
    ComponentName { name: String },
    /// `manifest.toml` or `manifest.sig`.
    #[error("'{name}' cannot be a component name")]
    ReservedName { name: String },
    #[error("component '{component}' is listed twice")]
    ComponentTwice { component: String },
    #[error(
        "component '{component}' claims {size} bytes, more than the {MAX_COMPONENT_SIZE} allowed"
    )]
    ComponentTooLarge { component: String, size: u64 },
    #[error(
        "component '{component}' has chunk size {chunk_size}; it must be a power of two \
         from {MIN_CHUNK_SIZE} to {MAX_CHUNK_SIZE}"
    )]
    ChunkSize { component: String, chunk_size: u64 },
    #[error(
        "component '{component}' lists {listed} chunk checksums; {size} bytes in chunks of \
         {chunk_size} need {needed}"
    )]
    ChunkCount {
        component: String,
        listed: usize,
        size: u64,
        chunk_size: u64,
        needed: u64,
    },
    /// A component stored as it is whose chunk `chunk` is a frame or a
    /// zero chunk.
    #[error("component '{component}' is not compressed, yet chunk {chunk} is '{entry}'")]
    NotCompressed {
        component: String,
        chunk: u64,
        entry: Chunk,
    },
    #[error(
        "component '{component}' is compressed, which format {format} does not allow \
         (format {FORMAT} does)"
    )]
    CompressedInFormat { component: String, format: u32 },
    #[error("component '{component}' is compressed, yet chunk {chunk} has no stored length")]
    NoStoredLength { component: String, chunk: u64 },
    #[error(
        "component '{component}' chunk {chunk} claims {stored} stored bytes, more than a \
         frame of {chunk_size} bytes ever takes"
    )]
    StoredTooLong {
        component: String,
        chunk: u64,
        stored: u64,
        chunk_size: u64,
    },
}
