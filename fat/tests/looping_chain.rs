//! A cluster chain that loops, on a volume made by mkfs.fat and mtools:
//! opening it fails at once with an error that says the file system is
//! damaged, instead of a walk that never ends.

use std::io::Cursor;

use fat::{FixedTime, Volume};
use testkit::fat_loop::*;

/// Open the volume and walk `ferry/`, in a thread with a time limit (a
/// `Volume` is not `Send`: the result is whether it all worked).
fn open(img: Vec<u8>) -> Result<(), fat::Error> {
    within("opening and listing the volume", move || {
        let v = Volume::open(Cursor::new(img), FixedTime::from_unix(0))?;
        // Without the check, these walk the loop forever.
        v.list("ferry")?;
        v.exists("ferry/answer.toml");
        v.free_bytes()?;
        Ok(())
    })
}

fn assert_loop(r: Result<(), fat::Error>) {
    match r {
        Err(e @ fat::Error::ChainLoop { .. }) => {
            let text = e.to_string();
            assert!(text.contains("damaged"), "{text}");
            assert!(text.contains("loop in its cluster chain"), "{text}");
        }
        other => panic!("expected a looping chain, got {other:?}"),
    }
}

#[test]
fn a_directory_whose_chain_loops_is_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut img = mkfs_fat32(
        &dir.path().join("fat.img"),
        40,
        &["ferry"],
        &[("ferry/medium.toml", b"id = \"x\"\n")],
    );
    loop_dir(&mut img, "FERRY");
    assert!(matches!(
        fat::check_chains(&mut Cursor::new(&img)),
        Err(fat::Error::ChainLoop { .. })
    ));
    assert_loop(open(img));
}

#[test]
fn a_file_whose_chain_loops_is_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = vec![7u8; 3 * 512];
    let mut img = mkfs_fat32(
        &dir.path().join("fat.img"),
        40,
        &["ferry"],
        &[("ferry/big.bin", &data)],
    );
    loop_file(&mut img, "FERRY/BIG.BIN");
    let r = within("reading the file", move || {
        let v = Volume::open(Cursor::new(img), FixedTime::from_unix(0))?;
        v.read("ferry/big.bin", 1 << 20)?;
        Ok(())
    });
    assert_loop(r);
}

#[test]
fn a_chain_into_a_free_cluster_is_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = vec![7u8; 3 * 512];
    let mut img = mkfs_fat32(&dir.path().join("fat.img"), 40, &[], &[("big.bin", &data)]);
    let g = Geometry::read(&img);
    let first = g.resolve(&img, "BIG.BIN");
    let second = g.fat_entry(&img, first);
    g.set_fat_entry(&mut img, second, 0);
    match fat::check_chains(&mut Cursor::new(&img)) {
        Err(e @ fat::Error::BadLink { .. }) => assert!(e.to_string().contains("damaged")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn sound_volumes_pass_the_check() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = vec![7u8; 3 * 512];
    let img = mkfs_fat32(
        &dir.path().join("fat.img"),
        40,
        &["ferry", "ferry/reports"],
        &[("ferry/big.bin", &data), ("ferry/medium.toml", b"x")],
    );
    fat::check_chains(&mut Cursor::new(&img)).expect("sound volume");
    open(img.clone()).expect("open");
    let v = Volume::open(Cursor::new(img), FixedTime::from_unix(0)).expect("open");
    assert_eq!(v.read("ferry/big.bin", 1 << 20).expect("read"), data);
    // FAT12 and FAT16 as fatfs formats them.
    for size in [1 << 20, 16 << 20] {
        let v = fat::format(Cursor::new(vec![0u8; size]), &fat::FormatOptions::new("T"))
            .expect("format");
        v.create_dir("a/b").expect("mkdir");
        v.write("a/b/c.bin", &data).expect("write");
        let mut disk = v.close().expect("close");
        fat::check_chains(&mut disk).expect("sound volume");
    }
}
