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

/// A file served as a read-only block device whose reads the kernel limits
/// to a rate, as a DVD drive or a slow stick is: the file on a loop device
/// (`losetup --direct-io=on`, so the file's own cached pages do not count)
/// and a cgroup whose processes read that device at most `bytes_per_sec`
/// (cgroup v2 `io.max rbps`, or v1 `blkio.throttle.read_bps_device`).
/// A process reads at the limited rate once it has called
/// [`ThrottledMedium::join`]; everyone else reads the device at full speed.
/// Needs root; detached and removed when dropped.
#[derive(Debug)]
pub struct ThrottledMedium {
    /// The loop device (`/dev/loopN`).
    pub device: PathBuf,
    /// The cgroup's `cgroup.procs`: write a pid to it to limit that process.
    pub procs: PathBuf,
    cgroup: PathBuf,
}

impl ThrottledMedium {
    /// Attach `file` and limit reads of it to `bytes_per_sec`; an error
    /// with the reason when this machine cannot (not root, no loop
    /// devices, no I/O controller).
    pub fn new(file: &Path, bytes_per_sec: u64) -> Result<ThrottledMedium, String> {
        let v2 = Path::new("/sys/fs/cgroup");
        let (parent, v2_io) = if std::fs::read_to_string(v2.join("cgroup.controllers"))
            .is_ok_and(|c| c.split_whitespace().any(|w| w == "io"))
        {
            (v2.to_path_buf(), true)
        } else if Path::new("/sys/fs/cgroup/blkio/blkio.throttle.read_bps_device").exists() {
            (v2.join("blkio"), false)
        } else {
            return Err("no cgroup I/O controller (v2 io or v1 blkio)".into());
        };
        let out = Command::new("losetup")
            .args(["--find", "--show", "--read-only", "--direct-io=on"])
            .arg(file)
            .output()
            .map_err(|e| format!("losetup: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "losetup: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        let device = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        let cgroup = parent.join(format!("ferry-bench-medium-{}", std::process::id()));
        let medium = ThrottledMedium {
            procs: cgroup.join("cgroup.procs"),
            device,
            cgroup,
        };
        let name = medium
            .device
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let dev = std::fs::read_to_string(format!("/sys/block/{name}/dev"))
            .map_err(|e| format!("{name}: {e}"))?;
        let dev = dev.trim();
        if v2_io {
            // The controller must be enabled for the parent's children.
            let _ = std::fs::write(v2.join("cgroup.subtree_control"), "+io");
        }
        std::fs::create_dir_all(&medium.cgroup).map_err(|e| format!("cgroup: {e}"))?;
        let (limit, line) = if v2_io {
            ("io.max", format!("{dev} rbps={bytes_per_sec}"))
        } else {
            (
                "blkio.throttle.read_bps_device",
                format!("{dev} {bytes_per_sec}"),
            )
        };
        std::fs::write(medium.cgroup.join(limit), line).map_err(|e| format!("{limit}: {e}"))?;
        Ok(medium)
    }

    /// Limit the calling process (and the threads and children it starts
    /// after) to the medium's rate.
    pub fn join(procs: &Path) {
        std::fs::write(procs, std::process::id().to_string())
            .expect("joining the throttled medium's cgroup");
    }

    /// Drop the device's cached pages, so the next reader reads the
    /// medium.
    pub fn drop_cache(&self) {
        run_quiet(
            Command::new("blockdev")
                .arg("--flushbufs")
                .arg(&self.device),
        );
    }
}

impl Drop for ThrottledMedium {
    fn drop(&mut self) {
        let _ = Command::new("losetup").arg("-d").arg(&self.device).status();
        // Empty once the processes that joined it have ended.
        let _ = std::fs::remove_dir(&self.cgroup);
    }
}

/// The small components every release carries besides its root image (the
/// build refuses a release without them), written into `dir`: the
/// `--component` arguments naming them.
pub fn release_extras(dir: &Path) -> Vec<String> {
    let mut args = Vec::new();
    for (name, bytes) in [
        ("vmlinuz", vec![0x4d; 64 << 10]),
        ("initrd.img", vec![0x1f; 64 << 10]),
        ("config-bench.toml", b"# bench\n".to_vec()),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("writing a release component");
        args.push("--component".to_string());
        args.push(format!("{name}={}", path.display()));
    }
    args
}
