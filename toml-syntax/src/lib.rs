//! What a TOML parser found wrong in a document, in one type for every
//! file Ferry reads as TOML (payload manifests, state records, answer
//! files, migration sets, `medium.toml`).
//!
//! The position is a typed fact, so a screen can say "line 3, column 7"
//! in its own language. The parser's account of what it expected stays
//! its own words (the `toml` crate's, in English): it is kept as a
//! detail, on one line, without the excerpt of the document the crate
//! adds, which would break a report's or a screen's line.

use std::ops::Range;

use serde::{Deserialize, Serialize};

/// A document the TOML parser (or the typed reading after it) refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("{}{message}", at_text(*.at))]
pub struct SyntaxError {
    /// Where in the document, when the parser says.
    pub at: Option<Position>,
    /// The parser's own words, on one line.
    pub message: String,
}

/// A place in a document: line and column from 1, the column counted in
/// characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

fn at_text(at: Option<Position>) -> String {
    match at {
        Some(p) => format!("line {}, column {}: ", p.line, p.column),
        None => String::new(),
    }
}

impl SyntaxError {
    /// What `toml::from_str(text)` said about `text`.
    pub fn from_de(e: &toml::de::Error, text: &str) -> SyntaxError {
        SyntaxError::new(e.message(), e.span(), text)
    }

    /// What `toml_edit` said about `text`.
    pub fn from_edit(e: &toml_edit::TomlError, text: &str) -> SyntaxError {
        SyntaxError::new(e.message(), e.span(), text)
    }

    fn new(message: &str, span: Option<Range<usize>>, text: &str) -> SyntaxError {
        SyntaxError {
            at: span.and_then(|s| position(text, s.start)),
            message: one_line(message),
        }
    }
}

/// The line and column of byte `offset` of `text`; `None` when the offset
/// is past the end or inside a character (the parser's span is then not
/// this text's).
pub fn position(text: &str, offset: usize) -> Option<Position> {
    let before = text.get(..offset)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Some(Position {
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
    })
}

/// A parser's words on one line: runs of white space, line ends among
/// them, become one space.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_position_is_the_line_and_the_character_column_from_one() {
        let text = "a = 1\n\"é\" = = 2\n";
        let e = toml::from_str::<toml::Table>(text).expect_err("a second =");
        let s = SyntaxError::from_de(&e, text);
        let at = s.at.expect("a position");
        assert_eq!(at.line, 2);
        // `"é" = ` is six characters (seven bytes): the bad `=` is the seventh.
        assert_eq!(at.column, 7);
        assert!(!s.message.contains('\n'), "{s:?}");
        assert!(s.to_string().starts_with("line 2, column 7: "), "{s}");
    }

    #[test]
    fn toml_edit_errors_read_the_same() {
        let text = "x = [1,\n";
        let e = text
            .parse::<toml_edit::DocumentMut>()
            .expect_err("unclosed");
        let s = SyntaxError::from_edit(&e, text);
        assert_eq!(s.at.map(|p| p.line), Some(2));
        assert!(!s.message.is_empty());
    }

    #[test]
    fn an_offset_outside_the_text_or_inside_a_character_has_no_position() {
        assert_eq!(position("é", 1), None);
        assert_eq!(position("ab", 3), None);
        assert_eq!(position("ab", 2), Some(Position { line: 1, column: 3 }));
        assert_eq!(position("", 0), Some(Position { line: 1, column: 1 }));
    }
}
