//! The console font of the installer initramfs.
//!
//! Neither font a console starts with has every letter French needs: the
//! VGA card's own font, used in text mode under a BIOS, is code page 437
//! (it has é, è, ç, but no À, È, Ê, Î, Ô, Œ, ’ nor …), and the kernel's
//! built-in 8×16 framebuffer font, used under UEFI, is the same code page
//! 437 repertoire. The kit takes `Lat15-VGA16` from Debian's
//! `console-setup-linux` (the look of the VGA font, 256 glyphs, 8×16, with
//! a Unicode table covering Latin-1, Latin-9, the punctuation and the box
//! drawing), checks it has every character in [`REQUIRED`], and puts it
//! in the initramfs at [`INITRAMFS_PATH`], where the init loads it
//! (busybox `loadfont`) on every console before the installer starts.
//!
//! [`Psf`] reads PC Screen Font files (versions 1 and 2) with their
//! Unicode table; the tests that read the VGA screen back use it too.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use anyhow::{anyhow, Context, Result};

/// The Debian package holding the font.
pub const FONT_PACKAGE: &str = "console-setup-linux";
/// The font in that package.
pub const FONT_FILE: &str = "usr/share/consolefonts/Lat15-VGA16.psf.gz";
/// Where the initramfs holds it (uncompressed), for the init.
pub const INITRAMFS_PATH: &str = "usr/share/ferry/console.psf";

/// Characters beyond ASCII the installer's screens may show and the font
/// must draw: French letters (lower and upper case), quotes and
/// ellipsis, and the box drawing of a terminal user interface.
pub const REQUIRED: &str = "àâçéèêëîïôùûüÿœæÀÂÇÉÈÊËÎÏÔÙÛÜŸŒÆ«»’‘“”…–—·•°×→\
                            ┌┐└┘─│├┤┬┴┼═║╔╗╚╝╭╮╰╯█░▒";

