//! `plan`: migrate a configuration in memory and show every change and the
//! diff of every document, before anything is written.

use std::fmt;

use similar::TextDiff;

use crate::change::{Change, ChangeKind};
use crate::engine::{self, Documents};
use crate::error::Error;
use crate::path::SCHEMA_FILE;
use crate::spec::MigrationSet;
use crate::spec_error::{OpAt, OpProblem, SpecError, StepAt};
use crate::tree::ConfigTree;

/// Lines of context around each change in the diffs.
const DIFF_CONTEXT: usize = 3;

/// A migration worked out in full: what changes, and the migrated files.
#[derive(Debug, Clone)]
pub struct MigrationPlan {
    from: u32,
    to: u32,
    steps: Vec<(u32, u32, Option<String>)>,
    changes: Vec<Change>,
    source: ConfigTree,
    migrated: ConfigTree,
}

/// The unified diff of one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentDiff {
    pub file: String,
    pub unified: String,
}

/// Migrates `source`, which must record schema `from` in `ferry.toml`, to
/// schema `to` with the steps of `set`. Pure: reads and writes nothing.
pub fn plan(
    set: &MigrationSet,
    from: u32,
    to: u32,
    source: &ConfigTree,
) -> Result<MigrationPlan, Error> {
    let recorded = source.schema()?;
    if recorded != from {
        return Err(Error::SchemaMismatch {
            file: SCHEMA_FILE.to_owned(),
            found: recorded,
            expected: from,
        });
    }
    let steps = set.chain(from, to)?;
    let mut docs = Documents::new(source);
    let mut changes = Vec::new();
    // The chain starts at `from`: its first step is the set's step number
    // `from - oldest + 1`.
    let first = (from - set.oldest()) as usize + 1;
    for (i, step) in steps.iter().enumerate() {
        for (j, op) in step.ops.iter().enumerate() {
            // Validation guarantees a file at the top level.
            let file = op.file().ok_or_else(|| SpecError::Op {
                step: StepAt {
                    index: first + i,
                    from: step.from,
                    to: step.to,
                },
                op: OpAt {
                    index: j + 1,
                    name: op.name(),
                    problem: OpProblem::NoFile,
                },
            })?;
            engine::run(&mut docs, step, op, file, &mut changes)?;
        }
    }
    let mut migrated = docs.finish()?;
    if from != to {
        migrated.set_schema(to)?;
        changes.push(Change {
            file: SCHEMA_FILE.to_owned(),
            from_schema: from,
            to_schema: to,
            kind: ChangeKind::Schema { from, to },
        });
    }
    Ok(MigrationPlan {
        from,
        to,
        steps: steps
            .iter()
            .map(|s| (s.from, s.to, s.summary.clone()))
            .collect(),
        changes,
        source: source.clone(),
        migrated,
    })
}

/// [`plan`] from the schema `source` records to the one `set` ends at.
pub fn plan_upgrade(set: &MigrationSet, source: &ConfigTree) -> Result<MigrationPlan, Error> {
    plan(set, source.schema()?, set.schema(), source)
}

impl MigrationPlan {
    pub fn from_schema(&self) -> u32 {
        self.from
    }

    pub fn to_schema(&self) -> u32 {
        self.to
    }

    /// Every change, in the order the steps make them.
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// The configuration as it was; never changed.
    pub fn source(&self) -> &ConfigTree {
        &self.source
    }

    /// The configuration as the new release will read it.
    pub fn migrated(&self) -> &ConfigTree {
        &self.migrated
    }

    /// The names of the files that differ, in name order.
    pub fn changed_files(&self) -> Vec<&str> {
        self.migrated
            .iter()
            .filter(|(name, bytes)| self.source.get(name) != Some(*bytes))
            .map(|(name, _)| name)
            .collect()
    }

    /// A unified diff for each document that changed, in name order.
    pub fn diffs(&self) -> Vec<DocumentDiff> {
        self.changed_files()
            .into_iter()
            .map(|file| {
                let old = text_of(self.source.get(file));
                let new = text_of(self.migrated.get(file));
                let unified = TextDiff::from_lines(old.as_str(), new.as_str())
                    .unified_diff()
                    .context_radius(DIFF_CONTEXT)
                    .header(&format!("a/{file}"), &format!("b/{file}"))
                    .to_string();
                DocumentDiff {
                    file: file.to_owned(),
                    unified,
                }
            })
            .collect()
    }

    /// All the diffs as one text, as `diff -ru` would print them.
    pub fn diff(&self) -> String {
        self.diffs().into_iter().map(|d| d.unified).collect()
    }
}

fn text_of(bytes: Option<&[u8]>) -> String {
    bytes
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default()
}

/// The change list a technician reads: steps with their summaries, and
/// under each the changes it makes.
impl fmt::Display for MigrationPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.from == self.to {
            return writeln!(f, "configuration schema {}: nothing to migrate", self.from);
        }
        writeln!(f, "configuration schema {} → {}", self.from, self.to)?;
        for (from, to, summary) in &self.steps {
            match summary {
                Some(summary) => writeln!(f, "schema {from} → {to}: {summary}")?,
                None => writeln!(f, "schema {from} → {to}")?,
            }
            let mut any = false;
            for change in self.changes.iter().filter(|c| c.from_schema == *from) {
                if !matches!(change.kind, ChangeKind::Schema { .. }) {
                    writeln!(f, "  {change}")?;
                    any = true;
                }
            }
            if !any {
                writeln!(f, "  (no change to this configuration)")?;
            }
        }
        Ok(())
    }
}
