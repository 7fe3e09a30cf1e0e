//! Runs the operations of a migration step over documents held in memory.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

use toml_edit::{DocumentMut, Item, Value};

use crate::change::{Change, ChangeKind};
use crate::edit;
use crate::error::{Error, Failure, Reason};
use crate::path::KeyPath;
use crate::spec::{self, Op, Step, Unmapped};
use crate::tree::{parse_document, ConfigTree};
use crate::value::{self, ValueType};

/// The documents a migration reads and edits, parsed on first use. A
/// document the configuration lacks starts empty and only comes into being
/// when an operation writes to it.
pub(crate) struct Documents<'a> {
    source: &'a ConfigTree,
    open: BTreeMap<String, DocumentMut>,
    touched: BTreeSet<String>,
}

impl<'a> Documents<'a> {
    pub(crate) fn new(source: &'a ConfigTree) -> Self {
        Documents {
            source,
            open: BTreeMap::new(),
            touched: BTreeSet::new(),
        }
    }

    /// Runs `f` on the root table of `file`, wrapped as an item so the same
    /// code edits documents and elements of arrays.
    fn with_root<R>(&mut self, file: &str, f: impl FnOnce(&mut Item) -> R) -> Result<R, Error> {
        let doc = match self.open.entry(file.to_owned()) {
            Entry::Occupied(open) => open.into_mut(),
            Entry::Vacant(slot) => slot.insert(match self.source.get(file) {
                Some(bytes) => parse_document(file, bytes)?,
                None => DocumentMut::new(),
            }),
        };
        let mut root = Item::Table(std::mem::take(doc.as_table_mut()));
        let result = f(&mut root);
        if let Item::Table(table) = root {
            *doc.as_table_mut() = table;
        }
        Ok(result)
    }

    /// The migrated tree: edited documents rendered, the rest as they were.
    pub(crate) fn finish(self) -> Result<ConfigTree, Error> {
        let mut tree = self.source.clone();
        for file in &self.touched {
            if let Some(doc) = self.open.get(file) {
                tree.insert(file, doc.to_string())?;
            }
        }
        Ok(tree)
    }
}

/// Where an operation acts, for naming keys in changes and errors.
struct Scope<'s> {
    file: &'s str,
    /// Element prefix inside `for-each`, such as `vm[name = "db"].`.
    prefix: String,
    step: &'s Step,
}

impl Scope<'_> {
    fn key(&self, key: &KeyPath) -> String {
        format!("{}{}", self.prefix, key)
    }

    fn fail(&self, key: &KeyPath, reason: Reason) -> Error {
        self.fail_in(self.file, key, reason)
    }

    fn fail_in(&self, file: &str, key: &KeyPath, reason: Reason) -> Error {
        Error::Migration(Failure {
            file: file.to_owned(),
            key: self.key(key),
            from_schema: self.step.from,
            to_schema: self.step.to,
            reason,
        })
    }

    fn change(&self, kind: ChangeKind) -> Change {
        Change {
            file: self.file.to_owned(),
            from_schema: self.step.from,
            to_schema: self.step.to,
            kind,
        }
    }
}

/// Runs one top-level operation of `step` on `file`, the document it
/// names, appending what it changed.
pub(crate) fn run(
    docs: &mut Documents<'_>,
    step: &Step,
    op: &Op,
    file: &str,
    out: &mut Vec<Change>,
) -> Result<(), Error> {
    let scope = Scope {
        file,
        prefix: String::new(),
        step,
    };
    let before = out.len();
    match op {
        Op::Move(m) if m.to_file.as_deref().is_some_and(|f| f != file) => {
            move_across(docs, &scope, m, out)?;
        }
        _ => docs.with_root(file, |root| run_in(root, &scope, op, out))??,
    }
    if out.len() > before {
        docs.touched.insert(file.to_owned());
    }
    Ok(())
}

