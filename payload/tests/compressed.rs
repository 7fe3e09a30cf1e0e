#![allow(clippy::unwrap_used)]
//! Compressed components (format 2): they round-trip, zero chunks come back
//! as zero runs, and damaged or hostile frames are refused before any of
//! their bytes reach the caller.

mod common;
use common::*;
use payload::{
    compress_component, BuildSpec, Chunk, Component, Error, Kind, Manifest, PayloadReader, Piece,
    Storing, Version,
};
use sha2::{Digest, Sha256};

/// Data and zeros: chunks 1 and 2 all zero, a short last chunk.
fn image() -> Vec<u8> {
    let mut v = data(5 * CHUNK as usize + 777, 9);
    v[CHUNK as usize..3 * CHUNK as usize].fill(0);
    v
}

fn compressed(name: &str, bytes: &[u8]) -> (Component, Vec<u8>) {
    let mut stored = Vec::new();
    let c = compress_component(
        name,
        bytes,
        bytes.len() as u64,
        CHUNK,
        3,
        &mut stored,
        &mut |_| {},
    )
    .unwrap();
    (c, stored)
}

/// A signed payload of one compressed component described by `c` whose
/// stored bytes are `stored`.
fn payload_of(c: Component, stored: &[u8]) -> (Vec<u8>, Manifest) {
    let m = release_manifest("1.1.0", vec![c.clone()]);
    let text = m.to_toml().unwrap();
    (signed(&text, &key(1), &[(c.name.as_str(), stored)]), m)
}

/// Reads the one component of `bytes`, returning the pieces delivered
/// (data lengths, or zero runs as negative lengths) and the result.
fn read_pieces(bytes: &[u8]) -> (Vec<i64>, Result<Component, Error>) {
    let mut reader = PayloadReader::open(bytes, &trust(&[&key(1)])).unwrap();
    let mut got = Vec::new();
    let r = reader.read_component_pieces(
        |len| vec![0u8; len],
        |piece, _stored| {
            got.push(match piece {
                Piece::Data(b) => b.len() as i64,
                Piece::Zeros(n) => -(n as i64),
            });
            Ok(())
        },
    );
    (got, r)
}

/// The stored byte range of chunk `i`.
fn frame_range(c: &Component, i: usize) -> std::ops::Range<usize> {
    let mut at = 0usize;
    for (j, k) in c.chunks.iter().enumerate() {
        let (s, e) = c.chunk_range(j as u64);
        let n = k.stored_len(e - s) as usize;
        if j == i {
            return at..at + n;
        }
        at += n;
    }
    panic!("no chunk {i}")
}

#[test]
fn a_compressed_component_round_trips_with_zero_runs() {
    let img = image();
    let (c, stored) = compressed("rootfs.img", &img);
    assert_eq!(c.chunks[1], Chunk::Zero);
    assert_eq!(c.chunks[2], Chunk::Zero);
    assert!(matches!(c.chunks[0], Chunk::Frame { .. }));
    assert_eq!(c.sha256.0, <[u8; 32]>::from(Sha256::digest(&img)));
    assert_eq!(c.stored_size(), stored.len() as u64);
    assert!(stored.len() < img.len() / 2, "{} stored", stored.len());
    let (bytes, m) = payload_of(c, &stored);
    assert!(m.to_toml().unwrap().contains("format = 2"));
    let (pieces, r) = read_pieces(&bytes);
    r.unwrap();
    let chunk = CHUNK as i64;
    assert_eq!(pieces, vec![chunk, -chunk, -chunk, chunk, chunk, 777]);
    // The plain reader gives every byte, zeros included.
    let mut reader = PayloadReader::open(&bytes[..], &trust(&[&key(1)])).unwrap();
    let (_, out) = reader.read_component_to_vec(1 << 30).unwrap();
    assert_eq!(out, img);
    reader.finish().unwrap();
}

