//! Building payloads in memory, including ones no honest builder would make.
#![allow(dead_code)]

use payload::{
    hash_component, Component, HashAlgorithm, Kind, Manifest, SecretKey, SignatureFile, TrustStore,
    Version, VersionReq, FORMAT, FORMAT_1,
};

pub const CHUNK: u64 = 64 * 1024;

pub fn key(seed: u8) -> SecretKey {
    // Deterministic keys keep failures reproducible.
    let pem = pkcs8_pem_for_seed([seed; 32]);
    SecretKey::from_pem(&pem).unwrap()
}

fn pkcs8_pem_for_seed(seed: [u8; 32]) -> String {
    use base64::Engine as _;
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend_from_slice(&seed);
    format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        base64::engine::general_purpose::STANDARD.encode(der)
    )
}

pub fn trust(keys: &[&SecretKey]) -> TrustStore {
    TrustStore::with_keys(keys.iter().map(|k| k.public()))
}

/// Bytes that differ per component and per position, so swaps are caught.
pub fn data(len: usize, salt: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u32).wrapping_mul(2654435761).to_le_bytes()[1] ^ salt)
        .collect()
}

pub fn component(name: &str, bytes: &[u8]) -> Component {
    hash_component(name, bytes, bytes.len() as u64, CHUNK, &mut |_| {}).unwrap()
}

pub fn release_manifest(version: &str, components: Vec<Component>) -> Manifest {
    Manifest {
        format: if components.iter().all(|c| c.compression.is_none()) {
            FORMAT_1
        } else {
            FORMAT
        },
        product: "demo-engine".into(),
        version: Version::parse(version).unwrap(),
        kind: Kind::Release,
        upgrades_from: Some(VersionReq::parse(">=1.0.0, <1.1.0").unwrap()),
        applies_to: None,
        hotfix_id: None,
        includes_hotfixes: Vec::new(),
        min_installer: Version::new(0, 1, 0),
        created: "2026-01-02T03:04:05Z".into(),
        config_schema: Some(1),
        hash: HashAlgorithm::Sha256,
        trust: None,
        components,
    }
}

/// The header `payload build` writes for a member.
pub fn header(name: &str, size: u64, mtime: u64) -> tar::Header {
    let mut h = tar::Header::new_ustar();
    h.set_path(name).unwrap();
    h.set_size(size);
    h.set_mode(0o644);
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(mtime);
    h.set_entry_type(tar::EntryType::Regular);
    h.set_cksum();
    h
}

/// The time `payload build` gives every member of a payload whose manifest
/// is `text`: its creation time (0 when the text is no valid manifest).
pub fn mtime_of(text: &[u8]) -> u64 {
    Manifest::parse(text)
        .ok()
        .and_then(|m| m.created_time())
        .map_or(0, |t| t.unix_timestamp().max(0).unsigned_abs())
}

/// A tar of the given members, written the way the builder writes them
/// (with the first member's time when it is a manifest).
pub fn tar_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mtime = match members.first() {
        Some(&("manifest.toml", text)) => mtime_of(text),
        _ => 0,
    };
    let mut b = tar::Builder::new(Vec::new());
    for (name, bytes) in members {
        b.append(&header(name, bytes.len() as u64, mtime), *bytes)
            .unwrap();
    }
    b.into_inner().unwrap()
}

/// A payload with `manifest_text` signed by `key` and the given members after.
pub fn signed(manifest_text: &str, key: &SecretKey, rest: &[(&str, &[u8])]) -> Vec<u8> {
    let sig = SignatureFile::sign(manifest_text.as_bytes(), &[key]).to_toml();
    let mut members: Vec<(&str, &[u8])> = vec![
        ("manifest.toml", manifest_text.as_bytes()),
        ("manifest.sig", sig.as_bytes()),
    ];
    members.extend_from_slice(rest);
    tar_of(&members)
}

/// A well-formed payload of three components.
pub struct Sample {
    pub bytes: Vec<u8>,
    pub manifest: Manifest,
    pub parts: Vec<(String, Vec<u8>)>,
}

pub fn sample(key: &SecretKey, salt: u8) -> Sample {
    let parts = vec![
        (
            "rootfs.img".to_string(),
            data(3 * CHUNK as usize + 1000, salt),
        ),
        ("vmlinuz".to_string(), data(70_000, salt.wrapping_add(1))),
        (
            "initrd.img".to_string(),
            data(CHUNK as usize, salt.wrapping_add(2)),
        ),
    ];
    let manifest = release_manifest(
        "1.1.0",
        parts.iter().map(|(n, b)| component(n, b)).collect(),
    );
    let text = manifest.to_toml().unwrap();
    let rest: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    Sample {
        bytes: signed(&text, key, &rest),
        manifest,
        parts,
    }
}

/// Verifies a whole payload held in memory.
pub fn verify(bytes: &[u8], trust: &TrustStore) -> Result<payload::Verified, payload::Error> {
    payload::PayloadReader::open(bytes, trust)?.verify_rest(|_| {})
}

/// A hotfix `id` of 1.1.0 that includes no other hotfix.
pub fn hotfix_manifest(id: &str, components: Vec<Component>) -> Manifest {
    Manifest {
        kind: Kind::Hotfix,
        upgrades_from: None,
        applies_to: Some(Version::new(1, 1, 0)),
        hotfix_id: Some(id.into()),
        ..release_manifest("1.1.0", components)
    }
}
