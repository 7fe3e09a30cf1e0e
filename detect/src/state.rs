//! The install state record, `state.toml` at the root of the config
//! partition: what is installed in which slot and which slot boots.
//!
//! The install engine writes it with [`StateRecord::to_toml`]; detection
//! reads it with [`StateRecord::parse`]. Unknown fields are refused and the
//! `format` number says which layout of this record a file follows, so a
//! record written by a newer Ferry gives a clear refusal, not a guess.

use crate::layout::Slot;
use semver::Version;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use toml_syntax::SyntaxError;

mod problem;

pub use problem::RecordProblem;

/// The `format` this code reads and writes.
pub const STATE_FORMAT: u32 = 1;
/// Largest state record we parse; a real one is well under 4 KiB.
pub const MAX_STATE_SIZE: usize = 64 * 1024;
/// Most hotfixes one slot may list.
const MAX_HOTFIXES: usize = 256;
/// Most trusted keys a record may list.
const MAX_KEYS: usize = 64;
/// Most revoked keys a record may list.
const MAX_REVOKED: usize = 256;

/// The install state record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateRecord {
    /// Layout version of this record; [`STATE_FORMAT`].
    pub format: u32,
    /// Product id, e.g. `engine`: lower case letters, digits, `.`, `_`, `-`.
    pub product: String,
    /// Machine id chosen at install: 32 lower case hex digits.
    pub machine_id: String,
    /// When the machine was first installed (or last wiped), RFC 3339.
    #[serde(with = "time::serde::rfc3339")]
    pub installed_at: OffsetDateTime,
    /// The slot the boot loader should start.
    pub active: Slot,
    /// SHA-256 of each trusted signing key's SubjectPublicKeyInfo DER, lower
    /// case hex, as recorded at install.
    pub trusted_keys: Vec<String>,
    /// Fingerprints (as `trusted_keys`) of keys revoked by any payload or
    /// installer that has written this record: never trusted again on this
    /// machine, not even after a wipe that can read this record. Records
    /// from before revocations were kept lack it; it is left out while
    /// empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revoked_keys: Vec<String>,
    /// Both slots.
    pub slots: Slots,
    /// The unattended run that installed this system, if one did: the same
    /// medium and answer file do not erase it again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unattended: Option<UnattendedRun>,
}

/// An unattended run (boot medium and answer file) as the state record
/// keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnattendedRun {
    /// Id of the boot medium (`ferry.medium=`), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medium: Option<String>,
    /// SHA-256 of the answer file's bytes, lower case hex.
    pub answer_sha256: String,
}

/// The two slot records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Slots {
    /// Slot `a`.
    pub a: SlotRecord,
    /// Slot `b`.
    pub b: SlotRecord,
}

impl Slots {
    /// The record of one slot.
    pub fn get(&self, slot: Slot) -> &SlotRecord {
        match slot {
            Slot::A => &self.a,
            Slot::B => &self.b,
        }
    }

    /// The record of one slot, for changing it.
    pub fn get_mut(&mut self, slot: Slot) -> &mut SlotRecord {
        match slot {
            Slot::A => &mut self.a,
            Slot::B => &mut self.b,
        }
    }
}

/// What the state record says about one slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlotRecord {
    /// Lifecycle state of the slot.
    pub state: SlotState,
    /// Release installed in the slot (for `writing`: being installed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<Version>,
    /// Hotfix ids applied on top of the release, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hotfixes: Vec<String>,
    /// Schema version of the configuration in `config/<slot>/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_schema: Option<u32>,
    /// When the slot was last written, RFC 3339.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub written_at: Option<OffsetDateTime>,
}

impl SlotRecord {
    /// A slot with nothing in it.
    pub fn empty() -> Self {
        SlotRecord {
            state: SlotState::Empty,
            release: None,
            hotfixes: Vec::new(),
            config_schema: None,
            written_at: None,
        }
    }
}

/// Lifecycle of a slot, as the install engine records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SlotState {
    /// Booted successfully at least once with this content.
    Good,
    /// Written and verified, not yet booted good.
    New,
    /// A write started and did not finish: never boot or trust it.
    Writing,
    /// Nothing installed.
    Empty,
}

impl SlotState {
    /// The word used in the record and in reports.
    pub fn name(self) -> &'static str {
        match self {
            SlotState::Good => "good",
            SlotState::New => "new",
            SlotState::Writing => "writing",
            SlotState::Empty => "empty",
        }
    }
}

