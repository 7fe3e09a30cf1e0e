//! `/ferry/medium.toml`: what a medium is, readable before anything is
//! trusted.

use serde::{Deserialize, Serialize};

use crate::Error;

/// Where things live on every Ferry medium (ISO and USB alike).
pub const PAYLOAD_DIR: &str = "ferry";
pub const INFO_PATH: &str = "ferry/medium.toml";
pub const ANSWER_PATH: &str = "ferry/answer.toml";
pub const REPORTS_DIR: &str = "ferry/reports";

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
        if !safe(&info.payload) || !info.payload_parts.iter().all(|p| safe(p)) {
            return Err(Error::Invalid(format!(
                "{INFO_PATH}: bad payload file name"
            )));
        }
        Ok(info)
    }

    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }
}
