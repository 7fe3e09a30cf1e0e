//! The keys a boot kit trusts: the admin's (`media-builder bootkit
//! --trust`), and the public demo key only when asked for (`--demo-key`,
//! for the demo and the tests). A kit that would trust no key is refused:
//! its installer could install nothing. Keys are checked before anything
//! is fetched or written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use payload::{Fingerprint, PublicKey};
use thiserror::Error;

/// The Demo Engine's public key, trusted only with `--demo-key`: its
/// private half is published (`demo-engine/keys/`).
pub const DEMO_PUBLIC_KEY: &str = include_str!("../../demo-engine/keys/demo-DO-NOT-USE.pub");
/// File name of the demo key in `keys/`.
pub const DEMO_KEY_FILE: &str = "demo-DO-NOT-USE.pub";

/// Why the kit's keys cannot be those asked for.
#[derive(Debug, Error)]
pub enum TrustError {
    #[error(
        "the installer would trust no key, and so could install nothing: pass \
         --trust NAME.pub with your release key (`media-builder key generate`); \
         --demo-key trusts the public demo key, for demos and tests only"
    )]
    NoKey,
    #[error("--trust {}", path.display())]
    Unreadable {
        path: PathBuf,
        #[source]
        source: payload::Error,
    },
    #[error(
        "--trust {}: the installer reads only keys named NAME.pub; rename the file",
        path.display()
    )]
    NotPub { path: PathBuf },
    #[error(
        "{} and {} are both named {name} but are different keys; rename one",
        first.display(),
        second.display()
    )]
    SameName {
        name: String,
        first: PathBuf,
        second: PathBuf,
    },
    #[error(
        "{} is the public demo key (fingerprint {fingerprint}): its private half is \
         published, so anyone could sign software the installer accepts. Trust it \
         only for a demo or a test, with --demo-key",
        path.display()
    )]
    DemoKey {
        path: PathBuf,
        fingerprint: Fingerprint,
    },
}

/// The keys of a kit, as they go into `keys/` and the initramfs's
/// `/etc/ferry/keys/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KitKeys {
    /// SPKI PEM by file name (`NAME.pub`).
    pub files: BTreeMap<String, Vec<u8>>,
    /// The published demo keys among them (only with `--demo-key`).
    pub demo: Vec<Fingerprint>,
}

/// The keys of a kit: the demo key if `demo_key`, then each of `trust`.
/// A demo key (known by its fingerprint, whatever its file is called) is
/// refused among `trust` unless `demo_key`; a key given twice is written
/// once.
pub fn kit_keys(trust: &[PathBuf], demo_key: bool) -> Result<KitKeys, TrustError> {
    let mut files = BTreeMap::new();
    let mut demo = Vec::new();
    // Fingerprint -> (file name, where it came from).
    let mut seen: BTreeMap<Fingerprint, (String, PathBuf)> = BTreeMap::new();
    let mut add = |key: PublicKey, name: String, from: &Path| -> Result<(), TrustError> {
        let fp = key.fingerprint();
        if seen.contains_key(&fp) {
            return Ok(());
        }
        if let Some((_, first)) = seen.values().find(|(n, _)| *n == name) {
            return Err(TrustError::SameName {
                name,
                first: first.clone(),
                second: from.to_path_buf(),
            });
        }
        if fp.is_demo() {
            demo.push(fp);
        }
        files.insert(name.clone(), key.to_pem().into_bytes());
        seen.insert(fp, (name, from.to_path_buf()));
        Ok(())
    };
    if demo_key {
        let key =
            PublicKey::from_pem(DEMO_PUBLIC_KEY).map_err(|source| TrustError::Unreadable {
                path: DEMO_KEY_FILE.into(),
                source,
            })?;
        add(
            key,
            DEMO_KEY_FILE.into(),
            Path::new("demo-engine/keys").join(DEMO_KEY_FILE).as_path(),
        )?;
    }
    for path in trust {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".pub") && n.len() > ".pub".len())
            .ok_or_else(|| TrustError::NotPub { path: path.clone() })?;
        let key = PublicKey::load(path).map_err(|source| TrustError::Unreadable {
            path: path.clone(),
            source,
        })?;
        if key.is_demo() && !demo_key {
            return Err(TrustError::DemoKey {
                path: path.clone(),
                fingerprint: key.fingerprint(),
            });
        }
        add(key, name, path)?;
    }
    if files.is_empty() {
        return Err(TrustError::NoKey);
    }
    Ok(KitKeys { files, demo })
}

