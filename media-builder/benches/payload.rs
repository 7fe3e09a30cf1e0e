//! Payload build and verify against the reference tools, in the same run.
//!
//! `cargo bench -p media-builder --bench payload [-- --size-mib N]`
//!
//! Builds a payload around an N MiB root image (default 2048), warms the
//! page cache, then times `media-builder payload verify` against
//! `openssl dgst -sha256` and `sha256sum` over the same file and prints the
//! throughput ratios and the peak memory of build and verify. Results are
//! recorded in docs/benchmarks.md.

use std::process::Command;

const RUNS: usize = 3;

use testkit::bench::{
    bench_dir, measure, measured_child, median, run_quiet, write_noise, yes, Sample,
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
    let dir = bench_dir("payload");
    std::fs::create_dir_all(&dir).expect("creating the benchmark directory");
    let mb = env!("CARGO_BIN_EXE_media-builder");

    let root = dir.join("rootfs.img");
    write_noise(&root, size_mib << 20, 0);
    let key = dir.join("bench");
    let _ = std::fs::remove_file(dir.join("bench.key"));
    let _ = std::fs::remove_file(dir.join("bench.pub"));
    run_quiet(
        Command::new(mb)
            .args(["key", "generate", "--out"])
            .arg(&key),
    );
    let upg = dir.join("bench-1.1.0.upg");
    let build = measure(
        Command::new(mb)
            .args([
                "payload",
                "build",
                "--product",
                "bench",
                "--version",
                "1.1.0",
                "--kind",
                "release",
            ])
            .arg("--component")
            .arg(format!("rootfs.img={}", root.display()))
            .arg("--key")
            .arg(dir.join("bench.key"))
            .arg("--out")
            .arg(&upg),
    );
    let len = std::fs::metadata(&upg)
        .expect("the payload was built")
        .len();
    // Let writeback of the new file finish so it does not compete for the
    // cores, then warm the page cache so every tool reads from memory.
    run_quiet(&mut Command::new("sync"));
    run_quiet(
        Command::new("cat")
            .arg(&upg)
            .stdout(std::process::Stdio::null()),
    );

    let pub_key = dir.join("bench.pub");
    let mut ours = Vec::new();
    let mut openssl = Vec::new();
    let mut sha256sum = Vec::new();
    for _ in 0..RUNS {
        ours.push(measure(
            Command::new(mb)
                .args(["payload", "verify", "--trust"])
                .arg(&pub_key)
                .arg(&upg),
        ));
        openssl.push(measure(
            Command::new("openssl").args(["dgst", "-sha256"]).arg(&upg),
        ));
        sha256sum.push(measure(Command::new("sha256sum").arg(&upg)));
    }
    let (o, s, h) = (
        median(&mut ours),
        median(&mut openssl),
        median(&mut sha256sum),
    );
    let gbps = |x: Sample| len as f64 / x.secs / 1e9;
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    println!(
        "payload benchmark: {} MiB payload, {cores} cores, median of {RUNS}",
        len >> 20
    );
    println!(
        "  {:<34} {:>8} {:>9} {:>10}",
        "", "seconds", "GB/s", "peak RSS"
    );
    for (name, x) in [
        ("media-builder payload verify", o),
        ("openssl dgst -sha256", s),
        ("sha256sum", h),
    ] {
        println!(
            "  {name:<34} {:>8.3} {:>9.2} {:>7} MiB",
            x.secs,
            gbps(x),
            x.rss_kib >> 10
        );
    }
    println!(
        "  {:<34} {:>8.3} {:>9.2} {:>7} MiB",
        "media-builder payload build",
        build.secs,
        gbps(build),
        build.rss_kib >> 10
    );
    let vs_openssl = s.secs / o.secs;
    let vs_sha256sum = h.secs / o.secs;
    println!(
        "verify throughput vs openssl dgst -sha256: {vs_openssl:.2}x (target >= 1.5x: {})",
        yes(vs_openssl >= 1.5)
    );
    println!("verify throughput vs sha256sum:           {vs_sha256sum:.2}x");
    println!(
        "verify peak memory: {} MiB (target < 64 MiB: {})",
        o.rss_kib >> 10,
        yes(o.rss_kib < 64 << 10)
    );
    println!(
        "build peak memory:  {} MiB (target < 64 MiB: {})",
        build.rss_kib >> 10,
        yes(build.rss_kib < 64 << 10)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
