//! `manifest.sig`: parsed before anything is trusted.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(sigs) = payload::SignatureFile::parse(data) {
        // Checking it against a manifest and a trust store must not panic.
        let trust = payload::TrustStore::new();
        let _ = trust.verify(b"format = 1\n", &sigs);
        let _ = sigs.to_toml();
    }
});
