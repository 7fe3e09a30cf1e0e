//! Upgrade against the raw disk, in the same run.
//!
//! `cargo bench -p install --bench upgrade [-- --size-mib N] [--compress zstd]`
//!
//! Installs a small release on an image file, then times an upgrade whose
//! root image is a realistic ext4 image of N MiB (1024 and 2048 by
//! default; [`testkit::rootfs`]) from a payload file into the image (plan,
//! write while verifying, read-back, config migration, boot entry, switch)
//! against what the disk needs for the same bytes: `dd oflag=direct`
//! writing the root image, kernel and initrd into the slot, then `dd
//! iflag=direct` reading them back. Neither depends on how much the page
//! cache holds back. The inputs sit in the page cache for both. Prints the
//! time ratio and the upgrade's peak memory; results are recorded in
//! docs/benchmarks.md.
//!
//! `-- --medium-mib-s 30 [--size-mib N]` instead times the upgrade (2 GiB
//! root image by default) from a medium the kernel reads at 30 MiB/s: the
//! payload on a read-only loop device whose reads a cgroup limits (root
//! only; [`testkit::bench::ThrottledMedium`]), its cache dropped before
//! each run, the root image stored compressed and raw in turns. Prints
//! each against its stored bytes at that rate, and the two against each
//! other.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use detect::layout::{Role, Slot};
use install::{Action, Choice, PartitionSizes};
use payload::{BuildSpec, Kind, SecretKey, Storing, TrustStore, Version, VersionReq};

const RUNS: usize = 3;
/// Runs of each payload from the throttled medium (a raw 2 GiB one takes
/// over a minute at 30 MiB/s).
const MEDIUM_RUNS: usize = 2;
const MIB: u64 = 1 << 20;

use testkit::bench::{
    bench_dir, measure, measured_child, median, run_quiet, write_noise, yes, Sample,
    ThrottledMedium,
};

fn main() {
    if measured_child() {
        return;
    }
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--upgrade") {
        return upgrade_child(&args[2..]);
    }
    // The payload as stored: `--compress zstd[:LEVEL]|none` (default none,
    // so the engine's writing is compared with the disk's).
    let storing = args
        .windows(2)
        .find(|w| w[0] == "--compress")
        .map(|w| Storing::parse(&w[1]).expect("--compress zstd[:LEVEL]|none"))
        .unwrap_or(Storing::Raw);
    let sizes: Vec<u64> = match args
        .windows(2)
        .find(|w| w[0] == "--size-mib")
        .and_then(|w| w[1].parse().ok())
    {
        Some(n) => vec![n],
        None => vec![1024, 2048],
    };
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    if let Some(rate) = args
        .windows(2)
        .find(|w| w[0] == "--medium-mib-s")
        .map(|w| w[1].parse::<u64>().expect("--medium-mib-s N"))
    {
        let size_mib = sizes.last().copied().unwrap_or(2048);
        return from_medium(size_mib, rate, cores);
    }
    let mut lines = Vec::new();
    for size_mib in sizes {
        let r = run(size_mib, storing);
        println!(
            "upgrade benchmark: {size_mib} MiB root image ({}), payload {}, stored as {storing}, \
             {cores} cores, median of {RUNS}",
            r.root,
            units_mib(r.payload)
        );
        println!(
            "  {:<44} {:>8} {:>9} {:>10}",
            "", "seconds", "GB/s", "peak RSS"
        );
        for (name, x) in [
            ("upgrade (plan + apply)", r.ours),
            ("dd oflag=direct + dd iflag=direct (reference)", r.dd),
        ] {
            println!(
                "  {name:<44} {:>8.3} {:>9.2} {:>7} MiB",
                x.secs,
                r.written as f64 / x.secs / 1e9,
                x.rss_kib >> 10
            );
        }
        let ratio = r.ours.secs / r.dd.secs;
        lines.push(format!(
            "{size_mib} MiB: upgrade time vs dd write + read-back: {ratio:.2}x (target <= 1.2x: {}); \
             peak memory {} MiB (target < 64 MiB: {})",
            yes(ratio <= 1.2),
            r.ours.rss_kib >> 10,
            yes(r.ours.rss_kib < 64 << 10)
        ));
    }
    for l in lines {
        println!("{l}");
    }
}

