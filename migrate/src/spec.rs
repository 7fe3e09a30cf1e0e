//! The migration set: the `migrations.toml` component of a release payload,
//! declaring every step from schema N to N+1 as data.
//!
//! It comes off a medium, so it is parsed with a size cap, unknown fields are
//! rejected (a typo must not silently skip a step), and every step is
//! validated before any configuration is looked at.

use serde::Deserialize;

use toml_syntax::SyntaxError;

use crate::error::{Error, NoPath};
use crate::path::{check_document_name, check_key_name, KeyPath};
use crate::spec_error::{OpAt, OpProblem, RangeProblem, SpecError, StepAt};
use crate::value::{Expect, ValueType};

/// Largest `migrations.toml` accepted; real ones are a few KiB.
pub const MAX_SPEC_SIZE: usize = 1024 * 1024;

/// How deep `for-each` may nest (arrays of tables inside arrays of tables).
const MAX_FOR_EACH_DEPTH: usize = 4;

/// Every migration step a release ships, validated: steps are contiguous,
/// each going from schema N to N+1, and the last ends at [`schema`](Self::schema).
#[derive(Debug, Clone, PartialEq)]
pub struct MigrationSet {
    schema: u32,
    steps: Vec<Step>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSet {
    schema: u32,
    #[serde(default)]
    step: Vec<Step>,
}

/// One step, from schema `from` to schema `from + 1`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub from: u32,
    pub to: u32,
    /// One line for the technician, shown with the plan.
    #[serde(default)]
    pub summary: Option<String>,
    /// Applied in order.
    #[serde(rename = "op", default)]
    pub ops: Vec<Op>,
}

/// One operation. `file` names the document; it is required at the top of
/// a step and forbidden inside `for-each`, whose operations act on each
/// element. Keys are dotted paths from the document (or element) root.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum Op {
    Rename(Rename),
    Move(Move),
    Split(Split),
    SetDefault(SetDefault),
    Drop(DropKey),
    MapValues(MapValues),
    Check(Check),
    ForEach(ForEach),
}

/// Renames a key within its table, keeping its place and comments.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Rename {
    pub file: Option<String>,
    pub key: KeyPath,
    /// The new name: one key, in the same table.
    pub to: String,
    #[serde(rename = "type")]
    pub value_type: Option<ValueType>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    /// When true a missing key is nothing to do; otherwise it stops the upgrade.
    #[serde(default)]
    pub optional: bool,
}

/// Moves a key (a value or a whole table) to another table, or another document.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Move {
    pub file: Option<String>,
    pub key: KeyPath,
    /// Full dotted path of the new place; missing tables are created.
    pub to: KeyPath,
    /// Another document to move to, created when missing.
    pub to_file: Option<String>,
    #[serde(rename = "type")]
    pub value_type: Option<ValueType>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    #[serde(default)]
    pub optional: bool,
}

/// Splits one string into several keys by a separator.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Split {
    pub file: Option<String>,
    pub key: KeyPath,
    pub separator: String,
    /// The keys that receive the parts, in order; the last one takes the
    /// rest of the string. A key may be the source key itself.
    pub into: Vec<SplitPart>,
    #[serde(default)]
    pub optional: bool,
}

/// Where one part of a split goes and what it must be.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SplitPart {
    pub key: KeyPath,
    /// `string` (the default) or `integer`: the part is converted.
    #[serde(rename = "type")]
    pub value_type: Option<ValueType>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    /// Used when the string has no such part (e.g. no "/24").
    pub default: Option<toml::Value>,
}

/// Adds a key with a value when it is missing; an existing value is kept
/// (and checked, when a type or range is declared).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SetDefault {
    pub file: Option<String>,
    pub key: KeyPath,
    pub value: toml::Value,
    #[serde(rename = "type")]
    pub value_type: Option<ValueType>,
    pub min: Option<i64>,
    pub max: Option<i64>,
}

/// Removes a key; a key already gone is nothing to do.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DropKey {
    pub file: Option<String>,
    pub key: KeyPath,
}

/// Replaces values by a table of known ones.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MapValues {
    pub file: Option<String>,
    pub key: KeyPath,
    pub map: Vec<Mapping>,
    /// What to do with a value the map does not list.
    #[serde(default)]
    pub unmapped: Unmapped,
    #[serde(default)]
    pub optional: bool,
}

/// One entry of a value map.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    pub from: toml::Value,
    pub to: toml::Value,
}

/// `map-values` policy for values not in the map.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Unmapped {
    /// Stop the upgrade, naming the value.
    #[default]
    Error,
    /// Leave the value as it is.
    Keep,
}

/// Changes nothing; stops the upgrade when a value has the wrong type or range.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Check {
    pub file: Option<String>,
    pub key: KeyPath,
    #[serde(rename = "type")]
    pub value_type: Option<ValueType>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    #[serde(default)]
    pub optional: bool,
}

