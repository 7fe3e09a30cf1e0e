//! The installer's words in the technician's language.
//!
//! Every text a screen shows comes from a message catalog: Project
//! Fluent files under `installer-tui/locales/<language>/`, compiled into
//! the binary (a boot medium has no place to look them up from) and read
//! with `fluent-bundle`, the reference implementation Mozilla keeps.
//! Fluent rather than gettext catalogs: the translator, not the code,
//! decides plurals and word order (French counts 0 as singular, English
//! does not), arguments are named rather than positional, and the files
//! need no compile step of their own. The compile-time checked macros
//! built on it check only the fallback language and bring a procedural
//! macro stack with them; the tests beside this module check more: every
//! message the code names exists in every language with the same
//! arguments, and every message a catalog holds is used.
//!
//! The language is per thread ([`set`], [`current`]): the screens are
//! drawn on one thread, while the log and the reports are written in
//! English ([`logged`]) on any thread, whatever the technician reads.

use std::cell::Cell;
use std::fmt;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

pub mod engine;
mod os;
pub use os::{os_error, system_error};
#[cfg(test)]
mod guide_tests;
#[cfg(test)]
mod tests;

/// A language the installer speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    Fr,
}

impl Lang {
    /// Every language, in the order the Language screen lists them.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fr];

