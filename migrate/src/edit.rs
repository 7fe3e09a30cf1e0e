//! Format-preserving edits of one document or array element: find, take out,
//! put in and rename keys by dotted path, keeping the order of keys and the
//! comments attached to them.

use toml_edit::{InlineTable, Item, Key, Table, Value};

use crate::error::Reason;
use crate::path::KeyPath;

/// A table that holds keys: a `[section]` or an `{ inline = "table" }`.
enum Container<'a> {
    Section(&'a mut Table),
    Inline(&'a mut InlineTable),
}

impl<'a> Container<'a> {
    fn of(item: &'a mut Item) -> Option<Container<'a>> {
        match item {
            Item::Table(t) => Some(Container::Section(t)),
            Item::Value(Value::InlineTable(t)) => Some(Container::Inline(t)),
            _ => None,
        }
    }

    fn is_section(&self) -> bool {
        matches!(self, Container::Section(_))
    }

    fn contains(&self, key: &str) -> bool {
        match self {
            Container::Section(t) => t.contains_key(key),
            Container::Inline(t) => t.contains_key(key),
        }
    }

    fn keys(&self) -> Vec<String> {
        match self {
            Container::Section(t) => t.iter().map(|(k, _)| k.to_owned()).collect(),
            Container::Inline(t) => t.iter().map(|(k, _)| k.to_owned()).collect(),
        }
    }

    fn remove(&mut self, key: &str) -> Option<(Key, Item)> {
        match self {
            Container::Section(t) => t.remove_entry(key),
            Container::Inline(t) => t.remove_entry(key).map(|(k, v)| (k, Item::Value(v))),
        }
    }

    /// Appends; an item that cannot live in an inline table is refused.
    fn append(&mut self, key: &Key, item: Item) -> Result<(), Reason> {
        match self {
            Container::Section(t) => {
                t.insert_formatted(key, item);
            }
            Container::Inline(t) => {
                let mut value = item.into_value().map_err(|_| Reason::NotATable {
                    key: key.get().to_owned(),
                })?;
                // The space before `}` belongs to the last value; hand it on
                // so the new pair reads `a = 1, b = 2 }`, not `a = 1 , b = 2 }`.
                let has_own =
                    |d: &toml_edit::Decor| d.suffix().is_some_and(|s| s.as_str() != Some(""));
                if let Some((_, last)) = t.iter_mut().last() {
                    if has_own(last.decor()) && !has_own(value.decor()) {
                        let suffix = last.decor().suffix().cloned().unwrap_or_default();
                        last.decor_mut().set_suffix("");
                        value.decor_mut().set_suffix(suffix);
                    }
                }
                t.insert_formatted(key, value);
            }
        }
        Ok(())
    }

    /// Replaces the entry `at` by `entries`, in its place: later keys are
    /// taken out and put back so the order of the file is kept.
    fn replace(
        &mut self,
        at: &str,
        build: impl FnOnce(Key, Item) -> Vec<(Key, Item)>,
    ) -> Result<(), Reason> {
        let keys = self.keys();
        let Some(index) = keys.iter().position(|k| k == at) else {
            return Err(Reason::Missing);
        };
        let mut tail = Vec::new();
        for key in &keys[index..] {
            if let Some(entry) = self.remove(key) {
                tail.push(entry);
            }
        }
        let mut tail = tail.into_iter();
        let (key, item) = tail.next().ok_or(Reason::Missing)?;
        for (key, item) in build(key, item).into_iter().chain(tail) {
            self.append(&key, item)?;
        }
        Ok(())
    }
}

/// Walks to the table holding `path`'s leaf. `Ok(None)` when a table on the
/// way is missing and `create` is false.
fn parent_mut<'a>(
    root: &'a mut Item,
    path: &KeyPath,
    create: bool,
) -> Result<Option<&'a mut Item>, Reason> {
    let mut node = root;
    let mut walked = Vec::new();
    for segment in path.parent() {
        walked.push(segment.as_str());
        let mut container =
            Container::of(node).ok_or_else(|| not_a_table(&walked[..walked.len() - 1]))?;
        if !container.contains(segment) {
            if !create {
                return Ok(None);
            }
            let fresh = if container.is_section() {
                let mut table = Table::new();
                // Only shows a header once it holds values of its own.
                table.set_implicit(true);
                Item::Table(table)
            } else {
                Item::Value(Value::InlineTable(InlineTable::new()))
            };
            container.append(&Key::new(segment.as_str()), fresh)?;
        }
        node = node
            .as_table_like_mut()
            .and_then(|t| t.get_mut(segment))
            .ok_or_else(|| not_a_table(&walked))?;
        if Container::of(node).is_none() {
            return Err(not_a_table(&walked));
        }
    }
    if Container::of(node).is_none() {
        return Err(not_a_table(&walked));
    }
    Ok(Some(node))
}

