//! GUIDs as GPT stores them (mixed endian) and as people write them.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A GUID, kept in its on-disk GPT byte order.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Guid(pub [u8; 16]);

impl Guid {
    /// The all-zero GUID, which marks an unused GPT entry.
    pub const NIL: Guid = Guid([0; 16]);

    /// Whether this is the all-zero GUID.
    pub fn is_nil(&self) -> bool {
        self.0 == [0; 16]
    }
}

impl fmt::Display for Guid {
    /// Upper case, dashed: the first three groups are little endian on disk.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = &self.0;
        write!(
            f,
            "{:02X}{:02X}{:02X}{:02X}-{:02X}{:02X}-{:02X}{:02X}-{:02X}{:02X}-",
            b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8], b[9]
        )?;
        for x in &b[10..] {
            write!(f, "{x:02X}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The text is not a GUID of the form `XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a GUID: {0:?}")]
pub struct GuidParseError(pub String);

impl FromStr for Guid {
    type Err = GuidParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || GuidParseError(s.to_string());
        let groups: Vec<&str> = s.split('-').collect();
        let lens: Vec<usize> = groups.iter().map(|g| g.len()).collect();
        if lens != [8, 4, 4, 4, 12] {
            return Err(err());
        }
        let hex: String = groups.concat();
        let mut text = [0u8; 16];
        hex::decode_to_slice(&hex, &mut text).map_err(|_| err())?;
        let mut b = [0u8; 16];
        b[..4].copy_from_slice(&[text[3], text[2], text[1], text[0]]);
        b[4..6].copy_from_slice(&[text[5], text[4]]);
        b[6..8].copy_from_slice(&[text[7], text[6]]);
        b[8..].copy_from_slice(&text[8..]);
        Ok(Guid(b))
    }
}

impl Serialize for Guid {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Guid {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn esp_guid_round_trips() {
        let text = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B";
        let g: Guid = text.parse().expect("guid");
        assert_eq!(g.0[..4], [0x28, 0x73, 0x2A, 0xC1]);
        assert_eq!(g.to_string(), text);
        assert_eq!(
            "c12a7328-f81f-11d2-ba4b-00a0c93ec93b".parse::<Guid>(),
            Ok(g)
        );
        assert!("C12A7328F81F11D2BA4B00A0C93EC93B".parse::<Guid>().is_err());
        assert!("X12A7328-F81F-11D2-BA4B-00A0C93EC93B"
            .parse::<Guid>()
            .is_err());
    }
}