/// Applies operations to every table of an array of tables (`[[vm]]`).
/// A missing array has no elements: nothing to do.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ForEach {
    pub file: Option<String>,
    pub array: KeyPath,
    /// A key whose value names the element in changes and errors,
    /// e.g. `name` gives `vm[name = "db"]` rather than `vm[2]`.
    pub label: Option<KeyPath>,
    #[serde(rename = "do")]
    pub ops: Vec<Op>,
}

impl Op {
    /// The operation's name as written in `op = "…"`.
    pub fn name(&self) -> &'static str {
        match self {
            Op::Rename(_) => "rename",
            Op::Move(_) => "move",
            Op::Split(_) => "split",
            Op::SetDefault(_) => "set-default",
            Op::Drop(_) => "drop",
            Op::MapValues(_) => "map-values",
            Op::Check(_) => "check",
            Op::ForEach(_) => "for-each",
        }
    }

    /// The document the operation names, if any.
    pub fn file(&self) -> Option<&str> {
        match self {
            Op::Rename(op) => op.file.as_deref(),
            Op::Move(op) => op.file.as_deref(),
            Op::Split(op) => op.file.as_deref(),
            Op::SetDefault(op) => op.file.as_deref(),
            Op::Drop(op) => op.file.as_deref(),
            Op::MapValues(op) => op.file.as_deref(),
            Op::Check(op) => op.file.as_deref(),
            Op::ForEach(op) => op.file.as_deref(),
        }
    }

    /// Every key path the operation names (not those of a `for-each`'s
    /// operations).
    fn keys(&self) -> Vec<&KeyPath> {
        match self {
            Op::Rename(op) => vec![&op.key],
            Op::Move(op) => vec![&op.key, &op.to],
            Op::Split(op) => std::iter::once(&op.key)
                .chain(op.into.iter().map(|p| &p.key))
                .collect(),
            Op::SetDefault(op) => vec![&op.key],
            Op::Drop(op) => vec![&op.key],
            Op::MapValues(op) => vec![&op.key],
            Op::Check(op) => vec![&op.key],
            Op::ForEach(op) => std::iter::once(&op.array).chain(&op.label).collect(),
        }
    }
}

impl MigrationSet {
    /// Parses and validates the `migrations.toml` bytes of a payload.
    pub fn parse(bytes: &[u8]) -> Result<MigrationSet, Error> {
        if bytes.len() > MAX_SPEC_SIZE {
            return Err(Error::SpecTooLarge {
                size: bytes.len(),
                limit: MAX_SPEC_SIZE,
            });
        }
        let text = std::str::from_utf8(bytes).map_err(|e| SpecError::NotText {
            offset: e.valid_up_to(),
        })?;
        let raw: RawSet =
            toml::from_str(text).map_err(|e| SpecError::Syntax(SyntaxError::from_de(&e, text)))?;
        let set = MigrationSet {
            schema: raw.schema,
            steps: raw.step,
        };
        set.validate()?;
        Ok(set)
    }

    /// The schema this release writes: the end of the chain.
    pub fn schema(&self) -> u32 {
        self.schema
    }

    /// The steps, in order.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The oldest schema this set can migrate from.
    pub fn oldest(&self) -> u32 {
        self.steps.first().map_or(self.schema, |s| s.from)
    }

    /// The steps that take `from` to `to`, or why there are none.
    pub(crate) fn chain(&self, from: u32, to: u32) -> Result<&[Step], Error> {
        let no_path = |reason: NoPath| Error::NoPath { from, to, reason };
        if from > to {
            return Err(no_path(NoPath::Downgrade));
        }
        if to > self.schema {
            return Err(no_path(NoPath::PastRelease {
                schema: self.schema,
            }));
        }
        if from < self.oldest() {
            return Err(no_path(NoPath::TooOld {
                oldest: self.oldest(),
                from,
            }));
        }
        // Validation made the steps contiguous from `oldest` to `schema`,
        // and `oldest <= from <= to <= schema` here: the range is always
        // there. Were it not, the set would end before `to`.
        let start = (from - self.oldest()) as usize;
        let end = (to - self.oldest()) as usize;
        self.steps
            .get(start..end)
            .ok_or(no_path(NoPath::PastRelease {
                schema: self.schema,
            }))
    }

    fn validate(&self) -> Result<(), SpecError> {
        if self.schema == 0 {
            return Err(SpecError::ZeroSchema);
        }
        for (i, step) in self.steps.iter().enumerate() {
            let at = StepAt {
                index: i + 1,
                from: step.from,
                to: step.to,
            };
            if step.from == 0 || step.to != step.from.saturating_add(1) {
                return Err(SpecError::NotOneStep { step: at });
            }
            if let Some(prev) = i.checked_sub(1).and_then(|p| self.steps.get(p)) {
                if step.from != prev.to {
                    return Err(SpecError::NotFollowing {
                        step: at,
                        previous_end: prev.to,
                    });
                }
            }
            for (j, op) in step.ops.iter().enumerate() {
                validate_op(op, 0).map_err(|problem| SpecError::Op {
                    step: at,
                    op: OpAt {
                        index: j + 1,
                        name: op.name(),
                        problem,
                    },
                })?;
            }
        }
        if let Some(last) = self.steps.last() {
            if last.to != self.schema {
                return Err(SpecError::LastStepEnd {
                    end: last.to,
                    schema: self.schema,
                });
            }
        }
        Ok(())
    }
}

