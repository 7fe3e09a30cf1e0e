//! Corrupt or hostile input never panics: the migration-set parser and
//! configuration documents, fed random and mutated text.
#![allow(clippy::unwrap_used)]

mod common;

use migrate::{plan, ConfigTree, MigrationSet};
use proptest::prelude::*;

/// Lines that a migration set or a configuration could be made of, so
/// random combinations reach deep into the parser and the engine.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("schema = 3\n".to_owned()),
        Just("[[step]]\nfrom = 1\nto = 2\n".to_owned()),
        Just("[[step]]\nfrom = 2\nto = 3\n".to_owned()),
        Just("[[step.op]]\nop = \"for-each\"\nfile = \"vms.toml\"\narray = \"vm\"\n".to_owned()),
        Just("[[step.op.do]]\nop = \"rename\"\nkey = \"memory\"\nto = \"m\"\n".to_owned()),
        Just("[[step.op]]\nop = \"split\"\nfile = \"engine.toml\"\nkey = \"network.address\"\nseparator = \"/\"\ninto = [{ key = \"network.address\" }, { key = \"network.p\", type = \"integer\" }]\n".to_owned()),
        Just("[[step.op]]\nop = \"move\"\nfile = \"engine.toml\"\nkey = \"host\"\nto = \"a.b.c\"\nto-file = \"x.toml\"\n".to_owned()),
        Just("[[step.op]]\nop = \"map-values\"\nfile = \"vms.toml\"\nkey = \"vm\"\nmap = [{ from = 1, to = {} }]\n".to_owned()),
        Just("[[step.op]]\nop = \"set-default\"\nfile = \"engine.toml\"\nkey = \"network.address.x\"\nvalue = [1, { a = 2 }]\n".to_owned()),
        Just("[[step.op]]\nop = \"drop\"\nfile = \"engine.toml\"\nkey = \"network\"\n".to_owned()),
        Just("optional = true\n".to_owned()),
        Just("min = -9223372036854775808\nmax = 9223372036854775807\n".to_owned()),
        "[a-z.\\[\\]=\"{}, 0-9/\n-]{0,40}",
    ]
}

/// A Demo Engine migration set that exercises every operation.
fn demo() -> MigrationSet {
    common::demo_migrations("2.0.0")
}

/// Applies random byte edits to `text`.
fn mutate(text: &str, edits: &[(usize, u8, u8)]) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    for &(at, kind, byte) in edits {
        let at = at % (bytes.len() + 1);
        match kind % 3 {
            0 => bytes.insert(at, byte),
            1 if at < bytes.len() => {
                bytes.remove(at);
            }
            _ if at < bytes.len() => bytes[at] = byte,
            _ => {}
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn spec_parser_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = MigrationSet::parse(&bytes);
    }

    #[test]
    fn spec_parser_never_panics_on_fragments(parts in proptest::collection::vec(fragment(), 0..12)) {
        let text = parts.concat();
        if let Ok(set) = MigrationSet::parse(text.as_bytes()) {
            // Whatever validates must also run without panicking.
            for from in set.oldest()..=set.schema() {
                let _ = plan(&set, from, set.schema(), &common::demo_config(from.min(3)));
            }
        }
    }

    #[test]
    fn mutated_spec_never_panics(edits in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 0..8)) {
        let path = common::root().join("demo-engine/migrations/release-2.0.0.toml");
        let text = std::fs::read_to_string(path).unwrap();
        if let Ok(set) = MigrationSet::parse(&mutate(&text, &edits)) {
            let _ = plan(&set, 1, set.schema(), &common::fixture("demo-1.0.0-edited"));
        }
    }

    #[test]
    fn mutated_documents_never_panic(
        file in prop_oneof![Just("engine.toml"), Just("vms.toml"), Just("ferry.toml")],
        source in prop_oneof![Just("demo-1.0.0-edited"), Just("demo-1.1.0-edited")],
        edits in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 0..8),
    ) {
        let mut tree = common::fixture(source);
        let text = tree.text(file).unwrap().unwrap().to_owned();
        tree.insert(file, mutate(&text, &edits)).unwrap();
        if let Ok(p) = migrate::plan_upgrade(&demo(), &tree) {
            let _ = p.diff();
            let _ = p.to_string();
        }
    }

    #[test]
    fn generated_documents_never_panic(parts in proptest::collection::vec(fragment(), 0..12)) {
        let mut tree = ConfigTree::new();
        tree.insert("ferry.toml", "schema = 1\n").unwrap();
        tree.insert("engine.toml", parts.concat()).unwrap();
        tree.insert("vms.toml", parts.iter().rev().cloned().collect::<String>()).unwrap();
        if let Ok(p) = plan(&demo(), 1, 3, &tree) {
            let _ = p.diff();
        }
    }
}

#[test]
fn deeply_nested_input_is_refused_not_overflowed() {
    let deep = format!("schema = 1\nx = {}{}\n", "[".repeat(5000), "]".repeat(5000));
    assert!(MigrationSet::parse(deep.as_bytes()).is_err());
    let mut tree = ConfigTree::new();
    tree.insert("ferry.toml", "schema = 1\n").unwrap();
    tree.insert("engine.toml", format!("[{}]\n", vec!["a"; 5000].join(".")))
        .unwrap();
    assert!(plan(&demo(), 1, 3, &tree).is_err());
}
