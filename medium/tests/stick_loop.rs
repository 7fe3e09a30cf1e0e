//! A stick whose FAT partition has a looping cluster chain (made by
//! mkfs.fat and mtools, then patched): the installer's search for its
//! medium gets an error saying the file system is damaged, at once.

use std::io::{Cursor, Read};

use medium::stick::Stick;
use testkit::fat_loop;

/// Everything the installer reads from a stick, in a thread with a time
/// limit (a `Stick` is not `Send`: the result is whether it all worked).
fn read_stick(img: Vec<u8>) -> Result<(), medium::Error> {
    fat_loop::within("reading the stick", move || {
        let stick = Stick::open(Cursor::new(img))?;
        stick.answer()?;
        stick.volume().list("ferry")?;
        let (mut payload, _) = stick.payload()?;
        std::io::copy(&mut (&mut payload).take(1 << 20), &mut std::io::sink()).map_err(
            |source| medium::Error::Io {
                what: medium::Access::File {
                    path: "the payload".into(),
                },
                source,
            },
        )?;
        Ok(())
    })
}

fn stick(dir: &std::path::Path) -> Vec<u8> {
    let payload = vec![0x5Au8; 4 * 512];
    let info = format!(
        "format = 1\nid = \"0123456789abcdef\"\nlabel = \"FERRY\"\nkind = \"usb\"\n\
         product = \"engine\"\nversion = \"4.2.0\"\npayload = \"engine.upg\"\n\
         payload_size = {}\ncmdline = \"quiet\"\ncreated = \"2025-03-01T10:00:00Z\"\n",
        payload.len()
    );
    fat_loop::mkfs_fat32(
        &dir.join("stick.img"),
        40,
        &["ferry"],
        &[
            ("ferry/medium.toml", info.as_bytes()),
            ("ferry/engine.upg", &payload),
        ],
    )
}

fn assert_damaged(r: Result<(), medium::Error>) {
    match r {
        Err(medium::Error::Fat(e @ fat::Error::ChainLoop { .. })) => {
            let text = e.to_string();
            assert!(text.contains("damaged") && text.contains("loop"), "{text}");
        }
        other => panic!("expected a damaged file system, got {other:?}"),
    }
}

#[test]
fn a_stick_whose_ferry_directory_loops_is_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut img = stick(dir.path());
    fat_loop::loop_dir(&mut img, "FERRY");
    assert_damaged(read_stick(img));
}

#[test]
fn a_stick_whose_payload_chain_loops_is_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut img = stick(dir.path());
    fat_loop::loop_file(&mut img, "ferry/engine.upg");
    assert_damaged(read_stick(img));
}

#[test]
fn the_same_stick_undamaged_reads() {
    let dir = tempfile::tempdir().expect("tmp");
    let img = stick(dir.path());
    read_stick(img).expect("an undamaged stick reads");
}
