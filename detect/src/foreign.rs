//! What a disk holds when it holds something that is not Ferry, as facts:
//! how many partitions and which systems they point at, or what was
//! recognised on a disk without partitions. The English `Display` is the
//! `summary` of the JSON output; a front end says the same facts in its
//! own language. Names of formats and systems (`ext4`, `LVM2`, `NTFS`,
//! `Windows`) are the same in every language.

use crate::probe::Filesystem;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a disk holds besides Ferry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Foreign {
    /// Partitions of other systems.
    Partitions {
        /// How many partitions the table lists.
        count: u64,
        /// Operating systems their types and formats point at, e.g.
        /// `Windows`; empty when none is telling.
        systems: Vec<String>,
    },
    /// File systems, volumes or members recognised on the disk itself.
    WholeDisk {
        /// What was recognised, with labels; never empty.
        signatures: Vec<Filesystem>,
        /// The empty partition table beside them, if there is one.
        table: Option<EmptyTable>,
    },
    /// A partition table without partitions, and nothing else recognised.
    EmptyTable {
        /// Which table.
        table: EmptyTable,
    },
    /// Neither a partition table nor anything recognised, but bytes that
    /// are not zero where a blank disk has zeros.
    UnknownData,
}

/// A partition table that lists no partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmptyTable {
    /// An MBR boot signature without entries.
    Mbr,
    /// A GPT header without entries, in either copy.
    Gpt,
}

impl fmt::Display for EmptyTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EmptyTable::Mbr => "an empty MBR partition table",
            EmptyTable::Gpt => "an empty GPT",
        })
    }
}

/// `ext4 labelled "home"`, or `ext4`.
pub fn signature(f: &Filesystem) -> String {
    match &f.label {
        Some(l) => format!("{} labelled {l:?}", f.kind),
        None => f.kind.clone(),
    }
}

impl fmt::Display for Foreign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Foreign::Partitions { count, systems } if systems.is_empty() => {
                write!(f, "{count} partition(s) of other systems")
            }
            Foreign::Partitions { count, systems } => write!(
                f,
                "{count} partition(s), looks like {}",
                systems.join(" and ")
            ),
            Foreign::WholeDisk { signatures, table } => {
                let what: Vec<String> = signatures.iter().map(signature).collect();
                write!(f, "{} on the whole disk", what.join(" and "))?;
                match table {
                    Some(t) => write!(f, ", and {t}"),
                    None => f.write_str(", no partition table"),
                }
            }
            Foreign::EmptyTable { table } => write!(f, "{table} with no partitions"),
            Foreign::UnknownData => f.write_str("data of an unknown kind, no partition table"),
        }
    }
}
