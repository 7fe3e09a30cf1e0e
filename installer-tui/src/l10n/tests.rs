//! The catalogs against the code: every language complete, every message
//! used, every message the code names present, the same arguments
//! everywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use fluent_syntax::ast::{self, Expression, InlineExpression, PatternElement};

use super::{sources, text, Lang};

/// Marks a message reference among a message's variables.
const REFERENCE: &str = "->";

/// Message id -> the variables its text uses (and the messages it shows,
/// after [`REFERENCE`]), for one language.
fn messages(lang: Lang) -> BTreeMap<String, BTreeSet<String>> {
    let mut all = BTreeMap::new();
    for (file, src) in sources(lang) {
        let res = fluent_syntax::parser::parse(src).unwrap_or_else(|(_, errors)| {
            panic!("{}/{file} does not parse: {errors:?}", lang.code())
        });
        for entry in res.body {
            match entry {
                ast::Entry::Message(m) => {
                    let mut vars = BTreeSet::new();
                    if let Some(p) = &m.value {
                        pattern_vars(p, &mut vars);
                    }
                    assert!(
                        m.attributes.is_empty(),
                        "{}/{file}: {} has attributes; the code reads values only",
                        lang.code(),
                        m.id.name
                    );
                    let id = m.id.name.to_string();
                    assert!(
                        m.value.is_some(),
                        "{}/{file}: {id} has no text",
                        lang.code()
                    );
                    assert!(
                        all.insert(id.clone(), vars).is_none(),
                        "{}/{file}: {id} is defined twice",
                        lang.code()
                    );
                }
                ast::Entry::Junk { content } => {
                    panic!("{}/{file}: cannot read {content:?}", lang.code())
                }
                _ => {}
            }
        }
    }
    all
}

fn pattern_vars(p: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
    for e in &p.elements {
        if let PatternElement::Placeable { expression } = e {
            expression_vars(expression, vars);
        }
    }
}

fn expression_vars(e: &Expression<&str>, vars: &mut BTreeSet<String>) {
    match e {
        Expression::Inline(i) => inline_vars(i, vars),
        Expression::Select { selector, variants } => {
            inline_vars(selector, vars);
            for v in variants {
                pattern_vars(&v.value, vars);
            }
        }
    }
}

fn inline_vars(i: &InlineExpression<&str>, vars: &mut BTreeSet<String>) {
    match i {
        // A message another one shows counts as used; kept apart from the
        // variables by its sigil.
        InlineExpression::MessageReference { id, .. } => {
            vars.insert(format!("{REFERENCE}{}", id.name));
        }
        InlineExpression::VariableReference { id } => {
            vars.insert(id.name.to_string());
        }
        InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                inline_vars(a, vars);
            }
            for a in &arguments.named {
                inline_vars(&a.value, vars);
            }
        }
        InlineExpression::Placeable { expression } => expression_vars(expression, vars),
        _ => {}
    }
}

/// The files whose code names messages.
fn code_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("../bootkit/src/installer-init.sh")];
    let mut dirs = vec![root.join("src")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).expect("source directory") {
            let p = e.expect("source entry").path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

/// The ids a shell script (the boot medium's init) asks for: the word
/// after `say` (its function printing a message of the catalog), as in
/// `say boot-starting "..."` or `"$(say boot-shell-given "...")"`.
fn said(src: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in src.lines() {
        if line.trim_start().starts_with('#') {
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        for w in words.windows(2) {
            if (w[0] == "say" || w[0].ends_with("(say"))
                && !w[1].is_empty()
                && w[1]
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                found.push(w[1].to_string());
            }
        }
    }
    found
}

fn is_script(f: &Path) -> bool {
    f.extension().is_some_and(|x| x == "sh")
}

/// Every string literal (`"..."`, without escapes) of the code, and every
/// id a script says: a message is used when its id is one of them.
fn literals() -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for f in code_files() {
        let src = std::fs::read_to_string(&f).expect("source file");
        if is_script(&f) {
            found.extend(said(&src));
        }
        for (i, piece) in src.split('"').enumerate() {
            if i % 2 == 1 && !piece.is_empty() && piece.len() < 80 {
                found.insert(piece.to_string());
            }
        }
    }
    found
}

