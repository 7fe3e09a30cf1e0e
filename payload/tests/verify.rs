#![allow(clippy::unwrap_used)]
//! Good payloads verify; every kind of damage or forgery is refused with a
//! clear error and without a panic.

mod common;
use common::*;
use payload::{Error, PayloadReader, TrustUpdate, Untrusted};

#[test]
fn a_good_payload_verifies_and_streams_its_components() {
    let k = key(1);
    let s = sample(&k, 0);
    let mut r = PayloadReader::open(s.bytes.as_slice(), &trust(&[&k])).unwrap();
    assert_eq!(r.manifest(), &s.manifest);
    assert_eq!(r.signer(), k.public().fingerprint());
    for (name, expected) in &s.parts {
        let mut got = Vec::new();
        let c = r
            .read_component(|b| {
                got.extend_from_slice(b);
                Ok(())
            })
            .unwrap();
        assert_eq!(&c.name, name);
        assert_eq!(&got, expected);
    }
    let v = r.finish().unwrap();
    assert_eq!(v.length, s.bytes.len() as u64);
}

#[test]
fn zero_padding_to_a_tar_record_is_accepted_but_nothing_more() {
    let k = key(1);
    let mut bytes = sample(&k, 0).bytes;
    let record = 10240;
    bytes.resize(bytes.len().div_ceil(record) * record, 0);
    verify(&bytes, &trust(&[&k])).unwrap();
    bytes.extend_from_slice(&[0u8; 10240]);
    let err = verify(&bytes, &trust(&[&k])).unwrap_err().to_string();
    assert!(err.contains("bytes after the end"), "{err}");
}

#[test]
fn truncation_at_any_point_is_an_error() {
    let k = key(1);
    let bytes = sample(&k, 0).bytes;
    let t = trust(&[&k]);
    // Every header and block boundary, and odd offsets between them.
    let mut cuts: Vec<usize> = (0..bytes.len()).step_by(512).collect();
    cuts.extend((1..bytes.len()).step_by(4093));
    // The end marker is two blocks; the last real byte is before them.
    for cut in cuts.into_iter().filter(|&c| c < bytes.len() - 1024) {
        let err = verify(&bytes[..cut], &t).expect_err(&format!("cut at {cut} verified"));
        let msg = err.to_string();
        assert!(
            matches!(
                err,
                Error::Truncated { .. } | Error::NotAPayload(_) | Error::Layout(_)
            ),
            "cut at {cut}: {msg}"
        );
    }
    // Cut inside the end-of-archive marker.
    let err = verify(&bytes[..bytes.len() - 512], &t).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Truncated {
                cut: payload::Cut::EndMarker,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn empty_and_random_files_are_not_payloads() {
    let t = trust(&[&key(1)]);
    let err = verify(&[], &t).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Truncated {
                cut: payload::Cut::Header(payload::Section::Manifest),
                at: 512
            }
        ),
        "{err}"
    );
    let random = data(100_000, 99);
    let err = verify(&random, &t).unwrap_err();
    assert!(matches!(err, Error::NotAPayload(_)), "{err}");
    let err = verify(&[0u8; 4096], &t).unwrap_err();
    assert!(matches!(err, Error::NotAPayload(_)), "{err}");
}

/// Offsets of the data of each member: (name, start, len).
fn members(bytes: &[u8]) -> Vec<(String, usize, usize)> {
    let mut a = tar::Archive::new(bytes);
    a.entries()
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.path().unwrap().to_string_lossy().into_owned(),
                e.raw_file_position() as usize,
                e.size() as usize,
            )
        })
        .collect()
}

#[test]
fn one_flipped_bit_anywhere_is_caught() {
    let k = key(1);
    let bytes = sample(&k, 0).bytes;
    let t = trust(&[&k]);
    let end = bytes.len() - 1024;
    for pos in (0..end).step_by(97).chain([0, 1, 511, 512, 1023]) {
        for bit in [0u8, 7] {
            let mut b = bytes.clone();
            b[pos] ^= 1 << bit;
            assert!(
                verify(&b, &t).is_err(),
                "flip of bit {bit} at byte {pos} went unnoticed"
            );
        }
    }
}

