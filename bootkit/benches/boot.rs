//! Power-on to the installer's first screen under QEMU (TCG): the boot
//! kit's kernel and installer initramfs until `FERRY-INSTALLER starting on
//! ttyS0`, against the same kernel with a trivial static `/init`, in the
//! same run. Needs `scripts/bootkit` first and qemu-system-x86.
//!
//! `cargo bench -p bootkit --bench boot` (about 30 s)
#![allow(clippy::unwrap_used)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use bootkit::cpio::Archive;

fn target() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

/// Seconds from starting QEMU to `marker` on the serial port.
fn boot(kernel: &Path, initrd: &Path, marker: &str) -> f64 {
    let start = Instant::now();
    let mut child = Command::new("qemu-system-x86_64")
        .args(["-accel", "tcg", "-m", "1024", "-nographic", "-no-reboot"])
        .args(["-nic", "none", "-kernel"])
        .arg(kernel)
        .arg("-initrd")
        .arg(initrd)
        .args(["-append", "console=ttyS0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("qemu-system-x86_64 (Debian package qemu-system-x86)");
    let mut out = child.stdout.take().unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Duration::from_secs(300);
    let secs = loop {
        let n = out.read(&mut buf).unwrap_or(0);
        assert!(n > 0, "QEMU stopped before {marker}");
        seen.extend_from_slice(&buf[..n]);
        if String::from_utf8_lossy(&seen).contains(marker) {
            break start.elapsed().as_secs_f64();
        }
        assert!(start.elapsed() < deadline, "no {marker} within 300 s");
    };
    let _ = child.kill();
    let _ = child.wait();
    secs
}

fn main() {
    // cargo bench passes --bench; cargo test --benches passes nothing
    // useful: run only when benchmarking.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let kit = target().join("bootkit");
    let kernel = kit.join("vmlinuz");
    let initrd = kit.join("initrd.img");
    assert!(
        initrd.exists(),
        "{} is missing: run scripts/bootkit first",
        initrd.display()
    );

    let dir = tempfile::tempdir().unwrap();
    let init = dir.path().join("init");
    let status = Command::new("rustc")
        .args(["-O", "-C", "target-feature=+crt-static", "-o"])
        .arg(&init)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/trivial-init.rs"))
        .status()
        .expect("rustc");
    assert!(status.success(), "building the trivial init");
    let mut a = Archive::new();
    a.char_dev("dev/console", 5, 1, 0o600);
    a.file("init", std::fs::read(&init).unwrap(), 0o755);
    let mut cpio = Vec::new();
    a.write_to(&mut cpio, bootkit::DEFAULT_EPOCH).unwrap();
    let trivial = dir.path().join("trivial.img");
    std::fs::write(&trivial, bootkit::gzip(&cpio).unwrap()).unwrap();

    let base = boot(&kernel, &trivial, "TRIVIAL-INIT up");
    let installer = boot(&kernel, &initrd, "FERRY-INSTALLER starting on ttyS0");
    let size = std::fs::metadata(&initrd).unwrap().len();
    let kit_size = bootkit::dir_size(&kit).unwrap();
    println!(
        "initramfs {:.1} MiB compressed, boot kit {:.1} MiB",
        size as f64 / 1048576.0,
        kit_size as f64 / 1048576.0
    );
    println!("trivial /init:      {base:6.2} s");
    println!("installer marker:   {installer:6.2} s");
    println!("ratio:              {:6.2}", installer / base);
}
