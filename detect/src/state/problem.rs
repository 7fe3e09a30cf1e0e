//! Why a state record read from a disk is refused, as a fact a report
//! keeps: [`StateError`]'s findings without the serializer's error, which
//! reading never gives.

use serde::{Deserialize, Serialize};
use std::fmt;
use toml_syntax::SyntaxError;

use super::{Rule, StateError};

/// Why a state record is refused, as `StateUnreadable` carries it. Its
/// English `Display` is [`StateError`]'s, and a front end says it through
/// [`RecordProblem::error`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum RecordProblem {
    /// Larger than [`super::MAX_STATE_SIZE`].
    TooLarge { size: usize },
    /// Not UTF-8.
    NotText,
    /// Written by a newer (or unknown) Ferry.
    UnsupportedFormat { found: i64 },
    /// Not TOML, or not the fields of a state record.
    Malformed { syntax: SyntaxError },
    /// No `format`.
    NoFormat,
    /// `format` is not a whole number.
    FormatNotNumber,
    /// Fields parse but break a rule.
    Invalid { rule: Rule },
    /// The TOML serializer refused the record.
    Unwritable,
}

impl RecordProblem {
    /// The state record's error this is, for its words.
    pub fn error(&self) -> StateError {
        match self.clone() {
            RecordProblem::TooLarge { size } => StateError::TooLarge(size),
            RecordProblem::NotText => StateError::NotText,
            RecordProblem::UnsupportedFormat { found } => StateError::UnsupportedFormat { found },
            RecordProblem::Malformed { syntax } => StateError::Malformed(syntax),
            RecordProblem::NoFormat => StateError::NoFormat,
            RecordProblem::FormatNotNumber => StateError::FormatNotNumber,
            RecordProblem::Invalid { rule } => StateError::Invalid(rule),
            RecordProblem::Unwritable => StateError::Unwritable(
                <toml::ser::Error as serde::ser::Error>::custom("the record"),
            ),
        }
    }
}

impl From<&StateError> for RecordProblem {
    fn from(e: &StateError) -> Self {
        match e {
            StateError::TooLarge(size) => RecordProblem::TooLarge { size: *size },
            StateError::NotText => RecordProblem::NotText,
            StateError::UnsupportedFormat { found } => {
                RecordProblem::UnsupportedFormat { found: *found }
            }
            StateError::Malformed(syntax) => RecordProblem::Malformed {
                syntax: syntax.clone(),
            },
            StateError::NoFormat => RecordProblem::NoFormat,
            StateError::FormatNotNumber => RecordProblem::FormatNotNumber,
            StateError::Invalid(rule) => RecordProblem::Invalid { rule: rule.clone() },
            StateError::Unwritable(_) => RecordProblem::Unwritable,
        }
    }
}

impl fmt::Display for RecordProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error().fmt(f)
    }
}
