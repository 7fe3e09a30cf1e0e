//! The answer file of an unattended run (`docs/answer-file.md`): what to
//! do, on which disk, the configuration of a fresh install and what to do
//! when done. Every mistake is reported with its line and key, and nothing
//! is guessed: the installer then continues interactively.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

use detect::{Content, DiskReport};
use toml_edit::{ImDocument, Item, TableLike};

/// What the answer file asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requested {
    /// Upgrade the installation on the disk.
    Upgrade,
    /// Install on a blank disk (or, with `confirm-erase`, on a used one).
    Install,
    /// Erase the disk and install.
    Wipe,
    /// Upgrade an installation, install on a blank disk, refuse otherwise.
    Auto,
}

/// Which disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiskSelector {
    /// A device path or image file.
    Path(PathBuf),
    /// The only disk there is; refused when there are several.
    Only,
    /// The disk whose properties match.
    Match {
        model: Option<String>,
        serial: Option<String>,
        size_min: Option<u64>,
    },
}

/// What to do after a successful run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finish {
    Reboot,
    PowerOff,
    Stay,
}

/// A parsed answer file.
#[derive(Debug, Clone)]
pub struct AnswerFile {
    /// Where it came from, for messages.
    pub source: String,
    pub requested: Requested,
    pub disk: DiskSelector,
    /// `confirm-erase = "ERASE"` was given.
    pub confirm_erase: bool,
    /// Configuration values for a fresh install.
    pub config: Option<install::Answers>,
    /// Line of each `[config."DOC"]` table, to point at when the release
    /// refuses a value.
    pub config_lines: BTreeMap<String, usize>,
    pub finish: Finish,
    /// Seconds the result stays on screen before reboot or power off.
    pub delay: u64,
    text: String,
}

/// A mistake in an answer file, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerError {
    pub source: String,
    pub line: usize,
    pub key: String,
    pub message: String,
}

impl fmt::Display for AnswerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            write!(f, "{} line {}: {}", self.source, self.line, self.message)
        } else {
            write!(
                f,
                "{} line {}, key {}: {}",
                self.source, self.line, self.key, self.message
            )
        }
    }
}

impl std::error::Error for AnswerError {}

fn line_of(text: &str, span: Option<Range<usize>>) -> usize {
    let at = span.map_or(0, |s| s.start.min(text.len()));
    text[..at].bytes().filter(|b| *b == b'\n').count() + 1
}

struct Ctx<'a> {
    source: &'a str,
    text: &'a str,
}

impl Ctx<'_> {
    fn err(
        &self,
        span: Option<Range<usize>>,
        key: &str,
        message: impl Into<String>,
    ) -> AnswerError {
        AnswerError {
            source: self.source.to_string(),
            line: line_of(self.text, span),
            key: key.to_string(),
            message: message.into(),
        }
    }

    /// Refuse keys this format does not know: a typo must not be ignored.
    fn only(&self, t: &dyn TableLike, prefix: &str, known: &[&str]) -> Result<(), AnswerError> {
        for (k, _) in t.iter() {
            if !known.contains(&k) {
                let full = format!("{prefix}{k}");
                return Err(self.err(
                    t.key(k).and_then(|k| k.span()),
                    &full,
                    format!("unknown key; expected one of: {}", known.join(", ")),
                ));
            }
        }
        Ok(())
    }

    fn string(
        &self,
        t: &dyn TableLike,
        prefix: &str,
        key: &str,
    ) -> Result<Option<String>, AnswerError> {
        match t.get(key) {
            None => Ok(None),
            Some(item) => item.as_str().map(|s| Some(s.to_string())).ok_or_else(|| {
                self.err(
                    item.span(),
                    &format!("{prefix}{key}"),
                    "a string in quotes is expected",
                )
            }),
        }
    }
}

