use super::*;

pub(crate) const SAMPLE: &str = r#"
format = 1
product = "engine"
machine_id = "0123456789abcdef0123456789abcdef"
installed_at = "2025-03-01T10:00:00Z"
active = "a"
trusted_keys = ["2b1e0c4e9d1c3b5a7f6e8d9c0b1a2f3e4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a"]

[slots.a]
state = "good"
release = "4.2.0"
hotfixes = ["hf-2025-001"]
config_schema = 3
written_at = "2025-03-01T10:05:00Z"

[slots.b]
state = "empty"
"#;

#[test]
fn parses_sample_and_round_trips() {
    let r = StateRecord::parse(SAMPLE).expect("sample parses");
    assert_eq!(r.product, "engine");
    assert_eq!(r.active, Slot::A);
    assert_eq!(r.slots.a.release, Some(Version::new(4, 2, 0)));
    assert_eq!(r.slots.a.hotfixes, ["hf-2025-001"]);
    assert_eq!(r.slots.b.state, SlotState::Empty);
    let text = r.to_toml().expect("serialises");
    assert_eq!(StateRecord::parse(&text).expect("round trip"), r);
}

const REVOKED: &str = "3c5e7a9b1d2f4e6a8c0b2d4f6e8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a";

#[test]
fn records_revoked_keys_and_reads_records_without_them() {
    let old = StateRecord::parse(SAMPLE).expect("a record without revoked_keys");
    assert_eq!(old.revoked_keys, Vec::<String>::new());
    let text = old.to_toml().expect("serialises");
    assert!(!text.contains("revoked_keys"), "{text}");

    let with = SAMPLE.replace(
        "\n[slots.a]",
        &format!("revoked_keys = [\"{REVOKED}\"]\n\n[slots.a]"),
    );
    let r = StateRecord::parse(&with).expect("revoked keys parse");
    assert_eq!(r.revoked_keys, [REVOKED]);
    let text = r.to_toml().expect("serialises");
    assert_eq!(StateRecord::parse(&text).expect("round trip"), r);
}

#[test]
fn refuses_unknown_fields_and_newer_formats() {
    let extra = SAMPLE.replace("active = \"a\"", "active = \"a\"\ncolour = \"blue\"");
    let e = StateRecord::parse(&extra).expect_err("unknown field");
    assert!(e.to_string().contains("colour"), "{e}");
    let newer = SAMPLE.replace("format = 1", "format = 2\nnew_thing = 1");
    let e = StateRecord::parse(&newer).expect_err("newer format");
    assert!(
        matches!(e, StateError::UnsupportedFormat { found: 2 }),
        "{e}"
    );
    let e = StateRecord::parse("product = 'x'").expect_err("no format");
    assert!(e.to_string().contains("format"), "{e}");
}

#[test]
fn refuses_broken_rules() {
    let cases = [
        ("active = \"a\"", "active = \"b\"", "active slot b is empty"),
        ("release = \"4.2.0\"", "release = \"four\"", "malformed"),
        (
            "product = \"engine\"",
            "product = \"Engine X\"",
            "product id",
        ),
        ("machine_id = \"0123", "machine_id = \"X123", "machine id"),
        ("state = \"good\"", "state = \"fine\"", "malformed"),
        ("\"hf-2025-001\"", "\"hf 1\"", "hotfix"),
        (
            "trusted_keys = [\"2b",
            "trusted_keys = [\"zz",
            "fingerprint",
        ),
        (
            "installed_at = \"2025-03-01T10:00:00Z\"",
            "installed_at = \"yesterday\"",
            "malformed",
        ),
        (
            "\n[slots.a]",
            "revoked_keys = [\"2B1E\"]\n\n[slots.a]",
            "revoked key fingerprint",
        ),
        (
            "\n[slots.a]",
            "revoked_keys = [\"2b1e0c4e9d1c3b5a7f6e8d9c0b1a2f3e4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a\"]\n\n[slots.a]",
            "both trusted and revoked",
        ),
    ];
    for (from, to, expect) in cases {
        let text = SAMPLE.replace(from, to);
        assert_ne!(text, SAMPLE, "{from}");
        let e = StateRecord::parse(&text).expect_err(to);
        assert!(e.to_string().contains(expect), "{to}: {e}");
    }
}

#[test]
fn refuses_oversized_and_binary_input() {
    let big = vec![b'#'; MAX_STATE_SIZE + 1];
    assert!(matches!(
        StateRecord::parse_bytes(&big),
        Err(StateError::TooLarge(_))
    ));
    assert!(matches!(
        StateRecord::parse_bytes(&[0xff, 0xfe, 0]),
        Err(StateError::NotText)
    ));
    assert!(StateRecord::parse("[[[[").is_err());
}

