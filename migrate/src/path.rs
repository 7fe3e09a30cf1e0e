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
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(try_from = "String")]
pub struct KeyPath(Vec<String>);

impl KeyPath {
    /// Parses `a.b.c`; the error says what is wrong with it.
    pub fn parse(text: &str) -> Result<Self, String> {
        let segments: Vec<String> = text.split('.').map(str::to_owned).collect();
        if segments.len() > MAX_SEGMENTS {
            return Err(format!("key {text:?} has more than {MAX_SEGMENTS} parts"));
        }
        for segment in &segments {
            check_key_name(segment).map_err(|reason| format!("key {text:?}: {reason}"))?;
        }
        Ok(KeyPath(segments))
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

impl TryFrom<String> for KeyPath {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        KeyPath::parse(&text)
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("."))
    }
}

/// A single bare key name, as `rename`'s new name.
pub(crate) fn check_key_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("empty key name".into());
    }
    if name.len() > MAX_SEGMENT_LEN {
        return Err(format!("key name longer than {MAX_SEGMENT_LEN} characters"));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
    {
        return Err(format!(
            "key name {name:?} has {c:?}; only letters, digits, '_' and '-' are allowed"
        ));
    }
    Ok(())
}

/// A file name in a configuration directory: one plain name, no path.
pub(crate) fn check_file_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > MAX_FILE_NAME_LEN {
        return Err(format!(
            "file name must have 1 to {MAX_FILE_NAME_LEN} characters"
        ));
    }
    if name.starts_with('.') {
        return Err(format!("file name {name:?} starts with '.'"));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
    {
        return Err(format!(
            "file name {name:?} has {c:?}; only letters, digits, '_', '-' and '.' are allowed"
        ));
    }
    Ok(())
}

/// A document a migration may act on: a `.toml` file other than Ferry's own.
pub(crate) fn check_document_name(name: &str) -> Result<(), String> {
    check_file_name(name)?;
    if !name.ends_with(".toml") || name.len() == ".toml".len() {
        return Err(format!("{name:?} is not a .toml document"));
    }
    if name == SCHEMA_FILE {
        return Err(format!(
            "{SCHEMA_FILE} is Ferry's own record of the schema; migrations may not change it"
        ));
    }
    Ok(())
}