#[test]
fn damage_is_named_by_where_it_is() {
    let k = key(1);
    let bytes = sample(&k, 0).bytes;
    let t = trust(&[&k]);
    let m = members(&bytes);
    let flip = |at: usize| {
        let mut b = bytes.clone();
        b[at] ^= 0x10;
        verify(&b, &t).unwrap_err()
    };
    // In the manifest: the signature no longer matches.
    let e = flip(m[0].1 + 40);
    assert!(e.to_string().contains("changed after it was signed"), "{e}");
    // In the signature.
    let sig_text = std::str::from_utf8(&bytes[m[1].1..m[1].1 + m[1].2]).unwrap();
    let at = m[1].1 + sig_text.find("ed25519 = \"").unwrap() + 15;
    let e = flip(at);
    assert!(
        matches!(e, Error::Untrusted(_) | Error::SignatureFormat(_)),
        "{e}"
    );
    // In the second chunk of the root image.
    let e = flip(m[2].1 + CHUNK as usize + 5);
    match e {
        Error::ChunkMismatch {
            component,
            chunk,
            start,
            end,
        } => {
            assert_eq!(component, "rootfs.img");
            assert_eq!(chunk, 1);
            assert_eq!((start, end), (CHUNK, 2 * CHUNK));
        }
        other => panic!("{other}"),
    }
    // In the last byte of the last component.
    let last = &m[4];
    let e = flip(last.1 + last.2 - 1);
    assert!(e.to_string().contains("initrd.img"), "{e}");
}

#[test]
fn a_bad_chunk_stops_the_stream_before_it_reaches_the_sink() {
    let k = key(1);
    let bytes = sample(&k, 0).bytes;
    let m = members(&bytes);
    let mut b = bytes.clone();
    b[m[2].1 + 2 * CHUNK as usize] ^= 1; // third chunk of rootfs.img
    let mut r = PayloadReader::open(b.as_slice(), &trust(&[&k])).unwrap();
    let mut delivered = 0usize;
    let err = r
        .read_component(|bytes| {
            delivered += bytes.len();
            Ok(())
        })
        .unwrap_err();
    assert!(
        matches!(err, Error::ChunkMismatch { chunk: 2, .. }),
        "{err}"
    );
    assert_eq!(
        delivered,
        2 * CHUNK as usize,
        "only the good chunks before it were delivered"
    );
}

#[test]
fn mix_and_match_of_components_is_refused() {
    let k = key(1);
    let a = sample(&k, 0);
    let b = sample(&k, 50);
    // Same names and sizes, different content: put b's root image in a.
    let ma = members(&a.bytes);
    let mb = members(&b.bytes);
    let mut mixed = a.bytes.clone();
    mixed[ma[2].1..ma[2].1 + ma[2].2].copy_from_slice(&b.bytes[mb[2].1..mb[2].1 + mb[2].2]);
    let err = verify(&mixed, &trust(&[&k])).unwrap_err();
    assert!(
        matches!(err, Error::ChunkMismatch { chunk: 0, .. }),
        "{err}"
    );
    // And a's manifest with b's signature.
    let mut mixed = a.bytes.clone();
    assert_eq!(ma[1].2, mb[1].2);
    mixed[ma[1].1..ma[1].1 + ma[1].2].copy_from_slice(&b.bytes[mb[1].1..mb[1].1 + mb[1].2]);
    let err = verify(&mixed, &trust(&[&k])).unwrap_err();
    assert!(
        err.to_string().contains("changed after it was signed"),
        "{err}"
    );
}

