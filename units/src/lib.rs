//! Byte sizes as people read and write them, in one place: the installer's
//! screens and reports, the engine's refusals, `media-builder`'s messages
//! ([`size`]), and the sizes an answer file or a command line gives
//! ([`parse_size`]). Units are powers of 1024 everywhere.
//!
//! The grammar [`parse_size`] reads is documented for users in
//! `docs/answer-file.md`, "Sizes".

/// The units [`size`] shows, from bytes up.
const UNITS: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];

/// Bytes for people: whole bytes below 1 KiB (`512 B`), otherwise one
/// decimal in the largest unit that keeps the number under 1024
/// (`3.2 MiB`, `465.8 GiB`; never `1024.0 MiB`).
pub fn size(bytes: u64) -> String {
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64;
    let mut unit = 0;
    loop {
        value /= 1024.0;
        unit += 1;
        let shown = format!("{value:.1}");
        // One decimal may round 1023.96 up to 1024.0: that is the next unit.
        if unit == UNITS.len() - 1 || shown.parse::<f64>().is_ok_and(|v| v < 1024.0) {
            return format!("{shown} {}", UNITS[unit]);
        }
    }
}

/// A size that [`parse_size`] does not read, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SizeError {
    /// Nothing but spaces.
    #[error("no size given: write bytes, or a number with K, M, G or T such as 8G")]
    Empty,
    /// No whole number of bytes or units at the start (`-1`, `1.5G`, `G`).
    #[error("{text:?} is not a size: write bytes, or a whole number with K, M, G or T such as 8G")]
    NotANumber { text: String },
    /// A unit the grammar does not have (`8X`, `8 GB/s`).
    #[error("{text:?} is not a size: {unit:?} is not a unit; use K, M, G or T")]
    UnknownUnit { text: String, unit: String },
    /// More bytes than 64 bits count.
    #[error("{text:?} is too large a size")]
    TooLarge { text: String },
}

/// A size in bytes: a whole number, then optionally spaces and a unit,
/// `K`, `M`, `G` or `T` (powers of 1024), in either case, alone or
/// followed by `B` or `iB`: `4096`, `512K`, `8G`, `8 GiB`, `100gb`. A unit
/// of `B` alone means bytes. Spaces around the size are ignored; signs,
/// fractions and sizes of 2^64 bytes or more are refused.
pub fn parse_size(text: &str) -> Result<u64, SizeError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(SizeError::Empty);
    }
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(digits);
    if number.is_empty() {
        return Err(SizeError::NotANumber { text: t.into() });
    }
    let unit = unit.trim_start();
    let shift = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KB" | "KIB" => 10,
        "M" | "MB" | "MIB" => 20,
        "G" | "GB" | "GIB" => 30,
        "T" | "TB" | "TIB" => 40,
        _ if unit.starts_with(['.', ',']) => return Err(SizeError::NotANumber { text: t.into() }),
        _ => {
            return Err(SizeError::UnknownUnit {
                text: t.into(),
                unit: unit.into(),
            })
        }
    };
    let too_large = || SizeError::TooLarge { text: t.into() };
    // Only digits are left, so a failed parse is an overflow.
    let n: u64 = number.parse().map_err(|_| too_large())?;
    n.checked_mul(1 << shift).ok_or_else(too_large)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_well() {
        for (bytes, text) in [
            (0, "0 B"),
            (1023, "1023 B"),
            (1024, "1.0 KiB"),
            (1536, "1.5 KiB"),
            (8 << 20, "8.0 MiB"),
            (500_107_862_016, "465.8 GiB"),
            (16 << 40, "16.0 TiB"),
            (u64::MAX, "16.0 EiB"),
        ] {
            assert_eq!(size(bytes), text, "{bytes}");
        }
    }

    #[test]
    fn rounding_up_moves_to_the_next_unit() {
        // 1023.9995 MiB: one decimal would say 1024.0 MiB.
        assert_eq!(size((1 << 30) - 512), "1.0 GiB");
        assert_eq!(size((1 << 20) - 1), "1.0 MiB");
        assert_eq!(size((1 << 20) - 60), "1023.9 KiB");
    }

    #[test]
    fn reads_the_grammar() {
        for (text, bytes) in [
            ("0", 0),
            ("4096", 4096),
            ("  4096  ", 4096),
            ("4096B", 4096),
            ("512K", 512 << 10),
            ("512k", 512 << 10),
            ("4000M", 4000 << 20),
            ("8G", 8 << 30),
            ("8g", 8 << 30),
            ("8 G", 8 << 30),
            ("8GiB", 8 << 30),
            ("8 gib", 8 << 30),
            ("8GB", 8 << 30),
            ("2T", 2 << 40),
            ("16777215T", 16_777_215 << 40),
            ("18446744073709551615", u64::MAX),
        ] {
            assert_eq!(parse_size(text), Ok(bytes), "{text}");
        }
    }

    #[test]
    fn refuses_hostile_input() {
        for text in ["", "   "] {
            assert_eq!(parse_size(text), Err(SizeError::Empty), "{text:?}");
        }
        for text in ["-1", "-1G", "+1G", "G", "1.5G", "1,5G", "١٢"] {
            assert!(
                matches!(parse_size(text), Err(SizeError::NotANumber { .. })),
                "{text:?}: {:?}",
                parse_size(text)
            );
        }
        for (text, unit) in [
            ("8X", "X"),
            ("0x10", "x10"),
            ("8P", "P"),
            ("8Gi", "Gi"),
            ("8 GB/s", "GB/s"),
            ("1G1", "G1"),
            ("8 G B", "G B"),
            ("8Ĝ", "Ĝ"),
        ] {
            assert_eq!(
                parse_size(text),
                Err(SizeError::UnknownUnit {
                    text: text.into(),
                    unit: unit.into()
                }),
                "{text:?}"
            );
        }
        for text in [
            "99999999999999999999T",
            "99999999999999999999",
            "18446744073709551616",
            "16777216T",
            "17179869184G",
            &"9".repeat(10_000),
        ] {
            assert!(
                matches!(parse_size(text), Err(SizeError::TooLarge { .. })),
                "{text:?}"
            );
        }
    }

    #[test]
    fn errors_say_what_to_write() {
        let e = parse_size("8X").expect_err("unknown unit").to_string();
        assert_eq!(
            e,
            "\"8X\" is not a size: \"X\" is not a unit; use K, M, G or T"
        );
        let e = parse_size("lots").expect_err("no number").to_string();
        assert!(e.contains("such as 8G"), "{e}");
    }

    proptest::proptest! {
        /// Any text gets an answer, never a panic.
        #[test]
        fn never_panics(text in "\\PC{0,40}") {
            let _ = parse_size(&text);
        }

        /// What `size` prints in bytes reads back exactly.
        #[test]
        fn bytes_round_trip(n in 0u64..1024) {
            proptest::prop_assert_eq!(parse_size(&size(n)), Ok(n));
        }

        /// A whole number of any unit reads back as that many bytes.
        #[test]
        fn units_multiply(n in 0u64..(1 << 23), unit in 0usize..5) {
            let text = format!("{n}{}", ["", "K", "M", "G", "T"][unit]);
            proptest::prop_assert_eq!(parse_size(&text), Ok(n << (10 * unit)));
        }
    }
}
