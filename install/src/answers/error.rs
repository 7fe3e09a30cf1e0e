//! A mistake in an answer file, with the file, line and key it is at.

use std::fmt;
use std::path::PathBuf;

use super::config::AnswerMismatch;
use crate::error::Refusal;
use crate::plan::Action;

/// A mistake in an answer file, or an answer file that does not fit the
/// machine or the release: where, and what.
#[derive(Debug, Clone)]
pub struct AnswerError {
    /// Where the file came from (a path), for messages.
    pub source: String,
    /// 1-based line the mistake is at.
    pub line: usize,
    /// Dotted key (`install.disk`), empty for the file as a whole.
    pub key: String,
    /// What is wrong.
    pub problem: AnswerProblem,
}

impl fmt::Display for AnswerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            write!(f, "{} line {}: {}", self.source, self.line, self.problem)
        } else {
            write!(
                f,
                "{} line {}, key {}: {}",
                self.source, self.line, self.key, self.problem
            )
        }
    }
}

impl std::error::Error for AnswerError {}

/// What is wrong with an answer file.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AnswerProblem {
    /// The file is not TOML: the parser's account. Its line is the
    /// error's; the column is said here.
    #[error(
        "not valid TOML{}: {}",
        .0.at.map(|p| format!(" at column {}", p.column)).unwrap_or_default(),
        .0.message
    )]
    NotToml(toml_syntax::SyntaxError),
    /// A key the format does not have: a typo is not ignored.
    #[error("unknown key; expected one of: {}", expected.join(", "))]
    UnknownKey { expected: &'static [&'static str] },
    #[error("the [install] table is missing")]
    NoInstallTable,
    #[error("must be a table")]
    NotATable,
    #[error("a string in quotes is expected")]
    NotAString,
    #[error("missing: say \"upgrade\", \"install\", \"wipe\", \"repair\" or \"auto\"")]
    NoAction,
    #[error(
        "{0:?} is not an action; say \"upgrade\", \"install\", \"wipe\", \"repair\" or \"auto\""
    )]
    NotAnAction(String),
    #[error("missing: a device path, \"only\" or {{ model = ..., serial = ..., size-min = ... }}")]
    NoDisk,
    #[error("{0:?} is neither a path (/dev/...) nor \"only\"")]
    NotADisk(String),
    #[error(
        "a path in quotes, \"only\" or {{ model = ..., serial = ..., size-min = ... }} is \
         expected"
    )]
    NotADiskSelector,
    #[error("the selector is empty: give model, serial or size-min")]
    EmptySelector,
    #[error("a size is expected: bytes, or a string such as \"100G\" or \"512M\"")]
    NotASize,
    #[error("{0:?} does not confirm anything; write \"ERASE\" to allow erasing the disk")]
    NotConfirmed(String),
    #[error(
        "configuration values apply to a fresh install; an upgrade keeps and migrates the \
         installed configuration"
    )]
    ConfigOnUpgrade,
    #[error("must be a table of documents")]
    NotDocuments,
    #[error("name a configuration document, such as [config.\"engine.toml\"]")]
    NotADocument,
    #[error("must be a table of settings")]
    NotSettings,
    #[error("a value is expected, not a table")]
    TableNotValue,
    #[error("not a value: {0}")]
    NotAValue(String),
    #[error("{0:?} is not a finish action; say \"reboot\", \"poweroff\" or \"stay\"")]
    NotAFinish(String),
    #[error("seconds from 0 to 3600 are expected")]
    BadDelay,
    /// A language the installer's screens do not speak.
    #[error(
        "{given:?} is not a language of the installer; say {}",
        quoted(expected)
    )]
    NotALanguage {
        given: String,
        expected: &'static [&'static str],
    },

    /// The machine has no disk.
    #[error("there is no disk to install on")]
    NoDisks,
    /// `"only"` on a machine with several disks.
    #[error("\"only\" needs exactly one disk; this machine has {0}: name one")]
    SeveralDisks(usize),
    #[error("no disk of this machine matches")]
    NoMatch,
    #[error("{0} disks match; make the selector narrower")]
    ManyMatch(usize),
    /// `"auto"` never erases.
    #[error(
        "\"auto\" does not erase {}, which is not empty; say \"wipe\" and confirm-erase = \
         \"ERASE\"",
        .0.display()
    )]
    AutoWontErase(PathBuf),
    /// The disk would be erased without `confirm-erase`.
    #[error(
        "{} is not empty and would be erased: add confirm-erase = \"ERASE\"",
        .0.display()
    )]
    EraseNotConfirmed(PathBuf),
    /// The installer offers no such action for the disk.
    #[error("{0} is not offered for this disk")]
    NotOffered(Action),
    /// The release refuses the action on this disk.
    #[error(transparent)]
    Refused(Box<Refusal>),
    /// The release refuses a configuration value.
    #[error("the answer file does not fit this release: {0}")]
    Mismatch(Box<AnswerMismatch>),
}

/// `"en" or "fr"`, `"en", "de" or "fr"`.
fn quoted(codes: &[&str]) -> String {
    let q: Vec<String> = codes.iter().map(|c| format!("{c:?}")).collect();
    match q.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}
