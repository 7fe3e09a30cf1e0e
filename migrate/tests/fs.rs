//! Reading configuration directories and writing the migrated copy.
#![allow(clippy::unwrap_used)]

mod common;

use std::fs;
use std::path::Path;

use common::{demo_migrations, fixtures};
use migrate::{apply, plan_upgrade, ConfigTree, Error};

/// Every file of a directory, name and bytes.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn apply_writes_the_copy_and_leaves_the_source() {
    let work = tempfile::tempdir().unwrap();
    let source_dir = work.path().join("slot-a");
    fs::create_dir(&source_dir).unwrap();
    for (name, bytes) in snapshot(&fixtures().join("demo-1.0.0-edited")) {
        fs::write(source_dir.join(name), bytes).unwrap();
    }
    let before = snapshot(&source_dir);

    let plan = plan_upgrade(
        &demo_migrations("2.0.0"),
        &ConfigTree::load(&source_dir).unwrap(),
    )
    .unwrap();
    let target = work.path().join("slot-b");
    apply(&plan, &target).unwrap();

    assert_eq!(snapshot(&source_dir), before);
    let written: Vec<_> = plan
        .migrated()
        .iter()
        .map(|(n, b)| (n.to_owned(), b.to_vec()))
        .collect();
    assert_eq!(snapshot(&target), written);
    assert_eq!(ConfigTree::load(&target).unwrap().schema().unwrap(), 3);
    // No staging directory is left beside the target.
    let names: Vec<_> = fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn apply_into_an_empty_directory() {
    let work = tempfile::tempdir().unwrap();
    let plan = plan_upgrade(&demo_migrations("2.0.0"), &common::demo_config(2)).unwrap();
    let target = work.path().join("slot-b");
    fs::create_dir(&target).unwrap();
    apply(&plan, &target).unwrap();
    assert_eq!(snapshot(&target).len(), 3);
}

#[test]
fn apply_refuses_a_target_that_holds_files() {
    let work = tempfile::tempdir().unwrap();
    let plan = plan_upgrade(&demo_migrations("2.0.0"), &common::demo_config(2)).unwrap();
    fs::write(work.path().join("stale.toml"), "x = 1\n").unwrap();
    let err = apply(&plan, work.path()).unwrap_err();
    assert!(matches!(err, Error::TargetNotEmpty { .. }), "{err:?}");
    assert!(err.to_string().ends_with(
        "the target configuration directory is not empty; clear it before migrating into it"
    ));
    assert_eq!(snapshot(work.path()).len(), 1);
}

#[test]
fn load_refuses_subdirectories_and_oversized_files() {
    let work = tempfile::tempdir().unwrap();
    fs::write(work.path().join("ferry.toml"), "schema = 1\n").unwrap();
    fs::create_dir(work.path().join("extra")).unwrap();
    let err = ConfigTree::load(work.path()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "extra: not a regular file; a configuration directory holds only files"
    );
    fs::remove_dir(work.path().join("extra")).unwrap();
    fs::write(
        work.path().join("big.toml"),
        vec![b'#'; migrate::MAX_FILE_SIZE + 10],
    )
    .unwrap();
    let err = ConfigTree::load(work.path()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("big.toml: 1048577 bytes, more than"),
        "{err}"
    );
}

#[test]
fn load_names_a_missing_directory() {
    let err = ConfigTree::load(Path::new("/nonexistent/ferry-config")).unwrap_err();
    assert!(
        err.to_string().starts_with("/nonexistent/ferry-config: "),
        "{err}"
    );
}