/// `move` to another document: take from one, put into the other.
fn move_across(
    docs: &mut Documents<'_>,
    scope: &Scope<'_>,
    op: &spec::Move,
    out: &mut Vec<Change>,
) -> Result<(), Error> {
    let to_file = op.to_file.as_deref().unwrap_or(scope.file);
    let occupied = docs
        .with_root(to_file, |root| edit::exists(root, &op.to))?
        .map_err(|r| scope.fail_in(to_file, &op.to, r))?;
    let expect = spec::expect(op.value_type, op.min, op.max);
    let taken = docs.with_root(scope.file, |root| -> Result<_, Reason> {
        let Some(item) = edit::get(root, &op.key)? else {
            return Ok(None);
        };
        expect.check_item(item)?;
        if occupied {
            return Err(Reason::Exists {
                target: format!("{} in {to_file}", op.to),
            });
        }
        edit::take(root, &op.key)
    })?;
    let taken = taken.map_err(|r| scope.fail(&op.key, r))?;
    let Some((key, item)) = taken else {
        return missing(scope, &op.key, op.optional);
    };
    docs.with_root(to_file, |root| edit::put(root, &op.to, Some(&key), item))?
        .map_err(|r| scope.fail_in(to_file, &op.to, r))?;
    docs.touched.insert(to_file.to_owned());
    out.push(scope.change(ChangeKind::Moved {
        key: scope.key(&op.key),
        to_file: Some(to_file.to_owned()),
        to: op.to.to_string(),
    }));
    Ok(())
}

fn missing(scope: &Scope<'_>, key: &KeyPath, optional: bool) -> Result<(), Error> {
    if optional {
        Ok(())
    } else {
        Err(scope.fail(key, Reason::Missing))
    }
}

/// Runs one operation on a document root or an array element.
fn run_in(root: &mut Item, scope: &Scope<'_>, op: &Op, out: &mut Vec<Change>) -> Result<(), Error> {
    match op {
        Op::Rename(op) => {
            let Some(item) = edit::get(root, &op.key).map_err(|r| scope.fail(&op.key, r))? else {
                return missing(scope, &op.key, op.optional);
            };
            spec::expect(op.value_type, op.min, op.max)
                .check_item(item)
                .map_err(|r| scope.fail(&op.key, r))?;
            let to = op.to.as_str();
            edit::replace(root, &op.key, &[to], |key, item| {
                vec![(edit::relabel(Some(&key), to), item)]
            })
            .map_err(|r| scope.fail(&op.key, r))?;
            out.push(scope.change(ChangeKind::Renamed {
                key: scope.key(&op.key),
                to: scope.key(&op.key.with_leaf(to)),
            }));
        }
        Op::Move(op) => {
            let Some(item) = edit::get(root, &op.key).map_err(|r| scope.fail(&op.key, r))? else {
                return missing(scope, &op.key, op.optional);
            };
            spec::expect(op.value_type, op.min, op.max)
                .check_item(item)
                .map_err(|r| scope.fail(&op.key, r))?;
            if edit::exists(root, &op.to).map_err(|r| scope.fail(&op.to, r))? {
                let target = scope.key(&op.to);
                return Err(scope.fail(&op.key, Reason::Exists { target }));
            }
            let (key, item) = edit::take(root, &op.key)
                .map_err(|r| scope.fail(&op.key, r))?
                .ok_or_else(|| scope.fail(&op.key, Reason::Missing))?;
            edit::put(root, &op.to, Some(&key), item).map_err(|r| scope.fail(&op.to, r))?;
            out.push(scope.change(ChangeKind::Moved {
                key: scope.key(&op.key),
                to_file: None,
                to: scope.key(&op.to),
            }));
        }
        Op::Split(op) => split(root, scope, op, out)?,
        Op::SetDefault(op) => {
            let expect = spec::expect(op.value_type, op.min, op.max);
            match edit::get(root, &op.key).map_err(|r| scope.fail(&op.key, r))? {
                Some(item) => expect
                    .check_item(item)
                    .map_err(|r| scope.fail(&op.key, r))?,
                None => {
                    let section = edit::parent_is_section(root, &op.key);
                    let item = value::to_item(&op.value, section);
                    edit::put(root, &op.key, None, item).map_err(|r| scope.fail(&op.key, r))?;
                    out.push(scope.change(ChangeKind::Added {
                        key: scope.key(&op.key),
                        value: value::describe_plain(&op.value),
                    }));
                }
            }
        }
        Op::Drop(op) => {
            if let Some((_, item)) =
                edit::take(root, &op.key).map_err(|r| scope.fail(&op.key, r))?
            {
                out.push(scope.change(ChangeKind::Dropped {
                    key: scope.key(&op.key),
                    was: value::describe(&item),
                }));
            }
        }
        Op::MapValues(op) => map_values(root, scope, op, out)?,
        Op::Check(op) => {
            let Some(item) = edit::get(root, &op.key).map_err(|r| scope.fail(&op.key, r))? else {
                return missing(scope, &op.key, op.optional);
            };
            spec::expect(op.value_type, op.min, op.max)
                .check_item(item)
                .map_err(|r| scope.fail(&op.key, r))?;
        }
        Op::ForEach(op) => for_each(root, scope, op, out)?,
    }
    Ok(())
}

