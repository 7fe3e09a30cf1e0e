//! Payload build and verify against the reference tools, in the same run.
//!
//! `cargo bench -p media-builder --bench payload [-- --size-mib N]`
//!
//! Takes a realistic ext4 root image of N MiB (default 2048; 60 % of it
//! the machine's system files, [`testkit::rootfs`]), then in the same run:
//! times `media-builder payload build` around it against `zstd -T0` at the
//! same level on the same image (its output synced, as the payload's is),
//! and `media-builder payload verify` against `zstd -d` of zstd's output
//! to /dev/null; then builds the same release stored as it is (format 1)
//! and times its verification against `openssl dgst -sha256` of it; prints the
//! payload's size against the image, the throughput ratios and the peak
//! memory of build and verify. Results are recorded in docs/benchmarks.md.

use std::path::Path;
use std::process::Command;

const RUNS: usize = 3;
/// The compression level compared: zstd's and the payload builder's
/// default.
const LEVEL: u32 = 3;

use testkit::bench::{bench_dir, measure, measure_synced, measured_child, median, run_quiet, yes};

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
    let dir = bench_dir("payload");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("creating the benchmark directory");
    let mb = env!("CARGO_BIN_EXE_media-builder");

    let root = testkit::rootfs::system_root_image(size_mib << 20);
    let raw_len = std::fs::metadata(&root).expect("root image").len();
    run_quiet(
        Command::new(mb)
            .args(["key", "generate", "--out"])
            .arg(dir.join("bench")),
    );
    let extras = testkit::bench::release_extras(&dir);
    warm(&root);

    // Build, and zstd at the same level on the same image on every core,
    // its output synced as the payload's is; in turn, median of RUNS.
    let upg = dir.join("bench-1.1.0.upg");
    let zst = dir.join("rootfs.img.zst");
    let mut build = Vec::new();
    let mut zstd_c = Vec::new();
    for _ in 0..RUNS {
        for f in [&upg, &zst] {
            let _ = std::fs::remove_file(f);
        }
        run_quiet(&mut Command::new("sync"));
        build.push(measure(
            Command::new(mb)
                .args(["payload", "build", "--product", "bench"])
                .args(["--version", "1.1.0", "--kind", "release"])
                .arg("--compress")
                .arg(format!("zstd:{LEVEL}"))
                .arg("--component")
                .arg(format!("rootfs.img={}", root.display()))
                .args(&extras)
                .arg("--key")
                .arg(dir.join("bench.key"))
                .arg("--out")
                .arg(&upg),
        ));
        run_quiet(&mut Command::new("sync"));
        zstd_c.push(measure_synced(
            Command::new("zstd")
                .args(["-q", "-T0", &format!("-{LEVEL}"), "-f"])
                .arg(&root)
                .arg("-o")
                .arg(&zst),
            &zst,
        ));
    }
    let len = std::fs::metadata(&upg)
        .expect("the payload was built")
        .len();
    let zst_len = std::fs::metadata(&zst).expect("zstd's output").len();
    // Let writeback finish so it does not compete for the cores, then warm
    // the page cache so every tool reads from memory.
    run_quiet(&mut Command::new("sync"));
    warm(&upg);
    warm(&zst);

    let pub_key = dir.join("bench.pub");
    let verify = |payload: &Path| {
        measure(
            Command::new(mb)
                .args(["payload", "verify", "--trust"])
                .arg(&pub_key)
                .arg(payload),
        )
    };
    let mut ours = Vec::new();
    let mut zstd_d = Vec::new();
    for _ in 0..RUNS {
        ours.push(verify(&upg));
        zstd_d.push(measure(
            Command::new("zstd").args(["-q", "-d", "-c"]).arg(&zst),
        ));
    }
    let _ = std::fs::remove_file(&zst);

    // The same release stored as it is (format 1): its verification
    // hashes every byte once, as `openssl dgst -sha256` of the file does.
    let raw = dir.join("bench-1.1.0-raw.upg");
    run_quiet(
        Command::new(mb)
            .args(["payload", "build", "--product", "bench"])
            .args(["--version", "1.1.0", "--kind", "release"])
            .args(["--compress", "none", "--component"])
            .arg(format!("rootfs.img={}", root.display()))
            .args(&extras)
            .arg("--key")
            .arg(dir.join("bench.key"))
            .arg("--out")
            .arg(&raw),
    );
    run_quiet(&mut Command::new("sync"));
    warm(&raw);
    let mut ours_raw = Vec::new();
    let mut openssl = Vec::new();
    for _ in 0..RUNS {
        ours_raw.push(verify(&raw));
        openssl.push(measure(
            Command::new("openssl").args(["dgst", "-sha256"]).arg(&raw),
        ));
    }
    let (b, zc, v, zd, vr, o) = (
        median(&mut build),
        median(&mut zstd_c),
        median(&mut ours),
        median(&mut zstd_d),
        median(&mut ours_raw),
        median(&mut openssl),
    );
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    println!(
        "payload benchmark: {} MiB root image (ext4 of system files), {} MiB payload, \
         {cores} cores, median of {RUNS}",
        raw_len >> 20,
        len >> 20
    );
    println!(
        "  {:<40} {:>8} {:>12} {:>10}",
        "", "seconds", "image GB/s", "peak RSS"
    );
    for (name, x) in [
        ("media-builder payload build", b),
        (&format!("zstd -T0 -{LEVEL} + sync") as &str, zc),
        ("media-builder payload verify", v),
        ("zstd -d > /dev/null", zd),
        ("media-builder payload verify (raw)", vr),
        ("openssl dgst -sha256 (of the raw payload)", o),
    ] {
        println!(
            "  {name:<40} {:>8.3} {:>12.2} {:>7} MiB",
            x.secs,
            raw_len as f64 / x.secs / 1e9,
            x.rss_kib >> 10
        );
    }
    let size_ratio = len as f64 / raw_len as f64;
    println!(
        "payload size / raw image:            {size_ratio:.3}x (target <= 0.25x: {}; \
         zstd -{LEVEL} alone: {:.3}x)",
        yes(size_ratio <= 0.25),
        zst_len as f64 / raw_len as f64
    );
    let build_vs = zc.secs / b.secs;
    println!(
        "build throughput / zstd -T0 -{LEVEL}:     {build_vs:.2}x (target >= 0.8x: {})",
        yes(build_vs >= 0.8)
    );
    let verify_vs = zd.secs / v.secs;
    println!(
        "verify throughput / zstd -d:         {verify_vs:.2}x (target >= 1.0x: {})",
        yes(verify_vs >= 1.0)
    );
    let vs_openssl = o.secs / vr.secs;
    println!(
        "raw verify / openssl dgst:           {vs_openssl:.2}x (target >= 1.5x: {})",
        yes(vs_openssl >= 1.5)
    );
    for (what, x) in [("build", b), ("verify", v)] {
        println!(
            "{what} peak memory: {} MiB (target < 64 MiB: {})",
            x.rss_kib >> 10,
            yes(x.rss_kib < 64 << 10)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn warm(path: &Path) {
    run_quiet(
        Command::new("cat")
            .arg(path)
            .stdout(std::process::Stdio::null()),
    );
}
