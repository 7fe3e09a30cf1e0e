//! The manifest: what a payload is, what it may be installed over, and the
//! checksums of every byte it carries. Its exact bytes are what is signed.

use std::fmt;

use semver::{Version, VersionReq};
use serde::{Deserialize, Serialize};

use crate::keys::{Fingerprint, PublicKey};
use crate::product::InstallDefinition;
use crate::{Error, ManifestProblem as Problem, Newer};

/// The newest manifest format this code reads and writes: format 2 adds
/// compressed components (and zero chunks) to format 1.
pub const FORMAT: u32 = 2;

/// The oldest manifest format this code still reads (and writes, when a
/// payload needs nothing newer).
pub const FORMAT_1: u32 = 1;

/// A manifest larger than this is refused before it is parsed. One MiB chunks
/// of a 50 GiB root image need about 3.5 MiB of chunk list uncompressed,
/// about 4.2 MiB compressed (each chunk also records its stored length).
pub const MAX_MANIFEST_BYTES: u64 = 8 * 1024 * 1024;

/// Chunk sizes: a power of two in this range. Small enough that a bad sector
/// is caught early and memory stays low, large enough that the chunk list
/// stays small.
pub const MIN_CHUNK_SIZE: u64 = 64 * 1024;
pub const MAX_CHUNK_SIZE: u64 = 16 * 1024 * 1024;
pub const DEFAULT_CHUNK_SIZE: u64 = 1024 * 1024;

/// At most this many components: a release is a handful of files.
pub const MAX_COMPONENTS: usize = 64;

/// No component larger than 1 TiB: keeps every offset sum far from overflow.
pub const MAX_COMPONENT_SIZE: u64 = 1 << 40;

/// At most this many hotfixes in a hotfix's `includes-hotfixes`: with the
/// hotfix itself, what an installed slot may list.
pub const MAX_INCLUDED_HOTFIXES: usize = 255;

/// A SHA-256 digest, written as 64 lowercase hexadecimal digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sha256Digest(pub [u8; 32]);

impl fmt::Display for Sha256Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for Sha256Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sha256Digest({self})")
    }
}

impl Serialize for Sha256Digest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Sha256Digest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let mut bytes = [0u8; 32];
        if text.len() != 64 {
            return Err(serde::de::Error::custom(format!(
                "a sha256 digest has 64 hexadecimal digits, not {}",
                text.len()
            )));
        }
        hex::decode_to_slice(&text, &mut bytes).map_err(|_| {
            serde::de::Error::custom(format!("'{text}' is not a hexadecimal sha256 digest"))
        })?;
        Ok(Sha256Digest(bytes))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A whole system: installed into a slot, upgrading an older release.
    Release,
    /// A fix for exactly one release, applied over it.
    Hotfix,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Release => "release",
            Kind::Hotfix => "hotfix",
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HashAlgorithm {
    Sha256,
}

/// Keys a payload asks installed systems to trust from now on, and keys it
/// asks them to stop trusting. Only honoured once the manifest carrying it
/// has verified against a key the system already trusts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct TrustUpdate {
    /// New public keys, each the base64 of its SPKI DER form.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<String>,
    /// Fingerprints of keys no longer to be trusted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revoke: Vec<Fingerprint>,
}

impl TrustUpdate {
    pub fn public_keys(&self) -> Result<Vec<PublicKey>, Error> {
        self.keys
            .iter()
            .map(|k| PublicKey::from_spki_base64(k))
            .collect()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Component {
    pub name: String,
    /// Uncompressed size: the bytes the component is once installed.
    pub size: u64,
    /// SHA-256 of the uncompressed bytes (what `sha256sum` of the
    /// installed file or slot image gives).
    pub sha256: Sha256Digest,
    /// Uncompressed length of every chunk but the last (which holds the
    /// rest).
    pub chunk_size: u64,
    /// How the chunks are stored; format 2 only when not `none`.
    #[serde(default, skip_serializing_if = "Compression::is_none")]
    pub compression: Compression,
    pub chunks: Vec<Chunk>,
}

/// How a component's chunks are stored in the payload.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Compression {
    /// Each chunk as it is (format 1).
    #[default]
    None,
    /// Each chunk one zstd frame, or a zero chunk stored as nothing.
    Zstd,
}

impl Compression {
    pub fn is_none(&self) -> bool {
        *self == Compression::None
    }

