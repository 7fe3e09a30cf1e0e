//! Each operation on small documents: what it writes and what it keeps.
#![allow(clippy::unwrap_used)]

mod common;

use common::{text, tree};
use migrate::{plan, ConfigTree, Error, MigrationPlan, MigrationSet, Reason};

const SCHEMA_1: (&str, &str) = ("ferry.toml", "schema = 1\n");

/// Runs one step 1 → 2 made of `ops` (TOML for `[[step.op]]` entries).
fn run(ops: &str, files: &[(&str, &str)]) -> Result<MigrationPlan, Error> {
    let spec = format!("schema = 2\n[[step]]\nfrom = 1\nto = 2\n{ops}");
    let set = MigrationSet::parse(spec.as_bytes()).unwrap();
    let mut all = vec![SCHEMA_1];
    all.extend_from_slice(files);
    plan(&set, 1, 2, &tree(&all))
}

fn doc(plan: &MigrationPlan, name: &str) -> String {
    text(plan.migrated(), name).to_owned()
}

fn reason(err: Error) -> Reason {
    match err {
        Error::Migration(f) => f.reason,
        other => panic!("{other:?}"),
    }
}

#[test]
fn rename_keeps_place_and_comments() {
    let p = run(
        "[[step.op]]\nop = \"rename\"\nfile = \"a.toml\"\nkey = \"t.b\"\nto = \"bee\"\n",
        &[("a.toml", "[t]\na = 1\n# about b\nb = 2 # two\nc = 3\n")],
    )
    .unwrap();
    assert_eq!(
        doc(&p, "a.toml"),
        "[t]\na = 1\n# about b\nbee = 2 # two\nc = 3\n"
    );
    assert_eq!(p.changes()[0].to_string(), "a.toml: renamed t.b → t.bee");
}

#[test]
fn rename_of_a_whole_table_keeps_its_section() {
    let p = run(
        "[[step.op]]\nop = \"rename\"\nfile = \"a.toml\"\nkey = \"old\"\nto = \"new\"\n",
        &[(
            "a.toml",
            "top = 1\n\n# first\n[old]\nx = 1\n\n[other]\ny = 2\n",
        )],
    )
    .unwrap();
    assert_eq!(
        doc(&p, "a.toml"),
        "top = 1\n\n# first\n[new]\nx = 1\n\n[other]\ny = 2\n"
    );
}

#[test]
fn optional_keys_may_be_missing() {
    let op = "[[step.op]]\nop = \"rename\"\nfile = \"a.toml\"\nkey = \"x\"\nto = \"y\"\n";
    assert_eq!(
        reason(run(op, &[("a.toml", "")]).unwrap_err()),
        Reason::Missing
    );
    let p = run(&format!("{op}optional = true\n"), &[("a.toml", "z = 1\n")]).unwrap();
    assert!(p.changes().iter().all(|c| c.file == "ferry.toml"));
    assert_eq!(p.changed_files(), ["ferry.toml"]);
}

#[test]
fn move_creates_tables_and_other_documents() {
    let ops = r#"
[[step.op]]
op = "move"
file = "a.toml"
key = "net.dns"
to = "resolver.servers"

[[step.op]]
op = "move"
file = "a.toml"
key = "net.ntp"
to = "time.servers"
to-file = "time.toml"
"#;
    let p = run(
        ops,
        &[(
            "a.toml",
            "[net]\ndns = [\"1.1.1.1\"] # resolvers\nntp = \"pool\"\n",
        )],
    )
    .unwrap();
    assert_eq!(
        doc(&p, "a.toml"),
        "[net]\n\n[resolver]\nservers = [\"1.1.1.1\"] # resolvers\n"
    );
    assert_eq!(doc(&p, "time.toml"), "[time]\nservers = \"pool\"\n");
    assert_eq!(
        p.changes()[1].to_string(),
        "a.toml: moved net.ntp → time.toml: time.servers"
    );
}

