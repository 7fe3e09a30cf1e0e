//! A configuration directory held in memory: file name → bytes. The core
//! works on this so the installer can fill it from a FAT partition and tests
//! from fixtures; [`crate::fs`] reads and writes real directories.

use std::collections::BTreeMap;

use toml_edit::{DocumentMut, Item};

use toml_syntax::SyntaxError;

use crate::error::{DocumentProblem, Error};
use crate::path::{check_file_name, SCHEMA_FILE};

/// Most files a configuration directory may hold.
pub const MAX_FILES: usize = 256;
/// Largest file in a configuration directory.
pub const MAX_FILE_SIZE: usize = 1024 * 1024;

/// The files of one slot's configuration directory (no subdirectories).
/// `*.toml` files are documents migrations may edit; other files are
/// carried as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigTree {
    files: BTreeMap<String, Vec<u8>>,
}

impl ConfigTree {
    pub fn new() -> ConfigTree {
        ConfigTree::default()
    }

    /// Adds or replaces a file. Names are plain file names; sizes and
    /// counts are capped so a damaged partition cannot exhaust memory.
    pub fn insert(&mut self, name: &str, bytes: impl Into<Vec<u8>>) -> Result<(), Error> {
        check_file_name(name).map_err(|e| Error::document(name, DocumentProblem::Name(e)))?;
        let bytes = bytes.into();
        if bytes.len() > MAX_FILE_SIZE {
            return Err(Error::document(
                name,
                DocumentProblem::TooLarge {
                    size: bytes.len(),
                    max: MAX_FILE_SIZE,
                },
            ));
        }
        if !self.files.contains_key(name) && self.files.len() >= MAX_FILES {
            return Err(Error::document(
                name,
                DocumentProblem::TooManyFiles { max: MAX_FILES },
            ));
        }
        self.files.insert(name.to_owned(), bytes);
        Ok(())
    }

    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.files.get(name).map(Vec::as_slice)
    }

    /// The file as text; an error when it is not UTF-8.
    pub fn text(&self, name: &str) -> Result<Option<&str>, Error> {
        self.get(name)
            .map(|bytes| document_text(name, bytes))
            .transpose()
    }

    /// Files in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The schema recorded in `ferry.toml` (`schema = N`).
    pub fn schema(&self) -> Result<u32, Error> {
        let bytes = self
            .get(SCHEMA_FILE)
            .ok_or_else(|| Error::document(SCHEMA_FILE, DocumentProblem::NoSchemaFile))?;
        let doc = parse_document(SCHEMA_FILE, bytes)?;
        read_schema(&doc)
    }

    /// Records `schema` in `ferry.toml`, keeping its comments and other keys.
    pub fn set_schema(&mut self, schema: u32) -> Result<(), Error> {
        let mut doc = match self.get(SCHEMA_FILE) {
            Some(bytes) => parse_document(SCHEMA_FILE, bytes)?,
            None => DocumentMut::new(),
        };
        match doc.get_mut("schema").and_then(Item::as_value_mut) {
            Some(value) => {
                let decor = value.decor().clone();
                *value = i64::from(schema).into();
                *value.decor_mut() = decor;
            }
            None => {
                doc.insert("schema", toml_edit::value(i64::from(schema)));
            }
        }
        self.insert(SCHEMA_FILE, doc.to_string())
    }
}

fn read_schema(doc: &DocumentMut) -> Result<u32, Error> {
    let value = doc
        .get("schema")
        .ok_or_else(|| Error::document(SCHEMA_FILE, DocumentProblem::NoSchemaKey))?;
    value
        .as_integer()
        .and_then(|n| u32::try_from(n).ok())
        .filter(|n| *n >= 1)
        .ok_or_else(|| Error::document(SCHEMA_FILE, DocumentProblem::BadSchema))
}

fn document_text<'a>(name: &str, bytes: &'a [u8]) -> Result<&'a str, Error> {
    std::str::from_utf8(bytes).map_err(|e| {
        Error::document(
            name,
            DocumentProblem::NotText {
                offset: e.valid_up_to(),
            },
        )
    })
}

/// Parses a document, naming the file, line and column on error.
pub(crate) fn parse_document(name: &str, bytes: &[u8]) -> Result<DocumentMut, Error> {
    let text = document_text(name, bytes)?;
    text.parse::<DocumentMut>().map_err(|e| {
        Error::document(
            name,
            DocumentProblem::Syntax(SyntaxError::from_edit(&e, text)),
        )
    })
}
