//! Directory entries whose chain starts outside the data area (cluster 1,
//! or past the last cluster), on volumes made by mkfs.fat and mtools:
//! opening them fails with an error that names the entry, where `fatfs`
//! would compute the entry's place as `cluster - 2` and overflow.
#![allow(clippy::unwrap_used)]

use std::io::{Cursor, Read};

use fat::{FixedTime, Volume};
use testkit::fat_loop::*;

/// Open the volume, list `dir` and read `dir/x.txt` and `data.bin`.
fn open_and_read(img: &[u8]) -> Result<(), fat::Error> {
    let v = Volume::open(Cursor::new(img.to_vec()), FixedTime::from_unix(0))?;
    v.list("")?;
    v.list("dir")?;
    v.read("dir/x.txt", 1 << 20)?;
    v.read("data.bin", 1 << 20)?;
    Ok(())
}

fn volume(dir: &std::path::Path) -> Vec<u8> {
    mkfs_fat32(
        &dir.join("fat.img"),
        40,
        &["dir"],
        &[("data.bin", &[7u8; 3000]), ("dir/x.txt", b"hello")],
    )
}

/// Byte offset of the short entry `name` (11 bytes, space padded) in the
/// first cluster of the directory at `dir`.
fn entry_at(g: &Geometry, img: &[u8], dir: u32, name: &[u8; 11]) -> usize {
    let range = g.cluster(img, dir);
    let start = range.start;
    img[range]
        .chunks_exact(32)
        .position(|e| &e[..11] == name)
        .map(|i| start + i * 32)
        .unwrap_or_else(|| panic!("no {:?}", String::from_utf8_lossy(name)))
}

fn set_start(img: &mut [u8], at: usize, cluster: u32) {
    img[at + 26..at + 28].copy_from_slice(&(cluster as u16).to_le_bytes());
    img[at + 20..at + 22].copy_from_slice(&((cluster >> 16) as u16).to_le_bytes());
}

fn assert_bad_start(r: Result<(), fat::Error>, want_name: Option<&str>, want_cluster: u32) {
    match r {
        Err(e @ fat::Error::BadStart { .. }) => {
            let fat::Error::BadStart { name, cluster } = &e else {
                unreachable!()
            };
            assert_eq!((name.as_deref(), *cluster), (want_name, want_cluster));
            assert!(e.to_string().contains("damaged"), "{e}");
        }
        other => panic!("expected a bad first cluster, got {other:?}"),
    }
}

#[test]
fn the_volume_as_made_reads() {
    let dir = tempfile::tempdir().unwrap();
    open_and_read(&volume(dir.path())).unwrap();
}

#[test]
fn entries_that_start_outside_the_data_area_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let img = volume(dir.path());
    let g = Geometry::read(&img);
    let clusters = u32::try_from((img.len() as u64 - g.data_start) / g.cluster_bytes).unwrap();
    let sub = g.resolve(&img, "dir");
    let cases: [(u32, &[u8; 11], &str); 4] = [
        (g.root_cluster, b"DATA    BIN", "DATA.BIN"),
        (sub, b"X       TXT", "X.TXT"),
        (sub, b"..         ", ".."),
        (g.root_cluster, b"DIR        ", "DIR"),
    ];
    for (parent, name, shown) in cases {
        for bad in [1, clusters + 2, 0x0FFF_FFF0] {
            let mut img = img.clone();
            let at = entry_at(&g, &img, parent, name);
            set_start(&mut img, at, bad);
            assert_bad_start(open_and_read(&img), Some(shown), bad);
            // Detection opens FAT its own way, with the same check.
            let mut dev = Cursor::new(img.as_slice());
            match detect::fat::open(&mut dev, 0, img.len() as u64) {
                Err(detect::FatProblem::BadStart { name, cluster }) => {
                    assert_eq!((name.as_deref(), cluster), (Some(shown), bad));
                }
                Err(other) => panic!("expected a bad first cluster, got {other:?}"),
                Ok(_) => panic!("detection opened {shown} starting at cluster {bad}"),
            };
        }
    }
}

#[test]
fn a_fat32_root_cluster_outside_the_data_area_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut img = volume(dir.path());
    for bad in [0u32, 1] {
        img[44..48].copy_from_slice(&bad.to_le_bytes());
        assert_bad_start(open_and_read(&img), None, bad);
    }
}

#[test]
fn a_fat12_root_area_entry_is_checked_too() {
    let v = fat::format(
        Cursor::new(vec![0u8; 1 << 20]),
        &fat::FormatOptions::new("SMALL"),
    )
    .unwrap();
    v.write("data.bin", &[7u8; 3000]).unwrap();
    let mut img = v.close().unwrap().into_inner();
    let u16_at = |o: usize| usize::from(u16::from_le_bytes([img[o], img[o + 1]]));
    let root = (u16_at(14) + usize::from(img[16]) * u16_at(22)) * u16_at(11);
    let at = img[root..]
        .chunks_exact(32)
        .position(|e| &e[..11] == b"DATA    BIN")
        .map(|i| root + i * 32)
        .unwrap();
    img[at + 26..at + 28].copy_from_slice(&1u16.to_le_bytes());
    let r = Volume::open(Cursor::new(img), FixedTime::from_unix(0)).and_then(|v| {
        let mut f = v.open_file("data.bin")?;
        let mut out = Vec::new();
        f.read_to_end(&mut out).map_err(|source| fat::Error::Io {
            what: fat::Access::ReadFile {
                path: "data.bin".into(),
            },
            source,
        })?;
        Ok(())
    });
    assert_bad_start(r, Some("DATA.BIN"), 1);
}
