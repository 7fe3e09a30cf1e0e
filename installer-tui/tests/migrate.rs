//! `installer-tui migrate --dry-run` on the Demo Engine's real migrations.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use payload::{BuildSpec, Kind, SecretKey, Version, VersionReq};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A 2.0.0 payload carrying the real demo migrations, and its key.
fn payload(dir: &Path) -> (PathBuf, PathBuf) {
    let key = SecretKey::generate().unwrap();
    let pub_path = dir.join("k.pub");
    std::fs::write(&pub_path, key.public().to_pem()).unwrap();
    std::fs::write(dir.join("rootfs.img"), vec![7u8; 300_000]).unwrap();
    let mut spec = BuildSpec::new("demo-engine", Version::new(2, 0, 0), Kind::Release);
    spec.upgrades_from = Some(VersionReq::parse(">=1.1.0, <2.0.0").unwrap());
    // The schema the migrations end at: what an upgrade migrates to.
    spec.config_schema = Some(3);
    spec.components = vec![
        ("rootfs.img".into(), dir.join("rootfs.img")),
        (
            "migrations.toml".into(),
            repo().join("demo-engine/migrations/release-2.0.0.toml"),
        ),
    ];
    let out = dir.join("demo-engine-2.0.0.upg");
    payload::build(&spec, &[&key], &out, &mut |_, _, _| {}).unwrap();
    (out, pub_path)
}

fn run(args: &[&std::ffi::OsStr]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_installer-tui"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn dry_run_shows_the_changes_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (upg, key) = payload(dir.path());
    let from = repo().join("demo-engine/config/schema-2");
    let before: Vec<Vec<u8>> = ["engine.toml", "vms.toml", "ferry.toml"]
        .iter()
        .map(|f| std::fs::read(from.join(f)).unwrap())
        .collect();
    let (ok, out, err) = run(&[
        "migrate".as_ref(),
        "--dry-run".as_ref(),
        "--from".as_ref(),
        from.as_os_str(),
        "--payload".as_ref(),
        upg.as_os_str(),
        "--trust".as_ref(),
        key.as_os_str(),
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("demo-engine 2.0.0"), "{out}");
    assert!(out.contains("2 → 3"), "{out}");
    assert!(
        out.contains("+hostname") || out.contains("+ hostname") || out.contains("hostname"),
        "{out}"
    );
    assert!(
        out.contains("--- ") && out.contains("+++ "),
        "a unified diff: {out}"
    );
    assert!(out.contains("nothing was written"), "{out}");
    let after: Vec<Vec<u8>> = ["engine.toml", "vms.toml", "ferry.toml"]
        .iter()
        .map(|f| std::fs::read(from.join(f)).unwrap())
        .collect();
    assert_eq!(before, after);
}

#[test]
fn dry_run_refuses_an_untrusted_payload() {
    let dir = tempfile::tempdir().unwrap();
    let (upg, _) = payload(dir.path());
    let other = SecretKey::generate().unwrap();
    let other_pub = dir.path().join("other.pub");
    std::fs::write(&other_pub, other.public().to_pem()).unwrap();
    let from = repo().join("demo-engine/config/schema-2");
    let (ok, _, err) = run(&[
        "migrate".as_ref(),
        "--dry-run".as_ref(),
        "--from".as_ref(),
        from.as_os_str(),
        "--payload".as_ref(),
        upg.as_os_str(),
        "--trust".as_ref(),
        other_pub.as_os_str(),
    ]);
    assert!(!ok);
    assert!(err.contains("not trusted"), "{err}");
}

#[test]
fn dry_run_on_the_newest_schema_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (upg, key) = payload(dir.path());
    let from = repo().join("demo-engine/config/schema-3");
    let (ok, out, err) = run(&[
        "migrate".as_ref(),
        "--dry-run".as_ref(),
        "--from".as_ref(),
        from.as_os_str(),
        "--payload".as_ref(),
        upg.as_os_str(),
        "--trust".as_ref(),
        key.as_os_str(),
    ]);
    // Already at the newest schema: nothing to migrate, and that is said.
    assert!(ok, "{err}");
    assert!(out.contains("nothing to migrate"), "{out}");
}
