//! The trust store from public key files (SPKI PEM, `NAME.pub`): given one
//! by one (`--trust`), or every `*.pub` of a directory (the installer's
//! `/etc/ferry/keys`, a boot kit's `keys/`).

use std::path::{Path, PathBuf};

use crate::{Error, IoContext, PublicKey, TrustStore};

impl TrustStore {
    /// Trusts every public key in `paths`; the first file that is not a
    /// public key fails the whole load, its error naming the file.
    pub fn load<P: AsRef<Path>>(paths: &[P]) -> Result<TrustStore, Error> {
        let mut trust = TrustStore::new();
        for path in paths {
            trust.trust(PublicKey::load(path.as_ref())?);
        }
        Ok(trust)
    }

    /// Trusts every `*.pub` file in `dir`, in name order. A directory that
    /// does not exist holds no key (an empty store); one that cannot be
    /// listed, or a `*.pub` file that is not a public key, is an error.
    pub fn load_dir(dir: &Path) -> Result<TrustStore, Error> {
        TrustStore::load(&key_files(dir)?)
    }
}

/// The `*.pub` files in `dir`, sorted by name.
fn key_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let listing = |e| {
        Error::io(
            IoContext::ListingKeys {
                dir: dir.to_path_buf(),
            },
            e,
        )
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(listing(e)),
    };
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry.map_err(listing)?.path();
        if path.extension().is_some_and(|x| x == "pub") {
            paths.push(path);
        }
    }
    paths.sort();
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SecretKey;

    fn keys() -> [SecretKey; 2] {
        [(); 2].map(|()| SecretKey::generate().expect("a key"))
    }

    #[test]
    fn loads_the_listed_keys() {
        let dir = tempfile::tempdir().expect("tempdir");
        let keys = keys();
        let mut paths = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            let p = dir.path().join(format!("k{i}.pub"));
            std::fs::write(&p, k.public().to_pem()).expect("write");
            paths.push(p);
        }
        let trust = TrustStore::load(&paths).expect("load");
        let mut want: Vec<_> = keys.iter().map(|k| k.public().fingerprint()).collect();
        want.sort();
        let got: Vec<_> = trust.trusted().map(|(fp, _)| *fp).collect();
        assert_eq!(got, want);
        assert!(TrustStore::load::<PathBuf>(&[]).expect("none").is_empty());
    }

    #[test]
    fn a_bad_key_names_its_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bad = dir.path().join("bad.pub");
        std::fs::write(&bad, "not a key").expect("write");
        let e = TrustStore::load(&[&bad]).expect_err("bad key").to_string();
        assert!(e.contains("bad.pub"), "{e}");
        let e = TrustStore::load(&[dir.path().join("missing.pub")])
            .expect_err("missing key")
            .to_string();
        assert!(e.contains("missing.pub"), "{e}");
        let e = TrustStore::load_dir(dir.path())
            .expect_err("bad key in dir")
            .to_string();
        assert!(e.contains("bad.pub"), "{e}");
    }

    #[test]
    fn a_directory_gives_its_pub_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let [a, b] = keys();
        std::fs::write(dir.path().join("b.pub"), b.public().to_pem()).expect("write");
        std::fs::write(dir.path().join("a.pub"), a.public().to_pem()).expect("write");
        // Not keys: other names, the secret key beside its public one.
        std::fs::write(dir.path().join("a.key"), a.to_pem()).expect("write");
        std::fs::write(dir.path().join("README"), "keys").expect("write");
        assert_eq!(
            key_files(dir.path()).expect("list"),
            [dir.path().join("a.pub"), dir.path().join("b.pub")]
        );
        let trust = TrustStore::load_dir(dir.path()).expect("load");
        assert_eq!(trust.trusted().count(), 2);
        assert!(trust
            .trusted()
            .any(|(fp, _)| *fp == a.public().fingerprint()));
    }

    #[test]
    fn a_missing_directory_holds_no_key() {
        let dir = tempfile::tempdir().expect("tempdir");
        let trust = TrustStore::load_dir(&dir.path().join("keys")).expect("missing dir");
        assert!(trust.is_empty());
        // A file where the directory should be cannot be listed.
        let file = dir.path().join("file");
        std::fs::write(&file, "x").expect("write");
        let e = TrustStore::load_dir(&file)
            .expect_err("not a dir")
            .to_string();
        assert!(e.contains("listing the keys in"), "{e}");
    }
}
