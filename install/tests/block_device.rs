//! The engine on a real block device (a loop device): its size comes from
//! the kernel, and a disk with a mounted file system is refused before a
//! byte is written. Needs root and loop devices; says so and stops where
//! they are missing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use install::DiskFile;
use testkit::loopdev::{run, Loop};

/// A loop device of 512-byte sectors over `image`, and what is mounted
/// from it, undone when dropped.
struct Attached {
    lo: Loop,
    mount: Option<PathBuf>,
}

impl Drop for Attached {
    fn drop(&mut self) {
        if let Some(m) = self.mount.take() {
            let _ = Command::new("umount").arg(&m).status();
        }
    }
}

fn attach(image: &Path) -> Option<Attached> {
    Some(Attached {
        lo: Loop::attach(image, 512)?,
        mount: None,
    })
}

#[test]
fn a_disk_with_a_mounted_partition_is_refused_and_a_free_one_is_opened() {
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("disk.img");
    std::fs::File::create(&image)
        .unwrap()
        .set_len(64 << 20)
        .unwrap();
    let Some(mut lo) = attach(&image) else {
        return;
    };
    run(Command::new("mkfs.ext4").args(["-q", "-F"]).arg(&lo.lo.dev));
    let mnt = dir.path().join("mnt");
    std::fs::create_dir(&mnt).unwrap();
    run(Command::new("mount").arg(&lo.lo.dev).arg(&mnt));
    lo.mount = Some(mnt.clone());

    let e = DiskFile::open(&lo.lo.dev).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::ResourceBusy, "{e}");
    let m = e.to_string();
    assert!(
        m.contains("is in use") && m.contains("nothing was written"),
        "{m}"
    );

    run(Command::new("umount").arg(&mnt));
    lo.mount = None;
    let disk = DiskFile::open(&lo.lo.dev).unwrap();
    assert!(disk.is_block_device());
    // While the installer holds it, the file system cannot be mounted.
    let out = Command::new("mount")
        .arg(&lo.lo.dev)
        .arg(&mnt)
        .output()
        .unwrap();
    if out.status.success() {
        lo.mount = Some(mnt);
        panic!("mounted while the installer had the disk open");
    }
    drop(disk);
}
