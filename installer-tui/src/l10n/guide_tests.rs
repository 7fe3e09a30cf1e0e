//! The technician's guide in English (`docs/technician-guide.md`) and in
//! French (`docs/fr/guide-technicien.md`) describe the same screens, in
//! the same order, each named by its title as the installer shows it in
//! that language, with the same shortcut letters, and the same keys.

use std::collections::BTreeSet;
use std::path::Path;

use super::{text, Lang};

fn guide(lang: Lang) -> String {
    let rel = match lang {
        Lang::En => "../docs/technician-guide.md",
        Lang::Fr => "../docs/fr/guide-technicien.md",
    };
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The screen titles the catalog knows (`screen-*` messages).
fn titles() -> Vec<&'static str> {
    let mut ids = Vec::new();
    for (_, src) in super::sources(Lang::En) {
        for line in src.lines() {
            if let Some((id, _)) = line.split_once(" = ") {
                if id.starts_with("screen-") {
                    ids.push(id.trim());
                }
            }
        }
    }
    ids
}

/// The guide's numbered list of screens: (screen id, the item's text).
fn screens(lang: Lang) -> Vec<(String, String)> {
    let g = guide(lang);
    let mut items: Vec<(String, String)> = Vec::new();
    let mut in_item = false;
    for line in g.lines() {
        let head = line
            .split_once(". **")
            .filter(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if let Some((_, rest)) = head {
            let name = rest.split("**").next().unwrap_or_default();
            let id = titles()
                .into_iter()
                .find(|id| text(lang, id, &[]) == name)
                .unwrap_or_else(|| {
                    panic!(
                        "{}: the guide's screen {name:?} is no screen title of the installer",
                        lang.code()
                    )
                });
            items.push((id.to_string(), String::new()));
            in_item = true;
        } else if line.starts_with("## ") {
            in_item = false;
        }
        if in_item {
            if let Some((_, body)) = items.last_mut() {
                body.push_str(line);
                body.push('\n');
            }
        }
    }
    items
}

/// The shortcut letters an item names: `[x]`.
fn shortcuts(body: &str) -> BTreeSet<char> {
    let b = body.as_bytes();
    (0..b.len().saturating_sub(2))
        .filter(|&i| b[i] == b'[' && b[i + 2] == b']' && b[i + 1].is_ascii_lowercase())
        .map(|i| char::from(b[i + 1]))
        .collect()
}

/// The keys table's rows, each reduced to the keys written the same in
/// every language: letters, digits, Tab, PgUp, PgDn, Ctrl-X.
fn keys(lang: Lang) -> Vec<Vec<String>> {
    let g = guide(lang);
    let table = g.split("\n| ").skip(1).collect::<Vec<_>>();
    let mut rows = Vec::new();
    for row in table {
        let first = row.split(" |").next().unwrap_or_default();
        if first.starts_with("---") {
            continue;
        }
        let same: Vec<String> = first
            .split([' ', '/', ','])
            .map(|w| w.trim_matches('`'))
            .filter(|w| {
                (w.len() == 1 && w.chars().all(|c| c.is_ascii_alphanumeric()))
                    || ["Tab", "PgUp", "PgDn", "1-9"].contains(w)
                    || w.starts_with("Ctrl-")
            })
            .map(String::from)
            .collect();
        rows.push(same);
        if row.contains("Ctrl-L") {
            break;
        }
    }
    rows
}

#[test]
fn both_guides_list_the_same_screens_with_the_same_shortcuts() {
    let en = screens(Lang::En);
    let fr = screens(Lang::Fr);
    let ids = |s: &[(String, String)]| s.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>();
    assert!(
        en.len() >= 9,
        "the English guide lists {} screens",
        en.len()
    );
    assert_eq!(ids(&en), ids(&fr), "the guides list other screens");
    for ((id, e), (_, f)) in en.iter().zip(&fr) {
        assert_eq!(
            shortcuts(e),
            shortcuts(f),
            "{id}: the guides name other shortcut letters"
        );
    }
}

#[test]
fn both_guides_list_the_same_keys() {
    let en = keys(Lang::En);
    assert!(
        en.len() >= 8,
        "the English keys table has {} rows",
        en.len()
    );
    assert_eq!(en, keys(Lang::Fr));
}