fn not_a_table(walked: &[&str]) -> Reason {
    Reason::NotATable {
        key: walked.join("."),
    }
}

/// The item at `path`, if any.
pub(crate) fn get<'a>(root: &'a Item, path: &KeyPath) -> Result<Option<&'a Item>, Reason> {
    let mut node = root;
    let mut walked = Vec::new();
    for segment in path.segments() {
        let table = node.as_table_like().ok_or_else(|| not_a_table(&walked))?;
        walked.push(segment.as_str());
        match table.get(segment) {
            Some(item) if !item.is_none() => node = item,
            _ => return Ok(None),
        }
    }
    Ok(Some(node))
}

/// The item at `path`, for changing in place.
pub(crate) fn get_mut<'a>(
    root: &'a mut Item,
    path: &KeyPath,
) -> Result<Option<&'a mut Item>, Reason> {
    let Some(parent) = parent_mut(root, path, false)? else {
        return Ok(None);
    };
    Ok(parent
        .as_table_like_mut()
        .and_then(|t| t.get_mut(path.leaf()))
        .filter(|item| !item.is_none()))
}

/// True when `path` holds something.
pub(crate) fn exists(root: &Item, path: &KeyPath) -> Result<bool, Reason> {
    Ok(get(root, path)?.is_some())
}

/// Takes the entry at `path` out, with its key (and the comments on it).
pub(crate) fn take(root: &mut Item, path: &KeyPath) -> Result<Option<(Key, Item)>, Reason> {
    let Some(parent) = parent_mut(root, path, false)? else {
        return Ok(None);
    };
    let mut container = Container::of(parent).ok_or(Reason::NotATable {
        key: path.parent().join("."),
    })?;
    Ok(container.remove(path.leaf()))
}

/// Puts `item` at `path`, creating missing tables; refuses to overwrite.
/// `key` carries the decor (comments) of a key taken elsewhere.
pub(crate) fn put(
    root: &mut Item,
    path: &KeyPath,
    key: Option<&Key>,
    item: Item,
) -> Result<(), Reason> {
    if exists(root, path)? {
        return Err(Reason::Exists {
            target: path.to_string(),
        });
    }
    let parent = parent_mut(root, path, true)?.ok_or(Reason::Missing)?;
    let mut container = Container::of(parent).ok_or(Reason::NotATable {
        key: path.parent().join("."),
    })?;
    let key = relabel(key, path.leaf());
    container.append(&key, item)
}

/// True when the table holding `path` is a `[section]` (not inline), so a
/// new table there should be a section too.
pub(crate) fn parent_is_section(root: &Item, path: &KeyPath) -> bool {
    let parent = KeyPath::parse(&path.parent().join("."));
    match parent {
        Ok(p) if !path.parent().is_empty() => {
            matches!(get(root, &p), Ok(Some(Item::Table(_))) | Ok(None))
        }
        _ => matches!(root, Item::Table(_)),
    }
}

/// Replaces the entry at `path`, in its place, by the entries `build`
/// makes from it (its key, with comments, and its item). `names` are the
/// new leaf names; one already in the table, other than `path`'s own,
/// is refused before anything changes.
pub(crate) fn replace(
    root: &mut Item,
    path: &KeyPath,
    names: &[&str],
    build: impl FnOnce(Key, Item) -> Vec<(Key, Item)>,
) -> Result<(), Reason> {
    let parent = parent_mut(root, path, false)?.ok_or(Reason::Missing)?;
    let mut container = Container::of(parent).ok_or(Reason::NotATable {
        key: path.parent().join("."),
    })?;
    for name in names {
        if *name != path.leaf() && container.contains(name) {
            return Err(Reason::Exists {
                target: path.with_leaf(name).to_string(),
            });
        }
    }
    container.replace(path.leaf(), build)
}

/// A key named `name` that keeps the comments of `from`, if given.
pub(crate) fn relabel(from: Option<&Key>, name: &str) -> Key {
    let key = Key::new(name);
    match from {
        Some(old) => key
            .with_leaf_decor(old.leaf_decor().clone())
            .with_dotted_decor(old.dotted_decor().clone()),
        None => key,
    }
}