#[test]
fn untrusted_and_revoked_keys_are_refused() {
    let good = key(1);
    let other = key(2);
    let s = sample(&other, 0);
    let err = verify(&s.bytes, &trust(&[&good])).unwrap_err();
    assert!(err.to_string().contains("not trusted here"), "{err}");
    assert!(
        matches!(&err, Error::Untrusted(Untrusted::NotTrusted { key, trusted })
            if *key == other.public().fingerprint()
                && *trusted == [good.public().fingerprint()]),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains(&other.public().fingerprint().short()),
        "{err}"
    );

    let mut t = trust(&[&good, &other]);
    verify(&s.bytes, &t).unwrap();
    t.revoke(other.public().fingerprint());
    let err = verify(&s.bytes, &t).unwrap_err();
    assert!(err.to_string().contains("revoked"), "{err}");
    assert!(
        matches!(&err, Error::Untrusted(Untrusted::Revoked { key })
            if *key == other.public().fingerprint()),
        "{err:?}"
    );
    // Trusting a revoked key again has no effect.
    t.trust(other.public());
    assert!(verify(&s.bytes, &t).is_err());
    // An empty trust store trusts nothing.
    assert!(verify(&s.bytes, &payload::TrustStore::new()).is_err());
}

#[test]
fn key_rotation_moves_trust_without_a_gap() {
    let old = key(1);
    let new = key(2);
    // Release N, signed by the old key, introduces the new key.
    let mut m = release_manifest("1.1.0", vec![component("rootfs.img", &data(1000, 1))]);
    m.trust = Some(TrustUpdate {
        keys: vec![new.public().to_spki_base64()],
        revoke: vec![],
    });
    let text = m.to_toml().unwrap();
    let bytes = signed(&text, &old, &[("rootfs.img", &data(1000, 1))]);
    let installed = trust(&[&old]);
    let v = verify(&bytes, &installed).unwrap();
    let after_n = installed
        .updated(v.manifest.trust.as_ref().unwrap())
        .unwrap();

    // Release N+1, signed by the new key only, revokes the old one.
    let mut m2 = release_manifest("1.2.0", vec![component("rootfs.img", &data(1000, 2))]);
    m2.trust = Some(TrustUpdate {
        keys: vec![],
        revoke: vec![old.public().fingerprint()],
    });
    let text2 = m2.to_toml().unwrap();
    let bytes2 = signed(&text2, &new, &[("rootfs.img", &data(1000, 2))]);
    assert!(
        verify(&bytes2, &installed).is_err(),
        "a system that skipped N does not trust the new key"
    );
    let v2 = verify(&bytes2, &after_n).unwrap();
    let after_n1 = after_n
        .updated(v2.manifest.trust.as_ref().unwrap())
        .unwrap();

    // From then on, payloads signed by the old key are refused.
    let err = verify(&bytes, &after_n1).unwrap_err();
    assert!(err.to_string().contains("revoked"), "{err}");
    // Revoking every key is refused rather than locking the system out.
    let all = TrustUpdate {
        keys: vec![],
        revoke: vec![new.public().fingerprint()],
    };
    assert!(after_n1.updated(&all).is_err());
}

#[test]
fn a_payload_signed_by_both_keys_verifies_with_either() {
    let old = key(1);
    let new = key(2);
    let m = release_manifest("1.1.0", vec![component("a", b"abc")]);
    let text = m.to_toml().unwrap();
    let sig = payload::SignatureFile::sign(text.as_bytes(), &[&old, &new]).to_toml();
    let bytes = tar_of(&[
        ("manifest.toml", text.as_bytes()),
        ("manifest.sig", sig.as_bytes()),
        ("a", b"abc"),
    ]);
    verify(&bytes, &trust(&[&old])).unwrap();
    verify(&bytes, &trust(&[&new])).unwrap();
}

/// Both keys' payload, signed in the order given, with its manifest text.
fn signed_by_both(first: &payload::SecretKey, second: &payload::SecretKey) -> (String, Vec<u8>) {
    let m = release_manifest("1.1.0", vec![component("a", b"abc")]);
    let text = m.to_toml().unwrap();
    let sig = payload::SignatureFile::sign(text.as_bytes(), &[first, second]).to_toml();
    let bytes = tar_of(&[
        ("manifest.toml", text.as_bytes()),
        ("manifest.sig", sig.as_bytes()),
        ("a", b"abc"),
    ]);
    (text, bytes)
}