impl AnswerFile {
    /// Parse `text`, read from `source` (a path, for messages).
    pub fn parse(source: &str, text: &str) -> Result<AnswerFile, AnswerError> {
        let cx = Ctx { source, text };
        let doc = ImDocument::parse(text).map_err(|e| {
            cx.err(
                e.span(),
                "",
                format!("not valid TOML: {}", e.message().trim()),
            )
        })?;
        let root = doc.as_table();
        cx.only(root, "", &["install", "config", "finish"])?;
        let install = root
            .get("install")
            .ok_or_else(|| cx.err(None, "install", "the [install] table is missing"))?;
        let install = install
            .as_table_like()
            .ok_or_else(|| cx.err(install.span(), "install", "must be a table"))?;
        cx.only(install, "install.", &["action", "disk", "confirm-erase"])?;
        let action = cx.string(install, "install.", "action")?.ok_or_else(|| {
            cx.err(
                None,
                "install.action",
                "missing: say \"upgrade\", \"install\", \"wipe\" or \"auto\"",
            )
        })?;
        let requested = match action.as_str() {
            "upgrade" => Requested::Upgrade,
            "install" => Requested::Install,
            "wipe" => Requested::Wipe,
            "auto" => Requested::Auto,
            other => {
                return Err(cx.err(
                    install.get("action").and_then(Item::span),
                    "install.action",
                    format!("{other:?} is not an action; say \"upgrade\", \"install\", \"wipe\" or \"auto\""),
                ))
            }
        };
        let disk = match install.get("disk") {
            None => return Err(cx.err(
                None,
                "install.disk",
                "missing: a device path, \"only\" or { model = ..., serial = ..., size-min = ... }",
            )),
            Some(item) => disk_selector(&cx, item)?,
        };
        let confirm_erase = match cx.string(install, "install.", "confirm-erase")? {
            None => false,
            Some(s) if s == "ERASE" => true,
            Some(s) => {
                return Err(cx.err(
                    install.get("confirm-erase").and_then(Item::span),
                    "install.confirm-erase",
                    format!(
                    "{s:?} does not confirm anything; write \"ERASE\" to allow erasing the disk"
                ),
                ))
            }
        };
        let (config, config_lines) = match root.get("config") {
            None => (None, BTreeMap::new()),
            Some(item) => {
                let (a, l) = config(&cx, item)?;
                (Some(a), l)
            }
        };
        let (finish, delay) = match root.get("finish") {
            None => (Finish::Stay, 0),
            Some(item) => finish(&cx, item)?,
        };
        if config.is_some() && requested == Requested::Upgrade {
            return Err(cx.err(
                root.key("config").and_then(|k| k.span()),
                "config",
                "configuration values apply to a fresh install; an upgrade keeps and migrates the installed configuration",
            ));
        }
        Ok(AnswerFile {
            source: source.to_string(),
            requested,
            disk,
            confirm_erase,
            config,
            config_lines,
            finish,
            delay,
            text: text.to_string(),
        })
    }

    /// The error for a refusal of the `[config]` values by the release.
    pub fn config_error(&self, mismatch: &install::AnswerMismatch) -> AnswerError {
        let message = install::Refusal::Answers(mismatch.clone()).to_string();
        let line = self
            .config_lines
            .get(mismatch.document())
            .copied()
            .unwrap_or_else(|| line_of(&self.text, self.text.find("[config").map(|s| s..s)));
        AnswerError {
            source: self.source.clone(),
            line,
            key: "config".into(),
            message: message.to_string(),
        }
    }

    /// An error about the choice of disk, pointing at `install.disk`.
    pub fn disk_error(&self, message: impl Into<String>) -> AnswerError {
        self.key_error("disk", message)
    }

