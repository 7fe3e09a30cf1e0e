//! What every Ferry benchmark binary shares (those of `media-builder` and
//! `install`): timing a command and its peak memory, the scratch
//! directory, pseudo-random test data.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// One timed run: wall seconds and peak resident memory.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    /// Wall-clock seconds.
    pub secs: f64,
    /// Peak resident memory, KiB.
    pub rss_kib: u64,
}

/// Call first in `main`: when this binary was started by [`measure`] as
/// the wrapper, runs the command, prints its time and peak memory, and
/// returns `true` (then `main` returns).
pub fn measured_child() -> bool {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) != Some("--measure") {
        return false;
    }
    let cmd = &args[2..];
    let start = Instant::now();
    let status = Command::new(&cmd[0])
        .args(&cmd[1..])
        .stdout(std::process::Stdio::null())
        .status()
        .expect("starting the measured command");
    let secs = start.elapsed().as_secs_f64();
    let usage = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)
        .expect("getrusage");
    if !status.success() {
        std::process::exit(1);
    }
    println!("{secs} {}", usage.max_rss());
    true
}

/// Runs `cmd` through this binary in `--measure` mode, so the peak RSS read
/// with getrusage(RUSAGE_CHILDREN) is that of `cmd` alone. Its output is
/// dropped; its error output is shown if it fails.
pub fn measure(cmd: &mut Command) -> Sample {
    let mut wrapper = Command::new(std::env::current_exe().expect("own path"));
    wrapper
        .arg("--measure")
        .arg(cmd.get_program())
        .args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            wrapper.env(k, v);
        }
    }
    let out = wrapper.output().expect("running the measuring wrapper");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
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

/// `cmd` followed by `sync FILE` (the fsync of its output, which Ferry's
/// builders do before naming a file): times added up, the larger peak
/// memory.
pub fn measure_synced(cmd: &mut Command, out: &Path) -> Sample {
    let a = measure(cmd);
    let b = measure(Command::new("sync").arg(out));
    Sample {
        secs: a.secs + b.secs,
        rss_kib: a.rss_kib.max(b.rss_kib),
    }
}

/// The median of the samples, by time.
pub fn median(samples: &mut [Sample]) -> Sample {
    samples.sort_by(|a, b| a.secs.total_cmp(&b.secs));
    samples[samples.len() / 2]
}

/// Runs a preparation command; its error output is shown if it fails.
pub fn run_quiet(cmd: &mut Command) {
    let out = cmd.output().expect("starting a command");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// "met" or "MISSED", for the target lines.
pub fn yes(b: bool) -> &'static str {
    if b {
        "met"
    } else {
        "MISSED"
    }
}

/// `target/bench-NAME` (or under `CARGO_TARGET_DIR`).
pub fn bench_dir(name: &str) -> PathBuf {
    crate::target_dir().join(format!("bench-{name}"))
}

/// `size` pseudo-random bytes (xorshift from `seed`), distinct in every
/// chunk, so nothing compresses or deduplicates them.
pub fn write_noise(path: &Path, size: u64, seed: u64) {
    let mut f = std::io::BufWriter::with_capacity(
        1 << 20,
        std::fs::File::create(path).expect("creating a test file"),
    );
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15 ^ seed;
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
        f.write_all(&block[..n]).expect("writing a test file");
        left -= n as u64;
    }
    f.flush().expect("writing a test file");
}
