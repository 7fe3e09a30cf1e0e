//! Slot health from the ESP: systemd-boot loader entries with boot counting
//! (<https://systemd.io/AUTOMATIC_BOOT_ASSESSMENT/>).
//!
//! Each slot has one entry, `loader/entries/ferry-<slot>[+LEFT[-DONE]].conf`.
//! A new slot's entry is written as `ferry-b+3.conf`; the boot loader
//! renames it on each try (`ferry-b+2-1.conf`, ...); once the system is up,
//! `systemd-bless-boot` drops the counter (`ferry-b.conf`: good). At 0 tries
//! left the entry is bad and the boot loader falls back to the other slot.
//! `loader/loader.conf` names the active slot with `default ferry-<slot>*`.

use crate::layout::Slot;
use serde::Serialize;

/// Health of a slot's boot entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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

/// Which slot an entry id belongs to (`ferry-a`, `ferry-b`).
pub fn slot_of_entry(id: &str) -> Option<Slot> {
    Slot::ALL.into_iter().find(|s| s.entry_id() == id)
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

/// The slot a `default` value selects. Accepts what systemd-boot matches
/// against: `ferry-a*`, `ferry-a.conf`, `ferry-a+3-0.conf`, `ferry-a`.
pub fn slot_of_default(value: &str) -> Option<Slot> {
    let v = value.strip_suffix('*').unwrap_or(value);
    let v = match parse_entry_file_name(v) {
        Some(e) => e.id,
        None => v.to_string(),
    };
    let v = match v.rsplit_once('+') {
        Some((id, c)) if c.split('-').all(|n| number(n).is_some()) => id.to_string(),
        _ => v,
    };
    slot_of_entry(&v)
}

/// One Ferry loader entry found on the ESP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BootEntry {
    /// File name in `loader/entries/`.
    pub file: String,
    /// Slot it boots.
    pub slot: Slot,
    /// Health from its boot counter.
    pub health: BootHealth,
}

/// Ferry entries among the names in `loader/entries/`; others are ignored.
pub fn ferry_entries(files: &[String]) -> Vec<BootEntry> {
    files
        .iter()
        .filter_map(|f| {
            let e = parse_entry_file_name(f)?;
            Some(BootEntry {
                file: f.clone(),
                slot: slot_of_entry(&e.id)?,
                health: BootHealth::from_counter(e.tries),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_names() {
        let e = parse_entry_file_name("ferry-b+2-1.conf").expect("entry");
        assert_eq!((e.id.as_str(), e.tries), ("ferry-b", Some((2, 1))));
        let e = parse_entry_file_name("ferry-a+3.conf").expect("entry");
        assert_eq!(e.tries, Some((3, 0)));
        let e = parse_entry_file_name("ferry-a.conf").expect("entry");
        assert_eq!((e.id.as_str(), e.tries), ("ferry-a", None));
        let e = parse_entry_file_name("odd+x.conf").expect("entry");
        assert_eq!((e.id.as_str(), e.tries), ("odd+x", None));
        assert_eq!(parse_entry_file_name("ferry-a.txt"), None);
        for name in [
            "ferry-a+99999999999.conf",
            "ferry-a+-.conf",
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
            "ferry-a.conf",
            "ferry-b+0-3.conf",
            "other.conf",
            "ferry-c.conf",
        ]
        .map(String::from);
        let entries = ferry_entries(&files);
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].slot, Slot::B);
    }

    #[test]
    fn default_line() {
        let conf = "# comment\ntimeout 3\ndefault   ferry-b*\n";
        assert_eq!(loader_default(conf).as_deref(), Some("ferry-b*"));
        for v in [
            "ferry-b*",
            "ferry-b.conf",
            "ferry-b+3-0.conf",
            "ferry-b",
            "ferry-b+1",
        ] {
            assert_eq!(slot_of_default(v), Some(Slot::B), "{v}");
        }
        assert_eq!(slot_of_default("windows*"), None);
        assert_eq!(loader_default("timeout 3"), None);
    }
}
