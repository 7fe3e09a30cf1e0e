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
}

impl SystemError {
    /// An error that is only text: no number to say it by.
    pub fn text(cause: impl Into<String>) -> Self {
        SystemError {
            cause: cause.into(),
            errno: None,
        }
    }
}

impl From<&io::Error> for SystemError {
    fn from(e: &io::Error) -> Self {
        SystemError {
            cause: e.to_string(),
            errno: e.raw_os_error(),
        }
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
        let doc = serde_json::to_value(&t).expect("JSON");
        assert_eq!(doc, serde_json::json!({ "cause": "bad cluster" }));
    }
}
