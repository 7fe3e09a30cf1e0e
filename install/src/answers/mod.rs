//! Answer files (`docs/answer-file.md`): what to do, on which disk, the
//! configuration of a fresh install and what to do when done. The one
//! format of the unattended installer and of `installer-tui plan|apply
//! --answers`, and its one parser. Every mistake is reported with its file,
//! line and key ([`AnswerError`]); nothing is guessed.
//!
//! The parser reads untrusted input (a file on a writable medium): it
//! walks a `toml_edit` document, accepts only the keys the format has and
//! bounds every number it converts.

mod config;
mod error;
mod select;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;

use detect::state::UnattendedRun;
use sha2::{Digest, Sha256};
use toml_edit::{ImDocument, Item, TableLike};

pub use config::{AnswerMismatch, Answers};
pub use error::{AnswerError, AnswerProblem};

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
    /// Install the installed release again in the other slot, keeping
    /// configuration and data.
    Repair,
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
    /// Restart the machine into the new system.
    Reboot,
    /// Switch the machine off.
    PowerOff,
    /// Wait for the technician.
    Stay,
}

/// A parsed answer file.
#[derive(Debug, Clone)]
pub struct AnswerFile {
    /// Where it came from, for messages.
    pub source: String,
    /// What to do.
    pub requested: Requested,
    /// On which disk.
    pub disk: DiskSelector,
    /// `confirm-erase = "ERASE"` was given.
    pub confirm_erase: bool,
    /// Configuration values for a fresh install.
    pub config: Option<Answers>,
    /// Line of each `[config."DOC"]` table, to point at when the release
    /// refuses a value.
    pub config_lines: BTreeMap<String, usize>,
    /// What to do after a successful run.
    pub finish: Finish,
    /// Seconds the result stays on screen before reboot or power off.
    pub delay: u64,
    /// The language of the installer's screens (`language = "fr"`), one of
    /// [`LANGUAGES`].
    pub language: Option<String>,
    pub(crate) text: String,
}

pub(crate) fn line_of(text: &str, span: Option<Range<usize>>) -> usize {
    let at = span.map_or(0, |s| s.start.min(text.len()));
    text.as_bytes()[..at]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

struct Ctx<'a> {
    source: &'a str,
    text: &'a str,
}

impl Ctx<'_> {
    fn err(&self, span: Option<Range<usize>>, key: &str, problem: AnswerProblem) -> AnswerError {
        AnswerError {
            source: self.source.to_string(),
            line: line_of(self.text, span),
            key: key.to_string(),
            problem,
        }
    }

    /// Refuse keys this format does not know: a typo must not be ignored.
    fn only(
        &self,
        t: &dyn TableLike,
        prefix: &str,
        known: &'static [&'static str],
    ) -> Result<(), AnswerError> {
        for (k, _) in t.iter() {
            if !known.contains(&k) {
                let full = format!("{prefix}{k}");
                return Err(self.err(
                    t.key(k).and_then(|k| k.span()),
                    &full,
                    AnswerProblem::UnknownKey { expected: known },
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
                    AnswerProblem::NotAString,
                )
            }),
        }
    }
}

/// The keys of the file, of `[install]`, of a disk selector and of
/// `[finish]`.
const ROOT_KEYS: &[&str] = &["language", "install", "config", "finish"];

/// The languages the installer's screens speak, by code: what
/// `language = "..."` may say.
pub const LANGUAGES: &[&str] = &["en", "fr"];
const INSTALL_KEYS: &[&str] = &["action", "disk", "confirm-erase"];
const SELECTOR_KEYS: &[&str] = &["model", "serial", "size-min"];
const FINISH_KEYS: &[&str] = &["action", "delay"];

