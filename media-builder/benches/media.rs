//! Media building and stick writing against the reference tools, in the
//! same run.
//!
//! `cargo bench -p media-builder --bench media [-- --size-mib N]`
//!
//! Builds a payload around a realistic N MiB root image (default 2048;
//! [`testkit::rootfs`]), then times `media-builder iso` against `xorriso
//! -as mkisofs` with the same files and boot setup and against `cp` of the
//! payload alone, both followed by `sync` of their output (the ISO build
//! syncs its output before naming it), and `media-builder usb write`
//! against `dd bs=4M oflag=direct` plus `cmp` (its verify pass). Page
//! cache warm for every input; median of three. Results are recorded
//! in docs/benchmarks.md.

use std::io::Read;
use std::path::Path;
use std::process::Command;

const RUNS: usize = 3;

use testkit::bench::{
    bench_dir, measure, measure_synced, measured_child, median, run_quiet, yes, Sample,
};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if measured_child() {
        return;
    }
    let size_mib: u64 = args
        .windows(2)
        .find(|w| w[0] == "--size-mib")
        .and_then(|w| w[1].parse().ok())
        .unwrap_or(2048);
    let dir = bench_dir("media");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("creating the benchmark directory");
    let mb = env!("CARGO_BIN_EXE_media-builder");

    // The boot kit `scripts/bootkit` built (see docs/bootkit.md), copied so
    // the bench key can be added to its keys.
    let built = testkit::target_dir().join("bootkit");
    assert!(
        built.join("vmlinuz").is_file(),
        "{} is missing: run scripts/bootkit first",
        built.join("vmlinuz").display()
    );
    let kit = dir.join("kit");
    run_quiet(Command::new("cp").arg("-a").arg(&built).arg(&kit));

    let root = testkit::rootfs::system_root_image(size_mib << 20);
    run_quiet(
        Command::new(mb)
            .args(["key", "generate", "--out"])
            .arg(dir.join("bench")),
    );
    std::fs::copy(dir.join("bench.pub"), kit.join("keys/bench.pub")).expect("key");
    let upg = dir.join("bench-1.1.0.upg");
    run_quiet(
        Command::new(mb)
            .args([
                "payload",
                "build",
                "--product",
                "bench",
                "--version",
                "1.1.0",
            ])
            .args(["--kind", "release", "--component"])
            .arg(format!("rootfs.img={}", root.display()))
            .args(testkit::bench::release_extras(&dir))
            .arg("--key")
            .arg(dir.join("bench.key"))
            .arg("--out")
            .arg(&upg),
    );

    // The same tree for xorriso: boot files, the EFI image ours made,
    // medium.toml, and the payload (hard-linked, not copied).
    let ours_iso = dir.join("ours.iso");
    run_quiet(
        Command::new(mb)
            .arg("iso")
            .arg("--bootkit")
            .arg(&kit)
            .arg("--payload")
            .arg(&upg)
            .arg("--out")
            .arg(&ours_iso)
            .env("SOURCE_DATE_EPOCH", "1700000000"),
    );
    let tree = dir.join("tree");
    for sub in ["isolinux", "boot", "ferry"] {
        std::fs::create_dir_all(tree.join(sub)).expect("tree");
    }
    let mut iso = medium::iso::Iso::open(std::fs::File::open(&ours_iso).expect("iso"))
        .expect("reading our ISO");
    for p in [
        "isolinux/isolinux.bin",
        "isolinux/ldlinux.c32",
        "isolinux/isolinux.cfg",
        "boot/vmlinuz",
        "boot/initrd.img",
        "boot/efiboot.img",
        "ferry/medium.toml",
    ] {
        let mut f = iso.open_file(p).expect("a boot file");
        let mut b = Vec::new();
        f.read_to_end(&mut b).expect("reading a boot file");
        std::fs::write(tree.join(p), b).expect("writing the tree");
    }
    drop(iso);
    std::fs::hard_link(&upg, tree.join("ferry/bench-1.1.0.upg")).expect("linking the payload");
    let isohdpfx = kit.join("isohdpfx.bin");
    let xorriso_iso = dir.join("xorriso.iso");
    let copy = dir.join("copy.upg");

    warm(&upg);
    warm(&tree.join("boot/efiboot.img"));
    let mut ours = Vec::new();
    let mut xorriso = Vec::new();
    let mut cp = Vec::new();
    for _ in 0..RUNS {
        for f in [&ours_iso, &xorriso_iso, &copy] {
            let _ = std::fs::remove_file(f);
        }
        run_quiet(&mut Command::new("sync"));
        ours.push(measure(
            Command::new(mb)
                .arg("iso")
                .arg("--bootkit")
                .arg(&kit)
                .arg("--payload")
                .arg(&upg)
                .arg("--out")
                .arg(&ours_iso),
        ));
        run_quiet(&mut Command::new("sync"));
        xorriso.push(measure_synced(
            Command::new("xorriso")
                .args([
                    "-as",
                    "mkisofs",
                    "-quiet",
                    "-r",
                    "-V",
                    "FERRY",
                    "-isohybrid-mbr",
                ])
                .arg(&isohdpfx)
                .args(["-b", "isolinux/isolinux.bin", "-c", "isolinux/boot.cat"])
                .args(["-no-emul-boot", "-boot-load-size", "4", "-boot-info-table"])
                .args([
                    "-eltorito-alt-boot",
                    "-e",
                    "boot/efiboot.img",
                    "-no-emul-boot",
                ])
                .args(["-isohybrid-gpt-basdat", "-o"])
                .arg(&xorriso_iso)
                .arg(&tree),
            &xorriso_iso,
        ));
        run_quiet(&mut Command::new("sync"));
        cp.push(measure_synced(
            Command::new("cp")
                .arg("--reflink=never")
                .arg(&upg)
                .arg(&copy),
            &copy,
        ));
    }
    let _ = std::fs::remove_file(&xorriso_iso);
    let _ = std::fs::remove_file(&copy);
    run_quiet(&mut Command::new("sync"));

    // usb write against dd + cmp, to an image file of the same size.
    let target = dir.join("stick.img");
    let len = std::fs::metadata(&ours_iso).expect("iso").len();
    warm(&ours_iso);
    let mut write = Vec::new();
    let mut dd = Vec::new();
    for _ in 0..RUNS {
        prepare_target(&target, len);
        write.push(measure(
            Command::new(mb)
                .args(["usb", "write", "--yes", "--file-ok"])
                .arg(&ours_iso)
                .arg(&target),
        ));
        prepare_target(&target, len);
        let a = measure(
            Command::new("dd")
                .arg(format!("if={}", ours_iso.display()))
                .arg(format!("of={}", target.display()))
                .args(["bs=4M", "oflag=direct", "conv=notrunc,fsync", "status=none"]),
        );
        let b = measure(Command::new("cmp").arg(&ours_iso).arg(&target));
        dd.push(Sample {
            secs: a.secs + b.secs,
            rss_kib: a.rss_kib.max(b.rss_kib),
        });
    }
    let (o, x, c, w, d) = (
        median(&mut ours),
        median(&mut xorriso),
        median(&mut cp),
        median(&mut write),
        median(&mut dd),
    );
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    println!(
        "media benchmark: {} MiB payload, {} MiB ISO, {cores} cores, median of {RUNS}",
        std::fs::metadata(&upg).map(|m| m.len() >> 20).unwrap_or(0),
        len >> 20
    );
    println!("  {:<44} {:>8} {:>10}", "", "seconds", "peak RSS");
    for (name, s) in [
        ("media-builder iso", o),
        ("xorriso -as mkisofs + sync (same files, boot)", x),
        ("cp --reflink=never + sync (payload alone)", c),
        ("media-builder usb write (with verify)", w),
        ("dd bs=4M oflag=direct + cmp", d),
    ] {
        println!("  {name:<44} {:>8.3} {:>6} MiB", s.secs, s.rss_kib >> 10);
    }
    let r1 = o.secs / x.secs;
    let r2 = o.secs / c.secs;
    let r3 = w.secs / d.secs;
    println!(
        "iso time / (xorriso + sync):  {r1:.2}x (target <= 1.0x: {})",
        yes(r1 <= 1.0)
    );
    println!(
        "iso time / (cp + sync):       {r2:.2}x (target <= 1.3x: {})",
        yes(r2 <= 1.3)
    );
    println!(
        "usb write / (dd + cmp):       {r3:.2}x (target <= 1.2x: {})",
        yes(r3 <= 1.2)
    );
    println!(
        "iso peak memory: {} MiB (target < 64 MiB: {})",
        o.rss_kib >> 10,
        yes(o.rss_kib < 64 << 10)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn prepare_target(path: &Path, len: u64) {
    let f = std::fs::File::create(path).expect("creating the target");
    f.set_len(len).expect("sizing the target");
    run_quiet(&mut Command::new("sync"));
}

fn warm(path: &Path) {
    run_quiet(
        Command::new("cat")
            .arg(path)
            .stdout(std::process::Stdio::null()),
    );
}