    /// The names a manifest may give, for the error naming an unknown one.
    pub const NAMES: [&'static str; 2] = ["none", "zstd"];
}

impl fmt::Display for Compression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Compression::None => "none",
            Compression::Zstd => "zstd",
        })
    }
}

/// One chunk of a component as the manifest records it. Written as one
/// string: `"HEX"` (stored as it is), `"HEX:LEN"` (a zstd frame of LEN
/// bytes whose SHA-256 is HEX) or `"zero"` (all zeros, nothing stored).
/// The uncompressed length of chunk `i` is fixed by the component's
/// `size` and `chunk-size` ([`Component::chunk_range`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Chunk {
    /// Stored uncompressed: the digest is of the chunk's bytes.
    Raw(Sha256Digest),
    /// A zstd frame of `stored` bytes whose SHA-256 is `sha256`.
    Frame { sha256: Sha256Digest, stored: u64 },
    /// Every byte zero; nothing stored.
    Zero,
}

impl Chunk {
    /// Bytes of the chunk in the payload, given its uncompressed length.
    pub fn stored_len(&self, len: u64) -> u64 {
        match self {
            Chunk::Raw(_) => len,
            Chunk::Frame { stored, .. } => *stored,
            Chunk::Zero => 0,
        }
    }

    /// The digest of the stored bytes, if any are stored.
    pub fn stored_digest(&self) -> Option<&Sha256Digest> {
        match self {
            Chunk::Raw(d) | Chunk::Frame { sha256: d, .. } => Some(d),
            Chunk::Zero => None,
        }
    }
}

impl fmt::Display for Chunk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Chunk::Raw(d) => write!(f, "{d}"),
            Chunk::Frame { sha256, stored } => write!(f, "{sha256}:{stored}"),
            Chunk::Zero => f.write_str("zero"),
        }
    }
}

impl Serialize for Chunk {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Chunk {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        if text == "zero" {
            return Ok(Chunk::Zero);
        }
        let digest = |hex: &str| {
            Sha256Digest::deserialize(serde::de::value::StrDeserializer::<D::Error>::new(hex))
        };
        match text.split_once(':') {
            None => Ok(Chunk::Raw(digest(&text)?)),
            Some((hex, len)) => {
                let stored = len
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n > 0 && len.bytes().all(|b| b.is_ascii_digit()))
                    .ok_or_else(|| {
                        serde::de::Error::custom(format!(
                            "chunk '{}': '{}' is not a stored length",
                            text.escape_debug(),
                            len.escape_debug()
                        ))
                    })?;
                Ok(Chunk::Frame {
                    sha256: digest(hex)?,
                    stored,
                })
            }
        }
    }
}

impl Component {
    /// Bytes the component takes in the payload (its tar member's size).
    pub fn stored_size(&self) -> u64 {
        // Validation bounds every stored length by MAX_CHUNK_SIZE * 2 and
        // the count by MAX_COMPONENT_SIZE / MIN_CHUNK_SIZE: no overflow.
        (0..self.chunks.len() as u64)
            .zip(&self.chunks)
            .map(|(i, c)| {
                let (start, end) = self.chunk_range(i);
                c.stored_len(end - start)
            })
            .fold(0u64, u64::saturating_add)
    }

    /// Number of chunks stored as zero runs (nothing in the payload).
    pub fn zero_chunks(&self) -> usize {
        self.chunks.iter().filter(|c| **c == Chunk::Zero).count()
    }

    /// Byte range of chunk `index` within the component.
    pub fn chunk_range(&self, index: u64) -> (u64, u64) {
        let start = index.saturating_mul(self.chunk_size).min(self.size);
        let end = start.saturating_add(self.chunk_size).min(self.size);
        (start, end)
    }

    /// The error of chunk `index` whose bytes are not the signed ones.
    pub(crate) fn chunk_mismatch(&self, index: u64) -> Error {
        let (start, end) = self.chunk_range(index);
        Error::ChunkMismatch {
            component: self.name.clone(),
            chunk: index,
            start,
            end,
        }
    }

