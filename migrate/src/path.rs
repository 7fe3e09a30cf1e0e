//! Dotted key paths and file names, validated once when the migration set is read.

use std::fmt;

/// Longest key path a migration may name; real configurations nest a few levels.
const MAX_SEGMENTS: usize = 16;
const MAX_SEGMENT_LEN: usize = 64;
const MAX_FILE_NAME_LEN: usize = 64;

/// The document where Ferry records the configuration schema.
pub const SCHEMA_FILE: &str = "ferry.toml";

/// A dotted key path such as `network.address`: bare TOML keys only
/// (`A-Z a-z 0-9 _ -`), so the written form is unambiguous.
///
/// A migration set's keys are read as they are written and checked with
/// the rest of the set ([`KeyPath::check`]), so that what is wrong with
/// one is a typed fact of the set's refusal, not words inside the TOML
/// parser's account; a set is never returned with a key that fails.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(from = "Unchecked")]
pub struct KeyPath(Vec<String>);

/// A key path as the set writes it, before [`KeyPath::check`].
#[derive(serde::Deserialize)]
struct Unchecked(String);

impl From<Unchecked> for KeyPath {
    fn from(text: Unchecked) -> Self {
        KeyPath(text.0.split('.').map(str::to_owned).collect())
    }
}

impl KeyPath {
    /// Parses `a.b.c`; the error says what is wrong with it.
    pub fn parse(text: &str) -> Result<Self, KeyPathError> {
        let path = KeyPath::from(Unchecked(text.to_owned()));
        path.check()?;
        Ok(path)
    }

    /// What is wrong with the path, if anything: too many parts, or a
    /// part that is not a bare key.
    pub(crate) fn check(&self) -> Result<(), KeyPathError> {
        let wrong = |problem| KeyPathError {
            key: self.to_string(),
            problem,
        };
        if self.0.len() > MAX_SEGMENTS {
            return Err(wrong(NameProblem::TooManyParts { max: MAX_SEGMENTS }));
        }
        for segment in &self.0 {
            check_key_name(segment).map_err(wrong)?;
        }
        Ok(())
    }

    pub fn segments(&self) -> &[String] {
        &self.0
    }

    /// The tables leading to the key (empty for a top-level key).
    pub fn parent(&self) -> &[String] {
        &self.0[..self.0.len() - 1]
    }

    /// The last part: the key's own name.
    pub fn leaf(&self) -> &str {
        // A KeyPath always has at least one segment: `split` yields one.
        self.0.last().map(String::as_str).unwrap_or_default()
    }

    /// This path with its leaf replaced by `name`.
    pub fn with_leaf(&self, name: &str) -> KeyPath {
        let mut segments = self.0.clone();
        if let Some(last) = segments.last_mut() {
            *last = name.to_owned();
        }
        KeyPath(segments)
    }

    /// True when `self` is `other` or lies inside it.
    pub fn is_within(&self, other: &KeyPath) -> bool {
        self.0.starts_with(&other.0)
    }
}

/// A key path that is not one, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("key {key:?}: {problem}")]
pub struct KeyPathError {
    pub key: String,
    pub problem: NameProblem,
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("."))
    }
}

/// What is wrong with a key or file name a migration set or a
/// configuration directory gives.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameProblem {
    #[error("empty key name")]
    EmptyKey,
    #[error("key name longer than {max} characters")]
    KeyTooLong { max: usize },
    #[error("key name {name:?} has {character:?}; only letters, digits, '_' and '-' are allowed")]
    KeyCharacter { name: String, character: char },
    #[error("more than {max} parts")]
    TooManyParts { max: usize },
    #[error("file name must have 1 to {max} characters")]
    FileNameLength { max: usize },
    #[error("file name {name:?} starts with '.'")]
    HiddenFile { name: String },
    #[error(
        "file name {name:?} has {character:?}; only letters, digits, '_', '-' and '.' are allowed"
    )]
    FileCharacter { name: String, character: char },
    #[error("{name:?} is not a .toml document")]
    NotTomlDocument { name: String },
    #[error("{SCHEMA_FILE} is Ferry's own record of the schema; migrations may not change it")]
    SchemaFile,
}

/// A single bare key name, as `rename`'s new name.
pub(crate) fn check_key_name(name: &str) -> Result<(), NameProblem> {
    if name.is_empty() {
        return Err(NameProblem::EmptyKey);
    }
    if name.len() > MAX_SEGMENT_LEN {
        return Err(NameProblem::KeyTooLong {
            max: MAX_SEGMENT_LEN,
        });
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
    {
        return Err(NameProblem::KeyCharacter {
            name: name.to_owned(),
            character: c,
        });
    }
    Ok(())
}

/// A file name in a configuration directory: one plain name, no path.
pub(crate) fn check_file_name(name: &str) -> Result<(), NameProblem> {
    if name.is_empty() || name.len() > MAX_FILE_NAME_LEN {
        return Err(NameProblem::FileNameLength {
            max: MAX_FILE_NAME_LEN,
        });
    }
    if name.starts_with('.') {
        return Err(NameProblem::HiddenFile {
            name: name.to_owned(),
        });
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
    {
        return Err(NameProblem::FileCharacter {
            name: name.to_owned(),
            character: c,
        });
    }
    Ok(())
}

/// A document a migration may act on: a `.toml` file other than Ferry's own.
pub(crate) fn check_document_name(name: &str) -> Result<(), NameProblem> {
    check_file_name(name)?;
    if !name.ends_with(".toml") || name.len() == ".toml".len() {
        return Err(NameProblem::NotTomlDocument {
            name: name.to_owned(),
        });
    }
    if name == SCHEMA_FILE {
        return Err(NameProblem::SchemaFile);
    }
    Ok(())
}