#[test]
fn build_compresses_images_only_and_verify_reads_it_back() {
    let dir = tempfile::tempdir().unwrap();
    let img = dir.path().join("root.img");
    std::fs::write(&img, image()).unwrap();
    let kernel = dir.path().join("vmlinuz");
    std::fs::write(&kernel, data(70_000, 3)).unwrap();
    let mut spec = BuildSpec::new("demo-engine", Version::new(1, 1, 0), Kind::Release);
    spec.chunk_size = CHUNK;
    let initrd = dir.path().join("initrd.img");
    std::fs::write(&initrd, data(90_000, 5)).unwrap();
    spec.components = vec![
        ("rootfs.img".into(), img.clone()),
        ("vmlinuz".into(), kernel),
        ("initrd.img".into(), initrd),
    ];
    let out = dir.path().join("demo-engine-1.1.0.upg");
    let v = payload::build(&spec, &[&key(1)], &out, &mut |_, _, _| {}).unwrap();
    assert_eq!(v.manifest.format, payload::FORMAT);
    assert!(!v.manifest.components[0].compression.is_none());
    assert!(v.manifest.components[1].compression.is_none());
    // The initrd is an image by name only: it is compressed already.
    assert!(v.manifest.components[2].compression.is_none());
    assert!(v.length < image().len() as u64);
    verify(&std::fs::read(&out).unwrap(), &trust(&[&key(1)])).unwrap();

    // Stored as is, nothing needs format 2: older installers read it.
    spec.compression = Storing::Raw;
    let v = payload::build(&spec, &[&key(1)], &out, &mut |_, _, _| {}).unwrap();
    assert_eq!(v.manifest.format, payload::FORMAT_1);
    verify(&std::fs::read(&out).unwrap(), &trust(&[&key(1)])).unwrap();
}

#[test]
fn a_flipped_bit_in_a_frame_is_refused_before_it_is_decompressed() {
    let (c, mut stored) = compressed("rootfs.img", &image());
    let r = frame_range(&c, 0);
    stored[r.start + 20] ^= 0x10;
    // Signed for the frame as it was built; damaged after signing.
    let (bytes, _) = payload_of(c, &stored);
    let (pieces, r) = read_pieces(&bytes);
    assert!(pieces.is_empty(), "{pieces:?}");
    let e = r.unwrap_err();
    assert!(matches!(e, Error::ChunkMismatch { chunk: 0, .. }), "{e}");
}

/// Signs a component whose chunk `i` is replaced by `frame` (signed: a
/// builder's bug or a hostile signer, not damage on the medium).
fn with_signed_frame(i: usize, frame: &[u8]) -> Vec<u8> {
    let (mut c, stored) = compressed("rootfs.img", &image());
    let r = frame_range(&c, i);
    let mut new = stored[..r.start].to_vec();
    new.extend_from_slice(frame);
    new.extend_from_slice(&stored[r.end..]);
    c.chunks[i] = Chunk::Frame {
        sha256: payload::Sha256Digest(Sha256::digest(frame).into()),
        stored: frame.len() as u64,
    };
    payload_of(c, &new).0
}

fn bad_frame(bytes: &[u8], chunk: u64, why: &str) {
    let (pieces, r) = read_pieces(bytes);
    let e = r.unwrap_err();
    assert!(
        matches!(&e, Error::BadFrame { chunk: c, .. } if *c == chunk),
        "{e}"
    );
    assert!(e.to_string().contains(why), "{e}");
    assert_eq!(
        pieces.len() as u64,
        chunk,
        "only the chunks before: {pieces:?}"
    );
}

#[test]
fn a_truncated_frame_is_refused() {
    let (c, stored) = compressed("rootfs.img", &image());
    let r = frame_range(&c, 3);
    let frame = &stored[r.start..r.end - 5];
    bad_frame(&with_signed_frame(3, frame), 3, "not a valid zstd frame");
}

#[test]
fn a_frame_that_expands_beyond_its_chunk_is_refused() {
    // The last chunk is 777 bytes; a frame of a whole chunk expands further.
    let big = zstd::bulk::compress(&vec![7u8; CHUNK as usize], 3).unwrap();
    bad_frame(&with_signed_frame(5, &big), 5, "expands beyond 777 bytes");
    // A frame that gives less than its chunk is refused as well.
    let small = zstd::bulk::compress(&data(100, 4), 3).unwrap();
    bad_frame(&with_signed_frame(0, &small), 0, "expands to 100 bytes");
}

