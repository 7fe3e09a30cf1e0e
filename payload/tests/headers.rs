#![allow(clippy::unwrap_used)]
//! Tar headers are covered by no signature, so the reader accepts only the
//! exact header `payload build` writes: every field that could carry
//! something (permissions, owners, a link target, bytes after the name) is
//! refused by name, with a valid checksum so only the field is wrong.

mod common;
use common::*;
use payload::{BuildSpec, Error, HeaderField, Kind, Version};

/// Offsets of the headers of a sample payload: manifest, signature, then
/// the three components.
fn header_offsets(bytes: &[u8]) -> Vec<(String, usize)> {
    let mut a = tar::Archive::new(bytes);
    a.entries()
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.path().unwrap().to_string_lossy().into_owned(),
                e.raw_header_position() as usize,
            )
        })
        .collect()
}

/// Rewrites the header at `at` and gives it a valid checksum.
fn edit_header(bytes: &mut [u8], at: usize, edit: impl Fn(&mut [u8])) {
    let block = &mut bytes[at..at + 512];
    edit(block);
    block[148..156].fill(b' ');
    let sum: u32 = block.iter().map(|&b| u32::from(b)).sum();
    block[148..156].copy_from_slice(format!("{sum:07o}\0").as_bytes());
}

fn set(field: HeaderField, value: &[u8]) -> impl Fn(&mut [u8]) + '_ {
    move |block: &mut [u8]| {
        let range = field.bytes();
        block[range.clone()].fill(0);
        block[range.start..range.start + value.len()].copy_from_slice(value);
    }
}

/// A change to a header block.
type Edit = Box<dyn Fn(&mut [u8])>;

/// Each hostile header, with the field it must be refused for.
fn hostile() -> Vec<(&'static str, HeaderField, Edit)> {
    use HeaderField as F;
    vec![
        ("setuid mode", F::Mode, Box::new(set(F::Mode, b"0004777\0"))),
        ("mode 0755", F::Mode, Box::new(set(F::Mode, b"0000755\0"))),
        (
            "mode without NUL",
            F::Mode,
            Box::new(set(F::Mode, b"0000644 ")),
        ),
        ("another owner", F::Uid, Box::new(set(F::Uid, b"0001750\0"))),
        ("another group", F::Gid, Box::new(set(F::Gid, b"0000012\0"))),
        ("an owner name", F::Uname, Box::new(set(F::Uname, b"root"))),
        ("a group name", F::Gname, Box::new(set(F::Gname, b"wheel"))),
        (
            "a link target",
            F::Linkname,
            Box::new(set(F::Linkname, b"/etc/shadow")),
        ),
        (
            "bytes after the name's NUL",
            F::Name,
            Box::new(|b: &mut [u8]| b[90] = b'x'),
        ),
        (
            "a time in another encoding",
            F::Mtime,
            Box::new(|b: &mut [u8]| b[136] = b' '),
        ),
        (
            "the old regular-file type (NUL)",
            F::Typeflag,
            Box::new(set(F::Typeflag, b"\0")),
        ),
        (
            "a device major",
            F::DevMajor,
            Box::new(set(F::DevMajor, b"0000010\0")),
        ),
        (
            "a device minor",
            F::DevMinor,
            Box::new(set(F::DevMinor, b"0000001\0")),
        ),
        (
            "bytes in the padding",
            F::Padding,
            Box::new(|b: &mut [u8]| b[511] = 1),
        ),
        (
            "the size in base-256",
            F::Size,
            Box::new(|b: &mut [u8]| {
                let size = u64::from_str_radix(
                    std::str::from_utf8(&b[124..135])
                        .unwrap()
                        .trim_end_matches('\0'),
                    8,
                )
                .unwrap();
                b[124..136].fill(0);
                b[124] = 0x80;
                b[128..136].copy_from_slice(&size.to_be_bytes());
            }),
        ),
    ]
}