#[test]
fn move_refuses_to_overwrite() {
    let op = "[[step.op]]\nop = \"move\"\nfile = \"a.toml\"\nkey = \"a\"\nto = \"b\"\n";
    let err = run(op, &[("a.toml", "a = 1\nb = 2\n")]).unwrap_err();
    assert_eq!(reason(err), Reason::Exists { target: "b".into() });
    let op = "[[step.op]]\nop = \"move\"\nfile = \"a.toml\"\nkey = \"a\"\nto = \"b\"\nto-file = \"b.toml\"\n";
    let err = run(op, &[("a.toml", "a = 1\n"), ("b.toml", "b = 2\n")]).unwrap_err();
    assert_eq!(err.to_string(), "a.toml: cannot migrate a (schema 1 to 2): b in b.toml already exists and would be overwritten");
}

#[test]
fn split_with_defaults_and_other_tables() {
    let op = r#"
[[step.op]]
op = "split"
file = "a.toml"
key = "listen"
separator = ":"
into = [
    { key = "server.host" },
    { key = "server.port", type = "integer", default = 80 },
]
"#;
    let p = run(op, &[("a.toml", "listen = \"0.0.0.0:8080\"\n")]).unwrap();
    assert_eq!(
        doc(&p, "a.toml"),
        "[server]\nhost = \"0.0.0.0\"\nport = 8080\n"
    );
    let p = run(op, &[("a.toml", "listen = \"example\"\n")]).unwrap();
    assert_eq!(
        doc(&p, "a.toml"),
        "[server]\nhost = \"example\"\nport = 80\n"
    );
}

#[test]
fn split_without_default_needs_every_part() {
    let op = r#"
[[step.op]]
op = "split"
file = "a.toml"
key = "v"
separator = "x"
into = [{ key = "w" }, { key = "h", type = "integer" }]
"#;
    let err = run(op, &[("a.toml", "v = \"1920\"\n")]).unwrap_err();
    assert_eq!(
        reason(err),
        Reason::TooFewParts {
            separator: "x".into(),
            expected: 2,
            found: 1
        }
    );
    let p = run(
        op,
        &[("a.toml", "a = 0\nv = \"1920x1080\" # screen\nz = 0\n")],
    )
    .unwrap();
    assert_eq!(
        doc(&p, "a.toml"),
        "a = 0\nw = \"1920\" # screen\nh = 1080\nz = 0\n"
    );
}

#[test]
fn set_default_adds_only_what_is_missing() {
    let ops = r#"
[[step.op]]
op = "set-default"
file = "a.toml"
key = "net.mtu"
value = 1500
min = 576

[[step.op]]
op = "set-default"
file = "a.toml"
key = "limits"
value = { cpu = 2, mem = 4 }
"#;
    let p = run(ops, &[("a.toml", "[net]\nmtu = 9000\n")]).unwrap();
    assert_eq!(
        doc(&p, "a.toml"),
        "[net]\nmtu = 9000\n\n[limits]\ncpu = 2\nmem = 4\n"
    );
    let err = run(ops, &[("a.toml", "[net]\nmtu = 100\n")]).unwrap_err();
    assert!(matches!(
        reason(err),
        Reason::OutOfRange {
            value: 100,
            min: Some(576),
            max: None
        }
    ));
    // A document that does not exist yet is created.
    let p = run(ops, &[]).unwrap();
    assert_eq!(
        doc(&p, "a.toml"),
        "[net]\nmtu = 1500\n\n[limits]\ncpu = 2\nmem = 4\n"
    );
}

#[test]
fn drop_removes_key_and_its_comment_and_ignores_absence() {
    let op = "[[step.op]]\nop = \"drop\"\nfile = \"a.toml\"\nkey = \"t.old\"\n";
    let p = run(
        op,
        &[("a.toml", "[t]\na = 1\n# obsolete\nold = true\nb = 2\n")],
    )
    .unwrap();
    assert_eq!(doc(&p, "a.toml"), "[t]\na = 1\nb = 2\n");
    assert_eq!(
        p.changes()[0].to_string(),
        "a.toml: dropped t.old (was true)"
    );
    let p = run(op, &[("a.toml", "[t]\na = 1\n")]).unwrap();
    assert_eq!(p.changed_files(), ["ferry.toml"]);
}

