//! The ISO reader and the checksum check on bytes nobody vouches for:
//! errors, never panics, no huge allocations. The starting point is an ISO
//! made by xorriso, so the reader is also checked against a foreign writer.
#![allow(clippy::unwrap_used)]

use std::io::{Cursor, Read};
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use proptest::prelude::*;

fn xorriso_iso() -> &'static [u8] {
    static ISO: OnceLock<Vec<u8>> = OnceLock::new();
    ISO.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let tree = dir.path().join("tree");
        std::fs::create_dir_all(tree.join("ferry/reports")).unwrap();
        std::fs::write(
            tree.join("ferry/medium.toml"),
            "format = 1\nid = \"0123456789abcdef\"\nlabel = \"FERRY\"\nkind = \"iso\"\n\
             product = \"demo-engine\"\nversion = \"1.1.0\"\npayload = \"demo-engine-1.1.0.upg\"\n\
             payload_size = 5\ncmdline = \"quiet ferry.medium=0123456789abcdef\"\n\
             created = \"2023-11-14T22:13:20Z\"\n",
        )
        .unwrap();
        std::fs::write(tree.join("ferry/demo-engine-1.1.0.upg"), b"hello").unwrap();
        std::fs::write(tree.join("A Long Mixed-Case Name.txt"), vec![7u8; 5000]).unwrap();
        let iso = dir.path().join("x.iso");
        let xorriso = ["/usr/bin/xorriso", "/bin/xorriso"]
            .into_iter()
            .find(|p| Path::new(p).is_file())
            .expect("xorriso is missing: install the Debian package xorriso");
        let out = Command::new(xorriso)
            .args(["-as", "mkisofs", "-quiet", "-r", "-V", "FERRY_TEST", "-o"])
            .arg(&iso)
            .arg(&tree)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::read(iso).unwrap()
    })
}

#[test]
fn reads_rock_ridge_names_from_xorriso() {
    let mut iso = medium::iso::Iso::open(Cursor::new(xorriso_iso().to_vec())).unwrap();
    assert!(iso.has_rock_ridge());
    assert_eq!(iso.label(), "FERRY_TEST");
    let info = iso.medium_info().unwrap();
    assert_eq!(info.id, "0123456789abcdef");
    let mut f = iso.open_file("A Long Mixed-Case Name.txt").unwrap();
    let mut b = Vec::new();
    f.read_to_end(&mut b).unwrap();
    assert_eq!(b, vec![7u8; 5000]);
    assert!(iso.find("a long mixed-case name.txt").is_err());
    let names: Vec<String> = iso
        .read_dir("ferry")
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert!(names.contains(&"reports".to_string()), "{names:?}");
    assert!(matches!(
        iso.find("ferry/nope"),
        Err(medium::Error::NotFound(_))
    ));
    // No checksum in a plain xorriso image.
    assert!(matches!(
        medium::checksum::check(Cursor::new(xorriso_iso().to_vec()), |_, _| {}),
        Err(medium::Error::NoChecksum)
    ));
}

/// A small stick partition as media-builder lays it out.
fn stick_image() -> &'static [u8] {
    static IMG: OnceLock<Vec<u8>> = OnceLock::new();
    IMG.get_or_init(|| {
        let v = fat::format(
            Cursor::new(vec![0u8; 4 << 20]),
            &fat::FormatOptions::new("FERRY"),
        )
        .unwrap();
        v.write(
            medium::INFO_PATH,
            b"format = 1\nid = \"0123456789abcdef\"\nlabel = \"FERRY\"\nkind = \"usb\"\n\
              product = \"p\"\nversion = \"1.0.0\"\npayload = \"p.upg\"\npayload_size = 70000\n\
              cmdline = \"x\"\ncreated = \"2023-11-14T22:13:20Z\"\n",
        )
        .unwrap();
        v.write("ferry/p.upg", &[9u8; 70000]).unwrap();
        v.write(medium::ANSWER_PATH, b"mode = \"wipe\"\n").unwrap();
        v.create_dir(medium::REPORTS_DIR).unwrap();
        v.close().unwrap().into_inner()
    })
}

#[test]
fn reads_a_stick_partition() {
    let stick = medium::stick::Stick::open(Cursor::new(stick_image().to_vec())).unwrap();
    assert_eq!(stick.info().unwrap().payload, "p.upg");
    assert_eq!(
        stick.answer().unwrap().as_deref(),
        Some("mode = \"wipe\"\n")
    );
    let (mut s, n) = stick.payload().unwrap();
    let mut got = Vec::new();
    s.read_to_end(&mut got).unwrap();
    assert_eq!((n, got), (70000, vec![9u8; 70000]));
}