#[test]
fn every_field_that_differs_from_the_written_header_is_refused_by_name() {
    let k = key(1);
    let good = sample(&k, 0).bytes;
    let t = trust(&[&k]);
    verify(&good, &t).unwrap();
    for (name, at) in header_offsets(&good) {
        for (what, field, edit) in hostile() {
            let mut bytes = good.clone();
            edit_header(&mut bytes, at, edit);
            let err = verify(&bytes, &t).expect_err(&format!("{name} with {what} verified"));
            match &err {
                Error::NonCanonicalHeader {
                    offset,
                    member,
                    field: f,
                } => {
                    assert_eq!(
                        (*f, member.as_str(), *offset),
                        (field, name.as_str(), at as u64),
                        "{name} with {what}: {err}"
                    );
                }
                other => panic!("{name} with {what}: {other}"),
            }
            assert!(err.to_string().contains(&field.to_string()), "{err}");
        }
    }
}

#[test]
fn a_checksum_written_another_way_is_refused() {
    let k = key(1);
    let good = sample(&k, 0).bytes;
    let (_, at) = header_offsets(&good)[2].clone();
    let mut bytes = good.clone();
    // The same sum, as six digits, NUL and space (as GNU tar writes it)
    // instead of seven digits and a NUL.
    let sum =
        u32::from_str_radix(std::str::from_utf8(&bytes[at + 148..at + 155]).unwrap(), 8).unwrap();
    bytes[at + 148..at + 156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    let err = verify(&bytes, &trust(&[&k])).unwrap_err();
    assert!(
        matches!(
            err,
            Error::NonCanonicalHeader {
                field: HeaderField::Checksum,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn every_header_must_carry_the_signed_creation_time() {
    let k = key(1);
    let good = sample(&k, 0).bytes;
    let t = trust(&[&k]);
    let created = mtime_of(&sample(&k, 0).manifest.to_toml().unwrap().into_bytes());
    assert_ne!(created, 0);
    let headers = header_offsets(&good);
    let other = format!("{:011o}\0", created + 1);
    // One header at a time: a component, the signature.
    for (name, at) in &headers[1..] {
        let mut bytes = good.clone();
        edit_header(&mut bytes, *at, set(HeaderField::Mtime, other.as_bytes()));
        let err = verify(&bytes, &t).unwrap_err();
        assert!(
            matches!(&err, Error::NonCanonicalHeader { field: HeaderField::Mtime, member, .. } if member == name),
            "{name}: {err}"
        );
    }
    // All of them alike, but not the manifest's time.
    let mut bytes = good.clone();
    for (_, at) in &headers {
        edit_header(&mut bytes, *at, set(HeaderField::Mtime, other.as_bytes()));
    }
    let err = verify(&bytes, &t).unwrap_err();
    assert!(
        matches!(&err, Error::NonCanonicalHeader { field: HeaderField::Mtime, member, offset: 0 } if member == "manifest.toml"),
        "{err}"
    );
}

#[test]
fn what_payload_build_writes_is_what_the_reader_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let k = key(1);
    let mut spec = BuildSpec::new("demo-engine", Version::new(1, 1, 0), Kind::Release);
    spec.created = time::macros::datetime!(2031-05-06 07:08:09 UTC);
    for (name, len) in [("rootfs.img", 70_000), ("empty", 0)] {
        let path = dir.path().join(name);
        std::fs::write(&path, data(len, 3)).unwrap();
        spec.components.push((name.into(), path));
    }
    let out = dir.path().join("p.upg");
    payload::build(&spec, &[&k], &out, &mut |_, _, _| {}).unwrap();
    let bytes = std::fs::read(&out).unwrap();
    verify(&bytes, &trust(&[&k])).unwrap();
    // And its headers are the ones these tests start from.
    let mtime = spec.created.unix_timestamp() as u64;
    let mut a = tar::Archive::new(bytes.as_slice());
    for e in a.entries().unwrap() {
        let e = e.unwrap();
        let h = e.header();
        let want = header(
            &e.path().unwrap().to_string_lossy(),
            h.size().unwrap(),
            mtime,
        );
        assert_eq!(h.as_bytes(), want.as_bytes());
    }
}