/// The upgrade from a medium the kernel reads at `rate` MiB/s (a loop
/// device limited by a cgroup, its cache dropped before each run), the
/// root image of `size_mib` stored compressed (zstd, the builder's
/// default) and raw, in turns: each against its stored bytes at that
/// rate, and the two against each other.
fn from_medium(size_mib: u64, rate: u64, cores: usize) {
    let storings = [Storing::parse("zstd").expect("zstd"), Storing::Raw];
    let s = setup(size_mib, &storings);
    let work = s.dir.join("work.img");
    let bytes_per_sec = rate * MIB;
    let mut lines = Vec::new();
    let mut times = [Vec::new(), Vec::new()];
    let mut stored = [0u64; 2];
    let media: Vec<ThrottledMedium> = match s
        .payloads
        .iter()
        .map(|p| ThrottledMedium::new(p, bytes_per_sec))
        .collect()
    {
        Ok(m) => m,
        Err(why) => {
            println!("upgrade from a medium read at {rate} MiB/s: not run here ({why})");
            return;
        }
    };
    for (i, p) in s.payloads.iter().enumerate() {
        stored[i] = std::fs::metadata(p).expect("payload").len();
    }
    let me = std::env::current_exe().expect("own path");
    for _ in 0..MEDIUM_RUNS {
        for (i, medium) in media.iter().enumerate() {
            fresh(&s.base, &work);
            medium.drop_cache();
            times[i].push(measure(
                Command::new(&me)
                    .env("FERRY_BENCH_MEDIUM", &medium.procs)
                    .arg("--upgrade")
                    .arg(&work)
                    .arg(&medium.device)
                    .arg(s.dir.join("bench.pub")),
            ));
        }
    }
    drop(media);
    println!(
        "upgrade from a medium read at {rate} MiB/s: {size_mib} MiB root image (ext4 of system \
         files), {cores} cores, {MEDIUM_RUNS} runs each, in turns"
    );
    println!(
        "  {:<28} {:>10} {:>12} {:>22} {:>10}",
        "payload", "stored", "stored/rate", "upgrade (each run)", "peak RSS"
    );
    let mut best = [0f64; 2];
    for (i, storing) in storings.iter().enumerate() {
        let floor = stored[i] as f64 / bytes_per_sec as f64;
        let runs: Vec<String> = times[i].iter().map(|t| format!("{:.1}", t.secs)).collect();
        let m = median(&mut times[i]);
        best[i] = m.secs;
        println!(
            "  {:<28} {:>10} {:>10.1} s {:>20} s {:>6} MiB",
            format!("rootfs stored as {storing}"),
            units_mib(stored[i]),
            floor,
            runs.join(" / "),
            times[i].iter().map(|t| t.rss_kib).max().unwrap_or(0) >> 10
        );
        let ratio = m.secs / floor;
        lines.push(format!(
            "stored as {storing}: upgrade time vs stored bytes / {rate} MiB/s: {ratio:.2}x{}; \
             peak memory {} MiB (target < 64 MiB: {})",
            if i == 0 {
                format!(" (target <= 1.15x: {})", yes(ratio <= 1.15))
            } else {
                String::new()
            },
            times[i].iter().map(|t| t.rss_kib).max().unwrap_or(0) >> 10,
            yes(times[i].iter().all(|t| t.rss_kib < 64 << 10))
        ));
    }
    let speedup = best[1] / best[0];
    lines.push(format!(
        "compressed vs raw: {speedup:.2}x faster (target >= 4x: {})",
        yes(speedup >= 4.0)
    ));
    for l in lines {
        println!("{l}");
    }
    if std::env::var_os("FERRY_BENCH_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&s.dir);
    }
}

/// The figures of one root image size.
struct Run {
    /// What the root image is.
    root: &'static str,
    /// Bytes written to the disk (root image, kernel, initrd).
    written: u64,
    /// Bytes of the payload file.
    payload: u64,
    ours: Sample,
    dd: Sample,
}

