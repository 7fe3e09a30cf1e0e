//! Errors a technician reads: each names the file and, where there is one, the key.

use std::fmt;
use std::path::PathBuf;

use toml_syntax::SyntaxError;

use crate::path::NameProblem;
use crate::spec_error::SpecError;
use crate::value::ValueType;

/// Everything that can stop a migration. Nothing is written when any of these
/// is returned: `plan` is pure and `apply` writes into a fresh directory that
/// only takes the target's place once every file is complete.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The migration set is larger than any real one could be.
    #[error("migrations.toml is {size} bytes, more than the {limit} bytes allowed")]
    SpecTooLarge { size: usize, limit: usize },
    /// The migration set does not parse or does not validate.
    #[error("migrations.toml is not valid: {0}")]
    Spec(#[from] SpecError),
    /// The release cannot migrate a configuration of this schema.
    #[error("cannot migrate the configuration from schema {from} to schema {to}: {reason}")]
    NoPath { from: u32, to: u32, reason: NoPath },
    /// The configuration does not record the schema the caller expected.
    #[error("{file}: the configuration is at schema {found}, but schema {expected} was expected")]
    SchemaMismatch {
        file: String,
        found: u32,
        expected: u32,
    },
    /// A document is unreadable: not UTF-8, not TOML, too large, badly named.
    #[error("{file}: {reason}")]
    Document {
        file: String,
        reason: DocumentProblem,
    },
    /// A migration step could not apply to the configuration.
    #[error(transparent)]
    Migration(#[from] Failure),
    /// The target configuration directory already holds files.
    #[error("{}: the target configuration directory is not empty; clear it before migrating into it", path.display())]
    TargetNotEmpty { path: PathBuf },
    /// Reading or writing a configuration directory failed.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    pub(crate) fn document(file: &str, reason: DocumentProblem) -> Self {
        Error::Document {
            file: file.to_owned(),
            reason,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| Error::Io { path, source }
    }
}

/// Why the set has no chain of steps from a configuration's schema to the
/// release's. The set's format has no words of its author for this: every
/// reason is one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NoPath {
    #[error("the configuration is newer than this release; downgrades are not supported")]
    Downgrade,
    /// Asked for a schema past the release's own.
    #[error("this release's configuration is schema {schema}")]
    PastRelease { schema: u32 },
    /// The configuration (at schema `from`) is older than the set's
    /// first step.
    #[error(
        "this release migrates configurations from schema {oldest} on; \
         upgrade first with a release that migrates schema {from}"
    )]
    TooOld { oldest: u32, from: u32 },
}

/// What reading a configuration document found wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentProblem {
    /// Not UTF-8: the first byte that is not.
    #[error("not UTF-8 text (an invalid byte at offset {offset})")]
    NotText { offset: usize },
    /// The TOML parser's account.
    #[error("not valid TOML: {0}")]
    Syntax(SyntaxError),
    #[error("{0}")]
    Name(NameProblem),
    #[error("{size} bytes, more than the {max} allowed")]
    TooLarge { size: usize, max: usize },
    #[error("the configuration has more than {max} files")]
    TooManyFiles { max: usize },
    #[error("not a regular file; a configuration directory holds only files")]
    NotAFile,
    /// `ferry.toml` is missing.
    #[error("missing: the configuration does not record its schema")]
    NoSchemaFile,
    #[error("has no `schema` key")]
    NoSchemaKey,
    #[error("`schema` must be a whole number, 1 or more")]
    BadSchema,
}

/// A step that cannot apply: which file, which key, which step, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: cannot migrate {key} (schema {from_schema} to {to_schema}): {reason}")]
pub struct Failure {
    pub file: String,
    /// Dotted key, with the element for keys inside arrays of tables,
    /// e.g. `vm[name = "db"].memory`.
    pub key: String,
    pub from_schema: u32,
    pub to_schema: u32,
    pub reason: Reason,
}

/// Why a step could not apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The step requires the key and it is not there.
    Missing,
    /// The value has another type than the step declares.
    WrongType {
        expected: ValueType,
        found: ValueType,
    },
    /// An integer is outside the range the step declares.
    OutOfRange {
        value: i64,
        min: Option<i64>,
        max: Option<i64>,
    },
    /// The step would overwrite a key that is already there.
    Exists { target: String },
    /// A key on the way is a value, not a table.
    NotATable { key: String },
    /// `for-each` found something other than tables in the array.
    NotAnArrayOfTables,
    /// `map-values` met a value it has no mapping for, and must not keep it.
    Unmapped { value: String },
    /// `split` found fewer parts than it needs and no default for the rest.
    TooFewParts {
        separator: String,
        expected: usize,
        found: usize,
    },
    /// `split` was told a part is an integer and it is not.
    NotAnInteger { part: String },
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Missing => write!(f, "the key is missing and this migration requires it"),
            Reason::WrongType { expected, found } => {
                write!(
                    f,
                    "expected {}, found {}",
                    expected.with_article(),
                    found.with_article()
                )
            }
            Reason::OutOfRange { value, min, max } => match (min, max) {
                (Some(min), Some(max)) => {
                    write!(f, "{value} is out of range: it must be from {min} to {max}")
                }
                (Some(min), None) => {
                    write!(f, "{value} is out of range: it must be at least {min}")
                }
                (None, Some(max)) => write!(f, "{value} is out of range: it must be at most {max}"),
                (None, None) => write!(f, "{value} is out of range"),
            },
            Reason::Exists { target } => {
                write!(f, "{target} already exists and would be overwritten")
            }
            Reason::NotATable { key } => write!(f, "{key} is a value, not a table"),
            Reason::NotAnArrayOfTables => write!(f, "expected an array of tables"),
            Reason::Unmapped { value } => {
                write!(
                    f,
                    "the value {value} is not one this migration knows how to convert"
                )
            }
            Reason::TooFewParts {
                separator,
                expected,
                found,
            } => write!(
                f,
                "expected {expected} parts separated by {separator:?}, found {found}"
            ),
            Reason::NotAnInteger { part } => write!(f, "{part:?} is not an integer"),
        }
    }
}
