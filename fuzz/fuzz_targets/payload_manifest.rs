//! `manifest.toml`: parsed only after its signature verified, but the
//! parser must hold on any bytes (`payload inspect` shows unverified ones).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = payload::Manifest::parse(data) {
        // What parses must write back and parse to the same manifest.
        let text = m.to_toml().expect("a parsed manifest writes");
        let again = payload::Manifest::parse(text.as_bytes()).expect("and parses again");
        assert_eq!(again, m);
    }
});
