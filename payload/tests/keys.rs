#![allow(clippy::unwrap_used)]
//! Key files interoperate with OpenSSL both ways; verification is strict.

mod common;
use common::*;
use std::process::Command;

use base64::Engine as _;
use payload::{Fingerprint, PublicKey, SecretKey, SignatureEntry, SignatureFile, TrustStore};

fn openssl(args: &[&str]) -> Vec<u8> {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .expect("openssl is needed for the interoperability tests (Debian package: openssl)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn keys_made_by_openssl_sign_payloads_we_verify() {
    let dir = tempfile::tempdir().unwrap();
    let key_path = dir.path().join("k.key");
    let pub_path = dir.path().join("k.pub");
    openssl(&[
        "genpkey",
        "-algorithm",
        "ed25519",
        "-out",
        key_path.to_str().unwrap(),
    ]);
    openssl(&[
        "pkey",
        "-in",
        key_path.to_str().unwrap(),
        "-pubout",
        "-out",
        pub_path.to_str().unwrap(),
    ]);
    let secret = SecretKey::load(&key_path).unwrap();
    let public = PublicKey::load(&pub_path).unwrap();
    assert_eq!(secret.public(), public);

    // The fingerprint is the SHA-256 of the SPKI DER, as openssl writes it.
    let der = openssl(&[
        "pkey",
        "-pubin",
        "-in",
        pub_path.to_str().unwrap(),
        "-outform",
        "DER",
    ]);
    use sha2::Digest;
    let want = hex::encode(sha2::Sha256::digest(&der));
    assert_eq!(public.fingerprint().to_string(), want);

    let s = sample(&secret, 3);
    verify(&s.bytes, &TrustStore::with_keys([public])).unwrap();
}

#[test]
fn keys_we_make_are_read_by_openssl_and_sign_alike() {
    let dir = tempfile::tempdir().unwrap();
    let secret = SecretKey::generate().unwrap();
    let key_path = dir.path().join("k.key");
    std::fs::write(&key_path, secret.to_pem()).unwrap();
    let pub_pem = openssl(&["pkey", "-in", key_path.to_str().unwrap(), "-pubout"]);
    assert_eq!(
        String::from_utf8(pub_pem).unwrap(),
        secret.public().to_pem()
    );

    // openssl signs a manifest with our key; we verify it, and the other way.
    let msg_path = dir.path().join("manifest.toml");
    let manifest = release_manifest("1.1.0", vec![component("a", b"x")])
        .to_toml()
        .unwrap();
    std::fs::write(&msg_path, &manifest).unwrap();
    let sig = openssl(&[
        "pkeyutl",
        "-sign",
        "-rawin",
        "-inkey",
        key_path.to_str().unwrap(),
        "-in",
        msg_path.to_str().unwrap(),
    ]);
    let ours = SignatureFile::sign(manifest.as_bytes(), &[&secret]);
    let theirs = base64::engine::general_purpose::STANDARD.encode(&sig);
    assert_eq!(
        ours.signatures[0].ed25519, theirs,
        "ed25519 signatures are deterministic"
    );
    let file = SignatureFile {
        signatures: vec![SignatureEntry {
            key: secret.public().fingerprint(),
            ed25519: theirs,
        }],
    };
    TrustStore::with_keys([secret.public()])
        .verify(manifest.as_bytes(), &file)
        .unwrap();

    let sig_path = dir.path().join("sig");
    let pub_path = dir.path().join("k.pub");
    std::fs::write(&pub_path, secret.public().to_pem()).unwrap();
    std::fs::write(&sig_path, &sig).unwrap();
    openssl(&[
        "pkeyutl",
        "-verify",
        "-rawin",
        "-pubin",
        "-inkey",
        pub_path.to_str().unwrap(),
        "-in",
        msg_path.to_str().unwrap(),
        "-sigfile",
        sig_path.to_str().unwrap(),
    ]);
}

/// The order of the ed25519 group, little endian.
const L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

#[test]
fn non_canonical_signatures_are_refused() {
    let k = key(1);
    let msg = b"manifest";
    let good = SignatureFile::sign(msg, &[&k]);
    let t = TrustStore::with_keys([k.public()]);
    t.verify(msg, &good).unwrap();
    let mut raw = base64::engine::general_purpose::STANDARD
        .decode(&good.signatures[0].ed25519)
        .unwrap();
    // S + L is the same scalar mod L, but not its canonical encoding.
    let mut carry = 0u16;
    for i in 0..32 {
        let sum = u16::from(raw[32 + i]) + u16::from(L[i]) + carry;
        raw[32 + i] = sum as u8;
        carry = sum >> 8;
    }
    assert_eq!(carry, 0);
    let bad = SignatureFile {
        signatures: vec![SignatureEntry {
            key: k.public().fingerprint(),
            ed25519: base64::engine::general_purpose::STANDARD.encode(&raw),
        }],
    };
    assert!(t.verify(msg, &bad).is_err());
}

#[test]
fn small_order_keys_are_refused() {
    // The identity point and a point of order 8, as SPKI.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let mut order8 = [0u8; 32];
    order8.copy_from_slice(
        &hex::decode("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a").unwrap(),
    );
    for point in [identity, order8] {
        let mut der = hex::decode("302a300506032b6570032100").unwrap();
        der.extend_from_slice(&point);
        let b64 = base64::engine::general_purpose::STANDARD.encode(&der);
        let err = PublicKey::from_spki_base64(&b64).unwrap_err().to_string();
        assert!(err.contains("small-order"), "{err}");
        let pem = format!("-----BEGIN PUBLIC KEY-----\n{b64}\n-----END PUBLIC KEY-----\n");
        assert!(PublicKey::from_pem(&pem).is_err());
    }
}

#[test]
fn malformed_key_files_are_clear_errors() {
    assert!(SecretKey::from_pem("").is_err());
    assert!(
        SecretKey::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
            .is_err()
    );
    assert!(
        PublicKey::from_pem(&key(1).to_pem()).is_err(),
        "a private key is not a public key"
    );
    let rsa_spki = "-----BEGIN PUBLIC KEY-----\nMFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAL6Qv3kXxCtpo7RXmWJ/Z1XrG7sjN5gvl8QJ/Ak+BKxDtx6pMc2g6EXoAc5sjxvYIjpkIGeCgTuXXdH34uyv58sCAwEAAQ==\n-----END PUBLIC KEY-----\n";
    let e = PublicKey::from_pem(rsa_spki).unwrap_err().to_string();
    assert!(e.contains("ed25519"), "{e}");
    assert!(Fingerprint::parse("xyz").is_err());
    let fp = key(1).public().fingerprint();
    assert_eq!(Fingerprint::parse(&fp.to_string()).unwrap(), fp);
    assert_eq!(Fingerprint::parse(&format!("sha256:{fp}")).unwrap(), fp);
}

#[test]
fn hostile_signature_files_are_refused() {
    let fp = key(1).public().fingerprint();
    for text in [
        String::new(),
        "signature = []".to_string(),
        format!("[[signature]]\nkey = \"{fp}\"\ned25519 = \"!!!\""),
        format!("[[signature]]\nkey = \"{fp}\"\ned25519 = \"AAAA\""),
        "[[signature]]\nkey = \"00\"\ned25519 = \"AAAA\"".to_string(),
        format!("[[signature]]\nkey = \"{fp}\"\ned25519 = \"\"\nextra = 1"),
        format!("[[signature]]\nkey = \"{fp}\"\ned25519 = \"AAAA\"\n").repeat(17),
    ] {
        assert!(SignatureFile::parse(text.as_bytes()).is_err(), "{text}");
    }
    assert!(SignatureFile::parse(&vec![b' '; 70_000]).is_err());
}
