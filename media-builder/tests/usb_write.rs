//! `media-builder usb write` refuses what is not a stick it may write, and
//! writes nothing then. The decisions themselves are unit-tested over fake
//! sysfs and procfs trees (`usb::target`); these tests run the binary.
//!
//! Commands run with stdin closed and, where a refusal is expected, without
//! `--yes`, where possible: even if a check were wrong the binary would
//! stop at the confirmation it cannot ask for, before writing.
#![allow(clippy::unwrap_used)]

use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn mb(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_media-builder"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// An image of `len` bytes of a pattern (not a multiple of 512 when `len`
/// is not: the tail is written buffered).
fn image(dir: &Path, name: &str, len: usize) -> PathBuf {
    let p = dir.join(name);
    let data: Vec<u8> = (0..len).map(|i| (i * 7 + i / 4096) as u8).collect();
    std::fs::write(&p, data).unwrap();
    p
}

#[test]
fn a_path_that_does_not_exist_is_refused_and_not_created() {
    let d = tempfile::tempdir().unwrap();
    let img = image(d.path(), "ferry.img", 64 << 10);
    let missing = d.path().join("sdx");
    for extra in [&[][..], &["--force", "--file-ok"][..]] {
        let mut args = vec!["usb", "write", text(&img), text(&missing), "--yes"];
        args.extend_from_slice(extra);
        let o = mb(&args);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {e}");
        assert!(
            e.contains(&format!(
                "error: refusing {}: it does not exist; is the stick plugged in?",
                missing.display()
            )),
            "{e}"
        );
        assert!(e.contains("nothing was written to any target"), "{e}");
        assert!(!missing.exists(), "{args:?} created {}", missing.display());
    }
    assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
}

#[test]
fn a_regular_file_is_refused_and_left_alone_unless_file_ok() {
    let d = tempfile::tempdir().unwrap();
    let img = image(d.path(), "ferry.img", 64 << 10);
    let file = d.path().join("notes.txt");
    std::fs::write(&file, b"the technician's notes").unwrap();
    let before = std::fs::metadata(&file).unwrap();
    for extra in [&[][..], &["--force"][..], &["--json"][..]] {
        let mut args = vec!["usb", "write", text(&img), text(&file), "--yes"];
        args.extend_from_slice(extra);
        let o = mb(&args);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {e}");
        assert!(
            e.contains(&format!(
                "error: refusing {}: it is a regular file, not a disk; \
                 to write an image file on purpose, add --file-ok",
                file.display()
            )),
            "{e}"
        );
        assert!(e.contains("nothing was written to any target"), "{e}");
        if extra == ["--json"] {
            let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            assert_eq!(v["refused"][0]["path"], text(&file));
            assert!(v["refused"][0]["reason"]
                .as_str()
                .unwrap()
                .contains("regular file"));
        }
    }
    let after = std::fs::metadata(&file).unwrap();
    assert_eq!(std::fs::read(&file).unwrap(), b"the technician's notes");
    assert_eq!(
        (after.len(), after.mtime(), after.mtime_nsec(), after.ino()),
        (
            before.len(),
            before.mtime(),
            before.mtime_nsec(),
            before.ino()
        )
    );

    // A directory, a character device and the image itself.
    for (target, why) in [
        (d.path(), "it is neither a disk nor a regular file"),
        (
            Path::new("/dev/null"),
            "it is neither a disk nor a regular file",
        ),
        (img.as_path(), "it is the image itself"),
    ] {
        let o = mb(&[
            "usb",
            "write",
            text(&img),
            text(target),
            "--yes",
            "--file-ok",
        ]);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{e}");
        assert!(
            e.contains(&format!("refusing {}: {why}", target.display())),
            "{e}"
        );
    }

    // With --file-ok an image file is written and read back.
    let o = mb(&[
        "usb",
        "write",
        text(&img),
        text(&file),
        "--yes",
        "--file-ok",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read(&file).unwrap(), std::fs::read(&img).unwrap());
}

/// A loop device, detached when dropped.
struct Loop(String);

impl Loop {
    fn attach(file: &Path) -> Result<Loop, String> {
        let out = Command::new("losetup")
            .args(["-f", "--show"])
            .arg(file)
            .output()
            .map_err(|e| format!("cannot run losetup: {e}"))?;
        let dev = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if !out.status.success() || !dev.starts_with("/dev/loop") {
            return Err(format!(
                "losetup -f --show failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        let l = Loop(dev);
        let is_block = std::fs::metadata(&l.0)
            .map(|m| m.file_type().is_block_device())
            .unwrap_or(false);
        if !is_block {
            return Err(format!("{} is not a block device here", l.0));
        }
        Ok(l)
    }

    fn name(&self) -> &str {
        self.0.trim_start_matches("/dev/")
    }
}

impl Drop for Loop {
    fn drop(&mut self) {
        let _ = Command::new("losetup").arg("-d").arg(&self.0).status();
    }
}

/// A mount, unmounted when dropped.
struct Mounted(PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn run_ok(cmd: &mut Command) -> Result<(), String> {
    match cmd.output() {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(format!(
            "{cmd:?} failed: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Err(e) => Err(format!("cannot run {cmd:?}: {e}")),
    }
}

#[test]
fn a_loop_device_is_refused_as_not_removable_and_written_when_forced() {
    let d = tempfile::tempdir().unwrap();
    let backing = d.path().join("backing");
    std::fs::write(&backing, vec![0u8; 8 << 20]).unwrap();
    let lo = match Loop::attach(&backing) {
        Ok(l) => l,
        Err(why) => {
            eprintln!("skipped: no loop device here ({why})");
            return;
        }
    };
    let dev = lo.0.as_str();
    let img = image(d.path(), "ferry.img", (1 << 20) + 1000);
    let zeros = |what: &str| {
        let b = std::fs::read(&backing).unwrap();
        assert!(
            b.iter().all(|x| *x == 0),
            "{what}: the loop device was written"
        );
    };

    // Not removable: refused, nothing written.
    let o = mb(&["usb", "write", text(&img), dev]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(
        e.contains(&format!(
            "error: refusing {dev}: {} is not a removable disk",
            lo.name()
        )),
        "{e}"
    );
    assert!(e.contains("--force"), "{e}");
    zeros("not removable");

    // Forced, but smaller than the image.
    let big = image(d.path(), "big.img", 9 << 20);
    let o = mb(&["usb", "write", text(&big), dev, "--force"]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(
        e.contains(&format!("refusing {dev}: {} holds 8.0 MiB", lo.name())),
        "{e}"
    );
    zeros("too small");

    // Forced, and big enough: written (the odd tail too) and read back.
    let o = mb(&["usb", "write", text(&img), dev, "--force", "--yes"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("written and verified"),
        "{o:?}"
    );
    let want = std::fs::read(&img).unwrap();
    let got = std::fs::read(&backing).unwrap();
    assert_eq!(&got[..want.len()], &want[..]);
    assert!(got[want.len()..].iter().all(|x| *x == 0));

    // A disk is also a source: its whole size is copied.
    let copy = d.path().join("copy.img");
    std::fs::write(&copy, b"").unwrap();
    let o = mb(&["usb", "write", dev, text(&copy), "--file-ok", "--yes"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read(&copy).unwrap() == got);

    // Mounted: refused even when forced.
    let mnt = d.path().join("mnt");
    std::fs::create_dir(&mnt).unwrap();
    let prepared = run_ok(Command::new("mkfs.ext4").args(["-q", "-F", dev]))
        .and_then(|()| run_ok(Command::new("mount").arg(dev).arg(&mnt)));
    if let Err(why) = prepared {
        eprintln!("skipped the mounted case: {why}");
        return;
    }
    let mounted = Mounted(mnt.clone());
    // The file system writes to the device itself; an image of 0xA5 bytes
    // shows whether anything of ours landed.
    let a5 = d.path().join("a5.img");
    std::fs::write(&a5, vec![0xA5u8; 1 << 20]).unwrap();
    let o = mb(&["usb", "write", text(&a5), dev, "--force", "--yes"]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(
        e.contains(&format!(
            "refusing {dev}: {} is mounted on {}; unmount it first",
            lo.name(),
            mnt.display()
        )),
        "{e}"
    );
    // Past the checks (something mounted it after them), the exclusive
    // open still refuses a mounted disk.
    let r = media::usb::write::write_all(&a5, &[PathBuf::from(dev)], true, |_, _, _| {}).unwrap();
    let error = r[0].error.as_deref().unwrap_or_default();
    assert!(
        error.contains(&format!("{dev} is in use")) && error.contains("nothing was written"),
        "{r:?}"
    );
    assert_eq!(r[0].bytes, 0);
    drop(mounted);
    let got = std::fs::read(&backing).unwrap();
    assert!(
        got[..4096].iter().any(|x| *x != 0xA5),
        "the image was written"
    );
}

/// The disk holding `/`, as /proc/self/mountinfo and sysfs say.
fn root_disk() -> Result<String, String> {
    let info = std::fs::read_to_string("/proc/self/mountinfo").map_err(|e| e.to_string())?;
    let dev = info
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|f| f.get(4) == Some(&"/"))
        .and_then(|f| f.get(2).map(|s| s.to_string()))
        .ok_or("no / in /proc/self/mountinfo")?;
    if dev.starts_with("0:") {
        return Err(format!("/ is on {dev}, not a disk (overlay, btrfs, tmpfs)"));
    }
    let sys = Path::new("/sys/dev/block")
        .join(&dev)
        .canonicalize()
        .map_err(|e| format!("/sys/dev/block/{dev}: {e}"))?;
    let disk = if sys.join("partition").exists() {
        sys.parent().ok_or("no parent in sysfs")?.to_path_buf()
    } else {
        sys
    };
    let name = disk
        .file_name()
        .ok_or("no name in sysfs")?
        .to_string_lossy()
        .replace('!', "/");
    let node = format!("/dev/{name}");
    match std::fs::metadata(&node) {
        Ok(m) if m.file_type().is_block_device() => Ok(node),
        _ => Err(format!("{node} is not a block device here")),
    }
}

#[test]
fn the_running_systems_disk_is_refused_even_when_forced() {
    let disk = match root_disk() {
        Ok(d) => d,
        Err(why) => {
            eprintln!("skipped: {why}");
            return;
        }
    };
    let d = tempfile::tempdir().unwrap();
    let img = image(d.path(), "ferry.img", 64 << 10);
    // No --yes: should the check fail, the binary still stops before
    // writing, as it cannot ask for confirmation.
    let o = mb(&["usb", "write", text(&img), &disk, "--force"]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("holds the running system"), "{e}");
    assert!(e.contains("is mounted on /)"), "{e}");
}