#[test]
fn every_trusted_key_that_signed_is_named() {
    let old = key(1);
    let new = key(2);
    let (_, bytes) = signed_by_both(&new, &old);
    let both = trust(&[&old, &new]);
    let r = PayloadReader::open(bytes.as_slice(), &both).unwrap();
    let fps = [new.public().fingerprint(), old.public().fingerprint()];
    assert_eq!(r.signers(), fps, "in the order of the signature file");
    assert_eq!(r.signer(), fps[0]);
    let v = r.verify_rest(|_| {}).unwrap();
    assert_eq!(v.signers, fps);
    // Keys the verifier does not trust are not named.
    let v = verify(&bytes, &trust(&[&old])).unwrap();
    assert_eq!(v.signers, [old.public().fingerprint()]);
    // Nor revoked ones.
    let mut t = trust(&[&old, &new]);
    t.revoke(new.public().fingerprint());
    assert_eq!(
        verify(&bytes, &t).unwrap().signers,
        [old.public().fingerprint()]
    );
}

#[test]
fn a_broken_signature_by_a_trusted_key_is_refused_next_to_a_good_one() {
    let old = key(1);
    let new = key(2);
    let (text, _) = signed_by_both(&old, &new);
    let mut sigs = payload::SignatureFile::sign(text.as_bytes(), &[&old, &new]);
    // The second signature is the old key's over the same manifest: valid
    // base64, the right length, but not by the key it names.
    sigs.signatures[1].ed25519 = sigs.signatures[0].ed25519.clone();
    let sig = sigs.to_toml();
    let bytes = tar_of(&[
        ("manifest.toml", text.as_bytes()),
        ("manifest.sig", sig.as_bytes()),
        ("a", b"abc"),
    ]);
    let err = verify(&bytes, &trust(&[&old, &new])).unwrap_err();
    assert!(
        err.to_string().contains("changed after it was signed"),
        "{err}"
    );
    assert!(
        matches!(&err, Error::Untrusted(Untrusted::Mismatch { key })
            if *key == new.public().fingerprint()),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains(&new.public().fingerprint().short()),
        "{err}"
    );
    // A verifier that trusts only the key whose signature holds accepts it:
    // the other signature is by a key it does not know.
    verify(&bytes, &trust(&[&old])).unwrap();
}

#[test]
fn components_missing_twice_unlisted_or_out_of_order_are_refused() {
    let k = key(1);
    let a = data(1000, 1);
    let b = data(2000, 2);
    let m = release_manifest("1.1.0", vec![component("a", &a), component("b", &b)]);
    let text = m.to_toml().unwrap();
    let t = trust(&[&k]);
    type Members<'a> = Vec<(&'a str, &'a [u8])>;
    let cases: Vec<(Members, &str)> = vec![
        (vec![("a", &a)], "'b' is missing"),
        (vec![], "'a' is missing"),
        (vec![("a", &a), ("b", &b), ("b", &b)], "appears twice"),
        (vec![("a", &a), ("b", &b), ("c", &b)], "not listed"),
        (vec![("b", &b), ("a", &a)], "out of order"),
        (vec![("a", &a), ("x", &b)], "not listed"),
        (
            vec![("a", &a), ("b", &b[..1999])],
            "1999 bytes in the container",
        ),
        (
            vec![("a", &a), ("manifest.toml", text.as_bytes())],
            "second 'manifest.toml'",
        ),
    ];
    for (rest, want) in cases {
        let bytes = signed(&text, &k, &rest);
        let err = verify(&bytes, &t).unwrap_err().to_string();
        assert!(err.contains(want), "want '{want}', got '{err}'");
    }
}

