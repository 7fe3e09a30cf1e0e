//! Fixtures too slow to build for every test (signed payloads, an image
//! the engine installed), built once per test binary and kept under the
//! target directory for all its test processes: nextest runs every test in
//! a process of its own, and a `TempDir` held in a static is never dropped,
//! so it would leave its files in `/tmp` for good.
//!
//! A copy is keyed by the test binary (its path, size and modification
//! time): a rebuilt binary, whose engine may write other bytes, builds the
//! fixture anew and replaces the stale copy. Tests only read the copy.

use std::fs;
use std::path::{Path, PathBuf};

/// The key file in a built directory.
const STAMP: &str = ".built-for";

/// The directory `name` of this test binary, built by `build` (which
/// fills the empty directory it is given) unless an up-to-date copy is
/// there. Test processes building it at the same time each build their
/// own; the first to finish publishes it and the others use that one.
pub fn built_once(name: &str, build: impl FnOnce(&Path)) -> PathBuf {
    let exe = std::env::current_exe().expect("path of the test binary");
    let meta = fs::metadata(&exe).expect("metadata of the test binary");
    let key = format!(
        "{}\n{}\n{:?}\n",
        exe.display(),
        meta.len(),
        meta.modified()
            .expect("modification time of the test binary")
    );
    let binary = exe.file_name().expect("file name").to_string_lossy();
    let parent = crate::target_dir().join("tmp/ferry-fixtures");
    let dir = parent.join(format!("{name}-{binary}"));
    if is_current(&dir, &key) {
        return dir;
    }
    fs::create_dir_all(&parent).expect("creating the fixture directory");
    let fresh = tempfile::Builder::new()
        .prefix(".building-")
        .tempdir_in(&parent)
        .expect("temporary fixture directory");
    build(fresh.path());
    fs::write(fresh.path().join(STAMP), &key).expect("writing the fixture key");
    let fresh = fresh.keep();
    let mut attempt = 0;
    loop {
        match fs::rename(&fresh, &dir) {
            Ok(()) => return dir,
            Err(_) if is_current(&dir, &key) => {
                // Another process of this binary published it first.
                let _ = fs::remove_dir_all(&fresh);
                return dir;
            }
            Err(e) if attempt == 10 => panic!("publishing {}: {e}", dir.display()),
            Err(_) => {
                // A stale copy: moved aside in one step, so no process sees
                // it half removed, then removed.
                let stale = parent.join(format!(".stale-{}-{attempt}", std::process::id()));
                if fs::rename(&dir, &stale).is_ok() {
                    let _ = fs::remove_dir_all(&stale);
                }
            }
        }
        attempt += 1;
    }
}

fn is_current(dir: &Path, key: &str) -> bool {
    fs::read_to_string(dir.join(STAMP)).is_ok_and(|k| k == key)
}