fn split(
    root: &mut Item,
    scope: &Scope<'_>,
    op: &spec::Split,
    out: &mut Vec<Change>,
) -> Result<(), Error> {
    let Some(item) = edit::get(root, &op.key).map_err(|r| scope.fail(&op.key, r))? else {
        return missing(scope, &op.key, op.optional);
    };
    let Some(text) = item.as_str() else {
        let found = ValueType::of_item(item).unwrap_or(ValueType::Table);
        let expected = ValueType::String;
        return Err(scope.fail(&op.key, Reason::WrongType { expected, found }));
    };
    let decor = item.as_value().map(|v| v.decor().clone());
    let pieces: Vec<&str> = text.splitn(op.into.len(), op.separator.as_str()).collect();
    let mut parts = Vec::with_capacity(op.into.len());
    for (i, part) in op.into.iter().enumerate() {
        let value = match (pieces.get(i), &part.default) {
            (Some(piece), _) => {
                convert_piece(piece, part.value_type).map_err(|r| scope.fail(&op.key, r))?
            }
            (None, Some(default)) => value::to_edit(default),
            (None, None) => {
                let reason = Reason::TooFewParts {
                    separator: op.separator.clone(),
                    expected: op.into.len(),
                    found: pieces.len(),
                };
                return Err(scope.fail(&op.key, reason));
            }
        };
        spec::expect(part.value_type, part.min, part.max)
            .check_item(&Item::Value(value.clone()))
            .map_err(|r| scope.fail(&part.key, r))?;
        parts.push((&part.key, value));
    }
    // Parts in the source's own table take its place; others go where named.
    let (here, elsewhere): (Vec<_>, Vec<_>) = parts
        .into_iter()
        .partition(|(key, _)| key.parent() == op.key.parent());
    for (key, _) in &elsewhere {
        if edit::exists(root, key).map_err(|r| scope.fail(key, r))? {
            let target = scope.key(key);
            return Err(scope.fail(&op.key, Reason::Exists { target }));
        }
    }
    let shown: Vec<(String, String)> = here
        .iter()
        .chain(&elsewhere)
        .map(|(key, value)| (scope.key(key), value::describe_value(value)))
        .collect();
    if here.is_empty() {
        edit::take(root, &op.key).map_err(|r| scope.fail(&op.key, r))?;
    } else {
        let names: Vec<&str> = here.iter().map(|(key, _)| key.leaf()).collect();
        edit::replace(root, &op.key, &names, |key, _| {
            here.into_iter()
                .enumerate()
                .map(|(i, (part_key, mut value))| {
                    // The first part keeps the source's comments, above and beside.
                    if i == 0 {
                        if let Some(decor) = &decor {
                            *value.decor_mut() = decor.clone();
                        }
                        (
                            edit::relabel(Some(&key), part_key.leaf()),
                            Item::Value(value),
                        )
                    } else {
                        (edit::relabel(None, part_key.leaf()), Item::Value(value))
                    }
                })
                .collect()
        })
        .map_err(|r| scope.fail(&op.key, r))?;
    }
    for (key, value) in elsewhere {
        edit::put(root, key, None, Item::Value(value)).map_err(|r| scope.fail(key, r))?;
    }
    out.push(scope.change(ChangeKind::Split {
        key: scope.key(&op.key),
        into: shown,
    }));
    Ok(())
}

