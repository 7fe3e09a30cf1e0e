//! `/ferry/medium.toml`: what a medium is, readable before anything is
//! trusted.

use serde::{Deserialize, Serialize};

use crate::{Error, InfoProblem};

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

    /// `medium.toml` as read from a medium: text, then parsed.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<MediumInfo, Error> {
        let text = String::from_utf8(bytes).map_err(|_| Error::NotText {
            path: INFO_PATH.into(),
        })?;
        MediumInfo::parse(&text)
    }

    pub fn parse(text: &str) -> Result<MediumInfo, Error> {
        let invalid = |p| Err(Error::Invalid(p));
        let info: MediumInfo = match toml::from_str(text) {
            Ok(info) => info,
            Err(e) => return invalid(toml_syntax::SyntaxError::from_de(&e, text).into()),
        };
        if info.format != 1 {
            return invalid(InfoProblem::Format { found: info.format });
        }
        let safe = |n: &str| {
            !n.is_empty() && !n.contains('/') && !n.contains('\\') && n != "." && n != ".."
        };
        let all = info.payloads();
        if all.len() > MAX_PAYLOADS {
            return invalid(InfoProblem::TooManyPayloads { max: MAX_PAYLOADS });
        }
        for (i, p) in all.iter().enumerate() {
            let names = std::iter::once(&p.name).chain(&p.parts);
            if let Some(bad) = names.into_iter().find(|n| !safe(n)) {
                return invalid(InfoProblem::BadName { name: bad.clone() });
            }
            if all[..i].iter().any(|q| q.name == p.name) {
                return invalid(InfoProblem::ListedTwice {
                    name: p.name.clone(),
                });
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const HEAD: &str = "format = 1\nid = \"0123456789abcdef\"\nlabel = \"FERRY\"\nkind = \"usb\"\n\
                        product = \"p\"\nversion = \"2.0.0\"\npayload = \"p-2.0.0.upg\"\n\
                        payload_size = 10\ncmdline = \"quiet\"\ncreated = \"2025-03-01T10:00:00Z\"\n";

    fn more(name: &str) -> String {
        format!("[[more_payloads]]\nname = \"{name}\"\nversion = \"1.1.0\"\nsize = 5\n")
    }

    #[test]
    fn every_payload_is_listed_the_main_one_first() {
        let text = format!("{HEAD}{}", more("p-1.1.0.upg"));
        let info = MediumInfo::parse(&text).unwrap();
        let names: Vec<String> = info.payloads().into_iter().map(|p| p.name).collect();
        assert_eq!(names, ["p-2.0.0.upg", "p-1.1.0.upg"]);
        assert_eq!(info.payload_file("p-1.1.0.upg").unwrap().size, 5);
        assert_eq!(info.payload_file("p-1.0.0.upg"), None);
        // Written back, read back the same.
        assert_eq!(MediumInfo::parse(&info.to_toml()).unwrap(), info);
        // A medium of one payload has no table at all.
        let one = MediumInfo::parse(HEAD).unwrap();
        assert!(!one.to_toml().contains("more_payloads"));
    }

    #[test]
    fn hostile_payload_lists_are_refused() {
        let bad_name = |n: &str| InfoProblem::BadName { name: n.into() };
        for (text, why) in [
            (
                format!("{HEAD}{}", more("../p-1.1.0.upg")),
                bad_name("../p-1.1.0.upg"),
            ),
            (format!("{HEAD}{}", more("")), bad_name("")),
            (
                format!("{HEAD}{}", more("p-2.0.0.upg")),
                InfoProblem::ListedTwice {
                    name: "p-2.0.0.upg".into(),
                },
            ),
            (
                format!("{HEAD}{}parts = [\"a/b\"]\n", more("p-1.1.0.upg")),
                bad_name("a/b"),
            ),
            (
                format!(
                    "{HEAD}{}",
                    (0..=MAX_PAYLOADS)
                        .map(|i| more(&format!("p-{i}.upg")))
                        .collect::<String>()
                ),
                InfoProblem::TooManyPayloads { max: MAX_PAYLOADS },
            ),
            (
                HEAD.replace("format = 1", "format = 2"),
                InfoProblem::Format { found: 2 },
            ),
        ] {
            match MediumInfo::parse(&text) {
                Err(Error::Invalid(p)) => assert_eq!(p, why),
                other => panic!("{why}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_key_the_format_lacks_is_refused_at_its_line() {
        let text = format!("{HEAD}{}sha = 1\n", more("x.upg"));
        match MediumInfo::parse(&text) {
            Err(Error::Invalid(InfoProblem::Syntax(s))) => {
                assert_eq!(s.at.map(|p| p.line), Some(15), "{s}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            MediumInfo::from_bytes(vec![0xFF]),
            Err(Error::NotText { .. })
        ));
    }
}
