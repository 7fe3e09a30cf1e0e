//! The thin filesystem layer: read a configuration directory into a
//! [`ConfigTree`], and write a migrated one as a new directory.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::Path;

use crate::error::{DocumentProblem, Error};
use crate::plan::MigrationPlan;
use crate::tree::{ConfigTree, MAX_FILE_SIZE};

impl ConfigTree {
    /// Reads every regular file of `dir`. Subdirectories and links are
    /// refused: they are not part of any configuration Ferry knows, and
    /// leaving them behind silently would lose data.
    pub fn load(dir: &Path) -> Result<ConfigTree, Error> {
        let mut entries = Vec::new();
        for entry in fs::read_dir(dir).map_err(Error::io(dir))? {
            let entry = entry.map_err(Error::io(dir))?;
            entries.push(entry);
        }
        entries.sort_by_key(|e| e.file_name());
        let mut tree = ConfigTree::new();
        for entry in entries {
            let path = entry.path();
            let file_type = entry.file_type().map_err(Error::io(&path))?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if !file_type.is_file() {
                return Err(Error::document(&name, DocumentProblem::NotAFile));
            }
            let mut bytes = Vec::new();
            File::open(&path)
                .map_err(Error::io(&path))?
                // One byte past the limit, so `insert` sees it is too large.
                .take(MAX_FILE_SIZE as u64 + 1)
                .read_to_end(&mut bytes)
                .map_err(Error::io(&path))?;
            tree.insert(&name, bytes)?;
        }
        Ok(tree)
    }
}

/// Writes the migrated configuration of `plan` as `target_dir`, which must
/// be missing or empty. The files are written and synced in a temporary
/// directory beside it, which is then renamed into place: the target is
/// either complete or not there. The source directory is never touched.
pub fn apply(plan: &MigrationPlan, target_dir: &Path) -> Result<(), Error> {
    write_tree(plan.migrated(), target_dir)
}

/// Writes `tree` as the new directory `target_dir` (missing or empty).
pub fn write_tree(tree: &ConfigTree, target_dir: &Path) -> Result<(), Error> {
    match fs::read_dir(target_dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(Error::TargetNotEmpty {
                    path: target_dir.to_owned(),
                });
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io(target_dir)(e)),
    }
    let parent = match target_dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = target_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.migrating-"))
        .tempdir_in(parent)
        .map_err(Error::io(parent))?;
    for (file, bytes) in tree.iter() {
        let path = staging.path().join(file);
        let mut out = File::create_new(&path).map_err(Error::io(&path))?;
        out.write_all(bytes).map_err(Error::io(&path))?;
        out.sync_all().map_err(Error::io(&path))?;
    }
    sync_dir(staging.path())?;
    // rename(2) replaces an empty directory, so a missing and an empty
    // target are handled alike.
    fs::rename(staging.path(), target_dir).map_err(Error::io(target_dir))?;
    // The staging path is gone now; nothing is left to clean up.
    let _ = staging.keep();
    sync_dir(parent)
}

fn sync_dir(dir: &Path) -> Result<(), Error> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(Error::io(dir))
}
