//! Why a migration set is refused: each rule of the set, with the facts
//! that break it (the step, the operation, the keys and values its author
//! wrote).

use toml_syntax::SyntaxError;

use crate::error::Reason;
use crate::path::{KeyPath, KeyPathError, NameProblem};
use crate::value::ValueType;

/// What is wrong with `migrations.toml`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    /// Not UTF-8: the first byte that is not.
    #[error("not UTF-8 text (an invalid byte at offset {offset})")]
    NotText { offset: usize },
    /// The TOML parser's account, or a field the set does not have.
    #[error("{0}")]
    Syntax(SyntaxError),
    #[error("schema must be 1 or more")]
    ZeroSchema,
    /// A step that does not go from one schema to the next.
    #[error("{step}: a step goes from schema N to N+1")]
    NotOneStep { step: StepAt },
    /// A step that does not start where the one before ends.
    #[error("{step}: steps must follow each other; the one before ends at schema {previous_end}")]
    NotFollowing { step: StepAt, previous_end: u32 },
    #[error("the last step ends at schema {end} but schema is {schema}")]
    LastStepEnd { end: u32, schema: u32 },
    /// An operation of a step.
    #[error("{step}, {op}")]
    Op { step: StepAt, op: OpAt },
}

/// A step of the set: its place (from 1) and its schemas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("step {index} (schema {from} to {to})")]
pub struct StepAt {
    pub index: usize,
    pub from: u32,
    pub to: u32,
}

/// An operation that breaks a rule: its place in its step or `for-each`
/// (from 1), its name as written, and the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("op {index} ({name}): {problem}")]
pub struct OpAt {
    pub index: usize,
    pub name: &'static str,
    pub problem: OpProblem,
}

/// A rule an operation breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpProblem {
    #[error("names no file")]
    NoFile,
    /// A key path it names.
    #[error("{0}")]
    Key(KeyPathError),
    /// The document it names (`file` or `to-file`).
    #[error("{0}")]
    File(NameProblem),
    #[error("has a file inside for-each; it acts on each element")]
    FileInForEach,
    /// `rename`'s new name.
    #[error("{0}")]
    NewName(NameProblem),
    #[error("renames a key to its own name")]
    RenameToItself,
    #[error("moves to another file inside for-each")]
    MoveToFileInForEach,
    #[error("cannot move {key} to {to}: one is inside the other")]
    MoveIntoItself { key: KeyPath, to: KeyPath },
    #[error("the separator is empty")]
    EmptySeparator,
    #[error("a split needs at least two keys in `into`")]
    TooFewParts,
    #[error("{key} appears twice in `into`")]
    PartTwice { key: KeyPath },
    #[error("{key} holds another part")]
    PartHoldsAnother { key: KeyPath },
    #[error("{key}: a part is a string or an integer, not {}", found.with_article())]
    PartType { key: KeyPath, found: ValueType },
    #[error("{key}: the default does not fit: {reason}")]
    PartDefault { key: KeyPath, reason: Reason },
    #[error("the default does not fit: {0}")]
    Default(Reason),
    #[error("the map is empty")]
    EmptyMap,
    /// A value the map lists twice, as written in TOML.
    #[error("the map lists {value} twice")]
    MapTwice { value: String },
    #[error("declares no type, min or max to check")]
    NothingToCheck,
    #[error("{0}")]
    Range(RangeProblem),
    #[error("for-each nests more than {max} deep")]
    TooDeep { max: usize },
    /// An operation inside a `for-each` over `array`.
    #[error("in {array}, {op}")]
    InForEach { array: KeyPath, op: Box<OpAt> },
}

/// A declared range that cannot be checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RangeProblem {
    #[error("min {min} is greater than max {max}")]
    MinAboveMax { min: i64, max: i64 },
    #[error("min and max apply to integers only")]
    NotInteger,
}