#[test]
fn a_zero_run_where_data_was_signed_is_refused() {
    // The manifest's chunk turned into a zero run after signing: the
    // signature no longer matches.
    let (c, stored) = compressed("rootfs.img", &image());
    let m = release_manifest("1.1.0", vec![c.clone()]);
    let text = m.to_toml().unwrap();
    let sig = payload::SignatureFile::sign(text.as_bytes(), &[&key(1)]).to_toml();
    let entry = c.chunks[0].to_string();
    let forged = text.replacen(&format!("\"{entry}\""), "\"zero\"", 1);
    assert_ne!(forged, text);
    let r0 = frame_range(&c, 0);
    let rest = stored[r0.end..].to_vec();
    let bytes = tar_of(&[
        ("manifest.toml", forged.as_bytes()),
        ("manifest.sig", sig.as_bytes()),
        ("rootfs.img", &rest),
    ]);
    let e = PayloadReader::open(&bytes[..], &trust(&[&key(1)])).unwrap_err();
    assert!(matches!(e, Error::Untrusted(_)), "{e}");
    // Signed data, but the frame left out of the container: the member is
    // short and nothing of the component is taken.
    let (bytes, _) = payload_of(c, &rest);
    let (pieces, r) = read_pieces(&bytes);
    assert!(pieces.is_empty());
    assert!(matches!(r.unwrap_err(), Error::Layout(_)));
}

#[test]
fn unknown_compressions_and_hostile_stored_lengths_are_refused() {
    let (c, stored) = compressed("rootfs.img", &image());
    let (_, m) = payload_of(c, &stored);
    let text = m
        .to_toml()
        .unwrap()
        .replace("compression = \"zstd\"", "compression = \"xz\"")
        .replace("min-installer = \"0.1.0\"", "min-installer = \"0.4.0\"");
    let e = Manifest::parse(text.as_bytes()).unwrap_err();
    assert!(
        matches!(&e, Error::NewerFormat { what: payload::Newer::Compression { component, compression }, .. }
            if component == "rootfs.img" && compression == "xz"),
        "{e:?}"
    );
    assert!(
        e.to_string().contains("'xz'") && e.to_string().contains("installer 0.4.0 or newer"),
        "{e}"
    );
    let text = m.to_toml().unwrap();
    let first = m.components[0].chunks[0].to_string();
    let (hex, _) = first.split_once(':').unwrap();
    for bad in [
        format!("{hex}:99999999999"),
        format!("{hex}:0"),
        format!("{hex}:-1"),
        format!("{hex}:+5"),
        hex.to_string(),
    ] {
        let e = Manifest::parse(text.replace(&first, &bad).as_bytes()).unwrap_err();
        assert!(matches!(e, Error::Manifest(_)), "{bad}: {e}");
    }
}

fn check_stored(bytes: &[u8]) -> (u64, Result<payload::Verified, Error>) {
    let reader = PayloadReader::open(bytes, &trust(&[&key(1)])).unwrap();
    let mut done = 0u64;
    let r = reader.check_stored_rest(|n| done += n);
    (done, r)
}

#[test]
fn checking_the_stored_bytes_takes_every_signed_frame_and_counts_stored_bytes() {
    let (c, stored) = compressed("rootfs.img", &image());
    let (bytes, m) = payload_of(c, &stored);
    let (done, r) = check_stored(&bytes);
    let v = r.unwrap();
    assert_eq!(v.manifest, m);
    assert_eq!(v.length, bytes.len() as u64);
    assert_eq!(done, stored.len() as u64, "the stored bytes, not the image");
}

#[test]
fn checking_the_stored_bytes_refuses_a_flipped_bit_and_a_short_member() {
    let (c, mut stored) = compressed("rootfs.img", &image());
    let r = frame_range(&c, 3);
    stored[r.start + 7] ^= 0x01;
    let (bytes, _) = payload_of(c.clone(), &stored);
    let (_, r) = check_stored(&bytes);
    let e = r.unwrap_err();
    assert!(matches!(e, Error::ChunkMismatch { chunk: 3, .. }), "{e}");

    let (_, stored) = compressed("rootfs.img", &image());
    let short = &stored[..stored.len() - 1];
    let (bytes, _) = payload_of(c, short);
    let (_, r) = check_stored(&bytes);
    assert!(matches!(r.unwrap_err(), Error::Layout(_)));
}

