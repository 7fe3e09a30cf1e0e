//! The slot writer on real disks: an image with large zero regions, from a
//! compressed or a raw payload, lands byte for byte, its zero runs as holes in an
//! image file and as BLKZEROOUT on a block device (a loop device), and the
//! read-back beside the write checks every byte.

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use detect::layout::{Role, Slot, MIB};
use payload::{BuildSpec, Chunk, Kind, PayloadReader, SecretKey, Storing, TrustStore, Version};

use super::write_pipelined;
use crate::device::{Device, DiskFile, DiskReader};
use crate::error::Object;
use crate::io::BackgroundCheck;
use crate::window::PartitionWindow;

const CHUNK: u64 = 64 * 1024;
const SLOT_START: u64 = MIB;
const SLOT_LEN: u64 = 8 * MIB;
const DISK: u64 = 10 * MIB;

/// Data, 3 MiB of zeros, data, 2 MiB of zeros, a short data tail.
fn image() -> Vec<u8> {
    let mut v: Vec<u8> = (0..6 * MIB as usize + 777)
        .map(|i| ((i as u32).wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    v[(MIB / 2) as usize..(MIB / 2 + 3 * MIB) as usize].fill(0);
    v[(4 * MIB) as usize..(6 * MIB) as usize].fill(0);
    v
}

/// A signed payload of `img` in `dir`, its root image stored as `storing`
/// says, and the key's trust.
fn payload(dir: &Path, img: &[u8], storing: Storing) -> (std::path::PathBuf, TrustStore) {
    let key = SecretKey::generate().expect("key");
    let root = dir.join("root.img");
    std::fs::write(&root, img).expect("image");
    let mut spec = BuildSpec::new("demo-engine", Version::new(1, 1, 0), Kind::Release);
    spec.chunk_size = CHUNK;
    spec.compression = storing;
    spec.components = vec![("rootfs.img".into(), root)];
    let out = dir.join("demo-engine-1.1.0.upg");
    let v = payload::build(&spec, &[&key], &out, &mut |_, _, _| {}).expect("build");
    let c = &v.manifest.components[0];
    if storing == Storing::Raw {
        assert!(c.chunks.iter().all(|c| matches!(c, Chunk::Raw(_))));
    } else {
        assert!(c.zero_chunks() >= 70, "{} zero chunks", c.zero_chunks());
        assert!(matches!(c.chunks[0], Chunk::Frame { .. }));
    }
    (out, TrustStore::with_keys([key.public()]))
}

/// Writes the payload's root image into slot A of `dev` with the read-back
/// running beside, as the engine does, and waits for the read-back.
fn write(dev: &mut DiskFile, upg: &Path, trust: &TrustStore) {
    let file = std::fs::File::open(upg).expect("payload");
    let mut reader = PayloadReader::open(std::io::BufReader::new(file), trust).expect("open");
    let component = reader.next_component().cloned().expect("component");
    let (tx, rx) = std::sync::mpsc::channel();
    let disk_reader: DiskReader = dev.disk_reader().expect("reader").expect("some");
    let check = BackgroundCheck::spawn(disk_reader, rx, component, Object::Slot(Slot::A));
    let root = PartitionWindow::for_test(Role::Root(Slot::A), SLOT_START, SLOT_LEN);
    let (mut slot_bytes, mut medium) = (0, 0);
    write_pipelined(
        dev,
        &mut reader,
        root,
        &Object::Slot(Slot::A),
        Some(tx),
        &mut |n, m| {
            slot_bytes += n;
            medium += m;
        },
    )
    .expect("write");
    let stored = reader.manifest().components[0].stored_size();
    assert_eq!(medium, stored, "every stored byte is counted once");
    check.wait(&mut |_| {}).expect("read-back");
    reader.finish().expect("finish");
    assert_eq!(slot_bytes, image().len() as u64);
    dev.sync().expect("sync");
}

/// What the disk holds in slot A's first bytes, and around the slot.
fn assert_disk(disk: &[u8], img: &[u8]) {
    let at = SLOT_START as usize;
    assert!(disk[at..at + img.len()] == *img, "the slot holds the image");
    assert!(disk[..at].iter().all(|&b| b == 0xaa), "before the slot");
    assert!(
        disk[at + img.len()..].iter().all(|&b| b == 0xaa),
        "after the image"
    );
}

const ZSTD: Storing = Storing::Zstd { level: 3 };

#[test]
fn zero_runs_become_holes_in_an_image_file() {
    zero_runs_become_holes(ZSTD);
}

/// A raw payload's zero chunks, known by their digest, are not written
/// either.
#[test]
fn raw_zero_chunks_become_holes_in_an_image_file() {
    zero_runs_become_holes(Storing::Raw);
}

fn zero_runs_become_holes(storing: Storing) {
    let dir = tempfile::tempdir().expect("tmp");
    let img = image();
    let (upg, trust) = payload(dir.path(), &img, storing);
    let disk_path = dir.path().join("disk.img");
    std::fs::write(&disk_path, vec![0xaau8; DISK as usize]).expect("disk");
    let mut dev = DiskFile::open(&disk_path).expect("open");
    write(&mut dev, &upg, &trust);
    drop(dev);
    assert_disk(&std::fs::read(&disk_path).expect("read"), &img);
    // 5 MiB of zero runs are holes (where the file system has them).
    let used = std::fs::metadata(&disk_path).expect("meta").blocks() * 512;
    let fs = testkit::loopdev::run(std::process::Command::new("stat").args([
        "-f",
        "-c",
        "%T",
        &disk_path.display().to_string(),
    ]));
    if used < DISK {
        assert!(used <= DISK - 4 * MIB, "{used} bytes allocated on {fs}");
    } else {
        eprintln!("{fs} keeps no holes: zeros were written");
    }
}

#[test]
fn zero_runs_are_zeroed_out_on_a_block_device() {
    zero_runs_zeroed_out(ZSTD);
}

#[test]
fn raw_zero_chunks_are_zeroed_out_on_a_block_device() {
    zero_runs_zeroed_out(Storing::Raw);
}

fn zero_runs_zeroed_out(storing: Storing) {
    let dir = tempfile::tempdir().expect("tmp");
    let img = image();
    let (upg, trust) = payload(dir.path(), &img, storing);
    let disk_path = dir.path().join("disk.img");
    std::fs::write(&disk_path, vec![0xaau8; DISK as usize]).expect("disk");
    let Some(lo) = testkit::loopdev::Loop::attach(&disk_path, 512) else {
        return;
    };
    let mut dev = DiskFile::open(&lo.dev).expect("open the loop device");
    assert!(dev.is_block_device());
    write(&mut dev, &upg, &trust);
    drop(dev);
    let disk = std::fs::read(&lo.dev).expect("read the loop device");
    assert_disk(&disk, &img);
    // The same, as `cmp` sees it.
    std::fs::write(dir.path().join("root.img"), &img).expect("image");
    testkit::loopdev::run(std::process::Command::new("cmp").args([
        "-n",
        &img.len().to_string(),
        "-i",
        &format!("0:{SLOT_START}"),
        &dir.path().join("root.img").display().to_string(),
        &lo.dev.display().to_string(),
    ]));
}
