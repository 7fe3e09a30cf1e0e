//! `SOURCE_DATE_EPOCH` (reproducible-builds.org): the one time stamp
//! every build of the kit, the demo, payloads and media uses instead of
//! the clock. Read here and nowhere else, so a bad value is refused the
//! same way by every command.

use thiserror::Error;

/// Why `SOURCE_DATE_EPOCH` cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SourceDateEpochError {
    /// Not a whole number of seconds (`date +%s` prints one).
    #[error("SOURCE_DATE_EPOCH={value:?} is not a whole number of seconds since 1970")]
    NotANumber {
        /// The value as set.
        value: String,
    },
    /// A number, but before 1970 or after 2106 (the 32-bit times of cpio
    /// and the boot kit's lock).
    #[error("SOURCE_DATE_EPOCH={value} is out of range: from 0 (1970) to 4294967295 (2106)")]
    OutOfRange {
        /// The value as set.
        value: String,
    },
}

/// `SOURCE_DATE_EPOCH` in seconds since 1970, or `None` when it is not
/// set; each caller chooses its own time for that case.
pub fn source_date_epoch() -> Result<Option<u32>, SourceDateEpochError> {
    match std::env::var_os("SOURCE_DATE_EPOCH") {
        None => Ok(None),
        Some(v) => parse(&v.to_string_lossy()).map(Some),
    }
}

/// A value of `SOURCE_DATE_EPOCH`; blanks around it are ignored.
fn parse(value: &str) -> Result<u32, SourceDateEpochError> {
    let text = value.trim();
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SourceDateEpochError::NotANumber {
            value: value.to_string(),
        });
    }
    text.parse().map_err(|_| SourceDateEpochError::OutOfRange {
        value: text.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_whole_seconds_from_1970_to_2106() {
        assert_eq!(parse("1700000000"), Ok(1_700_000_000));
        assert_eq!(parse(" 0\n"), Ok(0));
        assert_eq!(parse("4294967295"), Ok(u32::MAX));
        for bad in ["", " ", "soon", "1.5", "1e9", "+5", "0x10", "17 00"] {
            assert_eq!(
                parse(bad),
                Err(SourceDateEpochError::NotANumber { value: bad.into() }),
                "{bad:?}"
            );
        }
        for far in [
            "-1",
            "4294967296",
            "99999999999999999999999999999999999999999",
        ] {
            assert_eq!(
                parse(far),
                Err(SourceDateEpochError::OutOfRange { value: far.into() }),
                "{far:?}"
            );
        }
        let e = parse("soon").unwrap_err().to_string();
        assert_eq!(
            e,
            "SOURCE_DATE_EPOCH=\"soon\" is not a whole number of seconds since 1970"
        );
        let e = parse("-1").unwrap_err().to_string();
        assert!(e.contains("out of range"), "{e}");
    }
}
