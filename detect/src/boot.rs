//! Slot health and the boot default from the ESP: systemd-boot loader
//! entries with boot counting
//! (<https://systemd.io/AUTOMATIC_BOOT_ASSESSMENT/>).
//!
//! Each slot has one entry, `loader/entries/ferry-<generation>-<slot>[+LEFT[-DONE]].conf`.
//! The generation is one more than the highest on the ESP when the entry is
//! written, so the newest slot has the highest. A new slot's entry is
//! written as `ferry-7-b+3.conf`; the boot loader renames it on each try
//! (`ferry-7-b+2-1.conf`, ...); once the system is up, `systemd-bless-boot`
//! drops the counter (`ferry-7-b.conf`: good).
//!
//! `loader/loader.conf` says `default ferry-*`, and systemd-boot starts the
//! first matching entry in its order: entries with no tries left last, then
//! by id, highest version first. So the newest slot starts while it is good
//! or has tries left, and once its tries are used up the boot loader falls
//! back to the other slot by itself. (A `default` naming one slot would keep
//! starting that slot's entry after its tries: the pattern matches it
//! whatever its counter says.) The order only needs the id and the counter,
//! so it is the same in systemd-boot 249 (oldest first, default is the last
//! match) and in later releases (newest first, default is the first match).

use crate::layout::{self, Slot};
use serde::{Deserialize, Serialize};

/// Health of a slot's boot entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "health")]
pub enum BootHealth {
    /// Entry without counter: booted good.
    Good,
    /// Entry with tries left: being tried, not yet confirmed.
    Trying {
        /// Boot attempts left.
        tries_left: u32,
        /// Boot attempts made.
        tries_done: u32,
    },
    /// Entry with 0 tries left: it failed to boot; the boot loader skips it.
    Failed {
        /// Boot attempts made.
        tries_done: u32,
    },
    /// No entry for this slot on the ESP.
    NoEntry,
}

impl BootHealth {
    /// From the `(left, done)` counter of an entry file name.
    pub fn from_counter(tries: Option<(u32, u32)>) -> Self {
        match tries {
            None => BootHealth::Good,
            Some((0, done)) => BootHealth::Failed { tries_done: done },
            Some((left, done)) => BootHealth::Trying {
                tries_left: left,
                tries_done: done,
            },
        }
    }
}

/// A loader entry file name split into id and boot counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryName {
    /// Entry id: the name without counter and `.conf`.
    pub id: String,
    /// `(tries_left, tries_done)` if the name carries a counter.
    pub tries: Option<(u32, u32)>,
}

/// Split `name+LEFT[-DONE].conf`. `None` if it is not a `.conf` file.
pub fn parse_entry_file_name(file: &str) -> Option<EntryName> {
    let stem = file.strip_suffix(".conf")?;
    if let Some((id, counter)) = stem.rsplit_once('+') {
        let (left, done) = match counter.split_once('-') {
            Some((l, d)) => (l, d),
            None => (counter, "0"),
        };
        if let (Some(left), Some(done)) = (number(left), number(done)) {
            return Some(EntryName {
                id: id.to_string(),
                tries: Some((left, done)),
            });
        }
    }
    Some(EntryName {
        id: stem.to_string(),
        tries: None,
    })
}

fn number(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Generation and slot of a Ferry entry id, `ferry-<generation>-<slot>`.
pub fn parse_entry_id(id: &str) -> Option<(u32, Slot)> {
    let rest = id.strip_prefix(layout::ENTRY_PREFIX)?;
    let (generation, slot) = rest.split_once('-')?;
    Some((number(generation)?, Slot::from_name(slot)?))
}

/// The value of the `default` key in `loader.conf`, if any.
pub fn loader_default(loader_conf: &str) -> Option<String> {
    loader_conf
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once(char::is_whitespace))
        .filter(|(k, _)| *k == "default")
        .map(|(_, v)| v.trim().to_string())
        .next_back()
}

