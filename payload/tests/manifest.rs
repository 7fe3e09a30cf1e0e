#![allow(clippy::unwrap_used)]
//! Manifests that are malformed, hostile or from a newer format are refused
//! with a message naming the problem, even when correctly signed.

mod common;
use common::*;
use payload::{Error, Kind, Manifest, Version};

fn good_text() -> String {
    release_manifest("1.1.0", vec![component("rootfs.img", &data(100_000, 1))])
        .to_toml()
        .unwrap()
}

fn parse_err(text: &str) -> String {
    match Manifest::parse(text.as_bytes()) {
        Ok(m) => panic!("accepted: {m:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn round_trips() {
    let m = release_manifest("1.1.0", vec![component("rootfs.img", &data(100_000, 1))]);
    let text = m.to_toml().unwrap();
    assert!(
        text.starts_with("# Ferry payload manifest\nformat = 1\n"),
        "{text}"
    );
    assert_eq!(Manifest::parse(text.as_bytes()).unwrap(), m);
}

#[test]
fn unknown_fields_and_newer_formats_are_errors() {
    let text = good_text();
    let e = parse_err(&text.replace("format = 1", "format = 3"));
    assert!(
        e.contains("format 3") && e.contains("newer installer"),
        "{e}"
    );
    let e = parse_err(
        &text
            .replace("format = 1", "format = 3\nshiny = true")
            .replace("min-installer = \"0.1.0\"", "min-installer = \"0.9.0\""),
    );
    assert!(
        e.contains("format 3") && e.contains("installer 0.9.0 or newer"),
        "a newer format is named as such, not as an unknown field: {e}"
    );
    let e = parse_err(&text.replace("format = 1", "format = 1\nshiny = true"));
    assert!(e.contains("shiny"), "{e}");
    let e = parse_err(&text.replace("chunk-size =", "compression = \"zstd\"\nchunk-size ="));
    assert!(e.contains("compressed") && e.contains("format 1"), "{e}");
    let e = parse_err(&text.replace("format = 1\n", ""));
    assert!(e.contains("'format' is missing"), "{e}");
    let e = parse_err(&text.replace("format = 1", "format = \"1\""));
    assert!(e.contains("not a number"), "{e}");
}

#[test]
fn unknown_hash_algorithm_and_bad_digests_are_errors() {
    let text = good_text();
    let e = parse_err(&text.replace("hash = \"sha256\"", "hash = \"md5\""));
    assert!(e.contains("md5"), "{e}");
    let digest = text.split("sha256 = \"").nth(1).unwrap()[..64].to_string();
    let e = parse_err(&text.replace(&digest, &digest[..63]));
    assert!(e.contains("64 hexadecimal digits"), "{e}");
    let e = parse_err(&text.replace(&digest, &format!("{}zz", &digest[..62])));
    assert!(e.contains("not a hexadecimal"), "{e}");
    let e = parse_err(&text.replace(&digest, ""));
    assert!(e.contains("64 hexadecimal digits, not 0"), "{e}");
}

#[test]
fn component_names_that_leave_a_directory_are_refused() {
    let text = good_text();
    for bad in [
        "../etc/passwd",
        "/etc/passwd",
        "a/b",
        "..",
        ".hidden",
        "",
        "a\\b",
        "a b",
        "manifest.sig",
        "ro\0t",
    ] {
        let e = parse_err(&text.replace("name = \"rootfs.img\"", &format!("name = {:?}", bad)));
        assert!(
            e.contains("name") || e.contains("cannot be a component") || e.contains("escape"),
            "{bad:?}: {e}"
        );
    }
    let long = "a".repeat(101);
    let e = parse_err(&text.replace("name = \"rootfs.img\"", &format!("name = \"{long}\"")));
    assert!(e.contains("not allowed"), "{e}");
}

#[test]
fn absurd_sizes_are_refused_without_overflow() {
    let text = good_text();
    for size in [1u64 << 31, 1 << 32, 1 << 41, u64::MAX / 2, i64::MAX as u64] {
        let e = parse_err(&text.replace("size = 100000", &format!("size = {size}")));
        assert!(e.contains("chunk") || e.contains("allowed"), "{size}: {e}");
    }
    // u64::MAX is not even a TOML integer.
    let e = parse_err(&text.replace("size = 100000", &format!("size = {}", u64::MAX)));
    assert!(!e.is_empty());
    let e = parse_err(&text.replace("size = 100000", "size = -1"));
    assert!(!e.is_empty());
    for chunk in ["0", "1", "65535", "100000", "33554432", "-65536"] {
        let e = parse_err(&text.replace("chunk-size = 65536", &format!("chunk-size = {chunk}")));
        assert!(
            e.contains("chunk size") || e.contains("invalid"),
            "{chunk}: {e}"
        );
    }
}

#[test]
fn chunk_lists_must_cover_the_component_exactly() {
    let text = good_text();
    let e = parse_err(&text.replace("size = 100000", "size = 200000"));
    assert!(e.contains("need 4"), "{e}");
    let e = parse_err(&text.replace("size = 100000", "size = 65536"));
    assert!(e.contains("need 1"), "{e}");
}

#[test]
fn duplicate_and_missing_components_are_refused() {
    let m = release_manifest("1.1.0", vec![component("a", b"1"), component("a", b"2")]);
    assert!(m
        .validate()
        .unwrap_err()
        .to_string()
        .contains("listed twice"));
    let m = release_manifest("1.1.0", vec![]);
    assert!(m
        .validate()
        .unwrap_err()
        .to_string()
        .contains("no components"));
    let many = (0..65).map(|i| component(&format!("c{i}"), b"x")).collect();
    let m = release_manifest("1.1.0", many);
    assert!(m
        .validate()
        .unwrap_err()
        .to_string()
        .contains("65 components"));
}

#[test]
fn kind_specific_fields_are_checked() {
    let mut m = release_manifest("1.1.0", vec![component("a", b"1")]);
    m.upgrades_from = None;
    assert!(m
        .validate()
        .unwrap_err()
        .to_string()
        .contains("upgrades-from"));

    let mut h = release_manifest("1.1.0", vec![component("a", b"1")]);
    h.kind = Kind::Hotfix;
    h.upgrades_from = None;
    assert!(h.validate().unwrap_err().to_string().contains("applies-to"));
    h.applies_to = Some(Version::new(1, 1, 0));
    assert!(h.validate().unwrap_err().to_string().contains("hotfix-id"));
    h.hotfix_id = Some("hf1".into());
    h.validate().unwrap();
    assert_eq!(h.file_name(), "demo-engine-1.1.0-hotfix-hf1.upg");
    h.applies_to = Some(Version::new(1, 0, 0));
    assert!(h.validate().unwrap_err().to_string().contains("applies-to"));
    h.applies_to = Some(Version::new(1, 1, 0));
    h.hotfix_id = Some("../x".into());
    assert!(h.validate().unwrap_err().to_string().contains("hotfix id"));

    let mut m = release_manifest("1.1.0", vec![component("a", b"1")]);
    m.product = "Demo Engine".into();
    assert!(m.validate().unwrap_err().to_string().contains("product id"));
    m.product = "demo-engine".into();
    m.created = "yesterday".into();
    assert!(m.validate().unwrap_err().to_string().contains("RFC 3339"));
}

#[test]
fn included_hotfixes_are_checked_and_optional() {
    let mut h = hotfix_manifest("hf3", vec![component("a", b"1")]);
    // A manifest from before the field reads as including no hotfix.
    let text = h.to_toml().unwrap();
    assert!(!text.contains("includes-hotfixes"), "{text}");
    let parsed = Manifest::parse(text.as_bytes()).unwrap();
    assert_eq!(parsed.includes_hotfixes, Vec::<String>::new());

    h.includes_hotfixes = vec!["hf1".into(), "hf2".into()];
    let text = h.to_toml().unwrap();
    assert!(
        text.contains("includes-hotfixes = [\"hf1\", \"hf2\"]"),
        "{text}"
    );
    assert_eq!(Manifest::parse(text.as_bytes()).unwrap(), h);

    for (ids, expect) in [
        (vec!["hf3"], "itself"),
        (vec!["hf1", "hf1"], "twice"),
        (vec!["../x"], "hotfix id"),
    ] {
        h.includes_hotfixes = ids.iter().map(|s| s.to_string()).collect();
        let e = h.validate().unwrap_err().to_string();
        assert!(e.contains(expect), "{ids:?}: {e}");
    }
    let mut r = release_manifest("1.1.0", vec![component("a", b"1")]);
    r.includes_hotfixes = vec!["hf1".into()];
    let e = r.validate().unwrap_err().to_string();
    assert!(e.contains("includes-hotfixes"), "{e}");
}

#[test]
fn hostile_text_is_an_error_not_a_panic() {
    for text in [
        &b"\xff\xfe"[..],
        b"format = 1\nformat = 1",
        b"[[[[[[[[[[",
        b"format = 1\n[[component]]\nname = 5",
        b"format = 1\ncomponent = \"x\"",
        b"format = 99999999999999999999",
    ] {
        assert!(Manifest::parse(text).is_err());
    }
    let deep = format!(
        "format = 1\nx = {}{}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    assert!(Manifest::parse(deep.as_bytes()).is_err());
}

#[test]
fn too_large_is_refused_before_parsing() {
    let big = vec![b'#'; payload::MAX_MANIFEST_BYTES as usize + 1];
    assert!(matches!(
        Manifest::parse(&big),
        Err(Error::ManifestTooLarge { .. })
    ));
}

#[test]
fn a_signed_but_invalid_manifest_is_refused_after_the_signature() {
    let k = key(1);
    let text = good_text().replace("name = \"rootfs.img\"", "name = \"../../boot/evil\"");
    let bytes = signed(&text, &k, &[]);
    let err = verify(&bytes, &trust(&[&k])).unwrap_err().to_string();
    assert!(err.contains("not allowed"), "{err}");
}

#[test]
fn install_definition_and_first_release_are_format_2() {
    let mut m = release_manifest("1.0.0", vec![component("rootfs.img", &data(100_000, 1))]);
    m.upgrades_from = None;
    m.first_release = true;
    m.install = Some(
        payload::InstallDefinition::parse("slot = \"4 GiB\"\ncmdline = \"console=ttyS0 quiet\"")
            .unwrap(),
    );
    // Written as format 1, a format-1 reader would misread it: refused.
    let e = m.to_toml().unwrap_err().to_string();
    assert!(e.contains("need format 2"), "{e}");
    m.format = m.needed_format();
    let text = m.to_toml().unwrap();
    assert!(text.contains("format = 2\n"), "{text}");
    assert!(text.contains("first-release = true\n"), "{text}");
    assert!(text.contains("[install]\n"), "{text}");
    assert_eq!(Manifest::parse(text.as_bytes()).unwrap(), m);
    // Hostile definitions are refused even when signed.
    let e = parse_err(&text.replace("slot = \"4 GiB\"", "slot = \"60%\""));
    assert!(
        e.contains("[install]") && e.contains("less than 100%"),
        "{e}"
    );
    let e = parse_err(&text.replace("quiet", "quiet\\nroot=/dev/sda"));
    assert!(e.contains("no newline"), "{e}");
    // The first release names no versions it upgrades.
    let e = parse_err(&text.replace(
        "first-release = true",
        "first-release = true\nupgrades-from = \">=0.1.0\"",
    ));
    assert!(e.contains("exclude each other"), "{e}");
    let e = parse_err(&text.replace("first-release = true\n", ""));
    assert!(e.contains("'first-release'"), "{e}");
    // And installs over nothing.
    assert!(matches!(
        m.check_upgrade_from(&Version::new(0, 9, 0), &[]),
        Err(payload::Refusal::FirstRelease { .. })
    ));
}

/// The fuzz corpus's format-2 seed is a manifest that parses: the fuzzer
/// starts from inside the install definition, not from a refusal.
#[test]
fn the_format_2_fuzz_seed_parses_and_writes_back() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fuzz/corpus/payload_manifest/release-install.toml"
    );
    let m = Manifest::parse(&std::fs::read(path).unwrap()).unwrap();
    assert!(m.first_release);
    let def = m.install.as_ref().unwrap();
    assert_eq!(def.title.as_deref(), Some("Acme Engine"));
    let again = Manifest::parse(m.to_toml().unwrap().as_bytes()).unwrap();
    assert_eq!(again, m);
}

#[test]
fn a_syntax_error_gives_its_line_and_column_and_the_rules_their_facts() {
    use payload::{ManifestProblem, Position};
    let text = good_text().replace("kind = \"release\"", "kind = = \"release\"");
    let line = 1 + text
        .lines()
        .position(|l| l.starts_with("kind = ="))
        .unwrap();
    match Manifest::parse(text.as_bytes()) {
        Err(Error::Manifest(ManifestProblem::Syntax(s))) => {
            assert_eq!(s.at, Some(Position { line, column: 8 }), "{s}");
            assert!(!s.message.contains('\n'), "{s:?}");
        }
        other => panic!("{other:?}"),
    }
    let mut m = release_manifest("1.1.0", vec![component("rootfs.img", &data(100_000, 1))]);
    m.components[0].chunk_size = 1000;
    match m.validate() {
        Err(Error::Manifest(ManifestProblem::ChunkSize {
            component,
            chunk_size: 1000,
        })) => assert_eq!(component, "rootfs.img"),
        other => panic!("{other:?}"),
    }
}
