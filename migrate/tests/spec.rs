//! The migration-set parser refuses anything it does not fully understand.
#![allow(clippy::unwrap_used)]

use migrate::{
    Error, KeyPathError, MigrationSet, NameProblem, Op, OpAt, OpProblem, SpecError, StepAt,
    MAX_SPEC_SIZE,
};

fn refusal(spec: &str) -> String {
    let err = MigrationSet::parse(spec.as_bytes()).unwrap_err();
    err.to_string()
}

fn one_op(op: &str) -> String {
    refusal(&format!(
        "schema = 2\n[[step]]\nfrom = 1\nto = 2\n[[step.op]]\n{op}"
    ))
}

fn assert_refused(text: String, needle: &str) {
    assert!(text.contains(needle), "{needle:?} not in {text:?}");
    assert!(text.starts_with("migrations.toml"), "{text}");
}

#[test]
fn the_demo_releases_parse() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../demo-engine/migrations");
    let set =
        MigrationSet::parse(&std::fs::read(root.join("release-2.0.0.toml")).unwrap()).unwrap();
    assert_eq!((set.oldest(), set.schema(), set.steps().len()), (1, 3, 2));
    assert!(matches!(set.steps()[1].ops.last(), Some(Op::ForEach(_))));
}

#[test]
fn an_empty_set_is_a_release_without_migrations() {
    let set = MigrationSet::parse(b"schema = 1\n").unwrap();
    assert_eq!((set.oldest(), set.schema()), (1, 1));
    assert!(set.steps().is_empty());
}

#[test]
fn steps_must_be_contiguous_and_end_at_the_schema() {
    assert_refused(
        refusal("schema = 3\n[[step]]\nfrom = 1\nto = 3\n"),
        "step 1 (schema 1 to 3): a step goes from schema N to N+1",
    );
    assert_refused(
        refusal("schema = 4\n[[step]]\nfrom = 1\nto = 2\n[[step]]\nfrom = 3\nto = 4\n"),
        "the one before ends at schema 2",
    );
    assert_refused(
        refusal("schema = 3\n[[step]]\nfrom = 1\nto = 2\n[[step]]\nfrom = 1\nto = 2\n"),
        "steps must follow each other",
    );
    assert_refused(
        refusal("schema = 5\n[[step]]\nfrom = 1\nto = 2\n"),
        "the last step ends at schema 2 but schema is 5",
    );
    assert_refused(refusal("schema = 0\n"), "schema must be 1 or more");
    assert_refused(
        refusal("schema = 1\n[[step]]\nfrom = 0\nto = 1\n"),
        "a step goes from schema N to N+1",
    );
}

#[test]
fn unknown_fields_and_operations_are_refused() {
    assert_refused(
        refusal("schema = 1\nproduct = \"x\"\n"),
        "unknown field `product`",
    );
    assert_refused(
        refusal("schema = 2\n[[step]]\nfrom = 1\nto = 2\nsumary = \"typo\"\n"),
        "unknown field `sumary`",
    );
    assert_refused(
        one_op("op = \"rename\"\nfile = \"a.toml\"\nkey = \"a\"\nto = \"b\"\noptinal = true\n"),
        "unknown field `optinal`",
    );
    assert_refused(
        one_op("op = \"frobnicate\"\nfile = \"a.toml\"\n"),
        "frobnicate",
    );
    assert_refused(one_op("file = \"a.toml\"\n"), "op");
    assert_refused(
        one_op("op = \"check\"\nfile = \"a.toml\"\nkey = \"a\"\ntype = \"text\"\n"),
        "text",
    );
}

