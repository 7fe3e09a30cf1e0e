//! Value types, declared checks, and conversion between the spec's plain
//! TOML values and the format-preserving ones of the documents.

use std::fmt;

use toml_edit::{Array, InlineTable, Item, Value};

use crate::error::Reason;

/// The type a step may declare for a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ValueType {
    String,
    Integer,
    Float,
    Boolean,
    Datetime,
    Array,
    Table,
}

impl ValueType {
    pub(crate) fn with_article(self) -> &'static str {
        match self {
            ValueType::String => "a string",
            ValueType::Integer => "an integer",
            ValueType::Float => "a float",
            ValueType::Boolean => "a boolean",
            ValueType::Datetime => "a date-time",
            ValueType::Array => "an array",
            ValueType::Table => "a table",
        }
    }

    /// The type of a document item; `None` for an empty slot.
    pub(crate) fn of_item(item: &Item) -> Option<ValueType> {
        match item {
            Item::None => None,
            Item::Value(value) => Some(ValueType::of_value(value)),
            Item::Table(_) => Some(ValueType::Table),
            Item::ArrayOfTables(_) => Some(ValueType::Array),
        }
    }

    pub(crate) fn of_value(value: &Value) -> ValueType {
        match value {
            Value::String(_) => ValueType::String,
            Value::Integer(_) => ValueType::Integer,
            Value::Float(_) => ValueType::Float,
            Value::Boolean(_) => ValueType::Boolean,
            Value::Datetime(_) => ValueType::Datetime,
            Value::Array(_) => ValueType::Array,
            Value::InlineTable(_) => ValueType::Table,
        }
    }

    pub(crate) fn of_plain(value: &toml::Value) -> ValueType {
        match value {
            toml::Value::String(_) => ValueType::String,
            toml::Value::Integer(_) => ValueType::Integer,
            toml::Value::Float(_) => ValueType::Float,
            toml::Value::Boolean(_) => ValueType::Boolean,
            toml::Value::Datetime(_) => ValueType::Datetime,
            toml::Value::Array(_) => ValueType::Array,
            toml::Value::Table(_) => ValueType::Table,
        }
    }
}

impl fmt::Display for ValueType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            ValueType::String => "string",
            ValueType::Integer => "integer",
            ValueType::Float => "float",
            ValueType::Boolean => "boolean",
            ValueType::Datetime => "datetime",
            ValueType::Array => "array",
            ValueType::Table => "table",
        };
        f.write_str(name)
    }
}

/// What a step declares about a value: its type and, for integers, a range.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Expect {
    pub value_type: Option<ValueType>,
    pub min: Option<i64>,
    pub max: Option<i64>,
}

impl Expect {
    /// A range implies an integer even when the type is not written.
    fn effective_type(&self) -> Option<ValueType> {
        match self.value_type {
            Some(t) => Some(t),
            None if self.min.is_some() || self.max.is_some() => Some(ValueType::Integer),
            None => None,
        }
    }

    pub(crate) fn check_item(&self, item: &Item) -> Result<(), Reason> {
        let found = ValueType::of_item(item).ok_or(Reason::Missing)?;
        self.check(found, item.as_integer())
    }

    pub(crate) fn check_plain(&self, value: &toml::Value) -> Result<(), Reason> {
        self.check(ValueType::of_plain(value), value.as_integer())
    }

    fn check(&self, found: ValueType, integer: Option<i64>) -> Result<(), Reason> {
        if let Some(expected) = self.effective_type() {
            if expected != found {
                return Err(Reason::WrongType { expected, found });
            }
        }
        if let Some(value) = integer {
            let below = self.min.is_some_and(|min| value < min);
            let above = self.max.is_some_and(|max| value > max);
            if below || above {
                return Err(Reason::OutOfRange {
                    value,
                    min: self.min,
                    max: self.max,
                });
            }
        }
        Ok(())
    }
}

/// A spec value as a document value, in TOML's default formatting.
pub(crate) fn to_edit(value: &toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::from(s.as_str()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(x) => Value::from(*x),
        toml::Value::Boolean(b) => Value::from(*b),
        toml::Value::Datetime(d) => Value::from(*d),
        toml::Value::Array(items) => Value::Array(items.iter().map(to_edit).collect::<Array>()),
        toml::Value::Table(table) => Value::InlineTable(
            table
                .iter()
                .map(|(k, v)| (k.as_str(), to_edit(v)))
                .collect::<InlineTable>(),
        ),
    }
}

/// A spec value as an item to insert: tables become `[table]` sections
/// when their parent is a section, so they read like the rest of the file.
pub(crate) fn to_item(value: &toml::Value, parent_is_section: bool) -> Item {
    match to_edit(value) {
        Value::InlineTable(table) if parent_is_section => Item::Table(table.into_table()),
        other => Item::Value(other),
    }
}

/// A document value as a plain one, to compare with the spec's values.
pub(crate) fn to_plain(value: &Value) -> toml::Value {
    match value {
        Value::String(s) => toml::Value::String(s.value().clone()),
        Value::Integer(i) => toml::Value::Integer(*i.value()),
        Value::Float(x) => toml::Value::Float(*x.value()),
        Value::Boolean(b) => toml::Value::Boolean(*b.value()),
        Value::Datetime(d) => toml::Value::Datetime(*d.value()),
        Value::Array(items) => toml::Value::Array(items.iter().map(to_plain).collect()),
        Value::InlineTable(table) => toml::Value::Table(
            table
                .iter()
                .map(|(k, v)| (k.to_owned(), to_plain(v)))
                .collect(),
        ),
    }
}

/// Longest value text shown in a change line before it is cut.
const MAX_SHOWN: usize = 60;

/// A short text for a value in change lines and errors.
pub(crate) fn describe(item: &Item) -> String {
    match item {
        Item::None => "nothing".into(),
        Item::Value(value) => shorten(value.clone().decorated("", "").to_string()),
        Item::Table(_) => "a table".into(),
        Item::ArrayOfTables(array) => format!("{} tables", array.len()),
    }
}

pub(crate) fn describe_value(value: &Value) -> String {
    shorten(value.clone().decorated("", "").to_string())
}

pub(crate) fn describe_plain(value: &toml::Value) -> String {
    describe_value(&to_edit(value))
}

fn shorten(text: String) -> String {
    // Multi-line arrays would break a change line in two.
    let text = text.replace(['\r', '\n'], " ");
    if text.chars().count() <= MAX_SHOWN {
        return text;
    }
    let cut: String = text.chars().take(MAX_SHOWN).collect();
    format!("{cut}…")
}
