//! Steps that cannot apply stop the whole migration, naming file, key and
//! reason, and nothing is produced.
#![allow(clippy::unwrap_used)]

mod common;

use common::{demo_migrations, fixture};
use migrate::{plan_upgrade, ConfigTree, DocumentProblem, Error, Failure, Reason, ValueType};

/// The hand-edited 1.0 fixture with one text replaced in one document.
fn edited(file: &str, from: &str, to: &str) -> ConfigTree {
    let mut tree = fixture("demo-1.0.0-edited");
    let text = tree.text(file).unwrap().unwrap().to_owned();
    assert!(text.contains(from), "{from:?} not in {file}");
    tree.insert(file, text.replacen(from, to, 1)).unwrap();
    tree
}

fn failure(tree: &ConfigTree) -> (Failure, String) {
    match plan_upgrade(&demo_migrations("2.0.0"), tree).unwrap_err() {
        Error::Migration(failure) => {
            let text = failure.to_string();
            (failure, text)
        }
        other => panic!("expected a migration failure, got {other:?}"),
    }
}

#[test]
fn value_out_of_range() {
    let (f, text) = failure(&edited("engine.toml", "port = 9443", "port = 70000"));
    assert_eq!(f.file, "engine.toml");
    assert_eq!(f.key, "management.port");
    assert_eq!((f.from_schema, f.to_schema), (2, 3));
    assert_eq!(
        text,
        "engine.toml: cannot migrate management.port (schema 2 to 3): \
         70000 is out of range: it must be from 1 to 65535"
    );
}

#[test]
fn type_mismatch_inside_an_array_names_the_element() {
    let (f, text) = failure(&edited("vms.toml", "memory = 2048", "memory = \"2 GiB\""));
    assert_eq!(f.file, "vms.toml");
    assert_eq!(f.key, "vm[name = \"web\"].memory");
    assert_eq!(
        f.reason,
        Reason::WrongType {
            expected: ValueType::Integer,
            found: ValueType::String
        }
    );
    assert_eq!(
        text,
        "vms.toml: cannot migrate vm[name = \"web\"].memory (schema 2 to 3): \
         expected an integer, found a string"
    );
}

#[test]
fn unknown_value_without_a_mapping() {
    let (f, text) = failure(&edited("vms.toml", "nic = \"e1000\"", "nic = \"pcnet\""));
    assert_eq!(f.key, "vm[name = \"legacy-db\"].nic-model");
    assert!(text.ends_with("the value \"pcnet\" is not one this migration knows how to convert"));
}

#[test]
fn missing_required_key() {
    let (f, text) = failure(&edited(
        "engine.toml",
        "name = \"lyon-engine-07\"",
        "# no name",
    ));
    assert_eq!(f.key, "host.name");
    assert_eq!(f.reason, Reason::Missing);
    assert!(text.ends_with("the key is missing and this migration requires it"));
}

#[test]
fn split_part_that_is_not_a_number() {
    let (f, text) = failure(&edited("engine.toml", "/23\"", "/abc\""));
    assert_eq!(f.key, "network.address");
    assert!(text.ends_with("\"abc\" is not an integer"), "{text}");
}

#[test]
fn split_part_out_of_range() {
    let (f, _) = failure(&edited("engine.toml", "/23\"", "/33\""));
    assert_eq!(f.key, "network.prefix-length");
    assert!(matches!(f.reason, Reason::OutOfRange { value: 33, .. }));
}

#[test]
fn target_key_already_there() {
    let (f, text) = failure(&edited(
        "engine.toml",
        "vlan = 40",
        "vlan = 40\nprefix-length = 23",
    ));
    assert_eq!(f.key, "network.address");
    assert!(text.ends_with("network.prefix-length already exists and would be overwritten"));
}

#[test]
fn a_table_where_a_value_is_expected() {
    let (f, text) = failure(&edited("engine.toml", "[host]", "host = 3\n[hostx]"));
    assert_eq!(f.key, "host.name");
    assert!(text.ends_with("host is a value, not a table"), "{text}");
}

#[test]
fn damaged_pv_flag_stops_the_upgrade() {
    let (f, _) = failure(&edited(
        "vms.toml",
        "pv_drivers_not_upgradable = true\nnotes",
        "pv_drivers_not_upgradable = \"yes\"\nnotes",
    ));
    assert_eq!(f.key, "vm[name = \"nt-billing\"].pv_drivers_not_upgradable");
}

#[test]
fn documents_that_are_not_toml_name_the_file() {
    let tree = edited("vms.toml", "[[vm]]", "[[vm]");
    let err = plan_upgrade(&demo_migrations("2.0.0"), &tree).unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("vms.toml: not valid TOML: line "),
        "{text}"
    );
    let Error::Document {
        file,
        reason: DocumentProblem::Syntax(syntax),
    } = err
    else {
        panic!("not a syntax error: {text}");
    };
    assert_eq!(file, "vms.toml");
    let line = syntax.at.map(|at| at.line);
    // The first `[[vm]]`, now `[[vm]`, is where the parser stops.
    let wanted = tree
        .text("vms.toml")
        .unwrap()
        .unwrap()
        .lines()
        .position(|l| l == "[[vm]")
        .map(|i| i + 1);
    assert_eq!(line, wanted, "{text}");
    assert!(!text.contains('\n'), "{text}");
}

#[test]
fn missing_schema_record() {
    let mut tree = ConfigTree::new();
    tree.insert("engine.toml", "").unwrap();
    let err = plan_upgrade(&demo_migrations("2.0.0"), &tree).unwrap_err();
    assert_eq!(
        err.to_string(),
        "ferry.toml: missing: the configuration does not record its schema"
    );
}

#[test]
fn a_chain_that_starts_later_names_the_path_to_take() {
    let set = migrate::MigrationSet::parse(
        br#"
schema = 3
[[step]]
from = 2
to = 3
"#,
    )
    .unwrap();
    let err = plan_upgrade(&set, &fixture("demo-1.0.0-edited")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot migrate the configuration from schema 1 to schema 3: this release \
         migrates configurations from schema 2 on; upgrade first with a release \
         that migrates schema 1"
    );
}