#[test]
fn files_and_keys_are_checked() {
    assert_refused(
        one_op("op = \"drop\"\nkey = \"a\"\n"),
        "op 1 (drop): names no file",
    );
    assert_refused(
        one_op("op = \"drop\"\nfile = \"etc/passwd\"\nkey = \"a\"\n"),
        "'/'",
    );
    assert_refused(
        one_op("op = \"drop\"\nfile = \"notes.txt\"\nkey = \"a\"\n"),
        "not a .toml document",
    );
    assert_refused(
        one_op("op = \"drop\"\nfile = \"ferry.toml\"\nkey = \"schema\"\n"),
        "migrations may not change it",
    );
    assert_refused(
        one_op("op = \"drop\"\nfile = \"a.toml\"\nkey = \"a..b\"\n"),
        "empty key name",
    );
    assert_refused(
        one_op("op = \"drop\"\nfile = \"a.toml\"\nkey = \"a b\"\n"),
        "' '",
    );
    assert_refused(
        one_op(&format!(
            "op = \"drop\"\nfile = \"a.toml\"\nkey = \"{}\"\n",
            ["a"; 17].join(".")
        )),
        "more than 16 parts",
    );
    assert_refused(
        one_op("op = \"rename\"\nfile = \"a.toml\"\nkey = \"t.a\"\nto = \"x.y\"\n"),
        "'.'",
    );
    assert_refused(
        one_op("op = \"rename\"\nfile = \"a.toml\"\nkey = \"a\"\nto = \"a\"\n"),
        "renames a key to its own name",
    );
    assert_refused(
        one_op("op = \"move\"\nfile = \"a.toml\"\nkey = \"a\"\nto = \"a.b\"\n"),
        "cannot move a to a.b",
    );
}

#[test]
fn a_refusal_names_the_step_the_operation_and_the_rule_as_facts() {
    let spec = "schema = 3\n[[step]]\nfrom = 1\nto = 2\n[[step]]\nfrom = 2\nto = 3\n\
                [[step.op]]\nop = \"drop\"\nfile = \"a.toml\"\nkey = \"x\"\n\
                [[step.op]]\nop = \"for-each\"\nfile = \"a.toml\"\narray = \"vm\"\n\
                [[step.op.do]]\nop = \"split\"\nkey = \"a\"\nseparator = \"\"\n\
                into = [{ key = \"b\" }, { key = \"c\" }]\n";
    let err = MigrationSet::parse(spec.as_bytes()).unwrap_err();
    let Error::Spec(SpecError::Op { step, op }) = &err else {
        panic!("not an operation's refusal: {err}");
    };
    assert_eq!(
        *step,
        StepAt {
            index: 2,
            from: 2,
            to: 3
        }
    );
    assert_eq!((op.index, op.name), (2, "for-each"));
    let OpProblem::InForEach { array, op: inner } = &op.problem else {
        panic!("not inside for-each: {err}");
    };
    assert_eq!(array.to_string(), "vm");
    assert_eq!(
        **inner,
        OpAt {
            index: 1,
            name: "split",
            problem: OpProblem::EmptySeparator
        }
    );
    assert_eq!(
        err.to_string(),
        "migrations.toml is not valid: step 2 (schema 2 to 3), op 2 (for-each): in vm, \
         op 1 (split): the separator is empty"
    );
}

#[test]
fn a_key_that_is_not_a_bare_key_path_is_a_fact_of_its_operation() {
    let spec = "op = \"for-each\"\nfile = \"a.toml\"\narray = \"vm\"\nlabel = \"the name\"\n\
                [[step.op.do]]\nop = \"drop\"\nkey = \"x\"\n";
    let err = MigrationSet::parse(
        format!("schema = 2\n[[step]]\nfrom = 1\nto = 2\n[[step.op]]\n{spec}").as_bytes(),
    )
    .unwrap_err();
    let Error::Spec(SpecError::Op { op, .. }) = &err else {
        panic!("not an operation's refusal: {err}");
    };
    assert_eq!(
        op.problem,
        OpProblem::Key(KeyPathError {
            key: "the name".into(),
            problem: NameProblem::KeyCharacter {
                name: "the name".into(),
                character: ' ',
            },
        }),
        "{err}"
    );
    assert!(err.to_string().ends_with(
        "op 1 (for-each): key \"the name\": key name \"the name\" has ' '; \
         only letters, digits, '_' and '-' are allowed"
    ));
}

#[test]
fn a_syntax_error_has_its_line_and_column() {
    let err = MigrationSet::parse(b"schema = 2\n[[step]\nfrom = 1\n").unwrap_err();
    let Error::Spec(SpecError::Syntax(syntax)) = &err else {
        panic!("not a syntax error: {err}");
    };
    assert_eq!(
        syntax.at.map(|at| (at.line, at.column)),
        Some((2, 7)),
        "{err}"
    );
    assert!(!syntax.message.contains('\n'), "{err}");
}