/// Why a state record was refused.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// Larger than [`MAX_STATE_SIZE`].
    #[error("state record is {0} bytes, more than the {MAX_STATE_SIZE} bytes a real one can be")]
    TooLarge(usize),
    /// Not UTF-8.
    #[error("state record is not text (invalid UTF-8)")]
    NotText,
    /// Written by a newer (or unknown) Ferry.
    #[error("state record has format {found}; this installer understands format {STATE_FORMAT}")]
    UnsupportedFormat {
        /// The `format` found.
        found: i64,
    },
    /// Not TOML, or not the fields of a state record: the parser's
    /// account, with its position.
    #[error("state record is malformed: {0}")]
    Malformed(SyntaxError),
    /// No `format`: not a state record, or one from before any Ferry.
    #[error("state record is malformed: missing field `format`")]
    NoFormat,
    /// `format` is there but is not a whole number.
    #[error("state record is malformed: `format` is not a number")]
    FormatNotNumber,
    /// Fields parse but break a rule.
    #[error("state record is invalid: {0}")]
    Invalid(Rule),
    /// The TOML serializer refused a record. It cannot for a record that
    /// passed [`StateRecord::validate`]: every field is a string, a whole
    /// number, a list of strings or a table, which TOML holds, and the
    /// times, the only values whose writing can fail (RFC 3339 has years
    /// 0 to 9999 and offsets in whole minutes), are checked by
    /// [`Rule::Time`]. It is an error rather than a panic so a field added
    /// later that TOML cannot hold stops a write, not the installer; the
    /// serializer's account stays its source for the log.
    #[error("state record cannot be written as TOML")]
    Unwritable(#[source] toml::ser::Error),
}

/// A rule of the state record that a record breaks, with the values
/// concerned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    #[error("product id {0:?} is not a valid product id")]
    ProductId(String),
    #[error("machine id {0:?} is not 32 hex digits")]
    MachineId(String),
    #[error("no trusted key fingerprints are recorded")]
    NoTrustedKey,
    #[error("{count} trusted keys is more than {max}")]
    TooManyTrustedKeys { count: usize, max: usize },
    #[error("trusted key fingerprint {0:?} is not 64 hex digits (SHA-256)")]
    TrustedKey(String),
    #[error("{count} revoked keys is more than {max}")]
    TooManyRevokedKeys { count: usize, max: usize },
    #[error("revoked key fingerprint {0:?} is not 64 hex digits (SHA-256)")]
    RevokedKey(String),
    #[error("key {0} is both trusted and revoked")]
    TrustedAndRevoked(String),
    /// A good or new slot without its release.
    #[error("slot {slot} is {} but names no release", state.name())]
    NoRelease { slot: Slot, state: SlotState },
    /// A good or new slot without its configuration schema.
    #[error("slot {slot} is {} but names no config schema version", state.name())]
    NoConfigSchema { slot: Slot, state: SlotState },
    #[error("slot {slot} is empty but names a release or hotfixes")]
    EmptyWithRelease { slot: Slot },
    #[error("slot {slot} lists more than {max} hotfixes")]
    TooManyHotfixes { slot: Slot, max: usize },
    #[error("slot {slot} lists an invalid hotfix id {id:?}")]
    HotfixId { slot: Slot, id: String },
    #[error("the answer file digest {0:?} is not 64 hex digits (SHA-256)")]
    AnswerDigest(String),
    #[error("the medium id {0:?} is not 1 to 64 printable characters")]
    MediumId(String),
    #[error("active slot {slot} is {}, not a bootable slot", state.name())]
    ActiveNotBootable { slot: Slot, state: SlotState },
    /// A time a state record cannot hold: RFC 3339 writes years 0 to 9999
    /// and offsets in whole minutes.
    #[error(
        "{field} is not a time a state record can hold: years 0 to 9999, offsets in whole minutes"
    )]
    Time { field: TimeField },
}

/// A time of the state record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TimeField {
    /// When the machine was installed.
    #[error("installed_at")]
    InstalledAt,
    /// When a slot was written.
    #[error("slots.{0}.written_at")]
    WrittenAt(Slot),
}

impl StateRecord {
    /// Parse bytes read from disk, enforcing the size cap and UTF-8.
    pub fn parse_bytes(bytes: &[u8]) -> Result<Self, StateError> {
        if bytes.len() > MAX_STATE_SIZE {
            return Err(StateError::TooLarge(bytes.len()));
        }
        let text = std::str::from_utf8(bytes).map_err(|_| StateError::NotText)?;
        Self::parse(text)
    }

    /// Parse and check a state record.
    pub fn parse(text: &str) -> Result<Self, StateError> {
        if text.len() > MAX_STATE_SIZE {
            return Err(StateError::TooLarge(text.len()));
        }
        let malformed = |e: toml::de::Error| StateError::Malformed(SyntaxError::from_de(&e, text));
        let table: toml::Table = toml::from_str(text).map_err(malformed)?;
        // Look at `format` first, so a newer record is refused as newer
        // rather than as "unknown field".
        match table.get("format") {
            None => return Err(StateError::NoFormat),
            Some(toml::Value::Integer(n)) if *n == i64::from(STATE_FORMAT) => {}
            Some(toml::Value::Integer(n)) => {
                return Err(StateError::UnsupportedFormat { found: *n })
            }
            Some(_) => return Err(StateError::FormatNotNumber),
        }
        // Read again from the text (at most 64 KiB), not from the table, so
        // a field the record refuses has its line and column.
        let record: StateRecord = toml::from_str(text).map_err(malformed)?;
        record.validate()?;
        Ok(record)
    }

