//! What the operating system said when a read failed, as a report keeps
//! it: its English words (what the log and the JSON's `cause` say) and,
//! when it gave one, its error number, which a front end says in its own
//! language.

use serde::{Deserialize, Serialize};
use std::{fmt, io};

/// An I/O error as a fact of a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemError {
    /// The error's English text (`Input/output error (os error 5)`).
    pub cause: String,
    /// The operating system's error number, when the error came from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errno: Option<i32>,
    /// The standard library's kind of an error without a number whose
    /// kind is its whole account (a short read's "failed to fill whole
    /// buffer" is `unexpected-eof`); `None` when the error carries words
    /// of its own or its kind is not one of [`Kind`].
    /// (Not `kind`: the facts that flatten this error in have a `kind`.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_kind: Option<Kind>,
}

impl SystemError {
    /// An error that is only text: no number or kind to say it by.
    pub fn text(cause: impl Into<String>) -> Self {
        SystemError {
            cause: cause.into(),
            errno: None,
            error_kind: None,
        }
    }
}

impl From<&io::Error> for SystemError {
    fn from(e: &io::Error) -> Self {
        let errno = e.raw_os_error();
        // An error carrying an error of its own says more than its kind.
        let error_kind = match (errno, e.get_ref()) {
            (None, None) => Kind::of(e.kind()),
            _ => None,
        };
        SystemError {
            cause: e.to_string(),
            errno,
            error_kind,
        }
    }
}

/// The kinds of [`io::ErrorKind`] Ferry names: a report keeps them by
/// name, and a front end has words for each. They are those the standard
/// library gives to its own errors without a number (a short read, bad
/// data, a write of zero bytes...) and the system's errors fall in.
/// `io::ErrorKind` itself is not serializable, and its list grows with
/// Rust.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    NotFound,
    PermissionDenied,
    AlreadyExists,
    WouldBlock,
    NotADirectory,
    IsADirectory,
    DirectoryNotEmpty,
    ReadOnlyFilesystem,
    StorageFull,
    FileTooLarge,
    ResourceBusy,
    InvalidInput,
    InvalidData,
    TimedOut,
    WriteZero,
    Interrupted,
    Unsupported,
    UnexpectedEof,
    OutOfMemory,
}

/// Each [`Kind`] with its [`io::ErrorKind`].
const KINDS: [(Kind, io::ErrorKind); 19] = {
    use io::ErrorKind as E;
    [
        (Kind::NotFound, E::NotFound),
        (Kind::PermissionDenied, E::PermissionDenied),
        (Kind::AlreadyExists, E::AlreadyExists),
        (Kind::WouldBlock, E::WouldBlock),
        (Kind::NotADirectory, E::NotADirectory),
        (Kind::IsADirectory, E::IsADirectory),
        (Kind::DirectoryNotEmpty, E::DirectoryNotEmpty),
        (Kind::ReadOnlyFilesystem, E::ReadOnlyFilesystem),
        (Kind::StorageFull, E::StorageFull),
        (Kind::FileTooLarge, E::FileTooLarge),
        (Kind::ResourceBusy, E::ResourceBusy),
        (Kind::InvalidInput, E::InvalidInput),
        (Kind::InvalidData, E::InvalidData),
        (Kind::TimedOut, E::TimedOut),
        (Kind::WriteZero, E::WriteZero),
        (Kind::Interrupted, E::Interrupted),
        (Kind::Unsupported, E::Unsupported),
        (Kind::UnexpectedEof, E::UnexpectedEof),
        (Kind::OutOfMemory, E::OutOfMemory),
    ]
};

impl Kind {
    /// Every kind kept, with the standard library's.
    pub fn all() -> impl Iterator<Item = (Kind, io::ErrorKind)> {
        KINDS.into_iter()
    }

    /// The kept kind of `k`, if it is one.
    pub fn of(k: io::ErrorKind) -> Option<Kind> {
        KINDS.iter().find(|(_, e)| *e == k).map(|(kind, _)| *kind)
    }

    /// The standard library's kind.
    pub fn io(self) -> io::ErrorKind {
        KINDS
            .iter()
            .find(|(kind, _)| *kind == self)
            .map_or(io::ErrorKind::Other, |(_, e)| *e)
    }
}

impl fmt::Display for SystemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.cause)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_words_and_the_number() {
        let e = SystemError::from(&io::Error::from_raw_os_error(5));
        assert_eq!(e.errno, Some(5));
        assert_eq!(e.to_string(), io::Error::from_raw_os_error(5).to_string());
        let t = SystemError::from(&io::Error::other("bad cluster"));
        assert_eq!(t, SystemError::text("bad cluster"));
        // A short read keeps its kind, which says it in any language.
        let short = io::Error::from(io::ErrorKind::UnexpectedEof);
        let e = SystemError::from(&short);
        assert_eq!((e.errno, e.error_kind), (None, Some(Kind::UnexpectedEof)));
        assert_eq!(
            serde_json::to_value(&e).expect("JSON")["error_kind"],
            "unexpected-eof"
        );
        // An error carrying its own words keeps no kind.
        let carried = io::Error::new(io::ErrorKind::InvalidData, "invalid BPB");
        assert_eq!(SystemError::from(&carried).error_kind, None);
        let doc = serde_json::to_value(&t).expect("JSON");
        assert_eq!(doc, serde_json::json!({ "cause": "bad cluster" }));
    }

    #[test]
    fn every_kind_goes_both_ways() {
        for (kind, io) in KINDS {
            assert_eq!(Kind::of(io), Some(kind));
            assert_eq!(kind.io(), io);
        }
        assert_eq!(Kind::of(io::ErrorKind::Other), None);
    }
}
