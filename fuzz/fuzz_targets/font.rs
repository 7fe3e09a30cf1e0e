//! The console font (`bootkit::font::Psf`): a PC Screen Font, version 1
//! or 2, with its Unicode table. The kit reads it from a distribution
//! package and the VGA screen tests read it back, so its header's sizes
//! and counts are not trusted.
#![no_main]

use bootkit::font::Psf;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(font) = Psf::parse(data) else {
        return;
    };
    assert!(font.width > 0 && font.height > 0);
    // Every glyph the table names can be drawn, and pixels outside a
    // glyph or of a glyph that is not there read as background.
    for c in bootkit::font::required().chars() {
        if let Some(g) = font.glyph(c) {
            for y in 0..font.height.min(32) {
                for x in 0..font.width.min(32) {
                    let _ = font.pixel(g, x, y);
                }
            }
        }
    }
    assert!(!font.pixel(usize::MAX, 0, 0));
    assert!(!font.pixel(0, font.width, 0));
    assert!(!font.pixel(0, 0, font.height));
    let missing = font.missing(&bootkit::font::required());
    assert!(missing.windows(2).all(|w| w[0] < w[1]));
});