#[test]
fn writer_refuses_what_reader_would() {
    let mut r = StateRecord::parse(SAMPLE).expect("sample");
    r.slots.b = SlotRecord {
        state: SlotState::Good,
        ..SlotRecord::empty()
    };
    assert!(r.to_toml().is_err());
}

#[test]
fn keeps_the_unattended_run_and_reads_records_without_one() {
    let old = StateRecord::parse(SAMPLE).expect("a record without [unattended]");
    assert_eq!(old.unattended, None);
    assert!(!old.to_toml().expect("serialises").contains("unattended"));
    let digest = "ab".repeat(32);
    let text = format!(
        "{SAMPLE}\n[unattended]\nmedium = \"edfe51ecd7cef88c\"\nanswer_sha256 = \"{digest}\"\n"
    );
    let r = StateRecord::parse(&text).expect("with [unattended]");
    assert_eq!(
        r.unattended,
        Some(UnattendedRun {
            medium: Some("edfe51ecd7cef88c".into()),
            answer_sha256: digest.clone(),
        })
    );
    assert_eq!(
        StateRecord::parse(&r.to_toml().expect("toml")).expect("round trip"),
        r
    );
    let without_medium = text.replace("medium = \"edfe51ecd7cef88c\"\n", "");
    let r = StateRecord::parse(&without_medium).expect("no medium id");
    assert_eq!(r.unattended.and_then(|u| u.medium), None);
    for (from, to, expect) in [
        (digest.as_str(), "abc", "answer file digest"),
        ("edfe51ecd7cef88c", "a b", "medium id"),
        ("answer_sha256", "answer_sha1", "malformed"),
    ] {
        let e = StateRecord::parse(&text.replace(from, to)).expect_err(to);
        assert!(e.to_string().contains(expect), "{to}: {e}");
    }
}

#[test]
fn a_malformed_record_says_where() {
    let text = SAMPLE.replace("release = \"4.2.0\"", "release = \"four\"");
    let line = text
        .lines()
        .position(|l| l == "release = \"four\"")
        .map(|i| i + 1);
    match StateRecord::parse(&text) {
        Err(StateError::Malformed(e)) => {
            assert_eq!(e.at.map(|at| at.line), line, "{e}");
            assert!(!e.message.contains('\n'), "{e}");
        }
        other => panic!("not malformed: {other:?}"),
    }
    match StateRecord::parse("format = 1\nproduct = \n") {
        Err(StateError::Malformed(e)) => assert_eq!(e.at.map(|at| at.line), Some(2), "{e}"),
        other => panic!("not malformed: {other:?}"),
    }
}

#[test]
fn a_missing_or_textual_format_is_named() {
    let e = StateRecord::parse("product = 'x'").expect_err("no format");
    assert!(matches!(e, StateError::NoFormat), "{e}");
    assert_eq!(
        e.to_string(),
        "state record is malformed: missing field `format`"
    );
    let text = SAMPLE.replace("format = 1", "format = \"1\"");
    let e = StateRecord::parse(&text).expect_err("a string");
    assert!(matches!(e, StateError::FormatNotNumber), "{e}");
}

#[test]
fn times_rfc_3339_cannot_write_are_refused_before_writing() {
    let sample = StateRecord::parse(SAMPLE).expect("sample");
    let mut r = sample.clone();
    r.installed_at = r.installed_at.replace_year(-1).expect("year -1");
    assert!(matches!(
        r.to_toml(),
        Err(StateError::Invalid(Rule::Time {
            field: TimeField::InstalledAt
        }))
    ));
    let mut r = sample;
    let odd = time::UtcOffset::from_hms(1, 0, 30).expect("offset");
    r.slots.a.written_at = r.slots.a.written_at.map(|t| t.to_offset(odd));
    let e = r.to_toml().expect_err("an offset with seconds");
    assert!(
        matches!(
            e,
            StateError::Invalid(Rule::Time {
                field: TimeField::WrittenAt(Slot::A)
            })
        ),
        "{e}"
    );
    assert_eq!(
        e.to_string(),
        "state record is invalid: slots.a.written_at is not a time a state record can hold: \
         years 0 to 9999, offsets in whole minutes"
    );
    // Without the rule the serializer would have refused it.
    assert!(toml::to_string_pretty(&r).is_err());
}
