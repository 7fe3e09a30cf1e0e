//! Reading Ferry media, for the installer and for `media-builder iso
//! customize`.
//!
//! - [`iso`]: an ISO 9660 reader for what `media-builder iso` writes:
//!   primary volume descriptor, directories with Rock Ridge names (plain
//!   ISO names as fallback), multi-extent files, files read as
//!   `Read + Seek` straight from the device. Hand-written because the
//!   crates found either ignore Rock Ridge (`iso9660`), need FUSE to build
//!   (`cdfs`) or are release candidates (`hadris-iso`); the subset Ferry
//!   writes is small, and every parser here bounds its work on hostile
//!   bytes.
//! - [`checksum`]: the embedded media checksum (Ferry's SHA-256 and the
//!   `checkisomd5`-compatible MD5) and the "check this medium" pass.
//! - [`stick`]: the USB image's FAT partition: split payloads, the answer
//!   file, reports.
//! - [`MediumInfo`]: `/ferry/medium.toml`, the medium's id and what it
//!   carries.
//! - [`choose_boot_medium`]: which of the Ferry media in a machine the
//!   installer started from.
//!
//! The on-media layout is specified in `docs/media.md`.

pub mod checksum;
mod error;
mod info;
pub mod iso;
mod select;
pub mod stick;

pub use error::{Access, Damage, Error, InfoProblem, NotIso};
pub use info::{
    MediumInfo, PayloadFile, ANSWER_PATH, INFO_PATH, MAX_PAYLOADS, PAYLOAD_DIR, REPORTS_DIR,
};
pub use select::choose_boot_medium;
