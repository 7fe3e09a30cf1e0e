//! What a migration changes, one line per key, for the technician to read
//! before anything is written.

use std::fmt;

/// One change to one key of one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub file: String,
    /// The step that makes the change.
    pub from_schema: u32,
    pub to_schema: u32,
    pub kind: ChangeKind,
}

/// The kinds of change. Keys are dotted paths; inside arrays of tables they
/// name the element, as in `vm[name = "db"].memory`. Values are shown as
/// TOML, shortened when long.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChangeKind {
    Renamed {
        key: String,
        to: String,
    },
    Moved {
        key: String,
        /// Set when the key moved to another document.
        to_file: Option<String>,
        to: String,
    },
    Split {
        key: String,
        /// Each new key with its value.
        into: Vec<(String, String)>,
    },
    Added {
        key: String,
        value: String,
    },
    Dropped {
        key: String,
        was: String,
    },
    Mapped {
        key: String,
        from: String,
        to: String,
    },
    /// The schema recorded in `ferry.toml`.
    Schema {
        from: u32,
        to: u32,
    },
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.kind)
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChangeKind::Renamed { key, to } => write!(f, "renamed {key} → {to}"),
            ChangeKind::Moved {
                key,
                to_file: Some(file),
                to,
            } => write!(f, "moved {key} → {file}: {to}"),
            ChangeKind::Moved { key, to, .. } => write!(f, "moved {key} → {to}"),
            ChangeKind::Split { key, into } => {
                write!(f, "split {key} into ")?;
                for (i, (part, value)) in into.iter().enumerate() {
                    let sep = if i == 0 { "" } else { ", " };
                    write!(f, "{sep}{part} = {value}")?;
                }
                Ok(())
            }
            ChangeKind::Added { key, value } => write!(f, "added {key} = {value}"),
            ChangeKind::Dropped { key, was } => write!(f, "dropped {key} (was {was})"),
            ChangeKind::Mapped { key, from, to } => write!(f, "changed {key} from {from} to {to}"),
            ChangeKind::Schema { from, to } => write!(f, "schema {from} → {to}"),
        }
    }
}
