//! Signing and verifying keys in the files OpenSSL uses for ed25519:
//! PKCS#8 PEM for private keys, SPKI PEM for public keys.

use std::fmt;
use std::path::Path;

use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::{Error, IoContext, KeyProblem};

/// Key files are a few hundred bytes; a larger one is refused unread.
const MAX_KEY_FILE_BYTES: u64 = 16 * 1024;

/// The SHA-256 of a public key's SPKI DER encoding, the same value
/// `openssl pkey -pubin -outform DER | sha256sum` prints.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    pub fn of(key: &VerifyingKey) -> Fingerprint {
        // SPKI DER of an ed25519 key is a fixed 12-byte prefix and the key.
        let der = key
            .to_public_key_der()
            .expect("encoding a valid ed25519 key as SPKI cannot fail");
        Fingerprint(Sha256::digest(der.as_bytes()).into())
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Parses the 64 hex digits form (as printed by `Display`).
    pub fn parse(text: &str) -> Result<Fingerprint, Error> {
        let text = text.trim();
        let text = text.strip_prefix("sha256:").unwrap_or(text);
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text, &mut bytes).map_err(|_| {
            Error::Key(KeyProblem::NotAFingerprint {
                text: text.to_string(),
            })
        })?;
        Ok(Fingerprint(bytes))
    }

    /// The first 16 hex digits: enough for a technician to compare on screen.
    pub fn short(&self) -> String {
        hex::encode(&self.0[..8])
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({})", self.short())
    }
}

impl serde::Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Fingerprint {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Fingerprint::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A private signing key, loaded from or saved as PKCS#8 PEM.
#[derive(Clone)]
pub struct SecretKey(SigningKey);

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SecretKey(public {})",
            self.public().fingerprint().short()
        )
    }
}

impl SecretKey {
    /// A new key from the operating system's random number generator.
    pub fn generate() -> Result<SecretKey, Error> {
        let mut seed = [0u8; 32];
        getrandom::getrandom(&mut seed).map_err(|e| Error::io(IoContext::Randomness, e.into()))?;
        Ok(SecretKey(SigningKey::from_bytes(&seed)))
    }

    pub fn from_pem(pem: &str) -> Result<SecretKey, Error> {
        SigningKey::from_pkcs8_pem(pem).map(SecretKey).map_err(|e| {
            Error::Key(KeyProblem::NotPrivateKey {
                file: None,
                detail: e.to_string(),
            })
        })
    }

    pub fn load(path: &Path) -> Result<SecretKey, Error> {
        let text = read_key_file(path)?;
        SecretKey::from_pem(&text).map_err(|e| e.in_file(path))
    }

    /// PKCS#8 v1 (seed only, no public key), as `openssl genpkey` writes:
    /// OpenSSL 3.0 does not read the v2 form with the public key attached.
    pub fn to_pem(&self) -> String {
        ed25519_dalek::pkcs8::KeypairBytes {
            secret_key: self.0.to_bytes(),
            public_key: None,
        }
        .to_pkcs8_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF)
        .expect("encoding a valid ed25519 key as PKCS#8 cannot fail")
        .to_string()
    }

    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    pub(crate) fn signing_key(&self) -> &SigningKey {
        &self.0
    }
}

/// A public verifying key, loaded from or saved as SPKI PEM.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.fingerprint().short())
    }
}

impl PublicKey {
    /// Parses an SPKI PEM public key. Small-order ("weak") keys are refused:
    /// a signature made for one cannot bind a message to a signer.
    pub fn from_pem(pem: &str) -> Result<PublicKey, Error> {
        let key = VerifyingKey::from_public_key_pem(pem).map_err(|e| {
            Error::Key(KeyProblem::NotPublicKey {
                file: None,
                detail: e.to_string(),
            })
        })?;
        PublicKey::checked(key)
    }

    /// Parses the base64 of an SPKI DER key (the body of its PEM form on one
    /// line), as manifests carry new keys.
    pub fn from_spki_base64(text: &str) -> Result<PublicKey, Error> {
        use base64::Engine as _;
        let der = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|_| Error::Key(KeyProblem::ListedNotBase64))?;
        let key = VerifyingKey::from_public_key_der(&der).map_err(|e| {
            Error::Key(KeyProblem::ListedNotSpki {
                detail: e.to_string(),
            })
        })?;
        PublicKey::checked(key)
    }

    fn checked(key: VerifyingKey) -> Result<PublicKey, Error> {
        if key.is_weak() {
            return Err(Error::Key(KeyProblem::Weak { file: None }));
        }
        Ok(PublicKey(key))
    }

    pub fn load(path: &Path) -> Result<PublicKey, Error> {
        let text = read_key_file(path)?;
        PublicKey::from_pem(&text).map_err(|e| e.in_file(path))
    }

    pub fn to_pem(&self) -> String {
        self.0
            .to_public_key_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF)
            .expect("encoding a valid ed25519 key as SPKI cannot fail")
    }

    pub fn to_spki_base64(&self) -> String {
        use base64::Engine as _;
        let der = self
            .0
            .to_public_key_der()
            .expect("encoding a valid ed25519 key as SPKI cannot fail");
        base64::engine::general_purpose::STANDARD.encode(der.as_bytes())
    }

    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(&self.0)
    }

    pub(crate) fn verifying_key(&self) -> &VerifyingKey {
        &self.0
    }
}

/// A key file's text, at most [`MAX_KEY_FILE_BYTES`] of it.
fn read_key_file(path: &Path) -> Result<String, Error> {
    use std::io::Read;
    let file = std::fs::File::open(path)
        .map_err(|e| Error::io(IoContext::Opening(path.to_path_buf()), e))?;
    let mut text = String::new();
    file.take(MAX_KEY_FILE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| Error::io(IoContext::Reading(path.to_path_buf()), e))?;
    if text.len() as u64 > MAX_KEY_FILE_BYTES {
        return Err(Error::Key(KeyProblem::FileTooLarge {
            file: path.to_path_buf(),
            max: MAX_KEY_FILE_BYTES,
        }));
    }
    Ok(text)
}