/// The installed disk an upgrade starts from, and the upgrade's payloads.
struct Setup {
    dir: PathBuf,
    /// The disk with release 1.0.0 installed and booted good.
    base: PathBuf,
    /// The realistic root image of release 1.1.0.
    root: PathBuf,
    /// Release 1.1.0, one payload per way of storing asked for.
    payloads: Vec<PathBuf>,
    /// Where slot B starts on the disk.
    slot_b: u64,
}

fn setup(size_mib: u64, storings: &[Storing]) -> Setup {
    let dir = bench_dir("install");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("creating the benchmark directory");
    let key = SecretKey::generate().expect("key");
    std::fs::write(dir.join("bench.pub"), key.public().to_pem()).expect("key file");
    let trust = TrustStore::with_keys([key.public()]);

    let rootfs_size = size_mib * MIB;
    let small = dir.join("rootfs-small.img");
    write_noise(&small, 4 * MIB, 1);
    let v1 = build(&dir, &key, "1.0.0", 1, &small, Storing::Raw, "");
    let root = testkit::rootfs::system_root_image(rootfs_size);
    let payloads = storings
        .iter()
        .map(|s| {
            let tag = format!("-{}", s.to_string().replace(':', "-"));
            build(&dir, &key, "1.1.0", 2, &root, *s, &tag)
        })
        .collect();
    let sizes = PartitionSizes {
        esp: detect::layout::DEFAULT_ESP_SIZE,
        root: rootfs_size + 64 * MIB,
        config: 64 * MIB,
        min_data: 64 * MIB,
    };
    let base = dir.join("base.img");
    File::create(&base)
        .and_then(|f| f.set_len(sizes.min_disk_size()))
        .expect("image");
    let mut choice = Choice::new(Action::Install);
    choice.sizes = Some(sizes);
    choice.machine_id = Some("0123456789abcdef0123456789abcdef".into());
    let target = install::inspect(&base).expect("inspect");
    let plan = install::plan(
        &target,
        &install::open_payload(&v1, &trust).expect("payload"),
        &choice,
    )
    .expect("plan");
    install::apply(&plan, &mut |_| {}).expect("install");
    bless(&base);
    let slot_b = install::inspect(&base)
        .expect("inspect")
        .partition(Role::Root(Slot::B))
        .expect("slot b")
        .start;
    Setup {
        dir,
        base,
        root,
        payloads,
        slot_b,
    }
}

fn run(size_mib: u64, storing: Storing) -> Run {
    let Setup {
        dir,
        base,
        root,
        payloads,
        slot_b,
    } = setup(size_mib, &[storing]);
    let v2 = payloads[0].clone();

    // The reference writes what the upgrade writes, the root image then
    // the kernel and initrd, past the page cache as the engine does, and
    // reads it all back from the disk.
    let parts: Vec<PathBuf> = ["rootfs", "vmlinuz", "initrd.img"]
        .iter()
        .map(|n| match *n {
            "rootfs" => root.clone(),
            n => dir.join(format!("{n}-1.1.0")),
        })
        .collect();
    let written: u64 = parts
        .iter()
        .map(|p| std::fs::metadata(p).expect("component").len())
        .sum();
    let payload_len = std::fs::metadata(&v2).expect("payload").len();
    let work = dir.join("work.img");
    let mut script = String::from("set -e\n");
    let mut at = slot_b;
    for p in &parts {
        script.push_str(&format!(
            "dd if={} of={} bs=8M oflag=seek_bytes,direct conv=notrunc,fsync status=none seek={at}\n",
            p.display(),
            work.display()
        ));
        at += std::fs::metadata(p).expect("component").len();
    }
    script.push_str(&format!(
        "dd if={} of=/dev/null bs=8M iflag=skip_bytes,count_bytes,direct status=none \
         skip={slot_b} count={written}\n",
        work.display()
    ));

    run_quiet(&mut Command::new("sync"));
    for f in [&v2, &root] {
        run_quiet(
            Command::new("cat")
                .arg(f)
                .stdout(std::process::Stdio::null()),
        );
    }
    let me = std::env::current_exe().expect("own path");
    let mut ours = Vec::new();
    let mut dd = Vec::new();
    for _ in 0..RUNS {
        fresh(&base, &work);
        ours.push(measure(
            Command::new(&me)
                .arg("--upgrade")
                .arg(&work)
                .arg(&v2)
                .arg(dir.join("bench.pub")),
        ));
        fresh(&base, &work);
        dd.push(measure(Command::new("sh").arg("-c").arg(&script)));
    }
    if std::env::var_os("FERRY_BENCH_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Run {
        root: "ext4 of system files",
        written,
        payload: payload_len,
        ours: median(&mut ours),
        dd: median(&mut dd),
    }
}