/// The ids the code asks for through the macros, with where.
fn asked() -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    for f in code_files() {
        let src = std::fs::read_to_string(&f).expect("source file");
        if is_script(&f) {
            found.extend(said(&src).into_iter().map(|id| (id, f.clone())));
        }
        for marker in ["t!(\"", "t_log!(\""] {
            for (i, _) in src.match_indices(marker) {
                // Not a longer macro's name ending the same way (format!),
                // not a comment.
                let before = src[..i].chars().next_back();
                let line = &src[src[..i].rfind('\n').map_or(0, |n| n + 1)..i];
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                    || line.trim_start().starts_with("//")
                {
                    continue;
                }
                let rest = &src[i + marker.len()..];
                if let Some(end) = rest.find('"') {
                    found.push((rest[..end].to_string(), f.clone()));
                }
            }
        }
    }
    found
}

#[test]
fn every_language_has_every_message_with_the_same_arguments() {
    let en = messages(Lang::En);
    assert!(!en.is_empty());
    for lang in Lang::ALL {
        let other = messages(lang);
        let missing: Vec<_> = en.keys().filter(|k| !other.contains_key(*k)).collect();
        let extra: Vec<_> = other.keys().filter(|k| !en.contains_key(*k)).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{}: missing {missing:?}, not in English {extra:?}",
            lang.code()
        );
        for (id, vars) in &en {
            assert_eq!(
                &other[id],
                vars,
                "{}: {id} uses other arguments than in English",
                lang.code()
            );
        }
    }
}

#[test]
fn every_message_the_code_asks_for_exists() {
    let en = messages(Lang::En);
    let unknown: Vec<_> = asked()
        .into_iter()
        .filter(|(id, _)| !en.contains_key(id))
        .collect();
    assert!(unknown.is_empty(), "not in the catalogs: {unknown:?}");
}

#[test]
fn every_message_of_the_catalogs_is_used() {
    let mut used = literals();
    for vars in messages(Lang::En).values() {
        used.extend(
            vars.iter()
                .filter_map(|v| v.strip_prefix(REFERENCE).map(String::from)),
        );
    }
    let unused: Vec<_> = messages(Lang::En)
        .into_keys()
        .filter(|id| !used.contains(id))
        .collect();
    assert!(
        unused.is_empty(),
        "in the catalogs, used nowhere: {unused:?}"
    );
}

#[test]
fn every_message_formats_in_every_language() {
    for lang in Lang::ALL {
        for (id, vars) in messages(lang) {
            let args: Vec<_> = vars
                .iter()
                .filter(|v| !v.starts_with(REFERENCE))
                .map(|v| (v.as_str(), super::Arg::from("x")))
                .collect();
            let s = text(lang, &id, &args);
            assert!(!s.trim().is_empty(), "{}: {id} is empty", lang.code());
            assert!(
                !s.contains('\u{2068}') && !s.contains('\u{2069}'),
                "{}: {id} carries isolation marks",
                lang.code()
            );
        }
    }
}

#[test]
fn the_init_script_says_its_messages_by_id() {
    let src = "say() {\n    /bin/installer-tui say \"$say_id\" \"$@\"\n}\n\
               # say not-this one\n\
               say boot-starting \"FERRY-INSTALLER starting on $tty\" tty=\"$tty\"\n\
               log \"$(say boot-shell-given \"ferry.shell given\")\"\n";
    assert_eq!(said(src), ["boot-starting", "boot-shell-given"]);
    let init = code_files()
        .into_iter()
        .find(|f| is_script(f))
        .expect("the init script");
    let ids = said(&std::fs::read_to_string(init).expect("init script"));
    assert!(ids.len() >= 10, "{ids:?}");
}

#[test]
fn languages_are_read_from_their_codes() {
    assert_eq!(Lang::from_code("fr"), Some(Lang::Fr));
    assert_eq!(Lang::from_code("fr_FR.UTF-8"), Some(Lang::Fr));
    assert_eq!(Lang::from_code("EN"), Some(Lang::En));
    assert_eq!(Lang::from_code("de"), None);
    assert_eq!(Lang::from_code(""), None);
}

#[test]
fn the_log_speaks_english_with_the_id_whatever_the_screens_speak() {
    super::set(Lang::Fr);
    let l = super::t_log!("language-name");
    assert_eq!(l.to_string(), "English [language-name]");
    assert_eq!(super::t!("language-name"), "Français");
    super::set(Lang::En);
}