#[test]
fn for_each_bodies_act_on_elements_only() {
    let spec = "op = \"for-each\"\nfile = \"a.toml\"\narray = \"vm\"\n[[step.op.do]]\nop = \"drop\"\nfile = \"a.toml\"\nkey = \"x\"\n";
    assert_refused(
        one_op(spec),
        "in vm, op 1 (drop): has a file inside for-each",
    );
    let spec = "op = \"for-each\"\nfile = \"a.toml\"\narray = \"vm\"\n[[step.op.do]]\nop = \"move\"\nkey = \"x\"\nto = \"y\"\nto-file = \"b.toml\"\n";
    assert_refused(one_op(spec), "moves to another file inside for-each");
    let mut deep = String::from("op = \"for-each\"\nfile = \"a.toml\"\narray = \"a\"\n");
    let mut table = String::from("step.op");
    for _ in 0..5 {
        table.push_str(".do");
        deep.push_str(&format!("[[{table}]]\nop = \"for-each\"\narray = \"a\"\n"));
    }
    deep.push_str(&format!("[[{table}.do]]\nop = \"drop\"\nkey = \"x\"\n"));
    assert_refused(one_op(&deep), "for-each nests more than 4 deep");
}

#[test]
fn declared_checks_must_make_sense() {
    assert_refused(
        one_op("op = \"check\"\nfile = \"a.toml\"\nkey = \"a\"\nmin = 5\nmax = 1\n"),
        "min 5 is greater than max 1",
    );
    assert_refused(
        one_op("op = \"check\"\nfile = \"a.toml\"\nkey = \"a\"\ntype = \"string\"\nmin = 1\n"),
        "min and max apply to integers only",
    );
    assert_refused(
        one_op("op = \"check\"\nfile = \"a.toml\"\nkey = \"a\"\n"),
        "declares no type, min or max",
    );
    assert_refused(
        one_op("op = \"set-default\"\nfile = \"a.toml\"\nkey = \"a\"\nvalue = 0\nmin = 1\n"),
        "the default does not fit: 0 is out of range",
    );
    assert_refused(
        one_op("op = \"set-default\"\nfile = \"a.toml\"\nkey = \"a\"\nvalue = \"x\"\ntype = \"boolean\"\n"),
        "expected a boolean, found a string",
    );
    assert_refused(
        one_op("op = \"map-values\"\nfile = \"a.toml\"\nkey = \"a\"\nmap = [{ from = 1, to = 2 }, { from = 1, to = 3 }]\n"),
        "the map lists 1 twice",
    );
    assert_refused(
        one_op("op = \"map-values\"\nfile = \"a.toml\"\nkey = \"a\"\nmap = []\n"),
        "the map is empty",
    );
}

#[test]
fn split_declarations_are_checked() {
    let split = |into: &str, sep: &str| {
        one_op(&format!(
            "op = \"split\"\nfile = \"a.toml\"\nkey = \"a\"\nseparator = \"{sep}\"\ninto = {into}\n"
        ))
    };
    assert_refused(
        split("[{ key = \"b\" }, { key = \"c\" }]", ""),
        "the separator is empty",
    );
    assert_refused(split("[{ key = \"b\" }]", "/"), "at least two keys");
    assert_refused(
        split("[{ key = \"b\" }, { key = \"b\" }]", "/"),
        "b appears twice",
    );
    assert_refused(
        split("[{ key = \"b\" }, { key = \"b.c\" }]", "/"),
        "b holds another part",
    );
    assert_refused(
        split("[{ key = \"b\" }, { key = \"c\", type = \"float\" }]", "/"),
        "a part is a string or an integer",
    );
    assert_refused(
        split(
            "[{ key = \"b\" }, { key = \"c\", type = \"integer\", default = \"x\" }]",
            "/",
        ),
        "c: the default does not fit",
    );
}

#[test]
fn size_and_encoding_are_capped() {
    let big = vec![b'#'; MAX_SPEC_SIZE + 1];
    assert_eq!(
        MigrationSet::parse(&big).unwrap_err().to_string(),
        format!(
            "migrations.toml is {} bytes, more than the {MAX_SPEC_SIZE} bytes allowed",
            MAX_SPEC_SIZE + 1
        )
    );
    assert_refused(
        MigrationSet::parse(b"schema = 1\n# \xff\n")
            .unwrap_err()
            .to_string(),
        "not UTF-8 text (an invalid byte at offset 13)",
    );
    assert_refused(
        refusal("schema = \n"),
        "migrations.toml is not valid: line 1, column 10: invalid string",
    );
}