    /// Serialise for writing to `state.toml`. Checks the record first, so
    /// the engine cannot write one detection would refuse.
    pub fn to_toml(&self) -> Result<String, StateError> {
        self.validate()?;
        toml::to_string_pretty(self).map_err(StateError::Unwritable)
    }

    /// Check the rules the type system does not.
    pub fn validate(&self) -> Result<(), StateError> {
        let bad = |rule: Rule| Err(StateError::Invalid(rule));
        if self.format != STATE_FORMAT {
            return Err(StateError::UnsupportedFormat {
                found: i64::from(self.format),
            });
        }
        if !is_product_id(&self.product) {
            return bad(Rule::ProductId(self.product.clone()));
        }
        if !is_hex(&self.machine_id, 32) {
            return bad(Rule::MachineId(self.machine_id.clone()));
        }
        if self.trusted_keys.is_empty() {
            return bad(Rule::NoTrustedKey);
        }
        if self.trusted_keys.len() > MAX_KEYS {
            return bad(Rule::TooManyTrustedKeys {
                count: self.trusted_keys.len(),
                max: MAX_KEYS,
            });
        }
        if let Some(k) = self.trusted_keys.iter().find(|k| !is_hex(k, 64)) {
            return bad(Rule::TrustedKey(k.clone()));
        }
        if self.revoked_keys.len() > MAX_REVOKED {
            return bad(Rule::TooManyRevokedKeys {
                count: self.revoked_keys.len(),
                max: MAX_REVOKED,
            });
        }
        if let Some(k) = self.revoked_keys.iter().find(|k| !is_hex(k, 64)) {
            return bad(Rule::RevokedKey(k.clone()));
        }
        if let Some(k) = self
            .trusted_keys
            .iter()
            .find(|k| self.revoked_keys.contains(k))
        {
            return bad(Rule::TrustedAndRevoked(k.clone()));
        }
        for slot in Slot::ALL {
            let r = self.slots.get(slot);
            let state = r.state;
            match state {
                SlotState::Good | SlotState::New => {
                    if r.release.is_none() {
                        return bad(Rule::NoRelease { slot, state });
                    }
                    if r.config_schema.is_none() {
                        return bad(Rule::NoConfigSchema { slot, state });
                    }
                }
                SlotState::Empty => {
                    if r.release.is_some() || !r.hotfixes.is_empty() {
                        return bad(Rule::EmptyWithRelease { slot });
                    }
                }
                SlotState::Writing => {}
            }
            if r.hotfixes.len() > MAX_HOTFIXES {
                return bad(Rule::TooManyHotfixes {
                    slot,
                    max: MAX_HOTFIXES,
                });
            }
            if let Some(h) = r.hotfixes.iter().find(|h| !is_hotfix_id(h)) {
                return bad(Rule::HotfixId {
                    slot,
                    id: h.clone(),
                });
            }
        }
        if let Some(run) = &self.unattended {
            if !is_hex(&run.answer_sha256, 64) {
                return bad(Rule::AnswerDigest(run.answer_sha256.clone()));
            }
            if let Some(m) = run.medium.as_deref().filter(|m| !is_hotfix_id(m)) {
                return bad(Rule::MediumId(m.to_string()));
            }
        }
        let times = [
            (TimeField::InstalledAt, Some(self.installed_at)),
            (TimeField::WrittenAt(Slot::A), self.slots.a.written_at),
            (TimeField::WrittenAt(Slot::B), self.slots.b.written_at),
        ];
        for (field, at) in times {
            if at.is_some_and(|t| !is_rfc3339(t)) {
                return bad(Rule::Time { field });
            }
        }
        let active = self.slots.get(self.active);
        if !matches!(active.state, SlotState::Good | SlotState::New) {
            return bad(Rule::ActiveNotBootable {
                slot: self.active,
                state: active.state,
            });
        }
        Ok(())
    }
}

/// Lower case letters, digits, `.`, `_`, `-`; 1 to 64 characters,
/// starting with a letter or digit.
pub fn is_product_id(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && s.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || b"._-".contains(&c))
}

/// Printable ASCII without spaces, 1 to 64 characters: hotfix and medium
/// ids.
fn is_hotfix_id(s: &str) -> bool {
    (1..=64).contains(&s.len()) && s.bytes().all(|c| c.is_ascii_graphic())
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len
        && s.bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
}

/// A time RFC 3339 can write: a year of four digits, an offset in whole
/// minutes.
fn is_rfc3339(t: OffsetDateTime) -> bool {
    (0..=9999).contains(&t.year()) && t.offset().seconds_past_minute() == 0
}

#[cfg(test)]
mod tests;