fn convert_piece(piece: &str, value_type: Option<ValueType>) -> Result<Value, Reason> {
    match value_type {
        Some(ValueType::Integer) => {
            piece
                .trim()
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| Reason::NotAnInteger {
                    part: piece.to_owned(),
                })
        }
        _ => Ok(Value::from(piece)),
    }
}

fn map_values(
    root: &mut Item,
    scope: &Scope<'_>,
    op: &spec::MapValues,
    out: &mut Vec<Change>,
) -> Result<(), Error> {
    let Some(item) = edit::get_mut(root, &op.key).map_err(|r| scope.fail(&op.key, r))? else {
        return missing(scope, &op.key, op.optional);
    };
    let Some(current) = item.as_value_mut() else {
        let found = ValueType::of_item(item).unwrap_or(ValueType::Table);
        let expected = op
            .map
            .first()
            .map_or(ValueType::String, |m| ValueType::of_plain(&m.from));
        return Err(scope.fail(&op.key, Reason::WrongType { expected, found }));
    };
    let plain = value::to_plain(current);
    match op.map.iter().find(|m| m.from == plain) {
        Some(m) if m.to != plain => {
            let decor = current.decor().clone();
            *current = value::to_edit(&m.to);
            *current.decor_mut() = decor;
            out.push(scope.change(ChangeKind::Mapped {
                key: scope.key(&op.key),
                from: value::describe_plain(&plain),
                to: value::describe_plain(&m.to),
            }));
        }
        Some(_) => {}
        None if op.unmapped == Unmapped::Keep => {}
        None => {
            let value = value::describe_plain(&plain);
            return Err(scope.fail(&op.key, Reason::Unmapped { value }));
        }
    }
    Ok(())
}

fn for_each(
    root: &mut Item,
    scope: &Scope<'_>,
    op: &spec::ForEach,
    out: &mut Vec<Change>,
) -> Result<(), Error> {
    let Some(array) = edit::get_mut(root, &op.array).map_err(|r| scope.fail(&op.array, r))? else {
        return Ok(());
    };
    match array {
        Item::ArrayOfTables(tables) => {
            for (index, table) in tables.iter_mut().enumerate() {
                let mut element = Item::Table(std::mem::take(table));
                let result = each(&mut element, scope, op, index, out);
                if let Item::Table(t) = element {
                    *table = t;
                }
                result?;
            }
        }
        Item::Value(Value::Array(values)) => {
            for (index, value) in values.iter_mut().enumerate() {
                let Value::InlineTable(table) = value else {
                    return Err(scope.fail(&op.array, Reason::NotAnArrayOfTables));
                };
                let mut element = Item::Value(Value::InlineTable(std::mem::take(table)));
                let result = each(&mut element, scope, op, index, out);
                if let Item::Value(Value::InlineTable(t)) = element {
                    *table = t;
                }
                result?;
            }
        }
        _ => return Err(scope.fail(&op.array, Reason::NotAnArrayOfTables)),
    }
    Ok(())
}

/// Runs the `do` operations on one element of a `for-each` array.
fn each(
    element: &mut Item,
    scope: &Scope<'_>,
    op: &spec::ForEach,
    index: usize,
    out: &mut Vec<Change>,
) -> Result<(), Error> {
    let label = op
        .label
        .as_ref()
        .and_then(|label| match edit::get(element, label) {
            Ok(Some(Item::Value(v))) => Some(format!("{label} = {}", value::describe_value(v))),
            _ => None,
        })
        .unwrap_or_else(|| index.to_string());
    let inner = Scope {
        file: scope.file,
        prefix: format!("{}{}[{label}].", scope.prefix, op.array),
        step: scope.step,
    };
    for inner_op in &op.ops {
        run_in(element, &inner, inner_op, out)?;
    }
    Ok(())
}
