//! The installer in a real terminal: tmux at 80x24 with TERM=vt100 or
//! vt220, keys typed with `send-keys`, the screen read with
//! `capture-pane`. Interactive upgrade and wipe, and unattended runs with a
//! good and a broken answer file, in simulation mode on Demo Engine images.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use detect::{Content, Slot};
use testkit::fixture::{self, Fixture};

const BIN: &str = env!("CARGO_BIN_EXE_installer-tui");

/// A tmux server of its own, with one 80x24 window running the installer.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(fx: &Fixture, term: &str, extra: &[&str], disks: &[&Path]) -> Tmux {
        Tmux::start_on(fx, &fx.medium, term, extra, disks)
    }

    fn start_on(fx: &Fixture, medium: &Path, term: &str, extra: &[&str], disks: &[&Path]) -> Tmux {
        let ok = Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(
            ok,
            "tmux is needed by this test: install the Debian package tmux"
        );
        static STARTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = STARTED.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let socket = format!(
            "ferry-{}-{n}-{}",
            std::process::id(),
            fx.dir
                .path()
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        );
        let mut cmd = format!(
            "TERM={term} {BIN} --medium {} --trust {} --layout-mib {} --boot-loader {}",
            medium.display(),
            fx.key.display(),
            Fixture::layout_mib(),
            testkit::engine::boot_loader().display()
        );
        for d in disks {
            cmd.push_str(&format!(" --disk {}", d.display()));
        }
        for e in extra {
            cmd.push(' ');
            cmd.push_str(e);
        }
        cmd.push_str("; echo \"installer exited $?\"; sleep 120");
        let status = Command::new("tmux")
            .args([
                "-L",
                &socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-x",
                "80",
                "-y",
                "24",
            ])
            .args(["-s", "t", "sh", "-c", &cmd])
            .status()
            .expect("run tmux");
        assert!(status.success(), "tmux new-session failed");
        Tmux { socket }
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p", "-t", "t"])
            .output()
            .expect("capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Wait until `text` is on the screen; the screen is returned.
    fn wait(&self, text: &str, secs: u64) -> String {
        let end = Instant::now() + Duration::from_secs(secs);
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            assert!(
                Instant::now() < end,
                "{text:?} did not appear; the screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Press keys by tmux name (`Enter`, `Down`, `Escape`, `i`).
    fn keys(&self, keys: &[&str]) {
        for k in keys {
            let status = Command::new("tmux")
                .args(["-L", &self.socket, "send-keys", "-t", "t", k])
                .status()
                .expect("send-keys");
            assert!(status.success());
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    /// Type text literally.
    fn type_text(&self, text: &str) {
        let status = Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", "-t", "t", "-l", text])
            .status()
            .expect("send-keys");
        assert!(status.success());
        std::thread::sleep(Duration::from_millis(150));
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

#[test]
fn interactive_upgrade_in_a_vt100_terminal() {
    let fx = fixture::fixture();
    let t = Tmux::start(&fx, "vt100", &[], &[&fx.installed, &fx.blank]);
    let s = t.wait("Install or upgrade", 30);
    assert!(s.contains("Ferry installer - demo-engine 1.1.0"), "{s}");
    t.keys(&["Down", "Down"]);
    t.wait("> [k] Keyboard layout", 5);
    t.keys(&["Up", "Up", "Enter"]);
    let s = t.wait("Choose the disk", 10);
    assert!(
        s.contains("demo-engine: slot a 1.0.0 (active, boots fine)"),
        "{s}"
    );
    assert!(s.contains("blank"), "{s}");
    t.keys(&["Enter"]);
    t.wait("Upgrade to 1.1.0 (keep configuration)", 10);
    t.keys(&["Enter"]);
    t.wait("Press Enter to start the upgrade", 10);
    t.keys(&["Escape"]);
    t.wait("What to do", 5);
    t.keys(&["Enter"]);
    t.wait("Press Enter to start the upgrade", 5);
    t.keys(&["Enter"]);
    let s = t.wait("Upgrade complete", 120);
    assert!(
        s.contains("demo-engine 1.1.0 is installed in slot b"),
        "{s}"
    );
    t.wait("Remove the medium and press Enter to reboot", 5);
    t.keys(&["Enter"]);
    t.wait("installer exited 80", 10);
    let r = detect::detect_path(&fx.installed);
    let f = r.ferry().expect("ferry");
    assert_eq!(f.boot_default, Some(Slot::B));
    assert_eq!(
        f.slot(Slot::B)
            .and_then(|s| s.release.as_ref().map(ToString::to_string)),
        Some("1.1.0".into())
    );
}

#[test]
fn interactive_wipe_in_a_vt220_terminal() {
    let fx = fixture::fixture();
    let t = Tmux::start(&fx, "vt220", &[], &[&fx.installed]);
    t.wait("Install or upgrade", 30);
    t.keys(&["i"]);
    t.wait("Choose the disk", 10);
    t.keys(&["1"]);
    t.wait("Wipe and reinstall 1.1.0", 10);
    t.keys(&["w"]);
    t.wait("Type ERASE to confirm", 10);
    t.type_text("nope");
    t.keys(&["Enter"]);
    t.wait("That is not ERASE", 5);
    t.type_text("ERASE");
    t.keys(&["Enter"]);
    t.wait("Wipe and reinstall complete", 120);
    t.keys(&["p"]);
    t.wait("installer exited 81", 10);
    let r = detect::detect_path(&fx.installed);
    let f = r.ferry().expect("ferry");
    assert_eq!(f.boot_default, Some(Slot::A));
    assert_eq!(
        f.slot(Slot::A)
            .and_then(|s| s.release.as_ref().map(ToString::to_string)),
        Some("1.1.0".into())
    );
}

#[test]
fn unattended_runs_with_good_and_broken_answer_files() {
    let fx = fixture::fixture();
    let good = fx.dir.path().join("good.toml");
    std::fs::write(
        &good,
        format!(
            "[install]\naction = \"install\"\ndisk = \"{}\"\nconfirm-erase = \"ERASE\"\n\n[finish]\naction = \"poweroff\"\ndelay = 0\n",
            fx.foreign.display()
        ),
    )
    .expect("answer file");
    let answer = format!("--answer {}", good.display());
    let t = Tmux::start(&fx, "vt100", &[&answer], &[&fx.foreign, &fx.blank]);
    t.wait("installer exited 81", 120);
    assert!(matches!(
        detect::detect_path(&fx.foreign).content,
        Content::Ferry(_)
    ));
    assert!(matches!(
        detect::detect_path(&fx.blank).content,
        Content::Blank
    ));
    drop(t);

    let bad = fx.dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[install]\naction = \"upgrade\"\ndisk = \"only\"\nconfirm-erase = true\n",
    )
    .expect("answer file");
    let answer = format!("--answer {}", bad.display());
    let t = Tmux::start(&fx, "vt100", &[&answer], &[&fx.blank]);
    let s = t.wait("Continuing interactively", 30);
    assert!(s.contains("line 4, key install.confirm-erase"), "{s}");
    t.keys(&["C-c"]);
    t.wait("installer exited 0", 10);
    assert!(matches!(
        detect::detect_path(&fx.blank).content,
        Content::Blank
    ));
}

/// Disks that were once taken for blank: ext4 on the whole disk with
/// `55 AA` at byte 510, a FAT32 whose boot sector lost its BPB, and an
/// empty GPT. An answer file's `action = "auto"` with `disk = "only"` must
/// refuse each of them and write nothing.
#[test]
fn unattended_auto_refuses_used_disks_that_looked_blank() {
    let fx = fixture::fixture();
    let run = |tool: &str, args: &[&str]| {
        let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
            panic!("{tool} is needed by this test ({e}): run scripts/install-deps")
        });
        assert!(
            out.status.success(),
            "{tool} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let poke = |img: &Path, at: usize, bytes: &[u8]| {
        let mut data = std::fs::read(img).expect("read image");
        data[at..at + bytes.len()].copy_from_slice(bytes);
        std::fs::write(img, data).expect("write image");
    };
    let ext4 = fx.dir.path().join("ext4-55aa.img");
    testkit::image::sparse(&ext4, testkit::engine::DISK_SIZE);
    run("mkfs.ext4", &["-q", "-F", ext4.to_str().expect("utf-8")]);
    poke(&ext4, 510, &[0x55, 0xAA]);
    let fat = fx.dir.path().join("fat32-bpb-gone.img");
    testkit::image::sparse(&fat, testkit::engine::DISK_SIZE);
    run("mkfs.fat", &["-F", "32", fat.to_str().expect("utf-8")]);
    poke(&fat, 0, &[0; 36]);
    let gpt = fx.dir.path().join("empty-gpt.img");
    testkit::image::sparse(&gpt, testkit::engine::DISK_SIZE);
    run("sgdisk", &["-o", gpt.to_str().expect("utf-8")]);

    let answer = fx.dir.path().join("auto.toml");
    std::fs::write(
        &answer,
        "[install]\naction = \"auto\"\ndisk = \"only\"\n\n[finish]\naction = \"poweroff\"\ndelay = 0\n",
    )
    .expect("answer file");
    let answer = format!("--answer {}", answer.display());
    for disk in [&ext4, &fat, &gpt] {
        assert!(
            !matches!(detect::detect_path(disk).content, Content::Blank),
            "{} is reported blank",
            disk.display()
        );
        let before = std::fs::read(disk).expect("read image");
        let t = Tmux::start(&fx, "vt100", &[&answer], &[disk]);
        let s = t.wait("Continuing interactively", 30);
        assert!(s.contains("key install.action"), "{s}");
        t.keys(&["C-c"]);
        t.wait("installer exited 0", 10);
        drop(t);
        assert!(
            std::fs::read(disk).expect("read image") == before,
            "{} was written",
            disk.display()
        );
    }
}

/// A boot kit with the real boot loaders and stand-in kernel and initrd:
/// enough for `media-builder` to build an ISO the installer reads.
fn bootkit(dir: &Path) -> std::path::PathBuf {
    let kit = dir.join("kit");
    for sub in ["isolinux", "efi", "keys"] {
        std::fs::create_dir_all(kit.join(sub)).expect("kit dir");
    }
    for (from, to, package) in [
        (
            "/usr/lib/ISOLINUX/isolinux.bin",
            "isolinux/isolinux.bin",
            "isolinux",
        ),
        ("/usr/lib/ISOLINUX/isohdpfx.bin", "isohdpfx.bin", "isolinux"),
        (
            "/usr/lib/syslinux/modules/bios/ldlinux.c32",
            "isolinux/ldlinux.c32",
            "syslinux-common",
        ),
        (
            install::SYSTEMD_BOOT_EFI,
            "efi/systemd-bootx64.efi",
            "systemd-boot-efi",
        ),
        // Stand-ins for the shim and MokManager: these tests do not boot.
        (
            install::SYSTEMD_BOOT_EFI,
            "efi/shimx64.efi",
            "systemd-boot-efi",
        ),
        (
            install::SYSTEMD_BOOT_EFI,
            "efi/mmx64.efi",
            "systemd-boot-efi",
        ),
    ] {
        assert!(
            Path::new(from).exists(),
            "{from} is needed by this test: install the Debian package {package}"
        );
        std::fs::copy(from, kit.join(to)).expect("kit file");
    }
    std::fs::write(kit.join("vmlinuz"), vec![0x5a; 70_000]).expect("kernel");
    std::fs::write(kit.join("initrd.img"), vec![0x17; 30_000]).expect("initrd");
    std::fs::write(kit.join("cmdline"), "console=ttyS0\n").expect("cmdline");
    std::fs::write(
        kit.join("keys/vendor.pub"),
        fixture::vendor().public().to_pem(),
    )
    .expect("key");
    kit
}

/// An answer file that upgrades the only disk and reboots at once.
fn upgrade_answer(fx: &Fixture) -> std::path::PathBuf {
    let answer = fx.dir.path().join("answer.toml");
    std::fs::write(
        &answer,
        "[install]\naction = \"upgrade\"\ndisk = \"only\"\n[finish]\naction = \"reboot\"\ndelay = 0\n",
    )
    .expect("answer");
    answer
}

#[test]
fn unattended_upgrade_from_an_iso_with_an_embedded_answer_file() {
    let fx = fixture::fixture();
    let answer = upgrade_answer(&fx);
    let iso = fx.dir.path().join("demo.iso");
    media::iso::build(
        &media::iso::IsoSpec {
            bootkit: bootkit(fx.dir.path()),
            payloads: vec![fx.payload()],
            answer: Some(answer),
            out: iso.clone(),
            extra_cmdline: String::new(),
            unsigned_ok: false,
            isomd5: false,
        },
        |_, _| {},
    )
    .expect("build the ISO");
    let t = Tmux::start_on(&fx, &iso, "vt100", &[], &[&fx.installed]);
    t.wait("installer exited 80", 120);
    let r = detect::detect_path(&fx.installed);
    assert_eq!(r.ferry().and_then(|f| f.boot_default), Some(Slot::B));
}

/// A USB stick made by `media-builder usb-image`, with the payload split
/// into parts and an answer file in `ferry/`: the installer reassembles
/// the payload, upgrades, and leaves its report on the stick.
#[test]
fn unattended_upgrade_from_a_usb_stick_with_a_split_payload() {
    let fx = fixture::fixture();
    let answer = upgrade_answer(&fx);
    let img = fx.dir.path().join("stick.img");
    let built = media::usb::image::build(
        &media::usb::image::UsbSpec {
            bootkit: bootkit(fx.dir.path()),
            payloads: vec![fx.payload()],
            answer: Some(answer),
            extra_cmdline: String::new(),
            size: None,
            unsigned_ok: false,
            out: img.clone(),
            part_size: 1 << 20,
            sector_size: 512,
        },
        |_, _| {},
    )
    .expect("build the USB image");
    assert!(built.payload_parts.len() > 1, "{:?}", built.payload_parts);
    let t = Tmux::start_on(&fx, &img, "vt220", &[], &[&fx.installed]);
    t.wait("installer exited 80", 120);
    let r = detect::detect_path(&fx.installed);
    assert_eq!(r.ferry().and_then(|f| f.boot_default), Some(Slot::B));

    let mut file = std::fs::File::open(&img).expect("stick");
    let (start, len) = medium::stick::find_partition(&mut file).expect("FERRY partition");
    let stick =
        medium::stick::Stick::open(detect::io::Slice::new(file, start, len).expect("slice"))
            .expect("stick FAT");
    let dir = stick
        .volume()
        .root_dir()
        .open_dir(medium::REPORTS_DIR)
        .expect("reports on the stick");
    let reports: Vec<String> = dir
        .iter()
        .map(|e| e.expect("entry").file_name())
        .filter(|n| n.ends_with(".json"))
        .collect();
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert!(reports[0].contains("upgrade"), "{reports:?}");
    // The report quotes the medium that did the work.
    let mut json = Vec::new();
    std::io::Read::read_to_end(&mut dir.open_file(&reports[0]).expect("report"), &mut json)
        .expect("read the report");
    let report = install::Report::parse(&json).expect("a report");
    assert_eq!(report.medium.as_deref(), Some(built.medium_id.as_str()));
}