fn units_mib(bytes: u64) -> String {
    format!("{} MiB", bytes >> 20)
}

fn fresh(base: &Path, work: &Path) {
    run_quiet(
        Command::new("cp")
            .arg("--sparse=always")
            .arg(base)
            .arg(work),
    );
    run_quiet(&mut Command::new("sync"));
}

/// A release payload with the Demo Engine configuration of `schema`,
/// pseudo-random kernel and initrd and the root image `root`.
fn build(
    dir: &Path,
    key: &SecretKey,
    version: &str,
    schema: u32,
    root: &Path,
    storing: Storing,
    tag: &str,
) -> PathBuf {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../demo-engine");
    let mut spec = BuildSpec::new(
        "bench",
        Version::parse(version).expect("version"),
        Kind::Release,
    );
    spec.upgrades_from = Some(VersionReq::parse(">=0.1.0").expect("req"));
    spec.config_schema = Some(schema);
    spec.compression = storing;
    for doc in ["engine.toml", "ferry.toml", "vms.toml"] {
        spec.components.push((
            format!("config-{doc}"),
            demo.join(format!("config/schema-{schema}/{doc}")),
        ));
    }
    let migrations = demo.join(format!("migrations/release-{version}.toml"));
    if migrations.exists() {
        spec.components.push(("migrations.toml".into(), migrations));
    }
    for (name, len) in [("vmlinuz", 8 * MIB), ("initrd.img", 32 * MIB)] {
        let p = dir.join(format!("{name}-{version}"));
        write_noise(&p, len, len ^ u64::from(schema));
        spec.components.push((name.into(), p));
    }
    spec.components
        .push(("rootfs.img".into(), root.to_path_buf()));
    let out = dir.join(format!("bench-{version}{tag}.upg"));
    payload::build(&spec, &[key], &out, &mut |_, _, _| {}).expect("payload");
    out
}

/// What the boot loader does after a good boot: drop the entry's counter.
fn bless(disk: &Path) {
    let esp = install::inspect(disk)
        .expect("inspect")
        .partition(Role::Esp)
        .expect("esp")
        .clone();
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(disk)
        .expect("open");
    let slice = detect::io::Slice::new(&mut f, esp.start, esp.size).expect("slice");
    let fs = fatfs::FileSystem::new(slice, fatfs::FsOptions::new()).expect("esp");
    let dir = fs.root_dir().open_dir("loader/entries").expect("entries");
    dir.rename("ferry-1-a+3.conf", &dir, "ferry-1-a.conf")
        .expect("bless");
    drop(dir);
    fs.unmount().expect("unmount");
}

/// The measured program: plan and apply the upgrade.
fn upgrade_child(args: &[String]) {
    let (disk, upg, key) = (
        Path::new(&args[0]),
        Path::new(&args[1]),
        Path::new(&args[2]),
    );
    if let Some(procs) = std::env::var_os("FERRY_BENCH_MEDIUM") {
        // Everything this process reads from the medium from now on comes
        // at the medium's rate.
        ThrottledMedium::join(Path::new(&procs));
    }
    let trust = TrustStore::with_keys([payload::PublicKey::load(key).expect("key")]);
    let payload = install::open_payload(upg, &trust).expect("payload");
    let target = install::inspect(disk).expect("inspect");
    let plan = install::plan(&target, &payload, &Choice::new(Action::Upgrade)).expect("plan");
    let t = Instant::now();
    let report = install::apply(&plan, &mut |_| {}).expect("upgrade");
    if std::env::var_os("FERRY_BENCH_STEPS").is_some() {
        for s in &report.steps {
            eprintln!("{:<20} {:.3}", s.step, s.seconds);
        }
        eprintln!("apply {:.3}", t.elapsed().as_secs_f64());
    }
}
