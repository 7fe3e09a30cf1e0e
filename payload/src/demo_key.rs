//! Demo keys: public keys whose private half is published
//! (`demo-engine/keys/demo-DO-NOT-USE.key`), so that anyone can sign with
//! them. A boot kit trusts one only when asked to (`media-builder bootkit
//! --demo-key`), and every tool that sees one trusted says so.
//!
//! A key is a demo key by its fingerprint, never by its file name or by
//! anything else written in its file: a renamed or re-encoded copy of the
//! demo key is still recognised, and no other key is ever taken for one.

use crate::{Fingerprint, PublicKey, TrustStore};

/// The fingerprint of every published demo key (SHA-256 of its SPKI DER,
/// as `media-builder key show` prints it).
pub const DEMO_KEY_FINGERPRINTS: &[&str] =
    &["b0a267021f24e7bf0df7626399b78318d70a8ea9a56a344ad18efadb69c36de2"];

impl Fingerprint {
    /// Whether this is the fingerprint of a published demo key.
    pub fn is_demo(&self) -> bool {
        let hex = self.to_string();
        DEMO_KEY_FINGERPRINTS.contains(&hex.as_str())
    }
}

impl PublicKey {
    /// Whether this is a published demo key.
    pub fn is_demo(&self) -> bool {
        self.fingerprint().is_demo()
    }
}

impl TrustStore {
    /// The trusted keys that are published demo keys: anyone can sign what
    /// this store accepts while it holds one.
    pub fn demo_keys(&self) -> Vec<Fingerprint> {
        self.trusted()
            .map(|(fp, _)| *fp)
            .filter(Fingerprint::is_demo)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SecretKey;

    const DEMO_PUB: &str = include_str!("../../demo-engine/keys/demo-DO-NOT-USE.pub");
    const DEMO_KEY: &str = include_str!("../../demo-engine/keys/demo-DO-NOT-USE.key");

    #[test]
    fn the_published_demo_key_is_a_demo_key() {
        let public = PublicKey::from_pem(DEMO_PUB).unwrap();
        assert!(public.is_demo());
        assert!(SecretKey::from_pem(DEMO_KEY).unwrap().public().is_demo());
        // The fingerprint its README gives.
        assert!(Fingerprint::parse(DEMO_KEY_FINGERPRINTS[0])
            .unwrap()
            .is_demo());
        // However it is written: the same key from its one-line base64.
        let again = PublicKey::from_spki_base64(&public.to_spki_base64()).unwrap();
        assert!(again.is_demo());
    }

    #[test]
    fn no_other_key_is_a_demo_key() {
        for _ in 0..32 {
            assert!(!SecretKey::generate().unwrap().public().is_demo());
        }
    }

    #[test]
    fn a_trust_store_names_the_demo_keys_it_holds() {
        let demo = PublicKey::from_pem(DEMO_PUB).unwrap();
        let mine = SecretKey::generate().unwrap().public();
        assert!(TrustStore::with_keys([mine]).demo_keys().is_empty());
        assert_eq!(
            TrustStore::with_keys([mine, demo]).demo_keys(),
            vec![demo.fingerprint()]
        );
        let mut revoked = TrustStore::with_keys([mine, demo]);
        revoked.revoke(demo.fingerprint());
        assert!(revoked.demo_keys().is_empty());
    }

    #[test]
    fn every_listed_fingerprint_is_well_formed() {
        for fp in DEMO_KEY_FINGERPRINTS {
            assert_eq!(Fingerprint::parse(fp).unwrap().to_string(), *fp);
        }
    }
}
