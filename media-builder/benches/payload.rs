//! Payload build and verify against the reference tools, in the same run.
//!
//! `cargo bench -p media-builder --bench payload [-- --size-mib N]`
//!
//! Builds a payload around an N MiB root image (default 2048), warms the
//! page cache, then times `media-builder payload verify` against
//! `openssl dgst -sha256` and `sha256sum` over the same file and prints the
//! throughput ratios and the peak memory of build and verify. Results are
//! recorded in docs/benchmarks.md.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const RUNS: usize = 3;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--measure") {
        measure_child(&args[2..]);
        return;
    }
    let size_mib: u64 = args
        .windows(2)
        .find(|w| w[0] == "--size-mib")
        .and_then(|w| w[1].parse().ok())
        .unwrap_or(2048);
    let dir = bench_dir();
    std::fs::create_dir_all(&dir).expect("creating the benchmark directory");
    let mb = env!("CARGO_BIN_EXE_media-builder");

    let root = dir.join("rootfs.img");
    write_component(&root, size_mib << 20);
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
    let med = |v: &mut Vec<Sample>| {
        v.sort_by(|a, b| a.secs.total_cmp(&b.secs));
        v[v.len() / 2]
    };
    let (o, s, h) = (med(&mut ours), med(&mut openssl), med(&mut sha256sum));
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

fn yes(b: bool) -> &'static str {
    if b {
        "met"
    } else {
        "MISSED"
    }
}

#[derive(Clone, Copy, Debug)]
struct Sample {
    secs: f64,
    rss_kib: u64,
}

/// Runs `cmd` through this binary in `--measure` mode, so the peak RSS read
/// with getrusage(RUSAGE_CHILDREN) is that of `cmd` alone.
fn measure(cmd: &mut Command) -> Sample {
    let mut wrapper = Command::new(std::env::current_exe().expect("own path"));
    wrapper
        .arg("--measure")
        .arg(cmd.get_program())
        .args(cmd.get_args());
    let out = wrapper.output().expect("running the measuring wrapper");
    assert!(
        out.status.success(),
        "{:?} failed: {}",
        cmd,
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().last().unwrap_or_default();
    let mut parts = line.split_whitespace();
    Sample {
        secs: parts.next().and_then(|s| s.parse().ok()).expect("seconds"),
        rss_kib: parts.next().and_then(|s| s.parse().ok()).expect("rss"),
    }
}

fn measure_child(cmd: &[String]) {
    let start = Instant::now();
    let status = Command::new(&cmd[0])
        .args(&cmd[1..])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .status()
        .expect("starting the measured command");
    let secs = start.elapsed().as_secs_f64();
    let usage = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)
        .expect("getrusage");
    if !status.success() {
        std::process::exit(1);
    }
    println!("{secs} {}", usage.max_rss());
}

fn run_quiet(cmd: &mut Command) {
    let out = cmd.output().expect("starting a command");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn bench_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("bench-payload")
}

/// A root image of pseudo-random bytes (xorshift), distinct in every chunk.
fn write_component(path: &Path, size: u64) {
    let mut f = std::io::BufWriter::with_capacity(
        1 << 20,
        std::fs::File::create(path).expect("creating the root image"),
    );
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut block = vec![0u8; 1 << 20];
    let mut left = size;
    while left > 0 {
        for word in block.chunks_exact_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            word.copy_from_slice(&x.to_le_bytes());
        }
        let n = left.min(block.len() as u64) as usize;
        f.write_all(&block[..n]).expect("writing the root image");
        left -= n as u64;
    }
    f.flush().expect("writing the root image");
}