    pub(crate) fn expected_chunks(size: u64, chunk_size: u64) -> u64 {
        size.div_ceil(chunk_size)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Manifest {
    pub format: u32,
    pub product: String,
    pub version: Version,
    pub kind: Kind,
    /// Release only: installed versions this release may upgrade.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upgrades_from: Option<VersionReq>,
    /// Release only: the product's first release, which upgrades nothing
    /// (`upgrades-from` absent). Format 2.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub first_release: bool,
    /// Hotfix only: the exact release it applies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_to: Option<Version>,
    /// Hotfix only: its short identifier, e.g. `hf1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hotfix_id: Option<String>,
    /// Hotfix only: the other hotfixes of the release its image holds, in
    /// the order they were made. It goes only over a system whose hotfixes
    /// are all listed here; a manifest without the field (from before it
    /// existed) includes none, so it goes only over the bare release.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub includes_hotfixes: Vec<String>,
    /// The oldest installer that understands this payload.
    pub min_installer: Version,
    /// When the payload was built (RFC 3339, UTC). Shown, never compared
    /// with a clock: media must verify on machines whose clock is wrong.
    pub created: String,
    /// Schema version of the configuration this release expects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_schema: Option<u32>,
    pub hash: HashAlgorithm,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust: Option<TrustUpdate>,
    /// Release only: how the product installs (`crate::product`); absent,
    /// the installer uses [`InstallDefinition::default`]. Format 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub install: Option<InstallDefinition>,
    #[serde(rename = "component")]
    pub components: Vec<Component>,
}

/// A zstd frame never needs more than this many bytes for a chunk (its
/// worst case is a few bytes per 128 KiB block over the input); a stored
/// length above it is refused before a byte is read.
pub fn max_stored_len(len: u64) -> u64 {
    len + len / 64 + 1024
}

impl Manifest {
    /// Parses and validates manifest bytes. The size cap applies here too,
    /// so a caller that did not check it cannot be made to parse a huge one.
    pub fn parse(bytes: &[u8]) -> Result<Manifest, Error> {
        if bytes.len() as u64 > MAX_MANIFEST_BYTES {
            return Err(Error::ManifestTooLarge {
                size: bytes.len() as u64,
                max: MAX_MANIFEST_BYTES,
            });
        }
        let text = std::str::from_utf8(bytes).map_err(|_| Error::Manifest(Problem::NotText))?;
        let syntax = |e: toml::de::Error| {
            Error::Manifest(Problem::Syntax(toml_syntax::SyntaxError::from_de(&e, text)))
        };
        let probe: toml::Table = toml::from_str(text).map_err(syntax)?;
        check_readable(&probe)?;
        let manifest: Manifest = toml::from_str(text).map_err(syntax)?;
        manifest.validate()?;
        Ok(manifest)
    }

    /// `created` as a time; `None` when it is not RFC 3339, which
    /// validation refuses.
    pub fn created_time(&self) -> Option<time::OffsetDateTime> {
        time::OffsetDateTime::parse(
            &self.created,
            &time::format_description::well_known::Rfc3339,
        )
        .ok()
    }

    /// The bytes that get signed. Parsing them back gives the same manifest.
    pub fn to_toml(&self) -> Result<String, Error> {
        self.validate()?;
        // The serializer refuses only what a valid manifest has not: a
        // number above i64::MAX (validation bounds every size, count and
        // chunk length far below), a map with keys that are not strings
        // (there is none).
        let body = toml::to_string(self).expect("a valid manifest always serializes");
        Ok(format!("# Ferry payload manifest\n{body}"))
    }

    /// The file name admins and installers expect for this payload.
    pub fn file_name(&self) -> String {
        match (self.kind, &self.hotfix_id) {
            (Kind::Hotfix, Some(id)) => {
                format!("{}-{}-hotfix-{id}.upg", self.product, self.version)
            }
            _ => format!("{}-{}.upg", self.product, self.version),
        }
    }

    /// A one-line name a technician reads: "demo-engine 1.1.0 hotfix hf1".
    pub fn title(&self) -> String {
        match (self.kind, &self.hotfix_id) {
            (Kind::Hotfix, Some(id)) => format!("{} {} hotfix {id}", self.product, self.version),
            _ => format!("{} {}", self.product, self.version),
        }
    }

    pub fn component(&self, name: &str) -> Option<&Component> {
        self.components.iter().find(|c| c.name == name)
    }

    /// Sum of all component sizes.
    pub fn total_size(&self) -> u64 {
        // Each is at most 2^40 and there are at most 64: no overflow.
        self.components.iter().map(|c| c.size).sum()
    }

    /// The oldest format that holds what this manifest says: format 2 for
    /// the install definition, a first release or a compressed component;
    /// else format 1, so that older installers read it.
    pub fn needed_format(&self) -> u32 {
        let compressed = self.components.iter().any(|c| !c.compression.is_none());
        if self.install.is_some() || self.first_release || compressed {
            FORMAT
        } else {
            FORMAT_1
        }
    }

    pub fn validate(&self) -> Result<(), Error> {
        let bad = |problem: Problem| Err(Error::Manifest(problem));
        if !(FORMAT_1..=FORMAT).contains(&self.format) {
            return bad(Problem::Format {
                format: self.format,
            });
        }
        // Compressed components say so themselves (`check_chunks`).
        if self.format < FORMAT && (self.install.is_some() || self.first_release) {
            return bad(Problem::NeedsFormat2 {
                format: self.format,
            });
        }
        if let Some(def) = &self.install {
            def.validate()
                .map_err(|e| Error::Manifest(Problem::Install(e)))?;
        }
        if !valid_product_id(&self.product) {
            return bad(Problem::ProductId {
                id: self.product.clone(),
            });
        }
        if self.created_time().is_none() {
            return bad(Problem::Created {
                created: self.created.clone(),
            });
        }
        match self.kind {
            Kind::Release => {
                match (&self.upgrades_from, self.first_release) {
                    (None, false) => return bad(Problem::NoUpgradeRule),
                    (Some(_), true) => return bad(Problem::FirstReleaseUpgrades),
                    _ => {}
                }
                if self.applies_to.is_some()
                    || self.hotfix_id.is_some()
                    || !self.includes_hotfixes.is_empty()
                {
                    return bad(Problem::HotfixKeysInRelease);
                }
            }
            Kind::Hotfix => {
                let Some(base) = &self.applies_to else {
                    return bad(Problem::NoAppliesTo);
                };
                if *base != self.version {
                    return bad(Problem::AppliesToDiffers {
                        version: self.version.clone(),
                        applies_to: base.clone(),
                    });
                }
                match &self.hotfix_id {
                    Some(id) if valid_hotfix_id(id) => {}
                    Some(id) => return bad(Problem::HotfixId { id: id.clone() }),
                    None => return bad(Problem::NoHotfixId),
                }
                if self.upgrades_from.is_some() || self.first_release || self.install.is_some() {
                    return bad(Problem::ReleaseKeysInHotfix);
                }
                self.check_included_hotfixes()?;
            }
        }
        if let Some(trust) = &self.trust {
            trust.public_keys()?;
            if trust.keys.is_empty() && trust.revoke.is_empty() {
                return bad(Problem::EmptyTrust);
            }
        }
        if self.components.is_empty() {
            return bad(Problem::NoComponents);
        }
        if self.components.len() > MAX_COMPONENTS {
            return bad(Problem::TooManyComponents {
                count: self.components.len(),
            });
        }
        let mut names = std::collections::BTreeSet::new();
        for c in &self.components {
            check_component_name(&c.name)?;
            let component = || c.name.clone();
            if !names.insert(c.name.as_str()) {
                return bad(Problem::ComponentTwice {
                    component: component(),
                });
            }
            if c.size > MAX_COMPONENT_SIZE {
                return bad(Problem::ComponentTooLarge {
                    component: component(),
                    size: c.size,
                });
            }
            if !c.chunk_size.is_power_of_two()
                || !(MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&c.chunk_size)
            {
                return bad(Problem::ChunkSize {
                    component: component(),
                    chunk_size: c.chunk_size,
                });
            }
            check_chunks(self.format, c)?;
            let needed = Component::expected_chunks(c.size, c.chunk_size);
            if c.chunks.len() as u64 != needed {
                return bad(Problem::ChunkCount {
                    component: component(),
                    listed: c.chunks.len(),
                    size: c.size,
                    chunk_size: c.chunk_size,
                    needed,
                });
            }
        }
        Ok(())
    }
}

impl Manifest {
    fn check_included_hotfixes(&self) -> Result<(), Error> {
        let bad = |problem: Problem| Err(Error::Manifest(problem));
        let list = &self.includes_hotfixes;
        if list.len() > MAX_INCLUDED_HOTFIXES {
            return bad(Problem::TooManyIncluded { count: list.len() });
        }
        for (i, id) in list.iter().enumerate() {
            if !valid_hotfix_id(id) {
                return bad(Problem::IncludedId { id: id.clone() });
            }
            if Some(id) == self.hotfix_id.as_ref() {
                return bad(Problem::IncludesItself { id: id.clone() });
            }
            if list[..i].contains(id) {
                return bad(Problem::IncludedTwice { id: id.clone() });
            }
        }
        Ok(())
    }
}

/// The format number and every component's compression, read leniently
/// before the manifest is parsed strictly: a manifest from a newer format,
/// or with a compression this code does not know, is refused as such
/// (naming the installer it needs) rather than as an unknown field.
fn check_readable(probe: &toml::Table) -> Result<(), Error> {
    let needs = || {
        probe
            .get("min-installer")
            .and_then(|v| v.as_str())
            .and_then(|v| Version::parse(v).ok())
    };
    match probe.get("format") {
        Some(toml::Value::Integer(v)) if (i64::from(FORMAT_1)..=i64::from(FORMAT)).contains(v) => {}
        Some(toml::Value::Integer(v)) => {
            return Err(Error::NewerFormat {
                what: Newer::Format(*v),
                min_installer: needs(),
            })
        }
        Some(_) => return Err(Error::Manifest(Problem::FormatNotANumber)),
        None => return Err(Error::Manifest(Problem::NoFormat)),
    }
    let components = probe.get("component").and_then(|v| v.as_array());
    for c in components.into_iter().flatten() {
        let name = c.get("compression").and_then(|v| v.as_str());
        if let Some(name) = name.filter(|n| !Compression::NAMES.contains(n)) {
            return Err(Error::NewerFormat {
                what: Newer::Compression {
                    component: c
                        .get("name")
                        .and_then(|v| v.as_str())
                        .unwrap_or("?")
                        .to_string(),
                    compression: name.to_string(),
                },
                min_installer: needs(),
            });
        }
    }
    Ok(())
}

/// The chunk list agrees with the component's compression and the format:
/// stored as it is, every entry a plain digest; compressed (format 2 only),
/// every entry a frame of a bounded length or a zero chunk.
fn check_chunks(format: u32, c: &Component) -> Result<(), Error> {
    let bad = |problem: Problem| Err(Error::Manifest(problem));
    let component = || c.name.clone();
    match c.compression {
        Compression::None => {
            let not_raw = (0u64..)
                .zip(&c.chunks)
                .find(|(_, k)| !matches!(k, Chunk::Raw(_)));
            if let Some((chunk, entry)) = not_raw {
                return bad(Problem::NotCompressed {
                    component: component(),
                    chunk,
                    entry: *entry,
                });
            }
        }
        Compression::Zstd => {
            if format < FORMAT {
                return bad(Problem::CompressedInFormat {
                    component: component(),
                    format,
                });
            }
            for (chunk, k) in (0u64..).zip(&c.chunks) {
                match k {
                    Chunk::Raw(_) => {
                        return bad(Problem::NoStoredLength {
                            component: component(),
                            chunk,
                        })
                    }
                    Chunk::Frame { stored, .. } if *stored > max_stored_len(c.chunk_size) => {
                        return bad(Problem::StoredTooLong {
                            component: component(),
                            chunk,
                            stored: *stored,
                            chunk_size: c.chunk_size,
                        })
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(())
}

/// Component names become tar member names and file names on the target:
/// plain names only, no directories, no way out of a directory.
pub fn check_component_name(name: &str) -> Result<(), Error> {
    let ok = !name.is_empty()
        && name.len() <= 100
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        && name.as_bytes()[0].is_ascii_alphanumeric();
    if !ok {
        return Err(Error::Manifest(Problem::ComponentName {
            name: name.into(),
        }));
    }
    if name == crate::container::MANIFEST_NAME || name == crate::container::SIGNATURE_NAME {
        return Err(Error::Manifest(Problem::ReservedName { name: name.into() }));
    }
    Ok(())
}

pub(crate) fn valid_product_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
}

pub(crate) fn valid_hotfix_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 32
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        && id.as_bytes()[0].is_ascii_alphanumeric()
}
