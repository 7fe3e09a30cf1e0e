//! USB images for sticks of 4096-byte logical sectors (`usb-image
//! --sector-size 4096`), and `usb write` refusing an image whose sectors
//! are not the stick's before writing anything. The sticks are loop
//! devices of either size (`losetup -b`); needs root and loop devices, and
//! says so and stops where they are missing.
#![allow(clippy::unwrap_used)]

mod common;
use common::kit::{fsck_fat, setup, PAYLOAD};
use common::{fails, mb, ok};
use std::path::Path;
use testkit::image::sparse;
use testkit::loopdev::{blkid, sgdisk_clean, Loop};

fn usb_image(d: &Path, out: &str, sector_size: &str) {
    ok(
        d,
        &[
            "usb-image",
            "--bootkit",
            "kit",
            "--payload",
            PAYLOAD,
            "--sector-size",
            sector_size,
            "--out",
            out,
        ],
    );
}

/// The image's partition as the stick reader finds it, and what it holds.
fn read_stick(img: &Path) -> (u64, u64) {
    let mut file = std::fs::File::open(img).unwrap();
    let (start, len) = medium::stick::find_partition(&mut file).unwrap();
    let slice = detect::io::Slice::new(file, start, len).unwrap();
    let stick = medium::stick::Stick::open(slice).unwrap();
    assert_eq!(stick.info().unwrap().kind, "usb");
    (start, len)
}

#[test]
fn an_image_for_4096_byte_sectors_is_read_in_them() {
    let dir = setup();
    let d = dir.path();
    usb_image(d, "u4k.img", "4096");
    let img = d.join("u4k.img");
    assert_eq!(
        read_stick(&img),
        (1 << 20, std::fs::metadata(&img).unwrap().len() - (2 << 20))
    );
    // Sticks have sectors of 512 or 4096 bytes, nothing else.
    let e = fails(
        d,
        &[
            "usb-image",
            "--bootkit",
            "kit",
            "--payload",
            PAYLOAD,
            "--sector-size",
            "1000",
            "--out",
            "x.img",
        ],
    );
    assert!(e.contains("512 or 4096"), "{e}");

    let Some(mut lo) = Loop::attach(&img, 4096) else {
        return;
    };
    sgdisk_clean(&lo.dev);
    let table = blkid(&lo.dev);
    assert!(table.contains("PTTYPE=gpt"), "{table}");
    let part = lo.partition(1);
    let id = blkid(&part);
    assert!(
        id.contains("TYPE=vfat") && id.contains("LABEL=FERRY"),
        "{id}"
    );
    fsck_fat(&part);
    let boot = std::fs::read(&part).unwrap();
    assert_eq!(u16::from_le_bytes([boot[11], boot[12]]), 4096);
}

#[test]
fn usb_write_refuses_an_image_for_other_sectors_before_writing() {
    let dir = setup();
    let d = dir.path();
    usb_image(d, "u512.img", "512");
    usb_image(d, "u4k.img", "4096");
    for (stick_sectors, wrong, right) in
        [(4096, "u512.img", "u4k.img"), (512, "u4k.img", "u512.img")]
    {
        // A stick of the image's size, so its backup GPT ends the stick.
        let backing = d.join(format!("stick-{stick_sectors}"));
        sparse(&backing, std::fs::metadata(d.join(right)).unwrap().len());
        let Some(lo) = Loop::attach(&backing, stick_sectors) else {
            return;
        };
        let dev = lo.dev.to_str().unwrap();
        let o = mb(d, &["usb", "write", wrong, dev, "--force", "--yes"]);
        let e = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{e}");
        let image_sectors = if stick_sectors == 4096 { 512 } else { 4096 };
        assert!(
            e.contains(&format!(
                "has {stick_sectors}-byte sectors, but the image is made for \
                 {image_sectors}-byte sectors: the stick would not boot; build an image for it \
                 with `media-builder usb-image --sector-size {stick_sectors}`"
            )) && e.contains("nothing was written to any target"),
            "{e}"
        );
        let written = std::fs::read(&backing).unwrap();
        assert!(
            written.iter().all(|b| *b == 0),
            "{wrong} was written on the stick"
        );

        let o = mb(d, &["usb", "write", right, dev, "--force", "--yes"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        sgdisk_clean(&lo.dev);
        drop(lo);
        let image = std::fs::read(d.join(right)).unwrap();
        assert!(std::fs::read(&backing).unwrap()[..image.len()] == image[..]);
    }
}
