//! The engine on a real block device (a loop device): its size comes from
//! the kernel, and a disk with a mounted file system is refused before a
//! byte is written. Needs root and loop devices; says so and stops where
//! they are missing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use install::DiskFile;

struct Loop {
    dev: PathBuf,
    mount: Option<PathBuf>,
}

impl Drop for Loop {
    fn drop(&mut self) {
        if let Some(m) = self.mount.take() {
            let _ = Command::new("umount").arg(&m).status();
        }
        let _ = Command::new("losetup").arg("-d").arg(&self.dev).status();
    }
}

fn attach(image: &Path) -> Option<Loop> {
    let out = Command::new("losetup")
        .args(["-f", "--show"])
        .arg(image)
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!(
            "skipped: no loop device here ({})",
            String::from_utf8_lossy(&out.stderr).trim()
        );
        return None;
    }
    let dev = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    Some(Loop { dev, mount: None })
}

fn run(cmd: &mut Command) {
    let out = cmd.output().expect("run");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
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
    run(Command::new("mkfs.ext4").args(["-q", "-F"]).arg(&lo.dev));
    let mnt = dir.path().join("mnt");
    std::fs::create_dir(&mnt).unwrap();
    run(Command::new("mount").arg(&lo.dev).arg(&mnt));
    lo.mount = Some(mnt.clone());

    let e = DiskFile::open(&lo.dev).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::ResourceBusy, "{e}");
    let m = e.to_string();
    assert!(
        m.contains("is in use") && m.contains("nothing was written"),
        "{m}"
    );

    run(Command::new("umount").arg(&mnt));
    lo.mount = None;
    let disk = DiskFile::open(&lo.dev).unwrap();
    assert!(disk.is_block_device());
    // While the installer holds it, the file system cannot be mounted.
    let out = Command::new("mount")
        .arg(&lo.dev)
        .arg(&mnt)
        .output()
        .unwrap();
    if out.status.success() {
        lo.mount = Some(mnt);
        panic!("mounted while the installer had the disk open");
    }
    drop(disk);
}