#[cfg(test)]
mod tests {
    use super::*;
    use payload::SecretKey;

    fn write_key(dir: &Path, name: &str, key: &PublicKey) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, key.to_pem()).unwrap();
        p
    }

    fn demo() -> PublicKey {
        PublicKey::from_pem(DEMO_PUBLIC_KEY).unwrap()
    }

    #[test]
    fn no_key_at_all_is_refused() {
        assert!(matches!(kit_keys(&[], false), Err(TrustError::NoKey)));
    }

    #[test]
    fn the_demo_key_goes_in_only_when_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        let mine = write_key(
            dir.path(),
            "mine.pub",
            &SecretKey::generate().unwrap().public(),
        );
        let real = kit_keys(std::slice::from_ref(&mine), false).unwrap();
        assert_eq!(real.files.keys().collect::<Vec<_>>(), ["mine.pub"]);
        assert!(real.demo.is_empty());

        let both = kit_keys(&[mine], true).unwrap();
        assert_eq!(
            both.files.keys().collect::<Vec<_>>(),
            [DEMO_KEY_FILE, "mine.pub"]
        );
        assert_eq!(both.demo, vec![demo().fingerprint()]);

        let only = kit_keys(&[], true).unwrap();
        assert_eq!(only.files.keys().collect::<Vec<_>>(), [DEMO_KEY_FILE]);
    }

    #[test]
    fn the_demo_key_under_any_name_needs_demo_key() {
        let dir = tempfile::tempdir().unwrap();
        let renamed = write_key(dir.path(), "release-2026.pub", &demo());
        match kit_keys(std::slice::from_ref(&renamed), false) {
            Err(TrustError::DemoKey { path, fingerprint }) => {
                assert_eq!(path, renamed);
                assert_eq!(fingerprint, demo().fingerprint());
            }
            other => panic!("{other:?}"),
        }
        // Asked for, it is the demo key once, under its own name.
        let keys = kit_keys(&[renamed], true).unwrap();
        assert_eq!(keys.files.keys().collect::<Vec<_>>(), [DEMO_KEY_FILE]);
    }

    #[test]
    fn a_real_key_named_like_the_demo_key_is_not_the_demo_key() {
        let dir = tempfile::tempdir().unwrap();
        let mine = SecretKey::generate().unwrap().public();
        let p = write_key(dir.path(), DEMO_KEY_FILE, &mine);
        let keys = kit_keys(std::slice::from_ref(&p), false).unwrap();
        assert!(keys.demo.is_empty());
        assert_eq!(keys.files[DEMO_KEY_FILE], mine.to_pem().into_bytes());
        // Beside the real demo key it would take its place: refused.
        assert!(matches!(
            kit_keys(&[p], true),
            Err(TrustError::SameName { .. })
        ));
    }

    #[test]
    fn names_the_installer_would_not_read_and_clashes_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let key = SecretKey::generate().unwrap().public();
        let pem = write_key(dir.path(), "mine.pem", &key);
        assert!(matches!(
            kit_keys(&[pem], false),
            Err(TrustError::NotPub { .. })
        ));
        std::fs::create_dir(dir.path().join("other")).unwrap();
        let a = write_key(dir.path(), "release.pub", &key);
        let b = write_key(
            &dir.path().join("other"),
            "release.pub",
            &SecretKey::generate().unwrap().public(),
        );
        let e = kit_keys(&[a.clone(), b], false).unwrap_err();
        assert!(matches!(e, TrustError::SameName { .. }), "{e}");
        // The same key twice is one key.
        let again = write_key(&dir.path().join("other"), "copy.pub", &key);
        let keys = kit_keys(&[a, again], false).unwrap();
        assert_eq!(keys.files.keys().collect::<Vec<_>>(), ["release.pub"]);
    }

    #[test]
    fn a_file_that_is_no_key_is_refused_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("junk.pub");
        std::fs::write(&p, "not a key").unwrap();
        let e = kit_keys(&[p], false).unwrap_err();
        let text = format!("{:#}", anyhow::Error::from(e));
        assert!(text.contains("junk.pub"), "{text}");
    }
}