/// Checks one operation; `depth` counts enclosing `for-each`.
fn validate_op(op: &Op, depth: usize) -> Result<(), OpProblem> {
    match (op.file(), depth) {
        (None, 0) => return Err(OpProblem::NoFile),
        (Some(file), 0) => check_document_name(file).map_err(OpProblem::File)?,
        (Some(_), _) => return Err(OpProblem::FileInForEach),
        (None, _) => {}
    }
    for key in op.keys() {
        key.check().map_err(OpProblem::Key)?;
    }
    match op {
        Op::Rename(op) => {
            check_key_name(&op.to).map_err(OpProblem::NewName)?;
            if op.to == op.key.leaf() {
                return Err(OpProblem::RenameToItself);
            }
            check_expect(&expect(op.value_type, op.min, op.max))
        }
        Op::Move(op) => {
            if let Some(file) = &op.to_file {
                if depth > 0 {
                    return Err(OpProblem::MoveToFileInForEach);
                }
                check_document_name(file).map_err(OpProblem::File)?;
            }
            let same_file = op.to_file.is_none() || op.to_file == op.file;
            if same_file && (op.to.is_within(&op.key) || op.key.is_within(&op.to)) {
                return Err(OpProblem::MoveIntoItself {
                    key: op.key.clone(),
                    to: op.to.clone(),
                });
            }
            check_expect(&expect(op.value_type, op.min, op.max))
        }
        Op::Split(op) => {
            if op.separator.is_empty() {
                return Err(OpProblem::EmptySeparator);
            }
            if op.into.len() < 2 {
                return Err(OpProblem::TooFewParts);
            }
            for (i, part) in op.into.iter().enumerate() {
                if op.into[..i].iter().any(|p| p.key == part.key) {
                    return Err(OpProblem::PartTwice {
                        key: part.key.clone(),
                    });
                }
                if op
                    .into
                    .iter()
                    .any(|p| p.key != part.key && p.key.is_within(&part.key))
                {
                    return Err(OpProblem::PartHoldsAnother {
                        key: part.key.clone(),
                    });
                }
                let e = expect(part.value_type, part.min, part.max);
                if let Some(found) = e
                    .value_type
                    .filter(|t| !matches!(t, ValueType::String | ValueType::Integer))
                {
                    return Err(OpProblem::PartType {
                        key: part.key.clone(),
                        found,
                    });
                }
                check_expect(&e)?;
                if let Some(default) = &part.default {
                    let part_type = e.value_type.unwrap_or(ValueType::String);
                    Expect {
                        value_type: Some(part_type),
                        ..e
                    }
                    .check_plain(default)
                    .map_err(|reason| OpProblem::PartDefault {
                        key: part.key.clone(),
                        reason,
                    })?;
                }
            }
            Ok(())
        }
        Op::SetDefault(op) => {
            let e = expect(op.value_type, op.min, op.max);
            check_expect(&e)?;
            e.check_plain(&op.value).map_err(OpProblem::Default)
        }
        Op::Drop(_) => Ok(()),
        Op::MapValues(op) => {
            if op.map.is_empty() {
                return Err(OpProblem::EmptyMap);
            }
            for (i, m) in op.map.iter().enumerate() {
                if op.map[..i].iter().any(|n| n.from == m.from) {
                    return Err(OpProblem::MapTwice {
                        value: m.from.to_string(),
                    });
                }
            }
            Ok(())
        }
        Op::Check(op) => {
            let e = expect(op.value_type, op.min, op.max);
            if e == Expect::default() {
                return Err(OpProblem::NothingToCheck);
            }
            check_expect(&e)
        }
        Op::ForEach(op) => {
            if depth + 1 > MAX_FOR_EACH_DEPTH {
                return Err(OpProblem::TooDeep {
                    max: MAX_FOR_EACH_DEPTH,
                });
            }
            for (j, inner) in op.ops.iter().enumerate() {
                validate_op(inner, depth + 1).map_err(|problem| OpProblem::InForEach {
                    array: op.array.clone(),
                    op: Box::new(OpAt {
                        index: j + 1,
                        name: inner.name(),
                        problem,
                    }),
                })?;
            }
            Ok(())
        }
    }
}

pub(crate) fn expect(value_type: Option<ValueType>, min: Option<i64>, max: Option<i64>) -> Expect {
    Expect {
        value_type,
        min,
        max,
    }
}

fn check_expect(e: &Expect) -> Result<(), OpProblem> {
    if let (Some(min), Some(max)) = (e.min, e.max) {
        if min > max {
            return Err(OpProblem::Range(RangeProblem::MinAboveMax { min, max }));
        }
    }
    let ranged = e.min.is_some() || e.max.is_some();
    if ranged && !matches!(e.value_type, None | Some(ValueType::Integer)) {
        return Err(OpProblem::Range(RangeProblem::NotInteger));
    }
    Ok(())
}