#[test]
fn map_values_error_or_keep() {
    let op = r#"
[[step.op]]
op = "map-values"
file = "a.toml"
key = "mode"
map = [{ from = "old", to = "new" }, { from = 1, to = "one" }]
"#;
    let p = run(op, &[("a.toml", "mode = \"old\" # was\n")]).unwrap();
    assert_eq!(doc(&p, "a.toml"), "mode = \"new\" # was\n");
    let p = run(op, &[("a.toml", "mode = 1\n")]).unwrap();
    assert_eq!(doc(&p, "a.toml"), "mode = \"one\"\n");
    let err = run(op, &[("a.toml", "mode = \"odd\"\n")]).unwrap_err();
    assert_eq!(
        reason(err),
        Reason::Unmapped {
            value: "\"odd\"".into()
        }
    );
    let p = run(
        &format!("{op}unmapped = \"keep\"\n"),
        &[("a.toml", "mode = \"odd\"\n")],
    )
    .unwrap();
    assert_eq!(p.changed_files(), ["ferry.toml"]);
}

#[test]
fn check_changes_nothing_and_stops_on_wrong_type() {
    let op = "[[step.op]]\nop = \"check\"\nfile = \"a.toml\"\nkey = \"n\"\ntype = \"integer\"\nmax = 10\n";
    let p = run(op, &[("a.toml", "n = 3\n")]).unwrap();
    assert_eq!(p.changed_files(), ["ferry.toml"]);
    let err = run(op, &[("a.toml", "n = 3.5\n")]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "a.toml: cannot migrate n (schema 1 to 2): expected an integer, found a float"
    );
}

#[test]
fn for_each_nests_and_labels_elements() {
    let ops = r#"
[[step.op]]
op = "for-each"
file = "a.toml"
array = "vm"

[[step.op.do]]
op = "for-each"
array = "disk"
label = "id"

[[step.op.do.do]]
op = "rename"
key = "size"
to = "size-gib"
"#;
    let src = "[[vm]]\nname = \"a\"\n[[vm.disk]]\nid = \"root\"\nsize = 10\n[[vm.disk]]\nid = \"data\"\nsize = 50\nflag = true\n";
    let p = run(ops, &[("a.toml", src)]).unwrap();
    assert_eq!(doc(&p, "a.toml"), src.replace("size =", "size-gib ="));
    assert_eq!(
        p.changes()[1].to_string(),
        "a.toml: renamed vm[0].disk[id = \"data\"].size → vm[0].disk[id = \"data\"].size-gib"
    );
}

#[test]
fn for_each_over_nothing_or_something_else() {
    let op = "[[step.op]]\nop = \"for-each\"\nfile = \"a.toml\"\narray = \"vm\"\n[[step.op.do]]\nop = \"drop\"\nkey = \"x\"\n";
    let p = run(op, &[("a.toml", "other = 1\n")]).unwrap();
    assert_eq!(p.changed_files(), ["ferry.toml"]);
    let err = run(op, &[("a.toml", "vm = [1, 2]\n")]).unwrap_err();
    assert_eq!(reason(err), Reason::NotAnArrayOfTables);
}

#[test]
fn a_failed_step_produces_nothing_even_after_earlier_changes() {
    let ops = r#"
[[step.op]]
op = "drop"
file = "a.toml"
key = "a"

[[step.op]]
op = "check"
file = "a.toml"
key = "b"
type = "boolean"
"#;
    let source: ConfigTree = tree(&[SCHEMA_1, ("a.toml", "a = 1\nb = 2\n")]);
    let set =
        MigrationSet::parse(format!("schema = 2\n[[step]]\nfrom = 1\nto = 2\n{ops}").as_bytes())
            .unwrap();
    assert!(plan(&set, 1, 2, &source).is_err());
    assert_eq!(text(&source, "a.toml"), "a = 1\nb = 2\n");
}

#[test]
fn schema_bump_keeps_the_rest_of_ferry_toml() {
    let set = MigrationSet::parse(b"schema = 2\n[[step]]\nfrom = 1\nto = 2\n").unwrap();
    let source = tree(&[("ferry.toml", "# note\nschema = 1 # here\nother = \"x\"\n")]);
    let p = plan(&set, 1, 2, &source).unwrap();
    assert_eq!(
        text(p.migrated(), "ferry.toml"),
        "# note\nschema = 2 # here\nother = \"x\"\n"
    );
}
