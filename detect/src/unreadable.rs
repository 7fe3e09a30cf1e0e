//! Why a disk could not be read or made sense of, as facts. The English
//! `Display` is the `reason` of the JSON output and what the log keeps; a
//! front end says the same facts in its own language. What the operating
//! system said is kept in its words with its error number.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::PathBuf;

use crate::device::DeviceError;
use crate::gpt::CopyProblem;
use crate::system::SystemError;

/// Why a disk is unreadable. What the system said is a [`SystemError`]:
/// its words as `cause`, its number as `errno` beside them in the JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Unreadable {
    /// The device or image could not be opened.
    Open {
        path: PathBuf,
        #[serde(flatten)]
        error: SystemError,
    },
    /// Its logical sector size could not be found.
    SectorSize {
        path: PathBuf,
        #[serde(flatten)]
        error: SystemError,
    },
    /// Its size could not be found.
    Size {
        path: PathBuf,
        #[serde(flatten)]
        error: SystemError,
    },
    /// It has no bytes: a card reader without a card, a truncated image.
    Empty,
    /// It is smaller than one sector.
    SmallerThanASector { size: u64 },
    /// Its first sector could not be read.
    FirstSector {
        #[serde(flatten)]
        error: SystemError,
    },
    /// Its bytes could not be read to look for file systems.
    Probe {
        #[serde(flatten)]
        error: SystemError,
    },
    /// Bytes at `at` could not be read.
    At {
        at: u64,
        #[serde(flatten)]
        error: SystemError,
    },
    /// Both copies of the GPT fail their checks.
    GptDamaged {
        primary: CopyProblem,
        backup: CopyProblem,
    },
    /// A protective MBR announces a GPT that is not there.
    ProtectiveWithoutGpt,
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unreadable::Open { path, error } => {
                write!(f, "cannot open {}: {error}", path.display())
            }
            Unreadable::SectorSize { path, error } => write!(
                f,
                "cannot find the sector size of {}: {error}",
                path.display()
            ),
            Unreadable::Size { path, error } => {
                write!(f, "cannot find the size of {}: {error}", path.display())
            }
            Unreadable::Empty => {
                f.write_str("the disk is empty (0 bytes): no medium, or a truncated image")
            }
            Unreadable::SmallerThanASector { size } => {
                write!(f, "the disk has only {size} bytes, less than one sector")
            }
            Unreadable::FirstSector { error } => write!(f, "cannot read sector 0: {error}"),
            Unreadable::Probe { error } => {
                write!(f, "cannot read the disk to look for file systems: {error}")
            }
            Unreadable::At { at, error } => {
                write!(f, "cannot read the disk at byte {at}: {error}")
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
                error: source.into(),
            },
            DeviceError::SectorSize { path, source } => Unreadable::SectorSize {
                path: path.clone(),
                error: source.into(),
            },
            DeviceError::Size { path, source } => Unreadable::Size {
                path: path.clone(),
                error: source.into(),
            },
        }
    }
}
