//! Why a signature file or a key cannot be read.

use std::path::{Path, PathBuf};

use toml_syntax::SyntaxError;

use crate::Fingerprint;

/// What is wrong with `manifest.sig`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureProblem {
    #[error("it is {size} bytes, more than the {max} allowed")]
    TooLarge { size: u64, max: u64 },
    #[error("it is not UTF-8 text")]
    NotText,
    /// The TOML parser's account, or the typed reading's.
    #[error("{0}")]
    Syntax(SyntaxError),
    #[error("it holds no signature")]
    Empty,
    #[error("it holds {count} signatures, more than the {max} allowed")]
    TooMany { count: usize, max: usize },
    #[error("the signature by key {} is not valid base64", key.short())]
    NotBase64 { key: Fingerprint },
    #[error(
        "the signature by key {} is {len} bytes; ed25519 signatures are 64",
        key.short()
    )]
    Length { key: Fingerprint, len: usize },
}

/// Why a key, a key file or a fingerprint cannot be used. `file` is the
/// key file it was read from, when it was.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyProblem {
    #[error("'{}' is not a key fingerprint (64 hexadecimal digits)", text.escape_debug())]
    NotAFingerprint { text: String },
    /// `detail` is the PKCS#8 reader's own account.
    #[error("{}not an ed25519 private key in PKCS#8 PEM: {detail}", in_file(file))]
    NotPrivateKey {
        file: Option<PathBuf>,
        detail: String,
    },
    /// `detail` is the SPKI reader's own account.
    #[error("{}not an ed25519 public key in SPKI PEM: {detail}", in_file(file))]
    NotPublicKey {
        file: Option<PathBuf>,
        detail: String,
    },
    /// A key a manifest's `[trust]` lists.
    #[error("a listed public key is not valid base64")]
    ListedNotBase64,
    /// A key a manifest's `[trust]` lists; `detail` is the SPKI reader's
    /// own account.
    #[error("a listed public key is not ed25519 SPKI: {detail}")]
    ListedNotSpki { detail: String },
    #[error(
        "{}the public key is a small-order point and cannot be trusted",
        in_file(file)
    )]
    Weak { file: Option<PathBuf> },
    #[error("{} is more than {max} bytes: too large to be a key file", file.display())]
    FileTooLarge { file: PathBuf, max: u64 },
}

impl KeyProblem {
    /// The same problem, of the key read from `path`.
    pub(crate) fn in_file(self, path: &Path) -> KeyProblem {
        let file = Some(path.to_path_buf());
        match self {
            KeyProblem::NotPrivateKey { detail, .. } => KeyProblem::NotPrivateKey { file, detail },
            KeyProblem::NotPublicKey { detail, .. } => KeyProblem::NotPublicKey { file, detail },
            KeyProblem::Weak { .. } => KeyProblem::Weak { file },
            other => other,
        }
    }
}

/// "PATH: " before a key's problem, when it was read from a file.
fn in_file(file: &Option<PathBuf>) -> String {
    match file {
        Some(path) => format!("{}: ", path.display()),
        None => String::new(),
    }
}
