//! Demo Engine payloads for tests, built by `payload::build` from small
//! synthetic components (deterministic noise) and the real demo-engine
//! configuration and migrations, and the keys that sign them.

use std::path::{Path, PathBuf};

use payload::{BuildSpec, Kind, SecretKey, TrustStore, TrustUpdate, Version, VersionReq};
use sha2::{Digest, Sha256};

use crate::MIB;

/// Root image size of the test payloads.
pub const ROOTFS_SIZE: u64 = 3 * MIB + 12345;
/// Chunk size of the test payloads: many chunks in a small image.
pub const CHUNK: u64 = 64 * 1024;

/// Deterministic pseudo-random bytes.
pub fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 32);
    let mut counter = 0u64;
    while out.len() < len {
        let d = Sha256::digest(format!("{seed}:{counter}").as_bytes());
        out.extend_from_slice(&d);
        counter += 1;
    }
    out.truncate(len);
    out
}

/// Keys of the tests.
#[derive(Debug)]
pub struct Keys {
    pub vendor: SecretKey,
    pub other: SecretKey,
}

/// Two fresh keys: the vendor's and another one.
pub fn keys() -> Keys {
    Keys {
        vendor: SecretKey::generate().expect("key"),
        other: SecretKey::generate().expect("key"),
    }
}

/// A trust store of the public halves of `keys`.
pub fn trust(keys: &[&SecretKey]) -> TrustStore {
    TrustStore::with_keys(keys.iter().map(|k| k.public()))
}

/// The demo product's sources in the workspace.
fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../demo-engine")
}

/// What a test payload is.
#[derive(Debug, Clone)]
pub struct Release {
    pub product: &'static str,
    pub version: &'static str,
    pub kind: Kind,
    pub hotfix_id: Option<&'static str>,
    pub upgrades_from: Option<&'static str>,
    pub schema: u32,
    pub seed: u64,
    /// The `[trust]` update it carries.
    pub trust: Option<TrustUpdate>,
    /// Hotfix only: the other hotfixes its image holds.
    pub includes: Vec<&'static str>,
    /// Release only: the product's install definition.
    pub install: Option<payload::InstallDefinition>,
    /// Release only: the product's first (`upgrades_from` is then ignored).
    pub first_release: bool,
    /// Bytes of its root image.
    pub rootfs_size: u64,
}

impl Release {
    pub fn new(version: &'static str) -> Release {
        let schema = match version {
            "1.0.0" => 1,
            "1.1.0" => 2,
            _ => 3,
        };
        Release {
            product: "demo-engine",
            version,
            kind: Kind::Release,
            hotfix_id: None,
            upgrades_from: Some(">=0.1.0"),
            schema,
            seed: version.bytes().map(u64::from).sum(),
            trust: None,
            includes: Vec::new(),
            install: None,
            first_release: false,
            rootfs_size: ROOTFS_SIZE,
        }
    }

    pub fn hotfix(version: &'static str, id: &'static str) -> Release {
        Release {
            kind: Kind::Hotfix,
            hotfix_id: Some(id),
            upgrades_from: None,
            seed: 1000 + id.len() as u64,
            ..Release::new(version)
        }
    }

    /// The root image it carries.
    pub fn rootfs(&self) -> Vec<u8> {
        noise(self.seed, self.rootfs_size as usize)
    }

    /// Build it into `dir`, signed by `key`.
    pub fn build(&self, dir: &Path, key: &SecretKey) -> PathBuf {
        self.build_by(dir, &[key])
    }

    /// Build it into `dir`, signed by each of `keys` in this order.
    pub fn build_by(&self, dir: &Path, keys: &[&SecretKey]) -> PathBuf {
        let parts = dir.join(format!("parts-{}-{}", self.version, self.seed));
        std::fs::create_dir_all(&parts).expect("parts dir");
        let mut spec = BuildSpec::new(
            self.product,
            Version::parse(self.version).expect("version"),
            self.kind,
        );
        spec.chunk_size = CHUNK;
        spec.hotfix_id = self.hotfix_id.map(String::from);
        spec.upgrades_from = self
            .upgrades_from
            .filter(|_| !self.first_release)
            .map(|r| VersionReq::parse(r).expect("requirement"));
        spec.first_release = self.first_release;
        spec.install = self.install.clone();
        spec.config_schema = Some(self.schema);
        spec.trust = self.trust.clone();
        spec.includes_hotfixes = self.includes.iter().map(|s| s.to_string()).collect();
        let schema_dir = demo().join(format!("config/schema-{}", self.schema));
        if self.kind == Kind::Release {
            for doc in ["engine.toml", "ferry.toml", "vms.toml"] {
                spec.components
                    .push((format!("config-{doc}"), schema_dir.join(doc)));
            }
            let migrations = demo().join(format!("migrations/release-{}.toml", self.version));
            if migrations.exists() {
                spec.components.push(("migrations.toml".into(), migrations));
            }
        }
        for (name, len) in [("vmlinuz", 70_000usize), ("initrd.img", 150_000)] {
            let p = parts.join(name);
            std::fs::write(&p, noise(self.seed + len as u64, len)).expect("component");
            spec.components.push((name.into(), p));
        }
        let rootfs = parts.join("rootfs.img");
        std::fs::write(&rootfs, self.rootfs()).expect("rootfs");
        spec.components.push(("rootfs.img".into(), rootfs));
        let out = dir.join(format!(
            "{}-{}{}.upg",
            self.product,
            self.version,
            self.hotfix_id.map(|h| format!("-{h}")).unwrap_or_default()
        ));
        payload::build(&spec, keys, &out, &mut |_, _, _| {}).expect("build payload");
        out
    }
}
