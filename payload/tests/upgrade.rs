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
