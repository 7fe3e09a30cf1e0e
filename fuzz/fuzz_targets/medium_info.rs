//! `ferry/medium.toml`, read from every medium before anything is trusted.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(info) = medium::MediumInfo::parse(text) {
            let _ = medium::MediumInfo::parse(&info.to_toml());
        }
    }
});
