//! `installer-tui plan` and `apply` as scripts run them, and upgrades cut
//! short: the process stopped after each step (`FERRY_FAULT_STOP_AFTER`)
//! and killed at random moments. Detection must tell the truth afterwards,
//! the old slot must still be the default with everything it needs, and
//! running the upgrade again must succeed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use detect::layout::Slot;
use install::power_cut::{STOP_AFTER_ENV, STOP_EXIT_CODE};
use testkit::{engine::*, image::*, release::*, running::*};

const BIN: &str = env!("CARGO_BIN_EXE_installer-tui");

struct Setup {
    dir: tempfile::TempDir,
    base: PathBuf,
    upg: PathBuf,
    key: PathBuf,
    work: PathBuf,
}

fn setup() -> Setup {
    let dir = tmp();
    let k = keys();
    let key = dir.path().join("vendor.pub");
    std::fs::write(&key, k.vendor.public().to_pem()).expect("key file");
    let base = dir.path().join("base.img");
    sparse(&base, DISK_SIZE);
    let first = Release::new("1.0.0").build(dir.path(), &k.vendor);
    let out = cli(
        &[
            "apply",
            "--action",
            "install",
            "--layout-mib",
            "40,8,36,4",
            "--yes",
        ],
        &first,
        &key,
        &base,
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    bless(&base);
    let upg = Release::new("1.1.0").build(dir.path(), &k.vendor);
    let work = dir.path().join("work.img");
    Setup {
        base,
        upg,
        key,
        work,
        dir,
    }
}

fn cli(args: &[&str], upg: &Path, key: &Path, disk: &Path, stop_after: Option<&str>) -> Output {
    command(args, upg, key, disk, stop_after)
        .output()
        .expect("run installer-tui")
}

fn command(
    args: &[&str],
    upg: &Path,
    key: &Path,
    disk: &Path,
    stop_after: Option<&str>,
) -> Command {
    let mut c = Command::new(BIN);
    c.args(args)
        .arg("--payload")
        .arg(upg)
        .arg("--trust")
        .arg(key)
        .arg("--disk")
        .arg(disk)
        .arg("--boot-loader")
        .arg(boot_loader())
        .env_remove(STOP_AFTER_ENV);
    if let Some(step) = stop_after {
        c.env(STOP_AFTER_ENV, step);
    }
    c
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

impl Setup {
    fn upgrade(&self, stop_after: Option<&str>) -> Output {
        cli(
            &["apply", "--yes"],
            &self.upg,
            &self.key,
            &self.work,
            stop_after,
        )
    }

    /// After an interruption: the truth from detection, the old system
    /// intact (or the upgrade complete), and a second run that succeeds.
    fn check(&self, before: &RunningSystem, what: &str) {
        let t = inspect(&self.work);
        let ferry = t.report.ferry().expect("still a Ferry install");
        if ferry.boot_default == Some(Slot::B) {
            // Stopped after the switch: the upgrade is complete.
            let b = ferry.slot(Slot::B).expect("b");
            assert_eq!(b.state, Some(detect::SlotState::New), "{what}");
            assert_eq!(b.boot_entry.as_deref(), Some("ferry-2-b+3.conf"), "{what}");
            assert_eq!(t.report.issues, vec![], "{what}");
            return;
        }
        assert_still_boots(&self.work, before);
        let out = self.upgrade(None);
        assert!(out.status.success(), "{what}: rerun: {}", text(&out));
        let t = inspect(&self.work);
        assert_eq!(
            t.report.ferry().and_then(|f| f.boot_default),
            Some(Slot::B),
            "{what}"
        );
        assert_eq!(t.report.issues, vec![], "{what}");
    }
}

#[test]
fn plan_prints_the_steps_and_apply_reports() {
    let s = setup();
    copy(&s.base, &s.work);
    let out = cli(&["plan"], &s.upg, &s.key, &s.work, None);
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(t.contains("Upgrade demo-engine from 1.0.0 to 1.1.0"), "{t}");
    assert!(t.contains("Mark slot b as being written"), "{t}");
    assert!(t.contains("+mtu = 1500"), "{t}");
    let out = cli(&["plan", "--json"], &s.upg, &s.key, &s.work, None);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("plan JSON");
    assert_eq!(v["action"], "upgrade");
    assert_eq!(v["steps"][0]["kind"], "mark-slot-writing");

    let out = cli(&["apply"], &s.upg, &s.key, &s.work, None);
    assert!(!out.status.success());
    assert!(text(&out).contains("add --yes"), "{}", text(&out));

    let reports = s.dir.path().join("medium-reports");
    let out = cli(
        &[
            "apply",
            "--yes",
            "--report-dir",
            reports.to_str().expect("utf-8"),
        ],
        &s.upg,
        &s.key,
        &s.work,
        None,
    );
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(
        t.contains("[2/7] Write demo-engine 1.1.0 into slot b"),
        "{t}"
    );
    assert!(t.contains("write-slot 100%"), "{t}");
    assert!(t.contains("report: ferry-config:reports/"), "{t}");
    let copies: Vec<_> = std::fs::read_dir(&reports).expect("reports").collect();
    assert_eq!(copies.len(), 1);
    let r: serde_json::Value = serde_json::from_slice(
        &std::fs::read(copies[0].as_ref().expect("entry").path()).expect("read"),
    )
    .expect("report JSON");
    assert_eq!(r["result"], "success");
    assert_eq!(
        (r["from"].as_str(), r["to"].as_str()),
        (Some("1.0.0"), Some("1.1.0"))
    );

    // Once more is refused: it is installed.
    let out = cli(&["plan"], &s.upg, &s.key, &s.work, None);
    assert!(!out.status.success());
}

#[test]
fn stopped_after_each_step_the_old_system_still_boots() {
    let s = setup();
    for step in [
        "mark-slot-writing",
        "write-slot",
        "read-back",
        "write-config",
        "record-new-slot",
        "set-default",
    ] {
        copy(&s.base, &s.work);
        let before = running_system(&s.work);
        let out = s.upgrade(Some(step));
        assert_eq!(
            out.status.code(),
            Some(STOP_EXIT_CODE),
            "{step}: {}",
            text(&out)
        );
        s.check(&before, &format!("stopped after {step}"));
    }
}

#[test]
fn killed_at_random_moments_the_old_system_still_boots() {
    let s = setup();
    copy(&s.base, &s.work);
    let start = Instant::now();
    assert!(s.upgrade(None).status.success());
    let full = start.elapsed();
    let mut seed = u64::from(std::process::id()) ^ start.elapsed().subsec_nanos() as u64;
    for round in 0..8 {
        copy(&s.base, &s.work);
        let before = running_system(&s.work);
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let delay = Duration::from_micros((seed >> 33) % (full.as_micros() as u64 + 1));
        let mut child = command(&["apply", "--yes"], &s.upg, &s.key, &s.work, None)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start installer-tui");
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        s.check(
            &before,
            &format!("round {round}: killed after {delay:?} of {full:?}"),
        );
    }
}

#[test]
fn a_payload_the_installed_system_does_not_trust_is_refused() {
    let s = setup();
    copy(&s.base, &s.work);
    let other = payload::SecretKey::generate().expect("key");
    let key2 = s.dir.path().join("other.pub");
    std::fs::write(&key2, other.public().to_pem()).expect("key");
    let upg = Release::new("2.0.0").build(&s.dir.path().join("."), &other);
    let image = hash_range(&s.work, 0, DISK_SIZE);
    let out = cli(&["apply", "--yes"], &upg, &key2, &s.work, None);
    assert!(!out.status.success());
    assert!(text(&out).contains("does not trust"), "{}", text(&out));
    assert_eq!(
        hash_range(&s.work, 0, DISK_SIZE),
        image,
        "nothing is written"
    );
}

#[test]
fn an_answer_file_drives_plan_and_apply() {
    let s = setup();
    let blank = s.dir.path().join("blank.img");
    sparse(&blank, DISK_SIZE);
    let answer = s.dir.path().join("answer.toml");
    let write = |text: &str| std::fs::write(&answer, text).expect("answer file");
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--answer", answer.to_str().expect("utf-8")]);
        all.extend(["--layout-mib", "40,8,36,4"]);
        cli(&all, &s.upg, &s.key, &blank, None)
    };

    // A value the release does not have: refused at its line.
    write(
        "[install]\naction = \"install\"\ndisk = \"only\"\n\n[config.\"engine.toml\"]\n\"host.nme\" = \"x\"\n",
    );
    let out = run(&["plan"]);
    assert!(!out.status.success());
    let t = text(&out);
    assert!(t.contains("line 5, key config"), "{t}");
    assert!(t.contains("no such key"), "{t}");

    // A selector that does not pick the disk given.
    write("[install]\naction = \"install\"\ndisk = \"/dev/nonexistent\"\n");
    let t = text(&run(&["plan"]));
    assert!(t.contains("key install.disk"), "{t}");

    // The file's action and values, without --action.
    write(
        "[install]\naction = \"auto\"\ndisk = \"only\"\n\n[config.\"engine.toml\"]\n\"host.name\" = \"engine-42\"\n",
    );
    let out = run(&["apply", "--yes"]);
    assert!(out.status.success(), "{}", text(&out));
    let config = inspect(&blank).config.expect("configuration");
    let engine = config.text("engine.toml").expect("doc").expect("doc");
    assert!(engine.contains("engine-42"), "{engine}");
}
