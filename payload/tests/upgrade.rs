#![allow(clippy::unwrap_used)]
//! Which installed versions a payload may go over.

mod common;
use common::*;
use payload::{default_upgrades_from, Kind, Refusal, Version, VersionReq};

fn v(s: &str) -> Version {
    Version::parse(s).unwrap()
}

#[test]
fn default_rule_is_one_release_back() {
    assert_eq!(
        default_upgrades_from(&v("1.1.0")).unwrap().to_string(),
        ">=1.0.0, <1.1.0"
    );
    assert_eq!(
        default_upgrades_from(&v("1.1.3")).unwrap().to_string(),
        ">=1.0.0, <1.1.3"
    );
    assert_eq!(
        default_upgrades_from(&v("1.0.2")).unwrap().to_string(),
        ">=1.0.0, <1.0.2"
    );
    assert!(
        default_upgrades_from(&v("2.0.0")).is_none(),
        "a new major needs an explicit rule"
    );
}

#[test]
fn refusals_name_the_supported_path() {
    let mut m = release_manifest("2.0.0", vec![component("a", b"1")]);
    m.upgrades_from = Some(VersionReq::parse(">=1.1.0, <2.0.0").unwrap());
    m.check_upgrade_from(&v("1.1.0"), &[]).unwrap();
    m.check_upgrade_from(&v("1.1.5"), &[]).unwrap();
    let e = m.check_upgrade_from(&v("1.0.0"), &[]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "upgrade from 1.0.0 to 2.0.0 is not supported: upgrade to 1.1 first"
    );
    let e = m.check_upgrade_from(&v("2.1.0"), &[]).unwrap_err();
    assert!(matches!(e, Refusal::Downgrade { .. }));
    assert!(e.to_string().contains("downgrades are refused"), "{e}");
    let e = m.check_upgrade_from(&v("2.0.0"), &[]).unwrap_err();
    assert!(matches!(e, Refusal::SameVersion { .. }), "{e}");
}

#[test]
fn hotfixes_apply_to_exactly_one_release_once() {
    let mut m = release_manifest("1.1.0", vec![component("a", b"1")]);
    m.kind = Kind::Hotfix;
    m.upgrades_from = None;
    m.applies_to = Some(v("1.1.0"));
    m.hotfix_id = Some("hf1".into());
    m.check_upgrade_from(&v("1.1.0"), &[]).unwrap();
    let e = m.check_upgrade_from(&v("1.0.0"), &[]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "hotfix hf1 is for 1.1.0; this system runs 1.0.0"
    );
    let e = m
        .check_upgrade_from(&v("1.1.0"), &["hf1".to_string()])
        .unwrap_err();
    assert!(e.to_string().contains("already applied"));
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn a_hotfix_goes_only_over_hotfixes_its_image_includes() {
    let on =
        |m: &payload::Manifest, applied: &[&str]| m.check_upgrade_from(&v("1.1.0"), &ids(applied));
    // hf1 was built before hf2: with hf2 applied it would take hf2 away.
    let hf1 = hotfix_manifest("hf1", vec![component("a", b"1")]);
    on(&hf1, &[]).unwrap();
    assert_eq!(hf1.slot_hotfixes(), ids(&["hf1"]));
    let e = on(&hf1, &["hf2"]).unwrap_err();
    assert_eq!(
        e,
        Refusal::HotfixNotIncluded {
            id: "hf1".into(),
            applied: "hf2".into()
        }
    );
    assert!(e.to_string().contains("hf2"), "{e}");

    // hf2 built over hf1 goes over hf1, or over nothing (it is cumulative).
    let mut hf2 = hotfix_manifest("hf2", vec![component("a", b"1")]);
    hf2.includes_hotfixes = ids(&["hf1"]);
    on(&hf2, &["hf1"]).unwrap();
    on(&hf2, &[]).unwrap();
    assert_eq!(hf2.slot_hotfixes(), ids(&["hf1", "hf2"]));

    // hf3 built over hf2 alone lacks hf1.
    let mut hf3 = hotfix_manifest("hf3", vec![component("a", b"1")]);
    hf3.includes_hotfixes = ids(&["hf2"]);
    let e = on(&hf3, &["hf1", "hf2"]).unwrap_err();
    assert!(
        matches!(&e, Refusal::HotfixNotIncluded { applied, .. } if applied == "hf1"),
        "{e}"
    );

    // A release carries no hotfix.
    let r = release_manifest("1.2.0", vec![component("a", b"1")]);
    assert_eq!(r.slot_hotfixes(), Vec::<String>::new());
}