    /// An error about `install.KEY`.
    pub fn key_error(&self, key: &str, message: impl Into<String>) -> AnswerError {
        let line = ImDocument::parse(self.text.as_str())
            .ok()
            .and_then(|d| {
                d.as_table()
                    .get("install")
                    .and_then(Item::as_table_like)
                    .and_then(|t| t.key(key).and_then(|k| k.span()))
            })
            .map_or(1, |s| line_of(&self.text, Some(s)));
        AnswerError {
            source: self.source.clone(),
            line,
            key: format!("install.{key}"),
            message: message.into(),
        }
    }

    /// The index of the disk the selector picks among `disks`.
    pub fn pick_disk(&self, disks: &[DiskReport]) -> Result<usize, AnswerError> {
        let found: Vec<usize> = match &self.disk {
            DiskSelector::Only => {
                return match disks.len() {
                    1 => Ok(0),
                    0 => Err(self.disk_error("there is no disk to install on")),
                    n => Err(self.disk_error(format!(
                        "\"only\" needs exactly one disk; this machine has {n}: name one"
                    ))),
                }
            }
            DiskSelector::Path(p) => (0..disks.len()).filter(|&i| &disks[i].path == p).collect(),
            DiskSelector::Match {
                model,
                serial,
                size_min,
            } => (0..disks.len())
                .filter(|&i| {
                    let d = &disks[i];
                    model
                        .as_ref()
                        .is_none_or(|m| d.model.as_deref() == Some(m.as_str()))
                        && serial
                            .as_ref()
                            .is_none_or(|s| d.serial.as_deref() == Some(s.as_str()))
                        && size_min.is_none_or(|s| d.size >= s)
                })
                .collect(),
        };
        match found[..] {
            [i] => Ok(i),
            [] => Err(self.disk_error("no disk of this machine matches")),
            _ => Err(self.disk_error(format!(
                "{} disks match; make the selector narrower",
                found.len()
            ))),
        }
    }

    /// The engine's action for this disk, or why there is none.
    pub fn action_for(&self, disk: &DiskReport) -> Result<install::Action, AnswerError> {
        use install::Action;
        let used = !matches!(disk.content, Content::Blank);
        let action = match (self.requested, &disk.content) {
            (Requested::Upgrade, _) => Action::Upgrade,
            (Requested::Wipe, _) => Action::Wipe,
            (Requested::Install, Content::Blank) => Action::Install,
            (Requested::Install, _) => Action::Wipe,
            (Requested::Auto, Content::Ferry(_)) => Action::Upgrade,
            (Requested::Auto, Content::Blank) => Action::Install,
            (Requested::Auto, _) => {
                return Err(self.key_error(
                    "action",
                    format!(
                        "\"auto\" does not erase {}, which is not empty; say \"wipe\" and confirm-erase = \"ERASE\"",
                        disk.path.display()
                    ),
                ))
            }
        };
        if matches!(action, Action::Wipe | Action::Install) && used && !self.confirm_erase {
            return Err(self.key_error(
                "confirm-erase",
                format!(
                    "{} is not empty and would be erased: add confirm-erase = \"ERASE\"",
                    disk.path.display()
                ),
            ));
        }
        Ok(action)
    }
}

fn disk_selector(cx: &Ctx<'_>, item: &Item) -> Result<DiskSelector, AnswerError> {
    if let Some(s) = item.as_str() {
        return Ok(match s {
            "only" => DiskSelector::Only,
            p if p.starts_with('/') => DiskSelector::Path(PathBuf::from(p)),
            p => {
                return Err(cx.err(
                    item.span(),
                    "install.disk",
                    format!("{p:?} is neither a path (/dev/...) nor \"only\""),
                ))
            }
        });
    }
    let t = item.as_table_like().ok_or_else(|| {
        cx.err(item.span(), "install.disk", "a path in quotes, \"only\" or { model = ..., serial = ..., size-min = ... } is expected")
    })?;
    cx.only(t, "install.disk.", &["model", "serial", "size-min"])?;
    let model = cx.string(t, "install.disk.", "model")?;
    let serial = cx.string(t, "install.disk.", "serial")?;
    let size_min = match t.get("size-min") {
        None => None,
        Some(v) => Some(size(v).ok_or_else(|| {
            cx.err(
                v.span(),
                "install.disk.size-min",
                "a size is expected: bytes, or a string such as \"100G\" or \"512M\"",
            )
        })?),
    };
    if model.is_none() && serial.is_none() && size_min.is_none() {
        return Err(cx.err(
            item.span(),
            "install.disk",
            "the selector is empty: give model, serial or size-min",
        ));
    }
    Ok(DiskSelector::Match {
        model,
        serial,
        size_min,
    })
}

