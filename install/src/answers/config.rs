//! The `[config."DOCUMENT"]` tables of an answer file: configuration values
//! set over the release's defaults on a fresh install.
//!
//! Keys are dotted paths. Every document and every key must exist in the
//! defaults, and keep its type, so a typo is refused instead of ignored.

use std::collections::BTreeMap;
use std::sync::Arc;

use migrate::ConfigTree;
use toml_edit::{DocumentMut, Item};

/// Values to set over the default configuration: document → key → value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answers(pub BTreeMap<String, BTreeMap<String, toml::Value>>);

impl Answers {
    /// The defaults with every answer set. Comments and key order of the
    /// documents are kept.
    pub fn apply_to(&self, defaults: &ConfigTree) -> Result<ConfigTree, AnswerMismatch> {
        let mut out = defaults.clone();
        for (doc, keys) in &self.0 {
            let document = || doc.clone();
            if doc == migrate::SCHEMA_FILE {
                return Err(AnswerMismatch::SchemaDocument {
                    document: document(),
                });
            }
            let text = defaults
                .text(doc)
                .map_err(|e| AnswerMismatch::Tree {
                    document: document(),
                    source: Arc::new(e),
                })?
                .ok_or_else(|| AnswerMismatch::NoDocument {
                    document: document(),
                })?;
            let mut parsed: DocumentMut =
                text.parse()
                    .map_err(|e: toml_edit::TomlError| AnswerMismatch::NotToml {
                        document: document(),
                        error: toml_syntax::SyntaxError::from_edit(&e, text),
                    })?;
            for (key, value) in keys {
                set(&mut parsed, doc, key, value)?;
            }
            out.insert(doc, parsed.to_string().into_bytes())
                .map_err(|e| AnswerMismatch::Tree {
                    document: document(),
                    source: Arc::new(e),
                })?;
        }
        Ok(out)
    }
}

/// Why the release does not take an answer file's configuration values.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AnswerMismatch {
    /// The schema record is Ferry's own.
    #[error("{document} is written by Ferry and cannot be answered")]
    SchemaDocument { document: String },
    /// The release has no such document.
    #[error("the release has no document {document}")]
    NoDocument { document: String },
    /// The release's document does not parse.
    #[error("{document} of the release is not TOML: {error}")]
    NotToml {
        document: String,
        error: toml_syntax::SyntaxError,
    },
    /// The key is not a dotted path.
    #[error("{document}: {key}: not a dotted key")]
    BadKey { document: String, key: String },
    /// A table on the key's path does not exist in the release.
    #[error("{document}: {key}: the release has no table {table}")]
    NoTable {
        document: String,
        key: String,
        table: String,
    },
    /// The key does not exist in the release.
    #[error(
        "{document}: {key}: the release has no such key (answers may only change existing \
         settings)"
    )]
    NoKey { document: String, key: String },
    /// The answer has another type than the release's value.
    #[error("{document}: {key}: the release has a {release} here, the answer is a {answer}")]
    TypeChanged {
        document: String,
        key: String,
        release: &'static str,
        answer: &'static str,
    },
    /// The configuration directory refuses the document.
    #[error("{document}: {source}")]
    Tree {
        document: String,
        source: Arc<migrate::Error>,
    },
}

impl AnswerMismatch {
    /// The document the mismatch is in.
    pub fn document(&self) -> &str {
        match self {
            AnswerMismatch::SchemaDocument { document }
            | AnswerMismatch::NoDocument { document }
            | AnswerMismatch::NotToml { document, .. }
            | AnswerMismatch::BadKey { document, .. }
            | AnswerMismatch::NoTable { document, .. }
            | AnswerMismatch::NoKey { document, .. }
            | AnswerMismatch::TypeChanged { document, .. }
            | AnswerMismatch::Tree { document, .. } => document,
        }
    }
}

fn set(
    doc: &mut DocumentMut,
    document: &str,
    key: &str,
    value: &toml::Value,
) -> Result<(), AnswerMismatch> {
    let parts: Vec<&str> = key.split('.').collect();
    let bad_key = || AnswerMismatch::BadKey {
        document: document.to_string(),
        key: key.to_string(),
    };
    if parts.iter().any(|p| p.is_empty()) {
        return Err(bad_key());
    }
    let (leaf, parents) = parts.split_last().ok_or_else(bad_key)?;
    let mut table = doc.as_table_mut() as &mut dyn toml_edit::TableLike;
    for p in parents {
        table = table
            .get_mut(p)
            .and_then(Item::as_table_like_mut)
            .ok_or_else(|| AnswerMismatch::NoTable {
                document: document.to_string(),
                key: key.to_string(),
                table: p.to_string(),
            })?;
    }
    let slot = table.get_mut(leaf).ok_or_else(|| AnswerMismatch::NoKey {
        document: document.to_string(),
        key: key.to_string(),
    })?;
    let mut new = to_edit(value).ok_or_else(bad_key)?;
    let old = slot.as_value();
    if old.map(toml_edit::Value::type_name) != Some(new.type_name()) {
        return Err(AnswerMismatch::TypeChanged {
            document: document.to_string(),
            key: key.to_string(),
            release: old.map_or("table", toml_edit::Value::type_name),
            answer: new.type_name(),
        });
    }
    if let Some(decor) = old.map(|v| v.decor().clone()) {
        *new.decor_mut() = decor;
    }
    *slot = Item::Value(new);
    Ok(())
}

/// A `toml` value as `toml_edit` writes it.
fn to_edit(value: &toml::Value) -> Option<toml_edit::Value> {
    let doc: DocumentMut = format!("v = {value}").parse().ok()?;
    doc.get("v").and_then(Item::as_value).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> ConfigTree {
        let mut t = ConfigTree::new();
        t.insert("ferry.toml", "schema = 3\n").unwrap();
        t.insert(
            "engine.toml",
            "# host\n[host]\nhostname = \"engine-01\" # the name\n[network]\nmtu = 1500\n",
        )
        .unwrap();
        t
    }

    fn answers(doc: &str, values: &[(&str, toml::Value)]) -> Answers {
        let keys = values
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        Answers(BTreeMap::from([(doc.to_string(), keys)]))
    }

    #[test]
    fn sets_existing_keys_and_keeps_comments() {
        let a = answers(
            "engine.toml",
            &[
                ("host.hostname", "engine-07".into()),
                ("network.mtu", 9000.into()),
            ],
        );
        let t = a.apply_to(&defaults()).unwrap();
        let text = t.text("engine.toml").unwrap().unwrap();
        assert!(
            text.contains("hostname = \"engine-07\" # the name"),
            "{text}"
        );
        assert!(text.contains("mtu = 9000"), "{text}");
        assert!(text.starts_with("# host"));
    }

    #[test]
    fn refuses_typos_and_type_changes() {
        for (doc, key, value, expect) in [
            ("engine.toml", "host.hostnam", "x".into(), "no such key"),
            ("engine.tom", "host.hostname", "x".into(), "no document"),
            ("engine.toml", "network.mtu", "big".into(), "is a string"),
            ("ferry.toml", "schema", 9.into(), "written by Ferry"),
            ("engine.toml", "hots.x", 1.into(), "no table"),
            ("engine.toml", "host..x", 1.into(), "not a dotted key"),
        ] {
            let err = answers(doc, &[(key, value)])
                .apply_to(&defaults())
                .unwrap_err();
            assert_eq!(err.document(), doc);
            let err = err.to_string();
            assert!(err.contains(expect), "{doc} {key}: {err}");
        }
    }
}
