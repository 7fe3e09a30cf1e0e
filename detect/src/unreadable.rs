//! Why a disk could not be read or made sense of, as facts. The English
//! `Display` is the `reason` of the JSON output and what the log keeps; a
//! front end says the same facts in its own language. What the operating
//! system or a GPT header's checks said is kept in their words.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::PathBuf;

use crate::device::DeviceError;

/// Why a disk is unreadable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Unreadable {
    /// The device or image could not be opened (the system's words).
    Open { path: PathBuf, cause: String },
    /// Its logical sector size could not be found.
    SectorSize { path: PathBuf, cause: String },
    /// Its size could not be found.
    Size { path: PathBuf, cause: String },
    /// It has no bytes: a card reader without a card, a truncated image.
    Empty,
    /// It is smaller than one sector.
    SmallerThanASector { size: u64 },
    /// Its first sector could not be read (the system's words).
    FirstSector { cause: String },
    /// Its bytes could not be read to look for file systems.
    Probe { cause: String },
    /// Bytes at `at` could not be read (the system's words).
    At { at: u64, cause: String },
    /// Both copies of the GPT header fail their checks.
    GptDamaged { primary: String, backup: String },
    /// A protective MBR announces a GPT that is not there.
    ProtectiveWithoutGpt,
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unreadable::Open { path, cause } => {
                write!(f, "cannot open {}: {cause}", path.display())
            }
            Unreadable::SectorSize { path, cause } => write!(
                f,
                "cannot find the sector size of {}: {cause}",
                path.display()
            ),
            Unreadable::Size { path, cause } => {
                write!(f, "cannot find the size of {}: {cause}", path.display())
            }
            Unreadable::Empty => {
                f.write_str("the disk is empty (0 bytes): no medium, or a truncated image")
            }
            Unreadable::SmallerThanASector { size } => {
                write!(f, "the disk has only {size} bytes, less than one sector")
            }
            Unreadable::FirstSector { cause } => write!(f, "cannot read sector 0: {cause}"),
            Unreadable::Probe { cause } => {
                write!(f, "cannot read the disk to look for file systems: {cause}")
            }
            Unreadable::At { at, cause } => {
                write!(f, "cannot read the disk at byte {at}: {cause}")
            }
            Unreadable::GptDamaged { primary, backup } => write!(
                f,
                "the GPT is damaged in both copies (primary: {primary}; backup: {backup})"
            ),
            Unreadable::ProtectiveWithoutGpt => {
                f.write_str("a protective MBR announces a GPT, but no GPT header was found")
            }
        }
    }
}

impl From<&DeviceError> for Unreadable {
    fn from(e: &DeviceError) -> Self {
        match e {
            DeviceError::Open { path, source } => Unreadable::Open {
                path: path.clone(),
                cause: source.to_string(),
            },
            DeviceError::SectorSize { path, source } => Unreadable::SectorSize {
                path: path.clone(),
                cause: source.to_string(),
            },
            DeviceError::Size { path, source } => Unreadable::Size {
                path: path.clone(),
                cause: source.to_string(),
            },
        }
    }
}