fn size(item: &Item) -> Option<u64> {
    if let Some(n) = item.as_integer() {
        return u64::try_from(n).ok();
    }
    let s = item.as_str()?.trim();
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = num.parse().ok()?;
    let shift = match unit.trim().trim_end_matches("iB").trim_end_matches('B') {
        "" => 0,
        "K" | "k" => 10,
        "M" => 20,
        "G" => 30,
        "T" => 40,
        _ => return None,
    };
    n.checked_mul(1u64 << shift)
}

type ConfigParts = (install::Answers, BTreeMap<String, usize>);

fn config(cx: &Ctx<'_>, item: &Item) -> Result<ConfigParts, AnswerError> {
    let t = item
        .as_table_like()
        .ok_or_else(|| cx.err(item.span(), "config", "must be a table of documents"))?;
    let mut answers = install::Answers::default();
    let mut lines = BTreeMap::new();
    for (doc, d) in t.iter() {
        let key = format!("config.{doc}");
        let doc_span = t.key(doc).and_then(|k| k.span());
        if !doc.ends_with(".toml") || doc.contains('/') {
            return Err(cx.err(
                doc_span,
                &key,
                "name a configuration document, such as [config.\"engine.toml\"]",
            ));
        }
        let d = d
            .as_table_like()
            .ok_or_else(|| cx.err(doc_span.clone(), &key, "must be a table of settings"))?;
        lines.insert(doc.to_string(), line_of(cx.text, doc_span));
        let mut values = BTreeMap::new();
        for (k, v) in d.iter() {
            let full = format!("{key}.{k}");
            let span = d.key(k).and_then(|k| k.span());
            let v = v
                .as_value()
                .ok_or_else(|| cx.err(span.clone(), &full, "a value is expected, not a table"))?;
            let text = format!("v = {}", v.to_string().trim());
            let parsed: toml::Table = toml::from_str(&text).map_err(|e| {
                cx.err(span.clone(), &full, format!("not a value: {}", e.message()))
            })?;
            let value = parsed
                .get("v")
                .cloned()
                .ok_or_else(|| cx.err(span, &full, "not a value"))?;
            values.insert(k.to_string(), value);
        }
        answers.0.insert(doc.to_string(), values);
    }
    Ok((answers, lines))
}