/// A font that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum FontError {
    #[error("not a PC Screen Font (version 1 or 2)")]
    NotPsf,
    #[error("the font is cut short: {0}")]
    Truncated(&'static str),
    #[error("the font has no Unicode table")]
    NoUnicodeTable,
    #[error("the font's header is not sensible: {0}")]
    BadHeader(&'static str),
}

/// A PC Screen Font: glyph bitmaps and the characters each one draws.
#[derive(Debug, Clone)]
pub struct Psf {
    pub width: usize,
    pub height: usize,
    bytes_per_row: usize,
    glyphs: Vec<Vec<u8>>,
    unicode: BTreeMap<char, usize>,
}

impl Psf {
    /// Reads a PSF 1 or 2 file (uncompressed) that has a Unicode table.
    pub fn parse(data: &[u8]) -> Result<Psf, FontError> {
        if data.len() >= 4 && data[..2] == [0x36, 0x04] {
            let mode = data[2];
            let height = usize::from(data[3]);
            let count = if mode & 1 != 0 { 512 } else { 256 };
            if mode & 6 == 0 {
                return Err(FontError::NoUnicodeTable);
            }
            if height == 0 {
                return Err(FontError::BadHeader("glyphs of height 0"));
            }
            let table = 4 + count * height;
            let glyphs = glyphs(data, 4, count, height)?;
            let rest = data.get(table..).ok_or(FontError::Truncated("glyphs"))?;
            let mut unicode = BTreeMap::new();
            let mut g = 0;
            let mut in_sequence = false;
            for pair in rest.chunks_exact(2) {
                if g >= count {
                    break;
                }
                match u16::from_le_bytes([pair[0], pair[1]]) {
                    0xFFFF => {
                        g += 1;
                        in_sequence = false;
                    }
                    // Sequences follow (a letter and combining marks),
                    // which no screen here needs.
                    0xFFFE => in_sequence = true,
                    _ if in_sequence => {}
                    u => {
                        if let Some(c) = char::from_u32(u32::from(u)) {
                            unicode.entry(c).or_insert(g);
                        }
                    }
                }
            }
            return Ok(Psf {
                width: 8,
                height,
                bytes_per_row: 1,
                glyphs,
                unicode,
            });
        }
        if data.len() >= 32 && data[..4] == [0x72, 0xb5, 0x4a, 0x86] {
            let word = |i: usize| {
                u32::from_le_bytes([data[i], data[i + 1], data[i + 2], data[i + 3]]) as usize
            };
            let (header, flags, count, size, height, width) =
                (word(8), word(12), word(16), word(20), word(24), word(28));
            if flags & 1 == 0 {
                return Err(FontError::NoUnicodeTable);
            }
            let bytes_per_row = width.div_ceil(8);
            if width == 0 || height == 0 || bytes_per_row.checked_mul(height) != Some(size) {
                return Err(FontError::BadHeader("glyph size"));
            }
            if count > 65536 {
                return Err(FontError::BadHeader("glyph count"));
            }
            let glyphs = glyphs(data, header, count, size)?;
            let table = count
                .checked_mul(size)
                .and_then(|n| n.checked_add(header))
                .ok_or(FontError::BadHeader("sizes"))?;
            let rest = data.get(table..).ok_or(FontError::Truncated("glyphs"))?;
            let mut unicode = BTreeMap::new();
            let mut g = 0;
            let mut in_sequence = false;
            let mut i = 0;
            while i < rest.len() && g < count {
                match rest[i] {
                    0xFF => {
                        g += 1;
                        in_sequence = false;
                        i += 1;
                    }
                    0xFE => {
                        in_sequence = true;
                        i += 1;
                    }
                    b => {
                        let len = match b {
                            0x00..=0x7F => 1,
                            0xC0..=0xDF => 2,
                            0xE0..=0xEF => 3,
                            _ => 4,
                        };
                        let bytes = rest.get(i..i + len).ok_or(FontError::Truncated("table"))?;
                        if !in_sequence {
                            if let Some(c) = std::str::from_utf8(bytes)
                                .ok()
                                .and_then(|s| s.chars().next())
                            {
                                unicode.entry(c).or_insert(g);
                            }
                        }
                        i += len;
                    }
                }
            }
            return Ok(Psf {
                width,
                height,
                bytes_per_row,
                glyphs,
                unicode,
            });
        }
        Err(FontError::NotPsf)
    }

    /// The glyph drawing `c`, if the font has one.
    pub fn glyph(&self, c: char) -> Option<usize> {
        self.unicode.get(&c).copied()
    }

    /// Whether pixel (`x`, `y`) of glyph `g` is set (foreground).
    pub fn pixel(&self, g: usize, x: usize, y: usize) -> bool {
        let Some(bits) = self.glyphs.get(g) else {
            return false;
        };
        if x >= self.width || y >= self.height {
            return false;
        }
        bits.get(y * self.bytes_per_row + x / 8)
            .is_some_and(|b| b & (0x80 >> (x % 8)) != 0)
    }

    /// The characters of `text` the font cannot draw, each once.
    pub fn missing(&self, text: &str) -> Vec<char> {
        let mut out: Vec<char> = text.chars().filter(|c| self.glyph(*c).is_none()).collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

fn glyphs(data: &[u8], start: usize, count: usize, size: usize) -> Result<Vec<Vec<u8>>, FontError> {
    let end = count
        .checked_mul(size)
        .and_then(|n| n.checked_add(start))
        .ok_or(FontError::BadHeader("sizes"))?;
    let all = data.get(start..end).ok_or(FontError::Truncated("glyphs"))?;
    Ok(all.chunks_exact(size).map(<[u8]>::to_vec).collect())
}

/// Printable ASCII and [`REQUIRED`]: what the console font must draw.
pub fn required() -> String {
    (' '..='~').chain(REQUIRED.chars()).collect()
}

/// The console font from the unpacked [`FONT_PACKAGE`], uncompressed,
/// once checked to draw every character of [`required`].
pub fn console_font(package: &Path) -> Result<Vec<u8>> {
    let path = package.join(FONT_FILE);
    let gz = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut psf = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut psf)
        .with_context(|| format!("uncompressing {}", path.display()))?;
    let font = Psf::parse(&psf).with_context(|| format!("reading {}", path.display()))?;
    let missing = font.missing(&required());
    if !missing.is_empty() {
        return Err(anyhow!(
            "{} cannot draw {}; the installer's screens need them",
            path.display(),
            missing.iter().collect::<String>()
        ));
    }
    Ok(psf)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PSF 1 font of two 1-row glyphs: 'A' (and 'Б' as a sequence
    /// start), 'é' and 'É'.
    fn psf1() -> Vec<u8> {
        let mut f = vec![0x36, 0x04, 0x02, 1, 0x81, 0x18];
        for u in [0x41u16, 0xFFFE, 0x0411, 0xFFFF, 0xE9, 0xC9, 0xFFFF] {
            f.extend_from_slice(&u.to_le_bytes());
        }
        f.extend(std::iter::repeat_n(0xFF, 2 * 254));
        f
    }

    #[test]
    fn reads_a_psf1_font_and_its_unicode_table() {
        let mut f = psf1();
        // 256 glyphs of one row each: pad the bitmaps.
        f.splice(6..6, std::iter::repeat_n(0, 254));
        let font = Psf::parse(&f).expect("font");
        assert_eq!((font.width, font.height), (8, 1));
        assert_eq!(font.glyph('A'), Some(0));
        assert_eq!(font.glyph('é'), Some(1));
        assert_eq!(font.glyph('É'), Some(1));
        assert_eq!(font.glyph('Б'), None, "a sequence is not a character");
        assert!(font.pixel(0, 0, 0) && font.pixel(0, 7, 0) && !font.pixel(0, 1, 0));
        assert!(font.pixel(1, 3, 0) && !font.pixel(1, 0, 0));
        assert!(!font.pixel(0, 8, 0) && !font.pixel(9999, 0, 0));
        assert_eq!(font.missing("AéxÉx"), vec!['x']);
    }

    #[test]
    fn refuses_what_is_not_a_usable_font() {
        assert!(matches!(Psf::parse(b"hello"), Err(FontError::NotPsf)));
        let mut no_table = psf1();
        no_table[2] = 0;
        assert!(matches!(
            Psf::parse(&no_table),
            Err(FontError::NoUnicodeTable)
        ));
        // Glyphs announced but not there.
        assert!(matches!(
            Psf::parse(&psf1()[..100]),
            Err(FontError::Truncated(_))
        ));
        let mut v2 = vec![0x72, 0xb5, 0x4a, 0x86];
        for w in [0u32, 32, 1, u32::MAX, 1 << 30, 16, 8] {
            v2.extend_from_slice(&w.to_le_bytes());
        }
        assert!(matches!(Psf::parse(&v2), Err(FontError::BadHeader(_))));
    }

    /// The font the kit ships draws every character the screens need,
    /// which the console's own fonts do not (needs `scripts/bootkit`).
    #[test]
    fn the_kit_font_draws_french_and_box_drawing() {
        let cache = std::env::var_os("CARGO_TARGET_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
            .join("bootkit-cache/unpacked");
        let prefix = format!("{FONT_PACKAGE}_");
        let pkg = std::fs::read_dir(&cache).ok().and_then(|rd| {
            rd.filter_map(|e| e.ok()).map(|e| e.path()).find(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(&prefix))
            })
        });
        let Some(pkg) = pkg else {
            panic!("run scripts/bootkit first: it fetches {FONT_PACKAGE}");
        };
        let psf = console_font(&pkg).expect("font");
        let font = Psf::parse(&psf).expect("parse");
        assert_eq!((font.width, font.height), (8, 16));
        assert!(font.missing(&required()).is_empty());
        // Different letters, different glyphs.
        for (a, b) in [('E', 'É'), ('e', 'é'), ('é', 'è'), ('─', '-'), ('…', '.')] {
            assert_ne!(font.glyph(a), font.glyph(b), "{a} {b}");
        }
    }
}
