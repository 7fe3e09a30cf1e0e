#![allow(clippy::unwrap_used)]
//! `repair` and `Volume::open` on bytes nobody vouches for: errors, never
//! panics or unbounded work.

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
    v.close().unwrap().into_inner()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_bytes(data in proptest::collection::vec(any::<u8>(), 0..8192)) {
        let _ = fat::repair(&mut Cursor::new(data.clone()));
        let _ = fat::Volume::open(Cursor::new(data), fat::FixedTime::from_unix(0));
    }

    #[test]
    fn flipped_bytes(flips in proptest::collection::vec((0usize..(2 << 20), any::<u8>()), 1..64)) {
        let mut img = fat_image();
        for (at, v) in flips {
            img[at % (80 << 10)] = v; // metadata lives near the start
        }
        let _ = fat::repair(&mut Cursor::new(img));
    }
}
