#![allow(clippy::unwrap_used)]
//! Random and mutated input never panics and never verifies.

mod common;
use common::*;
use payload::{Manifest, SignatureFile};
use proptest::prelude::*;
use std::sync::OnceLock;

fn good() -> &'static (Vec<u8>, payload::TrustStore) {
    static GOOD: OnceLock<(Vec<u8>, payload::TrustStore)> = OnceLock::new();
    GOOD.get_or_init(|| {
        let k = key(7);
        (sample(&k, 9).bytes, trust(&[&k]))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn manifest_parser_survives_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = Manifest::parse(&bytes);
        let _ = SignatureFile::parse(&bytes);
    }

    #[test]
    fn manifest_parser_survives_mutated_text(edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        let mut text = release_manifest("1.1.0", vec![component("rootfs.img", &data(200_000, 1))])
            .to_toml().unwrap().into_bytes();
        for (at, b) in edits {
            let i = at.index(text.len());
            text[i] = b;
        }
        let _ = Manifest::parse(&text);
    }

    #[test]
    fn mutated_payloads_never_verify(edits in proptest::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 1..4)) {
        let (bytes, t) = good();
        let mut b = bytes.clone();
        let end = b.len() - 1024;
        for (at, x) in edits {
            let i = at.index(end);
            b[i] ^= x;
        }
        prop_assert!(verify(&b, t).is_err());
    }

    #[test]
    fn truncated_payloads_never_verify(cut in 0usize..1_000_000) {
        let (bytes, t) = good();
        let cut = cut % (bytes.len() - 1024);
        prop_assert!(verify(&bytes[..cut], t).is_err());
    }
}
