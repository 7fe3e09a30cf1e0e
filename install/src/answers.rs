//! Answer files: configuration values a technician or a script sets for a
//! fresh install, over the release's defaults.
//!
//! An answer file maps a document to keys and values:
//!
//! ```toml
//! ["engine.toml"]
//! "host.hostname" = "engine-07"
//! "network.address" = "10.1.2.7"
//! ```
//!
//! Keys are dotted paths. Every document and every key must exist in the
//! defaults, and keep its type, so a typo is refused instead of ignored.

use std::collections::BTreeMap;

use migrate::ConfigTree;
use serde::{Deserialize, Serialize};
use toml_edit::{DocumentMut, Item};

/// Values to set over the default configuration: document → key → value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Answers(pub BTreeMap<String, BTreeMap<String, toml::Value>>);

impl Answers {
    /// Parse an answer file.
    pub fn parse(text: &str) -> Result<Answers, String> {
        toml::from_str(text).map_err(|e| e.message().trim().to_string())
    }

    /// The defaults with every answer set. Comments and key order of the
    /// documents are kept.
    pub fn apply_to(&self, defaults: &ConfigTree) -> Result<ConfigTree, String> {
        let mut out = defaults.clone();
        for (doc, keys) in &self.0 {
            if doc == migrate::SCHEMA_FILE {
                return Err(format!("{doc} is written by Ferry and cannot be answered"));
            }
            let text = defaults
                .text(doc)
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("the release has no document {doc}"))?;
            let mut parsed: DocumentMut = text
                .parse()
                .map_err(|e| format!("{doc} of the release is not TOML: {e}"))?;
            for (key, value) in keys {
                set(&mut parsed, key, value).map_err(|e| format!("{doc}: {key}: {e}"))?;
            }
            out.insert(doc, parsed.to_string().into_bytes())
                .map_err(|e| e.to_string())?;
        }
        Ok(out)
    }
}

fn set(doc: &mut DocumentMut, key: &str, value: &toml::Value) -> Result<(), String> {
    let parts: Vec<&str> = key.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err("not a dotted key".into());
    }
    let (leaf, parents) = parts.split_last().ok_or("empty key")?;
    let mut table = doc.as_table_mut() as &mut dyn toml_edit::TableLike;
    for p in parents {
        table = table
            .get_mut(p)
            .and_then(Item::as_table_like_mut)
            .ok_or_else(|| format!("the release has no table {p}"))?;
    }
    let slot = table
        .get_mut(leaf)
        .ok_or("the release has no such key (answers may only change existing settings)")?;
    let new = to_edit(value)?;
    let old_type = slot.as_value().map(toml_edit::Value::type_name);
    if old_type != Some(new.type_name()) {
        return Err(format!(
            "the release has a {} here, the answer is a {}",
            old_type.unwrap_or("table"),
            new.type_name()
        ));
    }
    let decor = slot.as_value().map(|v| v.decor().clone());
    let mut new = new;
    if let Some(d) = decor {
        *new.decor_mut() = d;
    }
    *slot = Item::Value(new);
    Ok(())
}

fn to_edit(value: &toml::Value) -> Result<toml_edit::Value, String> {
    let text = format!("v = {value}");
    let doc: DocumentMut = text.parse().map_err(|e| format!("{e}"))?;
    doc.get("v")
        .and_then(Item::as_value)
        .cloned()
        .ok_or_else(|| "not a value".to_string())
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

    #[test]
    fn sets_existing_keys_and_keeps_comments() {
        let a = Answers::parse(
            "[\"engine.toml\"]\n\"host.hostname\" = \"engine-07\"\n\"network.mtu\" = 9000\n",
        )
        .unwrap();
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
        for (answer, expect) in [
            (
                "[\"engine.toml\"]\n\"host.hostnam\" = \"x\"\n",
                "no such key",
            ),
            (
                "[\"engine.tom\"]\n\"host.hostname\" = \"x\"\n",
                "no document",
            ),
            (
                "[\"engine.toml\"]\n\"network.mtu\" = \"big\"\n",
                "is a string",
            ),
            ("[\"ferry.toml\"]\n\"schema\" = 9\n", "written by Ferry"),
            ("[\"engine.toml\"]\n\"hots.x\" = 1\n", "no table"),
        ] {
            let err = Answers::parse(answer)
                .unwrap()
                .apply_to(&defaults())
                .unwrap_err();
            assert!(err.contains(expect), "{answer}: {err}");
        }
    }
}