    /// The code used on the kernel command line (`ferry.lang=fr`), in the
    /// answer file (`language = "fr"`) and for the catalog's directory.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// The language named by `code` (`fr`, `fr_FR.UTF-8`, `FR`), if the
    /// installer speaks it.
    pub fn from_code(code: &str) -> Option<Lang> {
        let base = code
            .split(['_', '-', '.', '@'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == base)
    }

    /// The language's name in itself, as a menu shows it (its own
    /// catalog's `language-name`).
    pub fn name(self) -> String {
        text(self, "language-name", &[])
    }

    /// The keyboard layout choosing this language proposes (one of the
    /// installer's layouts).
    pub fn keyboard(self) -> &'static str {
        match self {
            Lang::En => "us",
            Lang::Fr => "fr",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// The catalog files of one language, in the order they are loaded. One
/// file per part of the installer: the screens, the engine's refusals
/// and failures, the boot medium's own messages, what detection says
/// about a disk, what the operating system said.
macro_rules! catalog {
    ($lang:literal) => {
        [
            (
                "screens.ftl",
                include_str!(concat!("../../locales/", $lang, "/screens.ftl")),
            ),
            (
                "engine.ftl",
                include_str!(concat!("../../locales/", $lang, "/engine.ftl")),
            ),
            (
                "boot.ftl",
                include_str!(concat!("../../locales/", $lang, "/boot.ftl")),
            ),
            (
                "doing.ftl",
                include_str!(concat!("../../locales/", $lang, "/doing.ftl")),
            ),
            (
                "detect.ftl",
                include_str!(concat!("../../locales/", $lang, "/detect.ftl")),
            ),
            (
                "details.ftl",
                include_str!(concat!("../../locales/", $lang, "/details.ftl")),
            ),
            (
                "payload.ftl",
                include_str!(concat!("../../locales/", $lang, "/payload.ftl")),
            ),
            (
                "migrate.ftl",
                include_str!(concat!("../../locales/", $lang, "/migrate.ftl")),
            ),
            (
                "os.ftl",
                include_str!(concat!("../../locales/", $lang, "/os.ftl")),
            ),
            (
                "reading.ftl",
                include_str!(concat!("../../locales/", $lang, "/reading.ftl")),
            ),
        ]
    };
}

/// The catalog files of `lang`: (file name, text).
pub fn sources(lang: Lang) -> [(&'static str, &'static str); 10] {
    match lang {
        Lang::En => catalog!("en"),
        Lang::Fr => catalog!("fr"),
    }
}

fn bundle(lang: Lang) -> &'static FluentBundle<FluentResource> {
    static BUNDLES: OnceLock<Vec<FluentBundle<FluentResource>>> = OnceLock::new();
    let all = BUNDLES.get_or_init(|| {
        Lang::ALL
            .iter()
            .map(|&l| {
                let id = l.code().parse().unwrap_or_default();
                let mut b = FluentBundle::new_concurrent(vec![id]);
                // No Unicode isolation marks around arguments: a console
                // shows them as boxes, and no language here is
                // right-to-left.
                b.set_use_isolating(false);
                for (_, text) in sources(l) {
                    // A file with errors still yields the messages that
                    // parsed; the tests refuse such a file.
                    let res = FluentResource::try_new(text.to_string()).unwrap_or_else(|(r, _)| r);
                    let _ = b.add_resource(res);
                }
                b
            })
            .collect()
    });
    let i = Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0);
    &all[i]
}

/// Bytes for people (`3.2 MiB`), as everywhere in Ferry; French writes
/// the decimal comma (`3,2 MiB`).
pub fn size(bytes: u64) -> String {
    localized(units::size(bytes))
}

/// A number with one decimal (`41.3`, in French `41,3`).
pub fn decimal(x: f64) -> String {
    localized(format!("{x:.1}"))
}

fn localized(s: String) -> String {
    match current() {
        Lang::Fr => s.replace('.', ","),
        Lang::En => s,
    }
}

/// One argument of a message.
pub type Arg<'a> = FluentValue<'a>;

/// The message `id` of `lang` with `args`. A message missing from the
/// catalog (which the tests do not let happen) is shown as its id.
pub fn text(lang: Lang, id: &str, args: &[(&str, Arg<'_>)]) -> String {
    let b = bundle(lang);
    let Some(pattern) = b.get_message(id).and_then(|m| m.value()) else {
        debug_assert!(false, "message {id} is not in the {} catalog", lang.code());
        return id.to_string();
    };
    let mut fargs = FluentArgs::with_capacity(args.len());
    for (k, v) in args {
        fargs.set(*k, v.clone());
    }
    let mut errors = Vec::new();
    let s = b.format_pattern(pattern, Some(&fargs), &mut errors);
    debug_assert!(
        errors.is_empty(),
        "message {id} ({}): {errors:?}",
        lang.code()
    );
    s.into_owned()
}

thread_local! {
    static CURRENT: Cell<Lang> = const { Cell::new(Lang::En) };
}

/// Makes `lang` the language of this thread's messages.
pub fn set(lang: Lang) {
    CURRENT.with(|c| c.set(lang));
}

/// The language of this thread's messages.
pub fn current() -> Lang {
    CURRENT.with(|c| c.get())
}

/// `f` with this thread's messages in English: for the log, whatever the
/// screens speak.
pub fn in_english<T>(f: impl FnOnce() -> T) -> T {
    in_lang(Lang::En, f)
}

/// `f` with this thread's messages in `lang`, then as they were.
pub fn in_lang<T>(lang: Lang, f: impl FnOnce() -> T) -> T {
    let before = current();
    set(lang);
    let out = f();
    set(before);
    out
}

/// A message as the log and the reports carry it: in English, with its
/// identifier, whatever language the screens speak.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    pub id: &'static str,
    pub english: String,
}

impl fmt::Display for Logged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]", self.english, self.id)
    }
}

/// The message `id` in English, for the log and the reports.
pub fn logged(id: &'static str, args: &[(&str, Arg<'_>)]) -> Logged {
    Logged {
        id,
        english: text(Lang::En, id, args),
    }
}

/// `t!("id")`, `t!("id", name = value, ...)`: the message in this
/// thread's language. The id must be a literal: the tests find every
/// message the code uses by its literal.
macro_rules! t {
    ($id:literal $(, $k:ident = $v:expr)* $(,)?) => {
        $crate::l10n::text(
            $crate::l10n::current(),
            $id,
            &[$((stringify!($k), $crate::l10n::Arg::from($v))),*],
        )
    };
}

/// `t_log!("id", name = value, ...)`: the message in English with its
/// id ([`Logged`]), for the log and the reports.
macro_rules! t_log {
    ($id:literal $(, $k:ident = $v:expr)* $(,)?) => {
        $crate::l10n::logged(
            $id,
            &[$((stringify!($k), $crate::l10n::Arg::from($v))),*],
        )
    };
}

pub(crate) use {t, t_log};
