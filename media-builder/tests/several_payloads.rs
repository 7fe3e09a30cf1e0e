//! Media carrying several payloads (releases and hotfixes of one product):
//! each is verified at build, every one lands under `ferry/` byte for
//! byte, `medium.toml` lists them, and sets one medium cannot carry are
//! refused before anything is written.
#![allow(clippy::unwrap_used)]

mod common;
use common::kit::{checked_stick, run, setup, tool, PAYLOAD};
use common::{fails, ok};
use std::io::Read;
use std::path::Path;

const RELEASE_2: &str = "demo-engine-2.0.0.upg";

/// A second release, 2.0.0, of the product [`setup`] signs, with a
/// component of its own.
fn release(d: &Path, product: &str, version: &str) -> String {
    let name = format!("{product}-{version}.upg");
    let root: Vec<u8> = (0..2_500_000u32).map(|i| (i * 13 % 241) as u8).collect();
    std::fs::write(d.join("rootfs2.img"), root).unwrap();
    let args = [
        "payload",
        "build",
        "--product",
        product,
        "--version",
        version,
        "--kind",
        "release",
        "--component",
        "rootfs.img=rootfs2.img",
        "--key",
        "admin.key",
        "--upgrades-from",
        ">=1.1.0, <2.0.0",
    ];
    ok(d, &[&args[..], &common::BOOT_PARTS].concat());
    name
}

#[test]
fn an_iso_carries_every_payload_and_lists_the_newest_release_first() {
    let dir = setup();
    let d = dir.path();
    release(d, "demo-engine", "2.0.0");
    // Given oldest first: the medium names the newest release anyway.
    let out = ok(
        d,
        &[
            "iso",
            "--bootkit",
            "kit",
            "--payload",
            PAYLOAD,
            "--payload",
            RELEASE_2,
            "--out",
            "two.iso",
        ],
    );
    assert!(out.contains("two.iso"), "{out}");
    assert!(
        out.contains(&format!("payloads: {RELEASE_2}, {PAYLOAD}")),
        "{out}"
    );
    let iso = d.join("two.iso");
    let l = run(tool("isoinfo", "genisoimage")
        .args(["-R", "-f", "-i"])
        .arg(&iso));
    assert!(l.contains(&format!("/ferry/{PAYLOAD}")), "{l}");
    assert!(l.contains(&format!("/ferry/{RELEASE_2}")), "{l}");
    let i = run(tool("isoinfo", "genisoimage").arg("-d").arg("-i").arg(&iso));
    assert!(i.contains("Volume id: FERRY_DEMO_ENGINE_2_0_0"), "{i}");

    let mut r = medium::iso::Iso::open(std::fs::File::open(&iso).unwrap()).unwrap();
    let info = r.medium_info().unwrap();
    assert_eq!(
        (info.payload.as_str(), info.version.as_str()),
        (RELEASE_2, "2.0.0")
    );
    let listed: Vec<(String, String)> = info
        .payloads()
        .into_iter()
        .map(|p| (p.name, p.version))
        .collect();
    assert_eq!(
        listed,
        [
            (RELEASE_2.to_string(), "2.0.0".to_string()),
            (PAYLOAD.to_string(), "1.1.0".to_string())
        ]
    );
    for name in [PAYLOAD, RELEASE_2] {
        let mut got = Vec::new();
        r.open_file(&format!("ferry/{name}"))
            .unwrap()
            .read_to_end(&mut got)
            .unwrap();
        assert!(got == std::fs::read(d.join(name)).unwrap(), "{name}");
        let size = info.payload_file(name).unwrap().size;
        assert_eq!(size, got.len() as u64, "{name}");
    }

    // Customising keeps every payload.
    std::fs::write(d.join("other.toml"), "[install]\n").unwrap();
    ok(
        d,
        &[
            "iso",
            "customize",
            "two.iso",
            "--answer",
            "other.toml",
            "--out",
            "three.iso",
        ],
    );
    let mut r = medium::iso::Iso::open(std::fs::File::open(d.join("three.iso")).unwrap()).unwrap();
    let info2 = r.medium_info().unwrap();
    assert_eq!(info2.payloads(), info.payloads());
    let mut got = Vec::new();
    r.open_file(&format!("ferry/{PAYLOAD}"))
        .unwrap()
        .read_to_end(&mut got)
        .unwrap();
    assert!(got == std::fs::read(d.join(PAYLOAD)).unwrap());
}

#[test]
fn a_usb_image_carries_every_payload_split_where_it_must() {
    let dir = setup();
    let d = dir.path();
    release(d, "demo-engine", "2.0.0");
    let spec = media::usb::image::UsbSpec {
        bootkit: d.join("kit"),
        payloads: vec![d.join(PAYLOAD), d.join(RELEASE_2)],
        answer: None,
        extra_cmdline: String::new(),
        size: None,
        unsigned_ok: false,
        out: d.join("two.img"),
        // The 6 MB payload is split, the 2.5 MB one is not.
        part_size: 4 << 20,
        sector_size: 512,
    };
    let built = media::usb::image::build(&spec, |_, _| {}).unwrap();
    assert_eq!(built.payloads, [RELEASE_2, PAYLOAD]);

    let stick = checked_stick(&built.path, &d.join("part.img"));
    let info = stick.info().unwrap();
    assert_eq!(info.payload, RELEASE_2);
    assert!(info.payload_parts.is_empty());
    let old = info.payload_file(PAYLOAD).unwrap();
    assert_eq!(
        old.parts,
        [format!("{PAYLOAD}.000"), format!("{PAYLOAD}.001")]
    );
    for name in [PAYLOAD, RELEASE_2] {
        let (mut s, size) = stick.payload_named(name).unwrap();
        let mut got = Vec::new();
        s.read_to_end(&mut got).unwrap();
        assert_eq!(size, got.len() as u64);
        assert!(got == std::fs::read(d.join(name)).unwrap(), "{name}");
    }
    assert!(matches!(
        stick.payload_named("nothing.upg"),
        Err(medium::Error::NotFound(_))
    ));
}

#[test]
fn sets_one_medium_cannot_carry_are_refused_and_nothing_is_written() {
    let dir = setup();
    let d = dir.path();
    let other = release(d, "storage", "2.0.0");
    let newer = release(d, "demo-engine", "2.0.0");
    // One whose last component bytes were damaged after signing.
    let mut bytes = std::fs::read(d.join(&newer)).unwrap();
    let at = bytes.len() - 3000;
    bytes[at] ^= 0xff;
    std::fs::write(d.join("bad.upg"), bytes).unwrap();
    std::fs::copy(d.join(PAYLOAD), d.join("copy.upg")).unwrap();
    for cmd in ["iso", "usb-image"] {
        let out = format!("bad.{cmd}");
        let refused = |second: &str| {
            let args = [
                cmd,
                "--bootkit",
                "kit",
                "--payload",
                PAYLOAD,
                "--payload",
                second,
                "--out",
                &out,
            ];
            fails(d, &args)
        };
        let e = refused(&other);
        assert!(e.contains("one medium carries one product"), "{e}");
        // The same payload twice, under another name.
        let e = refused("copy.upg");
        assert!(e.contains("are both demo-engine 1.1.0"), "{e}");
        // One that does not verify spoils the set.
        let e = refused("bad.upg");
        assert!(e.contains("bad.upg"), "{e}");
        assert!(!d.join(&out).exists(), "{out} was written");
    }
}
