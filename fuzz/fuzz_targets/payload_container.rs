//! A whole payload file: tar headers, the manifest and signature read
//! before verification, the components streamed chunk by chunk, the end of
//! the archive, both fully verified and with the stored bytes only
//! checked (as a copy onto a medium does). Trusts the demo key, so mutations of the seed (a payload
//! signed by it) get past the signature and reach the component stream.
#![no_main]

use libfuzzer_sys::fuzz_target;
use payload::{PayloadReader, PublicKey, TrustStore};

const DEMO_KEY: &str = include_str!("../../demo-engine/keys/demo-DO-NOT-USE.pub");

fuzz_target!(|data: &[u8]| {
    let _ = payload::read_unverified(data);
    let key = PublicKey::from_pem(DEMO_KEY).expect("the demo key reads");
    let trust = TrustStore::with_keys([key]);
    if let Ok(reader) = PayloadReader::open(data, &trust) {
        let _ = reader.verify_rest(|_| {});
    }
    // The check a copy onto a medium makes: stored bytes only.
    if let Ok(reader) = PayloadReader::open(data, &trust) {
        let _ = reader.check_stored_rest(|_| {});
    }
});
