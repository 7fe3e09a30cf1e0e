//! Shared test helpers: the Demo Engine's shipped data, fixtures, golden files.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use migrate::{ConfigTree, MigrationSet};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The default configuration Demo Engine ships at `schema`.
pub fn demo_config(schema: u32) -> ConfigTree {
    ConfigTree::load(&root().join(format!("demo-engine/config/schema-{schema}"))).unwrap()
}

/// The `migrations.toml` a Demo Engine release ships.
pub fn demo_migrations(release: &str) -> MigrationSet {
    let path = root().join(format!("demo-engine/migrations/release-{release}.toml"));
    MigrationSet::parse(&std::fs::read(path).unwrap()).unwrap()
}

pub fn fixture(name: &str) -> ConfigTree {
    ConfigTree::load(&fixtures().join(name)).unwrap()
}

/// An in-memory tree from (name, text) pairs.
pub fn tree(files: &[(&str, &str)]) -> ConfigTree {
    let mut tree = ConfigTree::new();
    for (name, text) in files {
        tree.insert(name, *text).unwrap();
    }
    tree
}

pub fn text<'a>(tree: &'a ConfigTree, name: &str) -> &'a str {
    tree.text(name).unwrap().unwrap()
}

/// Compares `actual` with `tests/fixtures/golden/NAME` exactly; with
/// `UPDATE_GOLDEN=1` rewrites the file instead.
pub fn assert_golden(name: &str, actual: &str) {
    let path = fixtures().join("golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with UPDATE_GOLDEN=1 to create it",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "{} differs from the output; run with UPDATE_GOLDEN=1 to accept it\n--- expected\n{expected}\n--- actual\n{actual}",
        path.display()
    );
}
