//! `manifest.sig` and the set of keys a verifier trusts.

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine as _;
use ed25519_dalek::{Signature, Signer};
use serde::{Deserialize, Serialize};

use crate::keys::{Fingerprint, PublicKey, SecretKey};
use crate::manifest::TrustUpdate;
use crate::{Error, SignatureProblem, Untrusted};

/// `manifest.sig` larger than this is refused unread.
pub const MAX_SIGNATURE_BYTES: u64 = 64 * 1024;
const MAX_SIGNATURES: usize = 16;

/// The contents of `manifest.sig`: one or more ed25519 signatures over the
/// exact bytes of `manifest.toml`. Several signatures let a payload verify
/// on systems that trust the old key and on those that trust the new one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureFile {
    #[serde(rename = "signature")]
    pub signatures: Vec<SignatureEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct SignatureEntry {
    /// Fingerprint of the signing key's SPKI DER.
    pub key: Fingerprint,
    /// The 64-byte signature, base64.
    pub ed25519: String,
}

impl SignatureFile {
    pub fn sign(manifest: &[u8], keys: &[&SecretKey]) -> SignatureFile {
        let signatures = keys
            .iter()
            .map(|k| SignatureEntry {
                key: k.public().fingerprint(),
                ed25519: base64::engine::general_purpose::STANDARD
                    .encode(k.signing_key().sign(manifest).to_bytes()),
            })
            .collect();
        SignatureFile { signatures }
    }

    pub fn parse(bytes: &[u8]) -> Result<SignatureFile, Error> {
        if bytes.len() as u64 > MAX_SIGNATURE_BYTES {
            return Err(Error::SignatureFormat(SignatureProblem::TooLarge {
                size: bytes.len() as u64,
                max: MAX_SIGNATURE_BYTES,
            }));
        }
        let text = std::str::from_utf8(bytes)
            .map_err(|_| Error::SignatureFormat(SignatureProblem::NotText))?;
        let file: SignatureFile = toml::from_str(text).map_err(|e| {
            Error::SignatureFormat(SignatureProblem::Syntax(toml_syntax::SyntaxError::from_de(
                &e, text,
            )))
        })?;
        if file.signatures.is_empty() {
            return Err(Error::SignatureFormat(SignatureProblem::Empty));
        }
        if file.signatures.len() > MAX_SIGNATURES {
            return Err(Error::SignatureFormat(SignatureProblem::TooMany {
                count: file.signatures.len(),
                max: MAX_SIGNATURES,
            }));
        }
        for s in &file.signatures {
            s.signature()?;
        }
        Ok(file)
    }

    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).expect("a signature file always serializes");
        format!("# Ferry payload signature over manifest.toml\n{body}")
    }
}

impl SignatureEntry {
    fn signature(&self) -> Result<Signature, Error> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(self.ed25519.trim())
            .map_err(|_| Error::SignatureFormat(SignatureProblem::NotBase64 { key: self.key }))?;
        let bytes: [u8; 64] = bytes.as_slice().try_into().map_err(|_| {
            Error::SignatureFormat(SignatureProblem::Length {
                key: self.key,
                len: bytes.len(),
            })
        })?;
        Ok(Signature::from_bytes(&bytes))
    }
}

/// The keys a verifier trusts and the fingerprints it refuses.
///
/// Revocation wins: a revoked key stays refused even if it is trusted again
/// later, so a leaked key cannot be brought back by an old payload.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustStore {
    keys: BTreeMap<Fingerprint, PublicKey>,
    revoked: BTreeSet<Fingerprint>,
}

impl TrustStore {
    pub fn new() -> TrustStore {
        TrustStore::default()
    }

    pub fn with_keys(keys: impl IntoIterator<Item = PublicKey>) -> TrustStore {
        let mut store = TrustStore::new();
        for k in keys {
            store.trust(k);
        }
        store
    }

    pub fn trust(&mut self, key: PublicKey) {
        let fp = key.fingerprint();
        if !self.revoked.contains(&fp) {
            self.keys.insert(fp, key);
        }
    }

    pub fn revoke(&mut self, fingerprint: Fingerprint) {
        self.keys.remove(&fingerprint);
        self.revoked.insert(fingerprint);
    }

    pub fn trusted(&self) -> impl Iterator<Item = (&Fingerprint, &PublicKey)> {
        self.keys.iter()
    }

    pub fn revoked(&self) -> impl Iterator<Item = &Fingerprint> {
        self.revoked.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Checks the signatures over `manifest`; returns the fingerprints of
    /// every trusted key whose signature verified, in the order of the
    /// signature file, each once. A payload signed by an old and a new key
    /// names both, so whoever decides about the signer (an installed
    /// system's own trusted keys) can accept any of them.
    ///
    /// Every signature by a trusted key must hold: one that does not match
    /// refuses the payload even next to a good one. Signatures by revoked or
    /// unknown keys are not checked and count for nothing. Verification is
    /// strict: non-canonical signatures and small-order keys or points are
    /// refused.
    pub fn verify(&self, manifest: &[u8], sigs: &SignatureFile) -> Result<Vec<Fingerprint>, Error> {
        let mut signers: Vec<Fingerprint> = Vec::new();
        let mut revoked = None;
        let mut unknown = None;
        for entry in &sigs.signatures {
            if self.revoked.contains(&entry.key) {
                revoked.get_or_insert(entry.key);
                continue;
            }
            let Some(key) = self.keys.get(&entry.key) else {
                unknown.get_or_insert(entry.key);
                continue;
            };
            let sig = entry.signature()?;
            if key.verifying_key().verify_strict(manifest, &sig).is_err() {
                return Err(Error::Untrusted(Untrusted::Mismatch { key: entry.key }));
            }
            if !signers.contains(&entry.key) {
                signers.push(entry.key);
            }
        }
        if !signers.is_empty() {
            return Ok(signers);
        }
        Err(Error::Untrusted(if let Some(key) = revoked {
            Untrusted::Revoked { key }
        } else if let Some(key) = unknown {
            Untrusted::NotTrusted {
                key,
                trusted: self.keys.keys().copied().collect(),
            }
        } else {
            Untrusted::Unsigned
        }))
    }

    /// The store an installed system keeps after a verified payload carrying
    /// `update`: its new keys added, its revoked keys removed for good.
    pub fn updated(&self, update: &TrustUpdate) -> Result<TrustStore, Error> {
        let mut next = self.clone();
        for fp in &update.revoke {
            next.revoke(*fp);
        }
        for key in update.public_keys()? {
            next.trust(key);
        }
        if next.is_empty() {
            return Err(Error::Untrusted(Untrusted::NoKeyLeft));
        }
        Ok(next)
    }
}