#[test]
fn members_other_than_plain_files_are_refused() {
    let k = key(1);
    let m = release_manifest("1.1.0", vec![component("a", b"abc")]);
    let text = m.to_toml().unwrap();
    let sig = payload::SignatureFile::sign(text.as_bytes(), &[&k]).to_toml();
    for (ty, what) in [
        (tar::EntryType::Symlink, "symbolic link"),
        (tar::EntryType::Link, "hard link"),
        (tar::EntryType::Block, "block device"),
        (tar::EntryType::Char, "character device"),
        (tar::EntryType::Directory, "directory"),
        (tar::EntryType::Fifo, "FIFO"),
        (tar::EntryType::XHeader, "pax"),
    ] {
        let mut bytes = tar_of(&[
            ("manifest.toml", text.as_bytes()),
            ("manifest.sig", sig.as_bytes()),
        ]);
        bytes.truncate(bytes.len() - 1024); // the end-of-archive marker
        let mut h = header("a", 0, mtime_of(text.as_bytes()));
        h.set_entry_type(ty);
        h.set_cksum();
        bytes.extend_from_slice(h.as_bytes());
        bytes.extend_from_slice(&[0; 1024]);
        let err = verify(&bytes, &trust(&[&k])).unwrap_err().to_string();
        assert!(
            err.contains(what) && err.contains("only plain files"),
            "{err}"
        );
    }
}

#[test]
fn an_oversized_manifest_is_refused_before_it_is_read() {
    let k = key(1);
    // A header claiming a 1 GiB manifest followed by nothing: refused on the
    // size alone, so no gigabyte is allocated.
    let h = header("manifest.toml", 1 << 30, 0);
    let err = verify(h.as_bytes(), &trust(&[&k])).unwrap_err();
    assert!(matches!(err, Error::ManifestTooLarge { .. }), "{err}");
    let h = header("manifest.toml", u64::MAX >> 2, 0);
    assert!(verify(h.as_bytes(), &trust(&[&k])).is_err());
}

#[test]
fn a_manifest_of_another_product_still_verifies_the_bytes_it_names() {
    // Verification proves authenticity; product checks belong to the plan.
    let k = key(1);
    let mut m = release_manifest("1.1.0", vec![component("a", b"abc")]);
    m.product = "other-product".into();
    let text = m.to_toml().unwrap();
    let v = verify(&signed(&text, &k, &[("a", b"abc")]), &trust(&[&k])).unwrap();
    assert_eq!(v.manifest.product, "other-product");
}

#[test]
fn verification_does_not_look_at_the_clock() {
    let k = key(1);
    for created in [
        "1970-01-01T00:00:00Z",
        "2100-12-31T23:59:59Z",
        "9999-12-31T23:59:59Z",
    ] {
        let mut m = release_manifest("1.1.0", vec![component("a", b"abc")]);
        m.created = created.into();
        let text = m.to_toml().unwrap();
        verify(&signed(&text, &k, &[("a", b"abc")]), &trust(&[&k])).unwrap();
    }
}

#[test]
fn empty_components_are_allowed() {
    let k = key(1);
    let m = release_manifest("1.1.0", vec![component("empty", b""), component("a", b"x")]);
    let text = m.to_toml().unwrap();
    let bytes = signed(&text, &k, &[("empty", b""), ("a", b"x")]);
    verify(&bytes, &trust(&[&k])).unwrap();
}

#[test]
fn checking_stored_bytes_of_raw_components_is_the_full_check() {
    let k = key(1);
    let t = trust(&[&k]);
    let s = sample(&k, 0);
    let check = |bytes: &[u8]| PayloadReader::open(bytes, &t)?.check_stored_rest(|_| {});
    let v = check(&s.bytes).unwrap();
    assert_eq!(v.manifest, s.manifest);
    assert_eq!(v.length, s.bytes.len() as u64);
    // A flipped byte in the last component's data, past the headers.
    let mut bad = s.bytes.clone();
    let at = bad.len() - 1024 - 512 - 100;
    bad[at] ^= 0x40;
    let e = check(&bad).unwrap_err();
    assert!(matches!(e, Error::ChunkMismatch { .. }), "{e}");
    // Truncation anywhere after the signature.
    for cut in (3000..s.bytes.len() - 1024).step_by(20_011) {
        let e = check(&s.bytes[..cut]).expect_err(&format!("cut at {cut} passed"));
        assert!(
            matches!(e, Error::Truncated { .. } | Error::Layout(_)),
            "cut at {cut}: {e}"
        );
    }
}
