//! The state record (`state.toml` on the config partition).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(r) = detect::StateRecord::parse_bytes(data) {
        // A record that parses writes back to one that parses the same.
        let text = r.to_toml().expect("a valid record writes");
        let again = detect::StateRecord::parse(&text).expect("and parses again");
        assert_eq!(again, r);
    }
});