/// Whether `text` matches the glob `pattern` as systemd-boot matches
/// `default`: `*`, `?` and `[...]` (ranges, `!` or `^` to negate), case
/// folded. Written here because the boot loader's matching is what counts,
/// not a shell's.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let t: Vec<char> = text.to_lowercase().chars().collect();
    // Iterative matching with one backtrack point for the last `*`.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        let step = match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
                continue;
            }
            Some('?') => Some(pi + 1),
            Some('[') => class(&p, pi, t[ti]),
            Some(c) if *c == t[ti] => Some(pi + 1),
            _ => None,
        };
        match (step, star) {
            (Some(next), _) => {
                pi = next;
                ti += 1;
            }
            (None, Some((sp, st))) => {
                pi = sp + 1;
                ti = st + 1;
                star = Some((sp, st + 1));
            }
            (None, None) => return false,
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// Match `c` against the class starting at `p[at] == '['`: the index after
/// the class if it matches. An unclosed `[` is an ordinary character.
fn class(p: &[char], at: usize, c: char) -> Option<usize> {
    let Some(len) = p[at + 1..].iter().skip(1).position(|x| *x == ']') else {
        return (c == '[').then_some(at + 1);
    };
    let end = at + 2 + len;
    let mut body = &p[at + 1..end];
    let negate = matches!(body.first(), Some('!' | '^'));
    if negate {
        body = &body[1..];
    }
    let mut hit = false;
    let mut i = 0;
    while i < body.len() {
        if i + 2 < body.len() && body[i + 1] == '-' {
            hit |= (body[i]..=body[i + 2]).contains(&c);
            i += 3;
        } else {
            hit |= body[i] == c;
            i += 1;
        }
    }
    (hit != negate).then_some(end + 1)
}

/// One Ferry loader entry found on the ESP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BootEntry {
    /// File name in `loader/entries/`.
    pub file: String,
    /// Slot it boots.
    pub slot: Slot,
    /// Boot generation: the newest entry has the highest.
    pub generation: u32,
    /// Health from its boot counter.
    pub health: BootHealth,
}

impl BootEntry {
    /// Whether a `default` pattern selects this entry. systemd-boot matches
    /// the id with the counter (up to 253) or without it (from 254): either
    /// counts.
    pub fn matches(&self, pattern: &str) -> bool {
        let stem = self.file.strip_suffix(".conf").unwrap_or(&self.file);
        let id = stem.split_once('+').map_or(stem, |(id, _)| id);
        glob_match(pattern, stem) || glob_match(pattern, id)
    }
}

/// Ferry entries among the names in `loader/entries/`, in the order the
/// boot loader puts them: entries with tries left or booted good first,
/// newest generation first. Other names are ignored.
pub fn ferry_entries(files: &[String]) -> Vec<BootEntry> {
    let mut entries: Vec<BootEntry> = files
        .iter()
        .filter_map(|f| {
            let e = parse_entry_file_name(f)?;
            let (generation, slot) = parse_entry_id(&e.id)?;
            Some(BootEntry {
                file: f.clone(),
                slot,
                generation,
                health: BootHealth::from_counter(e.tries),
            })
        })
        .collect();
    entries.sort_by_key(|e| {
        (
            matches!(e.health, BootHealth::Failed { .. }),
            std::cmp::Reverse((e.generation, e.slot)),
        )
    });
    entries
}

/// The entry the boot loader starts: the first of `entries` (in the order
/// of [`ferry_entries`]) that `default` matches, or the first entry when
/// there is no `default` or it matches none.
pub fn default_entry<'a>(entries: &'a [BootEntry], default: Option<&str>) -> Option<&'a BootEntry> {
    default
        .and_then(|d| entries.iter().find(|e| e.matches(d)))
        .or_else(|| entries.first())
}

