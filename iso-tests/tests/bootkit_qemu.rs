//! The boot kit and the Demo Engine booted for real under QEMU (TCG).
//!
//! They need the boot kit and the demo releases built first
//! (`scripts/bootkit`, which `scripts/test` runs) and QEMU, sgdisk,
//! mkfs.vfat and mtools; a missing one fails the test with its name.
//! About 10 s each on 2 cores (TCG).
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use iso_tests::{Firmware, Machine};

fn target() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

fn need(path: &Path) -> PathBuf {
    assert!(
        path.exists(),
        "{} is missing: run scripts/bootkit first",
        path.display()
    );
    path.to_path_buf()
}

fn tool(cmd: &mut Command) {
    let name = format!("{:?}", cmd.get_program());
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {name} (install it: scripts/install-deps): {e}"));
    assert!(
        out.status.success(),
        "{name} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn installer_initramfs_starts_the_installer_and_falls_back_to_a_shell() {
    let kit = target().join("bootkit");
    let mut vm = Machine::new("bootkit-installer", Firmware::Bios)
        .kernel(
            need(&kit.join("vmlinuz")),
            need(&kit.join("initrd.img")),
            // No medium is attached: the installer gives up on it after a
            // second and exits, which is the fallback this test checks.
            "console=tty0 console=ttyS0,115200 ferry.settle=2 ferry.medium-wait=1",
        )
        .boot()
        .unwrap();
    vm.wait_for(
        "FERRY-INSTALLER starting on ttyS0",
        Duration::from_secs(120),
    )
    .unwrap();
    // installer-tui without a TTY-capable default action exits today or
    // shows its screen; either way a shell must follow an exit.
    vm.send("q").unwrap();
    vm.send("\x03").unwrap();
    vm.wait_for_any(
        &["The installer exited", "Rescue shell requested"],
        Duration::from_secs(60),
    )
    .unwrap();
    vm.send("echo SHELL-$((6*7))\r").unwrap();
    vm.wait_for("SHELL-42", Duration::from_secs(30)).unwrap();
    // The trusted keys are in the initramfs.
    vm.send("ls /etc/ferry/keys\r").unwrap();
    vm.wait_for("demo-DO-NOT-USE.pub", Duration::from_secs(30))
        .unwrap();
    // So is the boot loader the installer puts on a target's ESP.
    vm.send("ls /usr/lib/systemd/boot/efi\r").unwrap();
    vm.wait_for("systemd-bootx64.efi", Duration::from_secs(30))
        .unwrap();
    // And the shim and MokManager it puts before it.
    vm.send("ls /usr/lib/shim\r").unwrap();
    vm.wait_for("mmx64.efi.signed", Duration::from_secs(30))
        .unwrap();
    vm.wait_for("shimx64.efi.signed", Duration::from_secs(30))
        .unwrap();
}

/// GPT partition GUID of the root slot in the test disk.
const ROOT_PARTUUID: &str = "5e1ec7ed-0000-4000-8000-00000000000a";

/// A disk as the install engine lays it out, small: ESP with a counted
/// loader entry for slot a, root a with the release's root image, config
/// with a state record and slot a's configuration.
fn demo_disk(dir: &Path, rootfs: &Path, schema: u32) -> (PathBuf, u64) {
    let disk = dir.join("disk.img");
    let mib = 1024 * 1024;
    // The root partition holds the root image and 1 MiB.
    let root_mib = bootkit::demo::ROOT_IMAGE_MIB + 1;
    std::fs::File::create(&disk)
        .unwrap()
        .set_len((40 + root_mib) * mib)
        .unwrap();
    tool(Command::new("sgdisk").arg("-Z").arg(&disk));
    tool(
        Command::new("sgdisk")
            .args(["-n", "1:2048:+16M", "-t", "1:EF00", "-c", "1:ferry-esp"])
            .args(["-n", &format!("2:0:+{root_mib}M"), "-t", "2:8304"])
            .args(["-c", "2:ferry-root-a"])
            .args(["-u", &format!("2:{ROOT_PARTUUID}")])
            .args(["-n", "3:0:+16M", "-t", "3:0700", "-c", "3:ferry-config"])
            .arg(&disk),
    );
    let esp_off = 2048 * 512;
    let root_off = esp_off + 16 * mib;
    let config_off = root_off + root_mib * mib;

    let fat = |name: &str, label: &str, files: &[(&str, Vec<u8>)]| -> PathBuf {
        let img = dir.join(name);
        let _ = std::fs::remove_file(&img);
        tool(
            Command::new("mkfs.vfat")
                // FAT16: FAT32 needs more clusters than 16 MiB holds; the
                // demo mounts either as vfat.
                .args(["-F", "16", "-n", label, "-C"])
                .arg(&img)
                .arg("16384"),
        );
        for (path, data) in files {
            let mut parts: Vec<&str> = path.split('/').collect();
            parts.pop();
            let mut d = String::new();
            for p in parts {
                d.push('/');
                d.push_str(p);
                let _ = Command::new("mmd")
                    .arg("-i")
                    .arg(&img)
                    .arg(format!("::{d}"))
                    .output();
            }
            let src = dir.join("upload");
            std::fs::write(&src, data).unwrap();
            tool(
                Command::new("mcopy")
                    .arg("-i")
                    .arg(&img)
                    .arg(&src)
                    .arg(format!("::/{path}")),
            );
        }
        img
    };
    let entry = format!(
        "title demo-engine\nlinux /a/vmlinuz\ninitrd /a/initrd.img\n\
         options root=PARTUUID={ROOT_PARTUUID} ferry.slot=a console=ttyS0,115200 console=tty0\n"
    );
    let esp = fat(
        "esp.img",
        "FERRY-ESP",
        &[
            ("loader/loader.conf", b"default ferry-*\n".to_vec()),
            ("loader/entries/ferry-1-a+3.conf", entry.into_bytes()),
        ],
    );
    let cfgdir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../demo-engine/config")
        .join(format!("schema-{schema}"));
    let state = "format = 1\nproduct = \"demo-engine\"\n\
        machine_id = \"0123456789abcdef0123456789abcdef\"\n\
        installed_at = \"2025-01-01T00:00:00Z\"\nactive = \"a\"\ntrusted_keys = []\n\n\
        [slots.a]\nstate = \"new\"\nrelease = \"1.0.0\"\nconfig_schema = 1\n\n\
        [slots.b]\nstate = \"empty\"\n";
    let config = fat(
        "config.img",
        "FERRY-CONF",
        &[
            ("state.toml", state.as_bytes().to_vec()),
            (
                "config/a/engine.toml",
                std::fs::read(cfgdir.join("engine.toml")).unwrap(),
            ),
            (
                "config/a/ferry.toml",
                std::fs::read(cfgdir.join("ferry.toml")).unwrap(),
            ),
            (
                "config/a/vms.toml",
                std::fs::read(cfgdir.join("vms.toml")).unwrap(),
            ),
        ],
    );
    for (img, off) in [
        (esp.as_path(), esp_off),
        (rootfs, root_off),
        (config.as_path(), config_off),
    ] {
        tool(
            Command::new("dd")
                .arg(format!("if={}", img.display()))
                .arg(format!("of={}", disk.display()))
                .args(["bs=1M", "conv=notrunc,fsync"])
                .arg(format!("seek={}", off / mib)),
        );
    }
    (disk, esp_off)
}

#[test]
fn demo_release_boots_from_its_partuuid_and_marks_itself_good() {
    let demo = target().join("demo/build");
    let rootfs = need(&demo.join("demo-engine-1.0.0/rootfs.img"));
    let dir = iso_tests::scenario_dir("demo-engine-disk").unwrap();
    let (disk, esp_off) = demo_disk(&dir, &rootfs, 1);
    let vm = Machine::new("demo-engine-1.0.0", Firmware::Bios)
        .kernel(
            need(&demo.join("vmlinuz")),
            need(&demo.join("initrd.img")),
            &format!(
                "root=PARTUUID={ROOT_PARTUUID} ferry.slot=a console=ttyS0,115200 console=tty0"
            ),
        )
        .disk(&disk)
        .boot()
        .unwrap();
    vm.wait_for(
        "DEMO-ENGINE version=1.0.0 slot=a hotfixes=none config-schema=1 hostname=engine-01 state=new management=manager.example.com:8443",
        Duration::from_secs(120),
    )
    .unwrap();
    vm.wait_for(
        "vms=2 vm-flags=web:pv_drivers_not_upgradable=false,legacy-db:pv_drivers_not_upgradable=true",
        Duration::from_secs(5),
    )
    .unwrap();
    vm.wait_for(
        "DEMO-ENGINE boot-marked-good entry=ferry-1-a.conf was=ferry-1-a+3.conf",
        Duration::from_secs(60),
    )
    .unwrap();
    drop(vm);
    let out = Command::new("mdir")
        .arg("-b")
        .arg("-i")
        .arg(format!("{}@@{esp_off}", disk.display()))
        .arg("::/loader/entries")
        .output()
        .expect("mtools");
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(listing.contains("ferry-1-a.conf"), "{listing}");
    assert!(!listing.contains("ferry-1-a+3.conf"), "{listing}");
}