fn poke(iso: &[u8], flips: &[(usize, u8)]) -> Vec<u8> {
    let mut v = iso.to_vec();
    // Metadata lives in the first ~40 blocks.
    for (at, b) in flips {
        let i = at % (40 * 2048).min(v.len());
        v[i] = *b;
    }
    v
}

fn exercise(bytes: Vec<u8>) {
    if let Ok(mut iso) = medium::iso::Iso::open(Cursor::new(bytes.clone())) {
        let _ = iso.medium_info();
        let _ = iso.read_dir("");
        let _ = iso.read_dir("ferry");
        if let Ok(mut f) = iso.open_file("A Long Mixed-Case Name.txt") {
            let mut sink = Vec::new();
            let _ = (&mut f).take(1 << 20).read_to_end(&mut sink);
        }
    }
    let _ = medium::checksum::check(Cursor::new(bytes), |_, _| {});
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn mutated_iso(flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..48)) {
        exercise(poke(xorriso_iso(), &flips));
    }

    #[test]
    fn random_bytes(data in proptest::collection::vec(any::<u8>(), 0..70_000)) {
        exercise(data);
    }

    #[test]
    fn stick_partition_table(data in proptest::collection::vec(any::<u8>(), 0..4096),
                             count in any::<u32>(), size in any::<u32>(), lba in any::<u64>()) {
        let mut disk = data;
        disk.resize(4096, 0);
        disk[512..520].copy_from_slice(b"EFI PART");
        disk[512 + 72..512 + 80].copy_from_slice(&lba.to_le_bytes());
        disk[512 + 80..512 + 84].copy_from_slice(&count.to_le_bytes());
        disk[512 + 84..512 + 88].copy_from_slice(&size.to_le_bytes());
        let _ = medium::stick::find_partition(&mut Cursor::new(disk));
    }

    #[test]
    fn stick_volume(data in proptest::collection::vec(any::<u8>(), 0..16384)) {
        if let Ok(stick) = medium::stick::Stick::open(Cursor::new(data)) {
            let _ = stick.info();
            let _ = stick.answer();
            if let Ok((mut s, _)) = stick.payload() {
                let mut sink = Vec::new();
                let _ = (&mut s).take(1 << 20).read_to_end(&mut sink);
            }
        }
    }

    #[test]
    fn mutated_stick(flips in proptest::collection::vec((0usize..(96 << 10), any::<u8>()), 1..16)) {
        let mut img = stick_image().to_vec();
        for (at, b) in flips {
            img[at] = b;
        }
        if let Ok(stick) = medium::stick::Stick::open(Cursor::new(img)) {
            let _ = stick.info();
            let _ = stick.answer();
            if let Ok((mut s, _)) = stick.payload() {
                let mut sink = Vec::new();
                let _ = (&mut s).take(1 << 20).read_to_end(&mut sink);
            }
        }
    }

    #[test]
    fn app_use_area_text(text in "[ -~]{0,512}") {
        let _ = medium::checksum::Sums::parse(text.as_bytes());
    }

    #[test]
    fn medium_toml(text in "\\PC{0,400}") {
        let _ = medium::MediumInfo::parse(&text);
    }
}

#[test]
fn md5_matches_a_known_implant() {
    // Round trip: implant, then check, on a synthetic 2 MiB volume.
    let mut img = vec![0u8; 2 << 20];
    img[16 * 2048] = 1;
    img[16 * 2048 + 1..16 * 2048 + 6].copy_from_slice(b"CD001");
    img[16 * 2048 + 80..16 * 2048 + 84].copy_from_slice(&1024u32.to_le_bytes());
    for (i, b) in img.iter_mut().enumerate().skip(40 * 2048) {
        *b = (i % 253) as u8;
    }
    let area = medium::checksum::APP_USE_OFFSET as usize;
    img[area..area + 512].fill(b' ');
    let mut h = medium::checksum::ImageHasher::new(img.len() as u64, true);
    h.update(&img);
    let sums = h.finalize();
    img[area..area + 512].copy_from_slice(&sums.app_use_area());
    let r = medium::checksum::check(Cursor::new(img.clone()), |_, _| {}).unwrap();
    assert!(r.ok() && r.md5_ok == Some(true));
    img[1 << 20] ^= 1;
    let r = medium::checksum::check(Cursor::new(img.clone()), |_, _| {}).unwrap();
    assert!(!r.ok());
    img.truncate(1 << 20);
    match medium::checksum::check(Cursor::new(img), |_, _| {}) {
        Err(medium::Error::Damaged(medium::Damage::Short { read, total })) => {
            assert_eq!(read, 1 << 20);
            assert!(total > read);
        }
        other => panic!("{other:?}"),
    }
}