/// Generation for a new entry: one more than the highest of `entries`.
pub fn next_generation(entries: &[BootEntry]) -> u32 {
    entries
        .iter()
        .map(|e| e.generation)
        .max()
        .unwrap_or(0)
        .saturating_add(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_names() {
        let e = parse_entry_file_name("ferry-2-b+2-1.conf").expect("entry");
        assert_eq!((e.id.as_str(), e.tries), ("ferry-2-b", Some((2, 1))));
        assert_eq!(parse_entry_id(&e.id), Some((2, Slot::B)));
        let e = parse_entry_file_name("ferry-1-a+3.conf").expect("entry");
        assert_eq!(e.tries, Some((3, 0)));
        let e = parse_entry_file_name("ferry-1-a.conf").expect("entry");
        assert_eq!((e.id.as_str(), e.tries), ("ferry-1-a", None));
        let e = parse_entry_file_name("odd+x.conf").expect("entry");
        assert_eq!((e.id.as_str(), e.tries), ("odd+x", None));
        assert_eq!(parse_entry_file_name("ferry-1-a.txt"), None);
        for id in [
            "ferry-a",
            "ferry--a",
            "ferry-1-c",
            "ferry-x-a",
            "ferry-1-a-b",
            "ferry-99999999999-a",
        ] {
            assert_eq!(parse_entry_id(id), None, "{id}");
        }
        for name in [
            "ferry-1-a+99999999999.conf",
            "ferry-1-a+-.conf",
            "+.conf",
            ".conf",
        ] {
            let _ = parse_entry_file_name(name);
        }
    }

    #[test]
    fn health_from_counter() {
        assert_eq!(BootHealth::from_counter(None), BootHealth::Good);
        assert_eq!(
            BootHealth::from_counter(Some((0, 3))),
            BootHealth::Failed { tries_done: 3 }
        );
        let files = [
            "ferry-1-a.conf",
            "ferry-2-b+0-3.conf",
            "other.conf",
            "ferry-3-c.conf",
        ]
        .map(String::from);
        let entries = ferry_entries(&files);
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].slot, Slot::B);
    }

    fn names(files: &[&str]) -> Vec<BootEntry> {
        ferry_entries(&files.iter().map(|f| f.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn the_newest_entry_with_tries_left_is_the_default() {
        let d = Some(layout::LOADER_DEFAULT);
        let cases: &[(&[&str], Option<Slot>)] = &[
            (&["ferry-1-a.conf"], Some(Slot::A)),
            (&["ferry-1-a.conf", "ferry-2-b+3.conf"], Some(Slot::B)),
            (&["ferry-1-a.conf", "ferry-2-b+1-2.conf"], Some(Slot::B)),
            (&["ferry-1-a.conf", "ferry-2-b.conf"], Some(Slot::B)),
            // Tries used up: back to the previous slot.
            (&["ferry-1-a.conf", "ferry-2-b+0-3.conf"], Some(Slot::A)),
            // Numbers compare as numbers, and the slot letter plays no part.
            (&["ferry-10-a+3.conf", "ferry-9-b.conf"], Some(Slot::A)),
            // Both used up: the newest is started anyway.
            (&["ferry-1-a+0-3.conf", "ferry-2-b+0-3.conf"], Some(Slot::B)),
            (&["other.conf"], None),
        ];
        for (files, want) in cases {
            let entries = names(files);
            assert_eq!(
                default_entry(&entries, d).map(|e| e.slot),
                *want,
                "{files:?}"
            );
            assert_eq!(
                default_entry(&entries, None).map(|e| e.slot),
                *want,
                "{files:?}"
            );
        }
        let entries = names(&["ferry-1-a.conf", "ferry-2-b+3.conf"]);
        assert_eq!(next_generation(&entries), 3);
        assert_eq!(next_generation(&[]), 1);
        // A pinned default wins over the order, whatever the counter.
        let pinned = names(&["ferry-1-a.conf", "ferry-2-b+0-3.conf"]);
        assert_eq!(
            default_entry(&pinned, Some("ferry-2-b*")).map(|e| e.slot),
            Some(Slot::B)
        );
        assert_eq!(
            default_entry(&pinned, Some("FERRY-2-B")).map(|e| e.slot),
            Some(Slot::B)
        );
        // A pattern that matches nothing: the first entry.
        assert_eq!(
            default_entry(&pinned, Some("windows")).map(|e| e.slot),
            Some(Slot::A)
        );
    }

    #[test]
    fn globs_match_as_the_boot_loader_does() {
        for (p, t, want) in [
            ("ferry-*", "ferry-2-b", true),
            ("ferry-*", "FERRY-2-B+3-0", true),
            ("ferry-?-b", "ferry-2-b", true),
            ("ferry-?-b", "ferry-12-b", false),
            ("ferry-[0-9]*-[ab]", "ferry-12-a", true),
            ("ferry-[!0-9]*", "ferry-12-a", false),
            ("*-b", "ferry-2-b", true),
            ("*-b", "ferry-2-a", false),
            ("a*b*c", "aXbYbZc", true),
            ("a*b*c", "aXbYbZ", false),
            ("", "", true),
            ("*", "", true),
            ("[", "[", true),
            ("[ab", "[ab", true),
            ("ferry", "ferry-1-a", false),
        ] {
            assert_eq!(glob_match(p, t), want, "{p} {t}");
        }
    }

    #[test]
    fn default_line() {
        let conf = "# comment\ntimeout 3\ndefault   ferry-*\n";
        assert_eq!(loader_default(conf).as_deref(), Some("ferry-*"));
        assert_eq!(loader_default("timeout 3"), None);
    }
}