#[test]
fn checking_the_stored_bytes_does_not_decompress_but_verifying_does() {
    // A signed frame that is truncated: its digest matches the manifest,
    // so the stored bytes are exactly the signed ones (what a copy needs);
    // only a full verification finds that it does not decompress.
    let (c, stored) = compressed("rootfs.img", &image());
    let r = frame_range(&c, 3);
    let bytes = with_signed_frame(3, &stored[r.start..r.end - 5]);
    let (_, r) = check_stored(&bytes);
    r.unwrap();
    let e = PayloadReader::open(&bytes[..], &trust(&[&key(1)]))
        .unwrap()
        .verify_rest(|_| {})
        .unwrap_err();
    assert!(matches!(e, Error::BadFrame { chunk: 3, .. }), "{e}");
}

#[test]
fn verifying_counts_zero_chunks_as_their_uncompressed_length() {
    let img = image();
    let (c, stored) = compressed("rootfs.img", &img);
    let (bytes, _) = payload_of(c, &stored);
    let mut done = 0u64;
    PayloadReader::open(&bytes[..], &trust(&[&key(1)]))
        .unwrap()
        .verify_rest(|n| done += n)
        .unwrap();
    assert_eq!(done, img.len() as u64);
}

#[test]
fn the_components_written_before_the_manifest_leave_a_tar_that_tar_reads() {
    // Incompressible chunks make the longest frames the manifest can name,
    // an empty image only zero runs: the space kept for the manifest must
    // fit both, and the container stay a plain tar archive.
    let dir = tempfile::tempdir().unwrap();
    let random = dir.path().join("random.img");
    let noise: Vec<u8> = (0u32..)
        .flat_map(|i| Sha256::digest(i.to_le_bytes()))
        .take(4 * CHUNK as usize + 3)
        .collect();
    std::fs::write(&random, noise).unwrap();
    let empty = dir.path().join("empty.img");
    std::fs::write(&empty, vec![0u8; 3 * CHUNK as usize]).unwrap();
    let kernel = dir.path().join("vmlinuz");
    let kernel_bytes = data(70_001, 4);
    std::fs::write(&kernel, &kernel_bytes).unwrap();
    let mut spec = BuildSpec::new("demo-engine", Version::new(1, 1, 0), Kind::Release);
    spec.chunk_size = CHUNK;
    spec.components = vec![
        ("random.img".into(), random),
        ("vmlinuz".into(), kernel),
        ("empty.img".into(), empty),
    ];
    let out = dir.path().join("demo-engine-1.1.0.upg");
    let v = payload::build(&spec, &[&key(1), &key(2)], &out, &mut |_, _, _| {}).unwrap();
    let random = &v.manifest.components[0];
    for (i, c) in random.chunks.iter().enumerate() {
        let (start, end) = random.chunk_range(i as u64);
        assert!(
            matches!(c, Chunk::Frame { stored, .. } if *stored > end - start),
            "chunk {i}: {c}"
        );
    }
    assert!(v.manifest.components[2]
        .chunks
        .iter()
        .all(|c| *c == Chunk::Zero));
    verify(&std::fs::read(&out).unwrap(), &trust(&[&key(1), &key(2)])).unwrap();
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode & 0o644, 0o644 & !umask(), "{mode:o}");

    // GNU tar reads the members in order, with the sizes the manifest gives.
    let listing = std::process::Command::new("tar")
        .arg("-tvf")
        .arg(&out)
        .output()
        .unwrap();
    assert!(listing.status.success());
    let listing = String::from_utf8(listing.stdout).unwrap();
    let members: Vec<(&str, u64)> = listing
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f[5], f[2].parse().unwrap())
        })
        .collect();
    let names: Vec<&str> = members.iter().map(|m| m.0).collect();
    assert_eq!(
        names,
        [
            "manifest.toml",
            "manifest.sig",
            "random.img",
            "vmlinuz",
            "empty.img"
        ]
    );
    for (c, (_, size)) in v.manifest.components.iter().zip(&members[2..]) {
        assert_eq!(c.stored_size(), *size, "{}", c.name);
    }
    let extracted = std::process::Command::new("tar")
        .arg("-xOf")
        .arg(&out)
        .arg("vmlinuz")
        .output()
        .unwrap();
    assert_eq!(extracted.stdout, kernel_bytes);
}

/// The process's umask, read without changing it for long.
fn umask() -> u32 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("Umask:"))
        .map(|m| u32::from_str_radix(m.trim(), 8).unwrap())
        .unwrap()
}
