#![allow(clippy::unwrap_used)]
//! `repair`, `Volume::open` and `swap_files` on bytes nobody vouches for:
//! errors, never panics or unbounded work.

use std::io::Cursor;

use proptest::prelude::*;

fn fat_image() -> Vec<u8> {
    let v = fat::format(
        Cursor::new(vec![0u8; 2 << 20]),
        &fat::FormatOptions::new("HOSTILE"),
    )
    .unwrap();
    v.create_dir("a/b/c").unwrap();
    v.write("a/b/f", b"data").unwrap();
    v.write("a/b/F.NEW", b"new data").unwrap();
    v.close().unwrap().into_inner()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_bytes(data in proptest::collection::vec(any::<u8>(), 0..8192)) {
        let _ = fat::repair(&mut Cursor::new(data.clone()));
        let _ = fat::Volume::open(Cursor::new(data.clone()), fat::FixedTime::from_unix(0));
        let _ = fat::swap_files(&mut Cursor::new(data), "A/B", "F", "F.NEW");
    }

    #[test]
    fn flipped_bytes(flips in proptest::collection::vec((0usize..(2 << 20), any::<u8>()), 1..64)) {
        let mut img = fat_image();
        for (at, v) in flips {
            img[at % (80 << 10)] = v; // metadata lives near the start
        }
        let _ = fat::repair(&mut Cursor::new(img.clone()));
        let _ = fat::swap_files(&mut Cursor::new(img), "A/B", "F", "F.NEW");
    }
}

/// The image the properties damage swaps when intact, so the properties
/// reach the swap's walk and write.
#[test]
fn the_intact_image_swaps() {
    let mut img = Cursor::new(fat_image());
    assert!(fat::swap_files(&mut img, "A/B", "F", "F.NEW").unwrap());
    let v = fat::Volume::open(img, fat::FixedTime::from_unix(0)).unwrap();
    assert_eq!(v.read("a/b/f", 64).unwrap(), b"new data");
}
