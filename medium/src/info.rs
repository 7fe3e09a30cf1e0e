//! `/ferry/medium.toml`: what a medium is, readable before anything is
//! trusted.

use serde::{Deserialize, Serialize};

use crate::Error;

/// Where things live on every Ferry medium (ISO and USB alike).
pub const PAYLOAD_DIR: &str = "ferry";
pub const INFO_PATH: &str = "ferry/medium.toml";
pub const ANSWER_PATH: &str = "ferry/answer.toml";
pub const REPORTS_DIR: &str = "ferry/reports";
/// Most payloads one medium lists (releases and hotfixes of one product).
pub const MAX_PAYLOADS: usize = 64;

/// The medium's own description. The id also appears on the kernel command
/// line as `ferry.medium=<id>`, so the installer can tell its own medium
/// from other Ferry media in the machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediumInfo {
    pub format: u32,
    /// 16 hex digits: a hash of everything the medium carries.
    pub id: String,
    /// Volume label (ISO) or FAT label (USB).
    pub label: String,
    /// `iso` or `usb`.
    pub kind: String,
    pub product: String,
    pub version: String,
    /// File name of the payload under `ferry/`.
    pub payload: String,
    /// Size of the payload in bytes.
    pub payload_size: u64,
    /// On USB media: the payload split into these parts, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub payload_parts: Vec<String>,
    /// The kernel command line the medium boots with.
    pub cmdline: String,
    /// When the medium was built (RFC 3339, UTC; SOURCE_DATE_EPOCH).
    pub created: String,
    /// The other payloads the medium carries, besides `payload` (the
    /// newest release): older releases and hotfixes of the same product.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub more_payloads: Vec<PayloadFile>,
}

/// One payload file on a medium.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayloadFile {
    /// File name under `ferry/`.
    pub name: String,
    /// The release it installs (a hotfix: the release it applies to).
    pub version: String,
    /// Size in bytes.
    pub size: u64,
    /// On USB media: the file split into these parts, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<String>,
}

impl PayloadFile {
    /// The files that hold it, in order: its parts, or the file itself.
    pub fn files(&self) -> Vec<String> {
        if self.parts.is_empty() {
            vec![self.name.clone()]
        } else {
            self.parts.clone()
        }
    }
}

impl MediumInfo {
    pub const MAX_BYTES: u64 = 64 << 10;

    pub fn parse(text: &str) -> Result<MediumInfo, Error> {
        let info: MediumInfo = toml::from_str(text)
            .map_err(|e| Error::Invalid(format!("{INFO_PATH}: {}", e.message())))?;
        if info.format != 1 {
            return Err(Error::Invalid(format!(
                "{INFO_PATH}: format {} is newer than this installer",
                info.format
            )));
        }
        let safe = |n: &str| {
            !n.is_empty() && !n.contains('/') && !n.contains('\\') && n != "." && n != ".."
        };
        let all = info.payloads();
        if all.len() > MAX_PAYLOADS {
            return Err(Error::Invalid(format!(
                "{INFO_PATH}: more than {MAX_PAYLOADS} payloads"
            )));
        }
        for (i, p) in all.iter().enumerate() {
            if !safe(&p.name) || !p.parts.iter().all(|n| safe(n)) {
                return Err(Error::Invalid(format!(
                    "{INFO_PATH}: bad payload file name"
                )));
            }
            if all[..i].iter().any(|q| q.name == p.name) {
                return Err(Error::Invalid(format!(
                    "{INFO_PATH}: {} is listed twice",
                    p.name
                )));
            }
        }
        Ok(info)
    }

    /// Every payload on the medium, the main one (`payload`) first.
    pub fn payloads(&self) -> Vec<PayloadFile> {
        let main = PayloadFile {
            name: self.payload.clone(),
            version: self.version.clone(),
            size: self.payload_size,
            parts: self.payload_parts.clone(),
        };
        std::iter::once(main)
            .chain(self.more_payloads.iter().cloned())
            .collect()
    }

    /// The payload file named `name`, if the medium lists it.
    pub fn payload_file(&self, name: &str) -> Option<PayloadFile> {
        self.payloads().into_iter().find(|p| p.name == name)
    }

    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }
}