fn finish(cx: &Ctx<'_>, item: &Item) -> Result<(Finish, u64), AnswerError> {
    let t = item
        .as_table_like()
        .ok_or_else(|| cx.err(item.span(), "finish", "must be a table"))?;
    cx.only(t, "finish.", &["action", "delay"])?;
    let f = match cx.string(t, "finish.", "action")?.as_deref() {
        None | Some("stay") => Finish::Stay,
        Some("reboot") => Finish::Reboot,
        Some("poweroff") => Finish::PowerOff,
        Some(other) => {
            return Err(cx.err(
                t.get("action").and_then(Item::span),
                "finish.action",
                format!(
                    "{other:?} is not a finish action; say \"reboot\", \"poweroff\" or \"stay\""
                ),
            ))
        }
    };
    let delay = match t.get("delay") {
        None => 10,
        Some(v) => v
            .as_integer()
            .and_then(|n| u64::try_from(n).ok())
            .filter(|n| *n <= 3600)
            .ok_or_else(|| {
                cx.err(
                    v.span(),
                    "finish.delay",
                    "seconds from 0 to 3600 are expected",
                )
            })?,
    };
    Ok((f, delay))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> AnswerError {
        AnswerFile::parse("answer.toml", text).expect_err(text)
    }

    #[test]
    fn parses_a_full_file() {
        let a = AnswerFile::parse(
            "a.toml",
            "[install]\naction = \"wipe\"\ndisk = { model = \"QEMU HARDDISK\", size-min = \"1G\" }\nconfirm-erase = \"ERASE\"\n\n[config.\"engine.toml\"]\n\"host.hostname\" = \"engine-07\"\n\n[finish]\naction = \"reboot\"\ndelay = 0\n",
        )
        .expect("parse");
        assert_eq!(a.requested, Requested::Wipe);
        assert!(a.confirm_erase);
        assert_eq!(
            a.disk,
            DiskSelector::Match {
                model: Some("QEMU HARDDISK".into()),
                serial: None,
                size_min: Some(1 << 30)
            }
        );
        assert_eq!(a.finish, Finish::Reboot);
        assert_eq!(a.delay, 0);
        assert_eq!(a.config_lines.get("engine.toml"), Some(&6));
        let cfg = a.config.expect("config");
        assert_eq!(
            cfg.0["engine.toml"]["host.hostname"],
            toml::Value::String("engine-07".into())
        );
    }

    #[test]
    fn names_line_and_key_of_mistakes() {
        for (text, line, key, what) in [
            ("[install]\naction = \"upgrad\"\ndisk = \"only\"\n", 2, "install.action", "not an action"),
            ("[install]\naction = \"upgrade\"\n", 1, "install.disk", "missing"),
            ("[install]\naction = \"upgrade\"\ndisk = \"sda\"\n", 3, "install.disk", "neither a path"),
            ("[install]\naction = \"wipe\"\ndisk = \"only\"\nconfirm-erase = \"yes\"\n", 4, "install.confirm-erase", "ERASE"),
            ("[install]\naction = \"wipe\"\ndisk = \"only\"\ncolour = 1\n", 4, "install.colour", "unknown key"),
            ("[install]\naction = \"auto\"\ndisk = { size-min = \"lots\" }\n", 3, "install.disk.size-min", "a size"),
            ("[install]\naction = \"auto\"\ndisk = \"only\"\n[finish]\naction = \"halt\"\n", 5, "finish.action", "not a finish"),
            ("[install]\naction = \"upgrade\"\ndisk = \"only\"\n[config.\"engine.toml\"]\nx = 1\n", 4, "config", "fresh install"),
            ("[install]\naction = \"install\"\ndisk = \"only\"\n[config]\nengine = 1\n", 5, "config.engine", "document"),
            ("[install]\naction = \"install\"\ndisk = \"only\"\n\n[install\n", 5, "", "not valid TOML"),
            ("[instal]\naction = \"install\"\n", 1, "instal", "unknown key"),
        ] {
            let e = err(text);
            assert_eq!((e.line, e.key.as_str()), (line, key), "{text}: {e}");
            assert!(e.message.contains(what), "{text}: {e}");
            assert!(e.to_string().starts_with("answer.toml line "), "{e}");
        }
    }

    #[test]
    fn survives_hostile_input() {
        for text in [
            "",
            "\u{0}\u{1}\u{2}",
            "[[install]]\n",
            "install = 3\n",
            "[install]\naction = 1\ndisk = []\n",
            "[install]\naction = \"auto\"\ndisk = { }\n",
            "[install]\naction = \"auto\"\ndisk = { size-min = -1 }\n",
            "[install]\naction = \"auto\"\ndisk = { size-min = \"99999999999999T\" }\n",
            &"[".repeat(10_000),
            &format!("[install]\naction = \"{}\"\n", "x".repeat(100_000)),
        ] {
            let e = err(text);
            assert!(e.line >= 1, "{e}");
        }
    }
}