impl AnswerFile {
    /// Parse `text`, read from `source` (a path, for messages).
    pub fn parse(source: &str, text: &str) -> Result<AnswerFile, AnswerError> {
        let cx = Ctx { source, text };
        let doc = ImDocument::parse(text).map_err(|e| {
            let syntax = toml_syntax::SyntaxError::from_edit(&e, text);
            cx.err(e.span(), "", AnswerProblem::NotToml(syntax))
        })?;
        let root = doc.as_table();
        cx.only(root, "", ROOT_KEYS)?;
        let language = match cx.string(root, "", "language")? {
            None => None,
            Some(l) if LANGUAGES.contains(&l.as_str()) => Some(l),
            Some(l) => {
                return Err(cx.err(
                    root.get("language").and_then(Item::span),
                    "language",
                    AnswerProblem::NotALanguage {
                        given: l,
                        expected: LANGUAGES,
                    },
                ))
            }
        };
        let install = root
            .get("install")
            .ok_or_else(|| cx.err(None, "install", AnswerProblem::NoInstallTable))?;
        let install = install
            .as_table_like()
            .ok_or_else(|| cx.err(install.span(), "install", AnswerProblem::NotATable))?;
        cx.only(install, "install.", INSTALL_KEYS)?;
        let action = cx
            .string(install, "install.", "action")?
            .ok_or_else(|| cx.err(None, "install.action", AnswerProblem::NoAction))?;
        let requested = match action.as_str() {
            "upgrade" => Requested::Upgrade,
            "install" => Requested::Install,
            "wipe" => Requested::Wipe,
            "auto" => Requested::Auto,
            "repair" => Requested::Repair,
            _ => {
                return Err(cx.err(
                    install.get("action").and_then(Item::span),
                    "install.action",
                    AnswerProblem::NotAnAction(action),
                ))
            }
        };
        let disk = match install.get("disk") {
            None => return Err(cx.err(None, "install.disk", AnswerProblem::NoDisk)),
            Some(item) => disk_selector(&cx, item)?,
        };
        let confirm_erase = match cx.string(install, "install.", "confirm-erase")? {
            None => false,
            Some(s) if s == "ERASE" => true,
            Some(s) => {
                return Err(cx.err(
                    install.get("confirm-erase").and_then(Item::span),
                    "install.confirm-erase",
                    AnswerProblem::NotConfirmed(s),
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
        if config.is_some() && matches!(requested, Requested::Upgrade | Requested::Repair) {
            return Err(cx.err(
                root.key("config").and_then(|k| k.span()),
                "config",
                AnswerProblem::ConfigOnUpgrade,
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
            language,
            text: text.to_string(),
        })
    }
}

impl AnswerFile {
    /// The unattended run this file makes from the boot medium `medium`
    /// (its id), as the state record keeps it: the medium and the SHA-256
    /// of the file's bytes.
    pub fn run_from(&self, medium: Option<&str>) -> UnattendedRun {
        UnattendedRun {
            medium: medium.map(str::to_string),
            answer_sha256: hex::encode(Sha256::digest(self.text.as_bytes())),
        }
    }
}

fn disk_selector(cx: &Ctx<'_>, item: &Item) -> Result<DiskSelector, AnswerError> {
    if let Some(s) = item.as_str() {
        return match s {
            "only" => Ok(DiskSelector::Only),
            p if p.starts_with('/') => Ok(DiskSelector::Path(PathBuf::from(p))),
            p => Err(cx.err(
                item.span(),
                "install.disk",
                AnswerProblem::NotADisk(p.to_string()),
            )),
        };
    }
    let t = item
        .as_table_like()
        .ok_or_else(|| cx.err(item.span(), "install.disk", AnswerProblem::NotADiskSelector))?;
    cx.only(t, "install.disk.", SELECTOR_KEYS)?;
    let model = cx.string(t, "install.disk.", "model")?;
    let serial = cx.string(t, "install.disk.", "serial")?;
    let size_min =
        match t.get("size-min") {
            None => None,
            Some(v) => Some(size(v).ok_or_else(|| {
                cx.err(v.span(), "install.disk.size-min", AnswerProblem::NotASize)
            })?),
        };
    if model.is_none() && serial.is_none() && size_min.is_none() {
        return Err(cx.err(item.span(), "install.disk", AnswerProblem::EmptySelector));
    }
    Ok(DiskSelector::Match {
        model,
        serial,
        size_min,
    })
}

/// Bytes (an integer), or a string in Ferry's size grammar
/// ([`units::parse_size`]); `None` for anything else.
fn size(item: &Item) -> Option<u64> {
    if let Some(n) = item.as_integer() {
        return u64::try_from(n).ok();
    }
    units::parse_size(item.as_str()?).ok()
}

type ConfigParts = (Answers, BTreeMap<String, usize>);

fn config(cx: &Ctx<'_>, item: &Item) -> Result<ConfigParts, AnswerError> {
    let t = item
        .as_table_like()
        .ok_or_else(|| cx.err(item.span(), "config", AnswerProblem::NotDocuments))?;
    let mut answers = Answers::default();
    let mut lines = BTreeMap::new();
    for (doc, d) in t.iter() {
        let key = format!("config.{doc}");
        let doc_span = t.key(doc).and_then(|k| k.span());
        if !doc.ends_with(".toml") || doc.contains('/') {
            return Err(cx.err(doc_span, &key, AnswerProblem::NotADocument));
        }
        let d = d
            .as_table_like()
            .ok_or_else(|| cx.err(doc_span.clone(), &key, AnswerProblem::NotSettings))?;
        lines.insert(doc.to_string(), line_of(cx.text, doc_span));
        let mut values = BTreeMap::new();
        for (k, v) in d.iter() {
            let full = format!("{key}.{k}");
            let span = d.key(k).and_then(|k| k.span());
            let v = v
                .as_value()
                .ok_or_else(|| cx.err(span.clone(), &full, AnswerProblem::TableNotValue))?;
            let text = format!("v = {}", v.to_string().trim());
            let parsed: toml::Table = toml::from_str(&text).map_err(|e| {
                cx.err(
                    span.clone(),
                    &full,
                    AnswerProblem::NotAValue(e.message().trim().to_string()),
                )
            })?;
            let value = parsed
                .get("v")
                .cloned()
                .ok_or_else(|| cx.err(span, &full, AnswerProblem::NotAValue("no value".into())))?;
            values.insert(k.to_string(), value);
        }
        answers.0.insert(doc.to_string(), values);
    }
    Ok((answers, lines))
}

fn finish(cx: &Ctx<'_>, item: &Item) -> Result<(Finish, u64), AnswerError> {
    let t = item
        .as_table_like()
        .ok_or_else(|| cx.err(item.span(), "finish", AnswerProblem::NotATable))?;
    cx.only(t, "finish.", FINISH_KEYS)?;
    let f = match cx.string(t, "finish.", "action")?.as_deref() {
        None | Some("stay") => Finish::Stay,
        Some("reboot") => Finish::Reboot,
        Some("poweroff") => Finish::PowerOff,
        Some(other) => {
            return Err(cx.err(
                t.get("action").and_then(Item::span),
                "finish.action",
                AnswerProblem::NotAFinish(other.to_string()),
            ))
        }
    };
    let delay = match t.get("delay") {
        None => 10,
        Some(v) => v
            .as_integer()
            .and_then(|n| u64::try_from(n).ok())
            .filter(|n| *n <= 3600)
            .ok_or_else(|| cx.err(v.span(), "finish.delay", AnswerProblem::BadDelay))?,
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
    fn reads_the_language() {
        let text = "[install]\naction = \"auto\"\ndisk = \"only\"\n";
        let a = AnswerFile::parse("a.toml", text).expect("parse");
        assert_eq!(a.language, None);
        for code in LANGUAGES {
            let a = AnswerFile::parse("a.toml", &format!("language = {code:?}\n{text}"))
                .expect("parse");
            assert_eq!(a.language.as_deref(), Some(*code));
        }
        // The code as written, not a guess from a locale name.
        let e = err(&format!("language = \"fr_FR.UTF-8\"\n{text}"));
        assert_eq!(e.key, "language");
        assert_eq!(
            e.problem.to_string(),
            "\"fr_FR.UTF-8\" is not a language of the installer; say \"en\" or \"fr\""
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
            ("[install]\naction = \"install\"\ndisk = \"only\"\n\n[install\n", 5, "", "not valid TOML at column 9"),
            ("[instal]\naction = \"install\"\n", 1, "instal", "unknown key"),
            ("language = \"de\"\n[install]\naction = \"auto\"\ndisk = \"only\"\n", 1, "language", "say \"en\" or \"fr\""),
            ("language = 1\n[install]\naction = \"auto\"\ndisk = \"only\"\n", 1, "language", "a string"),
        ] {
            let e = err(text);
            assert_eq!((e.line, e.key.as_str()), (line, key), "{text}: {e}");
            assert!(e.problem.to_string().contains(what), "{text}: {e}");
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
            "[install]\naction = \"auto\"\ndisk = { size-min = \"18446744073709551616\" }\n",
            "[install]\naction = \"auto\"\ndisk = { size-min = \"16777216T\" }\n",
            "[install]\naction = \"auto\"\ndisk = \"only\"\n[finish]\ndelay = 99999999999999999999\n",
            "[install]\naction = \"auto\"\ndisk = \"only\"\n[finish]\ndelay = 3601\n",
            "[install]\naction = \"install\"\ndisk = \"only\"\n[config.\"../x.toml\"]\n",
            "[install]\naction = \"install\"\ndisk = \"only\"\n[config.\"a.toml\".t]\nk = 1\n",
            "[install]\naction = \"ünïcödé\"\ndisk = \"only\"\n",
            "ä = 1\n\u{2028}\n[install]\n",
            "[install]\naction = \"\\uD800\"\n",
            &format!("{}[install]\n", "#\n".repeat(100_000)),
            &"a = [".repeat(5_000),
            &"a = {b = ".repeat(5_000),
            "language = \"\"\n[install]\naction = \"auto\"\ndisk = \"only\"\n",
            "language = \"fr\\u0000\"\n[install]\naction = \"auto\"\ndisk = \"only\"\n",
            "language = [\"fr\"]\n[install]\naction = \"auto\"\ndisk = \"only\"\n",
            "language = { code = \"fr\" }\n[install]\naction = \"auto\"\ndisk = \"only\"\n",
            &format!(
                "language = \"{}\"\n[install]\naction = \"auto\"\ndisk = \"only\"\n",
                "fr".repeat(50_000)
            ),
            "language = \"../../etc/passwd\"\n[install]\naction = \"auto\"\ndisk = \"only\"\n",
        ] {
            let e = err(text);
            let lines = text.lines().count().max(1);
            assert!(e.line >= 1 && e.line <= lines + 1, "{e}");
        }
    }

    proptest::proptest! {
        /// Whatever the bytes, the parser answers (a file or a mistake at
        /// a line of the text) without panicking.
        #[test]
        fn never_panics(text in "\\PC{0,400}") {
            if let Err(e) = AnswerFile::parse("answer.toml", &text) {
                let lines = text.lines().count().max(1);
                proptest::prop_assert!(e.line >= 1 && e.line <= lines + 1, "{}", e);
            }
        }

        /// Near-valid files: the known keys with arbitrary values.
        #[test]
        fn known_keys_with_any_values(
            action in "\\PC{0,12}",
            disk in "\\PC{0,12}",
            size in "\\PC{0,12}",
            delay in proptest::num::i64::ANY,
        ) {
            let text = format!(
                "[install]\naction = {action:?}\ndisk = {{ size-min = {size:?} }}\n\
                 [finish]\naction = {disk:?}\ndelay = {delay}\n"
            );
            let _ = AnswerFile::parse("answer.toml", &text);
        }
    }
}
