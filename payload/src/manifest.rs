//! The manifest: what a payload is, what it may be installed over, and the
//! checksums of every byte it carries. Its exact bytes are what is signed.

use std::fmt;

use semver::{Version, VersionReq};
use serde::{Deserialize, Serialize};

use crate::keys::{Fingerprint, PublicKey};
use crate::product::InstallDefinition;
use crate::Error;

/// The manifest format written when nothing newer is needed.
pub const FORMAT: u32 = 1;
/// The newest format this code reads: format 2 adds the product's install
/// definition (`[install]`) and `first-release`, which format-1 readers
/// refuse as unknown keys.
pub const MAX_FORMAT: u32 = 2;

/// A manifest larger than this is refused before it is parsed. One MiB chunks
/// of a 50 GiB root image need about 3.5 MiB of chunk list.
pub const MAX_MANIFEST_BYTES: u64 = 4 * 1024 * 1024;

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
    pub size: u64,
    pub sha256: Sha256Digest,
    pub chunk_size: u64,
    pub chunks: Vec<Sha256Digest>,
}

impl Component {
    /// Byte range of chunk `index` within the component.
    pub fn chunk_range(&self, index: u64) -> (u64, u64) {
        let start = index.saturating_mul(self.chunk_size).min(self.size);
        let end = start.saturating_add(self.chunk_size).min(self.size);
        (start, end)
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

/// Only `format`, read leniently first, so a manifest from a newer format
/// is reported as such rather than as an unknown field.
#[derive(Deserialize)]
struct FormatProbe {
    format: Option<toml::Value>,
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
        let text = std::str::from_utf8(bytes)
            .map_err(|_| Error::Manifest("it is not UTF-8 text".into()))?;
        let probe: FormatProbe =
            toml::from_str(text).map_err(|e| Error::Manifest(toml_message(&e)))?;
        match probe.format {
            Some(toml::Value::Integer(v)) if (1..=i64::from(MAX_FORMAT)).contains(&v) => {}
            Some(toml::Value::Integer(v)) => {
                return Err(Error::Manifest(format!(
                    "it is format {v}; this tool reads formats up to {MAX_FORMAT}: \
                     use a newer installer or media builder"
                )))
            }
            Some(_) => return Err(Error::Manifest("'format' is not a number".into())),
            None => return Err(Error::Manifest("'format' is missing".into())),
        }
        let manifest: Manifest =
            toml::from_str(text).map_err(|e| Error::Manifest(toml_message(&e)))?;
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
        let body = toml::to_string(self).map_err(|e| Error::Manifest(e.to_string()))?;
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

    /// The oldest format that holds what this manifest says.
    pub fn needed_format(&self) -> u32 {
        if self.install.is_some() || self.first_release {
            2
        } else {
            FORMAT
        }
    }

    pub fn validate(&self) -> Result<(), Error> {
        let bad = |msg: String| Err(Error::Manifest(msg));
        if !(1..=MAX_FORMAT).contains(&self.format) {
            return bad(format!(
                "it is format {}; this tool reads formats up to {MAX_FORMAT}",
                self.format
            ));
        }
        if self.format < self.needed_format() {
            return bad(format!(
                "'[install]' and 'first-release' need format 2; it says format {}",
                self.format
            ));
        }
        if let Some(def) = &self.install {
            def.validate()
                .map_err(|e| Error::Manifest(format!("[install]: {e}")))?;
        }
        if !valid_product_id(&self.product) {
            return bad(format!(
                "product id '{}' must be 1-64 lowercase letters, digits or '-'",
                self.product
            ));
        }
        if self.created_time().is_none() {
            return bad(format!(
                "'created' ({}) is not an RFC 3339 time",
                self.created
            ));
        }
        match self.kind {
            Kind::Release => {
                match (&self.upgrades_from, self.first_release) {
                    (None, false) => {
                        return bad("a release must say which versions it upgrades \
                             ('upgrades-from'), or that it is the first ('first-release')"
                            .into())
                    }
                    (Some(_), true) => {
                        return bad("the first release upgrades nothing: \
                             'upgrades-from' and 'first-release' exclude each other"
                            .into())
                    }
                    _ => {}
                }
                if self.applies_to.is_some()
                    || self.hotfix_id.is_some()
                    || !self.includes_hotfixes.is_empty()
                {
                    return bad(
                        "'applies-to', 'hotfix-id' and 'includes-hotfixes' belong to hotfixes, \
                         not releases"
                            .into(),
                    );
                }
            }
            Kind::Hotfix => {
                let Some(base) = &self.applies_to else {
                    return bad(
                        "a hotfix must name the release it applies to ('applies-to')".into(),
                    );
                };
                if *base != self.version {
                    return bad(format!(
                        "a hotfix carries the version of the release it fixes: \
                         'version' is {} but 'applies-to' is {base}",
                        self.version
                    ));
                }
                match &self.hotfix_id {
                    Some(id) if valid_hotfix_id(id) => {}
                    Some(id) => {
                        return bad(format!(
                            "hotfix id '{id}' must be 1-32 letters, digits, '.', '_' or '-'"
                        ))
                    }
                    None => return bad("a hotfix must have an id ('hotfix-id')".into()),
                }
                if self.upgrades_from.is_some() || self.first_release || self.install.is_some() {
                    return bad(
                        "'upgrades-from', 'first-release' and '[install]' belong to releases, \
                         not hotfixes"
                            .into(),
                    );
                }
                self.check_included_hotfixes()?;
            }
        }
        if let Some(trust) = &self.trust {
            trust.public_keys()?;
            if trust.keys.is_empty() && trust.revoke.is_empty() {
                return bad("[trust] is empty".into());
            }
        }
        if self.components.is_empty() {
            return bad("it lists no components".into());
        }
        if self.components.len() > MAX_COMPONENTS {
            return bad(format!(
                "it lists {} components, more than the {MAX_COMPONENTS} allowed",
                self.components.len()
            ));
        }
        let mut names = std::collections::BTreeSet::new();
        for c in &self.components {
            check_component_name(&c.name)?;
            if !names.insert(c.name.as_str()) {
                return bad(format!("component '{}' is listed twice", c.name));
            }
            if c.size > MAX_COMPONENT_SIZE {
                return bad(format!(
                    "component '{}' claims {} bytes, more than the {} allowed",
                    c.name, c.size, MAX_COMPONENT_SIZE
                ));
            }
            if !c.chunk_size.is_power_of_two()
                || !(MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&c.chunk_size)
            {
                return bad(format!(
                    "component '{}' has chunk size {}; it must be a power of two \
                     from {MIN_CHUNK_SIZE} to {MAX_CHUNK_SIZE}",
                    c.name, c.chunk_size
                ));
            }
            let want = Component::expected_chunks(c.size, c.chunk_size);
            if c.chunks.len() as u64 != want {
                return bad(format!(
                    "component '{}' lists {} chunk checksums; {} bytes in chunks of {} need {want}",
                    c.name,
                    c.chunks.len(),
                    c.size,
                    c.chunk_size
                ));
            }
        }
        Ok(())
    }
}

impl Manifest {
    fn check_included_hotfixes(&self) -> Result<(), Error> {
        let bad = |msg: String| Err(Error::Manifest(msg));
        let list = &self.includes_hotfixes;
        if list.len() > MAX_INCLUDED_HOTFIXES {
            return bad(format!(
                "'includes-hotfixes' lists {} hotfixes, more than the {MAX_INCLUDED_HOTFIXES} \
                 allowed",
                list.len()
            ));
        }
        for (i, id) in list.iter().enumerate() {
            if !valid_hotfix_id(id) {
                return bad(format!(
                    "included hotfix id '{}' must be 1-32 letters, digits, '.', '_' or '-'",
                    id.escape_debug()
                ));
            }
            if Some(id) == self.hotfix_id.as_ref() {
                return bad(format!("hotfix {id} lists itself in 'includes-hotfixes'"));
            }
            if list[..i].contains(id) {
                return bad(format!("'includes-hotfixes' lists {id} twice"));
            }
        }
        Ok(())
    }
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
        return Err(Error::Manifest(format!(
            "component name '{}' is not allowed: use 1-100 letters, digits, '.', '_' or '-', \
             starting with a letter or digit (no '/', no '..')",
            name.escape_debug()
        )));
    }
    if name == crate::container::MANIFEST_NAME || name == crate::container::SIGNATURE_NAME {
        return Err(Error::Manifest(format!(
            "'{name}' cannot be a component name"
        )));
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

/// toml's messages include a snippet of the input; keep the first line and
/// the position so the message stays one readable line.
fn toml_message(e: &toml::de::Error) -> String {
    let msg = e.message().trim().replace('\n', "; ");
    match e.span() {
        Some(span) => format!("{msg} (at byte {})", span.start),
        None => msg,
    }
}
