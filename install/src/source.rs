//! The payload as the engine uses it: the verified manifest, and the small
//! components (default configuration, migrations) read up front so `plan`
//! can show the configuration the new system gets.
//!
//! Component names the engine relies on:
//!
//! | component | goes to |
//! | --- | --- |
//! | `rootfs.img` | the root slot partition, raw |
//! | `vmlinuz` | `/<slot>/vmlinuz` on the ESP |
//! | `initrd.img` | `/<slot>/initrd.img` on the ESP |
//! | `config-<name>.toml` | `config/<slot>/<name>.toml` on a fresh install: the release's default configuration, `config-ferry.toml` recording its schema |
//! | `migrations.toml` | read by the installer: the steps that migrate an older configuration |
//!
//! Other components are verified and ignored. Put the small components
//! before `rootfs.img`: then planning reads only the head of the medium.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use migrate::{ConfigTree, MigrationSet};
use payload::{Fingerprint, Manifest, PayloadReader, TrustStore};
use sha2::{Digest, Sha256};

use crate::error::{Act, Error, IoContext, Object};
use crate::report::Report;

pub use payload::product::{config_document, CONFIG_PREFIX, INITRD, KERNEL, ROOTFS};
/// The migrations component.
pub const MIGRATIONS: &str = "migrations.toml";

/// Largest small component read into memory.
const MAX_SMALL: u64 = 1024 * 1024;

fn is_small(name: &str) -> bool {
    name == MIGRATIONS || config_document(name).is_some()
}

/// A payload whose signature verified, with its small components read.
#[derive(Debug, Clone)]
pub struct PayloadInfo {
    /// Where it was read from.
    pub path: PathBuf,
    /// The verified manifest.
    pub manifest: Manifest,
    /// SHA-256 of the signed manifest bytes: `apply` checks it reads the
    /// same payload `plan` saw.
    pub manifest_sha256: String,
    /// The first of `signers`: the key a front end names.
    pub signer: Fingerprint,
    /// Every key of the installer's trust store whose signature verified,
    /// in the order of the signature file; never empty. A payload signed
    /// by an old and a new key lists both, and an installed system that
    /// trusts either takes it.
    pub signers: Vec<Fingerprint>,
    /// The installer's trust store it verified against.
    pub trust: TrustStore,
    /// The release's default configuration (`config-*.toml`).
    pub defaults: ConfigTree,
    /// `migrations.toml`, parsed, if the payload has one.
    pub migrations: Option<MigrationSet>,
}

/// Open and verify the payload at `path`.
pub fn open_payload(path: &Path, trust: &TrustStore) -> Result<PayloadInfo, Error> {
    let file =
        File::open(path).ctx(|| Act::Opening.on(Object::Payload(Some(path.to_path_buf()))))?;
    read_payload(BufReader::with_capacity(1 << 20, file), path, trust)
}

/// Verify a payload from any reader; `path` is recorded for `apply`.
pub fn read_payload<R: Read>(
    src: R,
    path: &Path,
    trust: &TrustStore,
) -> Result<PayloadInfo, Error> {
    let mut reader = PayloadReader::open(src, trust)?;
    let manifest = reader.manifest().clone();
    let manifest_sha256 = hex::encode(Sha256::digest(reader.manifest_bytes()));
    let signers = reader.signers().to_vec();
    let mut defaults = ConfigTree::new();
    let mut migrations = None;
    let last_small = manifest.components.iter().rposition(|c| is_small(&c.name));
    for (i, c) in manifest.components.iter().enumerate() {
        if last_small.is_none_or(|last| i > last) {
            break;
        }
        if !is_small(&c.name) {
            reader.skip_component()?;
            continue;
        }
        let (c, bytes) = reader.read_component_to_vec(MAX_SMALL)?;
        if c.name == MIGRATIONS {
            migrations =
                Some(MigrationSet::parse(&bytes).map_err(|e| Error::Migrations(Box::new(e)))?);
        } else if let Some(doc) = config_document(&c.name) {
            defaults
                .insert(doc, bytes)
                .map_err(|source| Error::DefaultConfig {
                    component: c.name.clone(),
                    source: Box::new(source),
                })?;
        }
    }
    Ok(PayloadInfo {
        path: path.to_path_buf(),
        manifest,
        manifest_sha256,
        signer: reader.signer(),
        signers,
        trust: trust.clone(),
        defaults,
        migrations,
    })
}

/// Where `apply` reads the payload from. Each pass reads it from its first
/// byte: an upgrade makes one pass, an install or a wipe that was not told
/// the payload was verified already makes two (the first only verifies,
/// before anything is written).
///
/// A closure that opens the payload (`|| File::open(path)`) is one; a
/// medium that hands out its payload only within a scope (a file on a FAT
/// volume) implements [`PayloadSource::pass`] itself.
pub trait PayloadSource {
    /// Give `pass` the payload as a stream from its first byte; the result
    /// is the pass's, or why the payload could not be opened.
    fn pass(
        &mut self,
        pass: &mut dyn FnMut(&mut dyn Read) -> Result<(), Error>,
    ) -> Result<(), Error>;

    /// Keep a copy of `report` on the medium, when the medium takes
    /// reports itself (a stick): called with the pending report before
    /// the first write to the disk and with the final one at the end. A
    /// copy written is added to `report.saved_to`
    /// ([`crate::Report::save_copy`]); one that cannot be is left out.
    fn keep_report(&mut self, _report: &mut Report) {}
}

impl<R: Read, F: FnMut() -> std::io::Result<R>> PayloadSource for F {
    fn pass(
        &mut self,
        pass: &mut dyn FnMut(&mut dyn Read) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let mut reader = self().ctx(|| Act::Opening.on(Object::Payload(None)))?;
        pass(&mut reader)
    }
}
