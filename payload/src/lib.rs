//! The Ferry payload (`.upg`): one file carrying a release or a hotfix.
//!
//! A POSIX tar holding `manifest.toml`, `manifest.sig` and the components.
//! The manifest binds product, version, upgrade rule and the SHA-256 of
//! every chunk of every component; one ed25519 signature covers its exact
//! bytes. Readers verify the signature before they believe anything, then
//! stream components through, releasing each chunk only once it matched.
//!
//! The format is specified in `docs/payload-format.md`.

mod build;
mod chunks;
mod compress;
mod container;
pub mod demo_key;
mod error;
mod frames;
mod keys;
mod manifest;
pub mod product;
mod reader;
mod signature;
mod trust_files;
mod upgrade;

pub use build::{build, hash_component, BuildPhase, BuildSpec};
pub use compress::{compress_component, Storing, DEFAULT_ZSTD_LEVEL};
pub use container::{HeaderField, MANIFEST_NAME, SIGNATURE_NAME};
pub use error::{
    BuildProblem, Cut, Damage, Error, FrameProblem, IoContext, KeyProblem, LayoutProblem,
    ManifestProblem, MemberKind, Newer, NotPayload, Section, SignatureProblem, Untrusted,
};
pub use frames::{decompress_exact, Piece};
pub use keys::{Fingerprint, PublicKey, SecretKey};
pub use manifest::{
    check_component_name, max_stored_len, Chunk, Component, Compression, HashAlgorithm, Kind,
    Manifest, Sha256Digest, TrustUpdate, DEFAULT_CHUNK_SIZE, FORMAT, FORMAT_1, MAX_CHUNK_SIZE,
    MAX_COMPONENTS, MAX_COMPONENT_SIZE, MAX_INCLUDED_HOTFIXES, MAX_MANIFEST_BYTES, MIN_CHUNK_SIZE,
};
pub use product::InstallDefinition;
pub use reader::{read_unverified, PayloadReader, Unverified, Verified};
pub use semver::{Version, VersionReq};
pub use signature::{SignatureEntry, SignatureFile, TrustStore, MAX_SIGNATURE_BYTES};
pub use toml_syntax::{Position, SyntaxError};
pub use upgrade::{default_upgrades_from, Refusal};
