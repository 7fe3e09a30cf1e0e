//! What the scenarios share: the boot kit and Demo Engine payloads (built
//! by `scripts/bootkit`), media built from them once and reused, target
//! disks prepared on the host with the real install engine, and booting an
//! installed disk to read the Demo Engine's version line.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use detect::report::DiskReport;
use detect::Slot;
use iso_tests::{Bus, Firmware, Key, Machine, Vm};

// Budgets of waits, in machine time: the CPU time QEMU consumes while the
// wait lasts, so a busy host that gives QEMU less of a core stretches the
// wall time and not the verdict. Each wait also ends after `WALL_BACKSTOP`
// times its budget in wall time, for a machine that sits idle waiting for
// something that never comes (see `iso_tests::MachineClock`). A scenario
// uses a few tens of seconds of machine time per boot and write.

/// Machine time for firmware, kernel and init to bring up the installer
/// (TCG): about 10 s.
pub const BOOT: Duration = Duration::from_secs(240);
/// Machine time for one screen of the installer to follow a key.
pub const SCREEN: Duration = Duration::from_secs(60);
/// Machine time for an install or upgrade to finish (TCG).
pub const WRITE: Duration = Duration::from_secs(300);
/// Memory of the machines that run the unattended installs and upgrades:
/// the least the installer is documented to need with the whole boot
/// chain (`docs/bootkit.md`, "Memory"), so every such scenario checks it.
pub const INSTALL_MEMORY_MIB: u32 = 192;

pub fn target() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A file the scenarios need from `scripts/bootkit`; fails with what to do.
pub fn need(path: PathBuf) -> PathBuf {
    assert!(
        path.exists(),
        "{} is missing: run scripts/bootkit (it builds the boot kit and the Demo Engine payloads)",
        path.display()
    );
    path
}

pub fn bootkit() -> PathBuf {
    let kit = target().join("bootkit");
    for f in [
        "vmlinuz",
        "initrd.img",
        "efi/systemd-bootx64.efi",
        "efi/shimx64.efi",
        "efi/mmx64.efi",
        "isolinux/isolinux.bin",
    ] {
        need(kit.join(f));
    }
    kit
}

/// The kernel of `vm` says it was started with Secure Boot on (the
/// firmware checked every stage before it).
pub fn assert_secure_boot(vm: &iso_tests::Vm) {
    let log = String::from_utf8_lossy(&vm.log()).into_owned();
    assert!(
        log.contains("secureboot: Secure boot enabled"),
        "the kernel does not say Secure Boot is on:\n{log}"
    );
}

/// `target/demo/demo-engine-VERSION.upg`, e.g. `payload("1.0.0")`.
pub fn payload(version: &str) -> PathBuf {
    need(
        target()
            .join("demo")
            .join(format!("demo-engine-{version}.upg")),
    )
}

pub fn demo_key() -> PathBuf {
    need(workspace().join("demo-engine/keys/demo-DO-NOT-USE.pub"))
}

/// The directory of a scenario, emptied; removed again when the guard is
/// dropped, unless the test is failing (then its disks stay for a look).
pub struct Scenario {
    pub dir: PathBuf,
    pub name: String,
    runs: usize,
    started: Instant,
}

impl Scenario {
    pub fn new(name: &str) -> Scenario {
        let dir = iso_tests::scenario_dir(name).unwrap();
        eprintln!("scenario {name}: {}", dir.display());
        Scenario {
            dir,
            name: name.to_string(),
            runs: 0,
            started: Instant::now(),
        }
    }

    pub fn path(&self, file: &str) -> PathBuf {
        self.dir.join(file)
    }

    /// A blank, sparse raw disk big enough for the product's default
    /// layout (the installer in the VM uses it).
    pub fn blank_disk(&self, file: &str) -> PathBuf {
        let p = self.path(file);
        let f = std::fs::File::create(&p).unwrap();
        f.set_len(24 << 30).unwrap();
        p
    }

    /// A blank 24 GiB qcow2 disk (as a hypervisor would give a VM).
    pub fn blank_qcow2(&self, file: &str) -> PathBuf {
        let p = self.path(file);
        qemu_img(&[
            "create",
            "-q",
            "-f",
            "qcow2",
            &p.display().to_string(),
            "24G",
        ]);
        p
    }

    /// Boots `machine` in a fresh sub-directory of the scenario, so a
    /// scenario can boot several machines over the same disks.
    pub fn boot(&mut self, machine: &Machine) -> Vm {
        self.runs += 1;
        let dir = self.dir.join(format!("run-{}", self.runs));
        std::fs::create_dir_all(&dir).unwrap();
        eprintln!(
            "[{:>5.1} s] boot {}: {}",
            self.started.elapsed().as_secs_f64(),
            self.runs,
            dir.display()
        );
        machine.boot_in(dir).unwrap()
    }

    pub fn log(&self, what: &str) {
        eprintln!("[{:>5.1} s] {what}", self.started.elapsed().as_secs_f64());
    }
}

impl Drop for Scenario {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "scenario {}: files kept in {}",
                self.name,
                self.dir.display()
            );
        } else {
            eprintln!(
                "scenario {} passed in {:.0} s",
                self.name,
                self.started.elapsed().as_secs_f64()
            );
            if !iso_tests::keep_all() {
                let _ = std::fs::remove_dir_all(&self.dir);
            }
        }
    }
}

fn media_dir() -> PathBuf {
    let d = target().join("iso-tests").join("media");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn newer(a: &Path, b: &Path) -> bool {
    let m = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (m(a), m(b)) {
        (Some(a), Some(b)) => a > b,
        _ => true,
    }
}

/// Builds `out` with `build(tmp)` unless it exists and is newer than every
/// input. Several test processes may ask at once: each builds into its own
/// temporary file and renames it into place (the media are deterministic,
/// and a machine already using the old file keeps its inode).
fn cached(out: &Path, inputs: &[PathBuf], build: impl FnOnce(&Path) -> Result<()>) -> PathBuf {
    if out.exists() && inputs.iter().all(|i| !newer(i, out)) {
        return out.to_path_buf();
    }
    let tmp = out.with_extension(format!("tmp{}", std::process::id()));
    build(&tmp)
        .with_context(|| format!("building {}", out.display()))
        .unwrap();
    std::fs::rename(&tmp, out).unwrap();
    out.to_path_buf()
}

/// The hybrid ISO of a demo release, built once.
pub fn iso(version: &str) -> PathBuf {
    let kit = bootkit();
    let upg = payload(version);
    let out = media_dir().join(format!("demo-engine-{version}.iso"));
    cached(&out, &[upg.clone(), kit.join("initrd.img")], |tmp| {
        build_iso(&kit, &upg, None, tmp)
    })
}

/// An ISO of a release with an answer file embedded, in `dir`.
pub fn iso_with_answer(version: &str, answer: &str, out: &Path) -> PathBuf {
    let kit = bootkit();
    let upg = payload(version);
    let a = out.with_extension("answer.toml");
    std::fs::write(&a, answer).unwrap();
    // Only the serial console runs the installer: with two, the one on the
    // screen may take the lock first and the test would see nothing.
    build_iso_with(&kit, &upg, Some(a), "ferry.console=ttyS0", out).unwrap();
    out.to_path_buf()
}

pub fn build_iso(kit: &Path, upg: &Path, answer: Option<PathBuf>, out: &Path) -> Result<()> {
    build_iso_with(kit, upg, answer, "", out)
}

pub fn build_iso_with(
    kit: &Path,
    upg: &Path,
    answer: Option<PathBuf>,
    cmdline: &str,
    out: &Path,
) -> Result<()> {
    media::iso::build(
        &media::iso::IsoSpec {
            bootkit: kit.to_path_buf(),
            payloads: vec![upg.to_path_buf()],
            answer,
            out: out.to_path_buf(),
            extra_cmdline: cmdline.to_string(),
            unsigned_ok: false,
            isomd5: false,
        },
        |_, _| {},
    )?;
    Ok(())
}

/// The USB disk image of a release, written to `out` (each scenario its
/// own: the installer writes reports onto it).
pub fn usb_image(version: &str, answer: Option<&str>, out: &Path) -> PathBuf {
    let kit = bootkit();
    let upg = payload(version);
    let cmdline = if answer.is_some() {
        "ferry.console=ttyS0"
    } else {
        ""
    };
    let answer = answer.map(|a| {
        let p = out.with_extension("answer.toml");
        std::fs::write(&p, a).unwrap();
        p
    });
    media::usb::image::build(
        &media::usb::image::UsbSpec {
            bootkit: kit,
            payloads: vec![upg],
            answer,
            extra_cmdline: cmdline.to_string(),
            size: None,
            unsigned_ok: false,
            out: out.to_path_buf(),
            part_size: media::usb::image::PART_SIZE,
            sector_size: 512,
        },
        |_, _| {},
    )
    .unwrap();
    out.to_path_buf()
}

/// The root slots of disks prepared on the host: the Demo Engine's root
/// image and 8 MiB.
pub const ROOT_SLOT_MIB: u64 = bootkit::demo::ROOT_IMAGE_MIB + 8;

/// A small layout for disks prepared on the host (ESP, root, config, data
/// in MiB: 64, [`ROOT_SLOT_MIB`], 40, 8): upgrades keep the layout they
/// find.
pub const SMALL_DISK_MIB: u64 = 64 + 2 * ROOT_SLOT_MIB + 40 + 8 + 8;

/// Installs (or upgrades, or wipes) with the real engine on the host: the
/// same code the installer runs in the machine.
pub fn host_apply(disk: &Path, version: &str, action: install::Action) -> Result<install::Report> {
    host_apply_with(disk, version, action, BootChain::Kit)
}

/// The boot files [`host_apply_with`] installs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BootChain {
    /// The kit's: shim, signed systemd-boot, MokManager.
    Kit,
    /// As Ferry wrote ESPs before the Secure Boot chain: the build
    /// machine's systemd-boot (Debian's `systemd-boot-efi`, unsigned) alone
    /// as `BOOTX64.EFI`.
    SystemdBootOnly,
}

pub fn host_apply_with(
    disk: &Path,
    version: &str,
    action: install::Action,
    chain: BootChain,
) -> Result<install::Report> {
    host_apply_sized(disk, version, action, chain, ROOT_SLOT_MIB << 20)
}

/// [`host_apply_with`] with root slots of `root` bytes.
pub fn host_apply_sized(
    disk: &Path,
    version: &str,
    action: install::Action,
    chain: BootChain,
    root: u64,
) -> Result<install::Report> {
    let trust = payload::TrustStore::load(&[demo_key()])?;
    let info = install::open_payload(&payload(version), &trust)?;
    let target = install::inspect(disk)?;
    let mut choice = install::Choice::new(action);
    match chain {
        BootChain::Kit => {
            choice.boot_loader = bootkit().join("efi/systemd-bootx64.efi");
            choice.shim = Some(install::Shim {
                shim: bootkit().join("efi/shimx64.efi"),
                mok_manager: bootkit().join("efi/mmx64.efi"),
            });
        }
        BootChain::SystemdBootOnly => {
            choice.boot_loader = need(PathBuf::from(install::SYSTEMD_BOOT_EFI));
        }
    }
    choice.sizes = Some(install::PartitionSizes {
        esp: 64 << 20,
        root,
        config: 40 << 20,
        min_data: 8 << 20,
    });
    if matches!(action, install::Action::Install | install::Action::Wipe) {
        choice.machine_id = Some(install::new_machine_id().map_err(|e| anyhow::anyhow!("{e}"))?);
    }
    let plan = install::plan(&target, &info, &choice)?;
    match install::apply(&plan, &mut |_: &install::Progress| {}) {
        Ok(r) => Ok(r),
        Err(f) => bail!("{}", f.error),
    }
}

pub fn detect(disk: &Path) -> DiskReport {
    detect::detect_path(disk)
}

/// The release installed in `slot`, from detection.
pub fn release(disk: &Path, slot: Slot) -> Option<String> {
    let r = detect(disk);
    r.ferry()?
        .slot(slot)?
        .release
        .as_ref()
        .map(ToString::to_string)
}

pub fn boot_default(disk: &Path) -> Option<Slot> {
    detect(disk).ferry()?.boot_default
}

fn qemu_img(args: &[&str]) -> String {
    let out = std::process::Command::new("qemu-img")
        .args(args)
        .output()
        .expect("qemu-img (Debian package qemu-utils)");
    assert!(
        out.status.success(),
        "qemu-img {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A raw copy of a qcow2 disk (sparse), for the host's checks, which read
/// raw disks.
pub fn raw_copy(qcow2: &Path) -> PathBuf {
    let raw = qcow2.with_extension("raw");
    qemu_img(&[
        "convert",
        "-O",
        "raw",
        &qcow2.display().to_string(),
        &raw.display().to_string(),
    ]);
    raw
}

/// Whether a qcow2 disk still holds no data at all: no cluster was ever
/// written.
pub fn never_written(qcow2: &Path) -> bool {
    let map = qemu_img(&["map", "--output=json", &qcow2.display().to_string()]);
    !map.contains("\"data\": true")
}

/// The last complete line of the serial log that contains `needle`.
pub fn line_with(vm: &Vm, needle: &str) -> Option<String> {
    let mut log = vm.log();
    // A line still being written is not complete.
    log.truncate(log.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1));
    let log = String::from_utf8_lossy(&log).into_owned();
    log.lines()
        .rev()
        .find(|l| l.contains(needle))
        .map(|l| l[l.find(needle).unwrap_or(0)..].trim_end().to_string())
}

/// Boots `disk` alone under OVMF and waits for the Demo Engine's version
/// line; returns it. With `mark_good`, also waits until the release marked
/// its boot good (so it counts as running for an upgrade).
pub fn boot_installed(sc: &mut Scenario, disk: &Path, version: &str, mark_good: bool) -> String {
    boot_installed_on(sc, Firmware::Uefi, disk, Bus::VirtioBlk, version, mark_good)
}

/// [`boot_installed`] with `firmware` (with Secure Boot on, checks that
/// the kernel says so) and the disk on controller `bus`.
pub fn boot_installed_on(
    sc: &mut Scenario,
    firmware: Firmware,
    disk: &Path,
    bus: Bus,
    version: &str,
    mark_good: bool,
) -> String {
    let m = Machine::new(&format!("{}-disk", sc.name), firmware)
        .memory_mib(512)
        .disk_on(disk, bus);
    let mut vm = sc.boot(&m);
    let want = format!("DEMO-ENGINE version={version} ");
    // The whole line: a busy host hands it over in pieces.
    let line = vm.wait_for_line(&want, BOOT).unwrap();
    if mark_good {
        vm.wait_for("DEMO-ENGINE boot-marked-good", SCREEN).unwrap();
    }
    if firmware == Firmware::UefiSecureBoot {
        assert_secure_boot(&vm);
    }
    sc.log(&format!("disk booted{}: {line}", work(&vm)));
    vm.power_cut().unwrap();
    line
}

/// A disk with `version` installed by the engine on the host and booted
/// once under OVMF, so its slot a has booted good.
pub fn installed_disk(sc: &mut Scenario, file: &str, version: &str) -> PathBuf {
    installed_disk_sized(sc, file, version, ROOT_SLOT_MIB << 20)
}

/// [`installed_disk`] with root slots of `root` bytes.
pub fn installed_disk_sized(sc: &mut Scenario, file: &str, version: &str, root: u64) -> PathBuf {
    let disk = sc.path(file);
    std::fs::File::create(&disk)
        .unwrap()
        .set_len(SMALL_DISK_MIB * (1 << 20) - 2 * (ROOT_SLOT_MIB << 20) + 2 * root)
        .unwrap();
    host_apply_sized(
        &disk,
        version,
        install::Action::Install,
        BootChain::Kit,
        root,
    )
    .unwrap();
    boot_installed(sc, &disk, version, true);
    disk
}

/// Waits for the installer's Welcome screen on the serial console.
pub fn welcome(vm: &Vm) {
    vm.wait_for("FERRY-INSTALLER starting on ttyS0", BOOT)
        .unwrap();
    vm.wait_for("Install or upgrade", SCREEN).unwrap();
    // The menu is drawn over a slow serial port: wait for its last line so
    // callers read a whole screen.
    vm.wait_for("[p] Power off", SCREEN).unwrap();
}

/// Waits for `ok` on the console; fails at once, with the screen, when
/// the installer shows a failure instead.
pub fn wait_ok(vm: &Vm, ok: &str, timeout: Duration) {
    let i = vm
        .wait_for_any(
            &[
                ok,
                "Upgrade failed",
                "Install failed",
                "Wipe and reinstall failed",
                "What failed:",
            ],
            timeout,
        )
        .unwrap();
    assert_eq!(
        i,
        0,
        "the installer failed instead of {ok:?}:\n{}",
        vm.screen()
    );
}

/// Presses keys one by one, waiting for `then` after the last.
pub fn keys(vm: &mut Vm, keys: &[Key], then: &str) {
    for k in keys {
        vm.key(*k).unwrap();
    }
    vm.wait_for(then, SCREEN).unwrap();
}

/// Types `text` and waits for `then`.
pub fn press(vm: &mut Vm, text: &str, then: &str) {
    vm.send(text).unwrap();
    vm.wait_for(then, SCREEN).unwrap();
}

/// Every byte of a file, for "byte-identical afterwards" (sparse: hashed
/// quickly).
pub fn digest(path: &Path) -> String {
    use sha2::Digest;
    let mut f = std::fs::File::open(path).unwrap();
    let mut h = sha2::Sha256::new();
    std::io::copy(&mut f, &mut h).unwrap();
    hex::encode(h.finalize())
}

/// Byte offset of the partition named `name` (GPT name), or of the first
/// partition when `name` is empty.
pub fn partition_offset(disk: &Path, name: &str) -> u64 {
    let r = detect(disk);
    r.partitions
        .iter()
        .find(|p| name.is_empty() || p.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no partition {name:?} on {}", disk.display()))
        .start
}

fn mtools(tool: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(tool)
        .args(args)
        .env("MTOOLS_SKIP_CHECK", "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {tool} (Debian package mtools): {e}"));
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn image_at(disk: &Path, offset: u64) -> String {
    format!("{}@@{offset}", disk.display())
}

/// A file of the FAT file system at `offset` of `disk`.
pub fn fat_read(disk: &Path, offset: u64, path: &str) -> String {
    mtools(
        "mtype",
        &["-i", &image_at(disk, offset), &format!("::{path}")],
    )
}

pub fn fat_write(disk: &Path, offset: u64, path: &str, text: &str) {
    let tmp = disk.with_extension(format!("put{}", std::process::id()));
    std::fs::write(&tmp, text).unwrap();
    mtools(
        "mcopy",
        &[
            "-o",
            "-i",
            &image_at(disk, offset),
            &tmp.display().to_string(),
            &format!("::{path}"),
        ],
    );
    let _ = std::fs::remove_file(tmp);
}

/// The bytes of a file of the FAT file system at `offset` of `disk`.
pub fn fat_bytes(disk: &Path, offset: u64, path: &str) -> Vec<u8> {
    let out = std::process::Command::new("mtype")
        .args(["-i", &image_at(disk, offset), &format!("::{path}")])
        .env("MTOOLS_SKIP_CHECK", "1")
        .output()
        .expect("mtype (Debian package mtools)");
    assert!(
        out.status.success(),
        "mtype {path}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// `EFI/BOOT/` of the disk's ESP holds the kit's chain
/// ([`assert_holds_the_chain`]).
pub fn assert_esp_has_the_chain(disk: &Path) {
    assert_holds_the_chain(disk, partition_offset(disk, "ferry-esp"));
}

/// `EFI/BOOT/` of the FAT file system at `offset` of `image` holds the
/// kit's chain and nothing else: the shim as `BOOTX64.EFI`, the signed
/// systemd-boot as `grubx64.efi`, MokManager as `mmx64.efi`.
pub fn assert_holds_the_chain(image: &Path, offset: u64) {
    let kit = bootkit();
    for (file, kit_file) in [
        ("EFI/BOOT/BOOTX64.EFI", "efi/shimx64.efi"),
        ("EFI/BOOT/grubx64.efi", "efi/systemd-bootx64.efi"),
        ("EFI/BOOT/mmx64.efi", "efi/mmx64.efi"),
    ] {
        assert!(
            fat_bytes(image, offset, file) == std::fs::read(kit.join(kit_file)).unwrap(),
            "{file} of {} is not the kit's {kit_file}",
            image.display()
        );
    }
    let mut names = fat_list(image, offset, "EFI/BOOT");
    names.sort();
    assert_eq!(names, ["BOOTX64.EFI", "grubx64.efi", "mmx64.efi"]);
}

/// File names in a directory of the FAT file system at `offset`.
pub fn fat_list(disk: &Path, offset: u64, dir: &str) -> Vec<String> {
    mtools(
        "mdir",
        &["-b", "-i", &image_at(disk, offset), &format!("::{dir}")],
    )
    .lines()
    .map(|l| l.trim().rsplit('/').next().unwrap_or("").to_string())
    .filter(|l| !l.is_empty())
    .collect()
}

/// An answer file for an unattended run on the machine's only disk that
/// powers off at the end.
pub fn answer(action: &str) -> String {
    format!(
        "[install]\naction = \"{action}\"\ndisk = \"only\"\nconfirm-erase = \"ERASE\"\n\n[finish]\naction = \"poweroff\"\ndelay = 0\n"
    )
}

/// Boots `iso` (OVMF) with `disk` and waits until the unattended run
/// powered the machine off.
pub fn unattended(sc: &mut Scenario, iso: &Path, disk: &Path, ok: &str) {
    unattended_on(sc, Firmware::Uefi, iso, disk, Bus::VirtioBlk, ok)
}

/// [`unattended`] with `firmware` and the disk on controller `bus`.
pub fn unattended_on(
    sc: &mut Scenario,
    firmware: Firmware,
    iso: &Path,
    disk: &Path,
    bus: Bus,
    ok: &str,
) {
    let m = Machine::new(&sc.name, firmware)
        .memory_mib(INSTALL_MEMORY_MIB)
        .cdrom(iso)
        .disk_on(disk, bus);
    let mut vm = sc.boot(&m);
    vm.wait_for("FERRY-INSTALLER starting on ttyS0", BOOT)
        .unwrap();
    wait_ok(&vm, ok, WRITE);
    if firmware == Firmware::UefiSecureBoot {
        assert_secure_boot(&vm);
    }
    // Read while QEMU runs: once it has ended, its times are gone.
    let done = work(&vm);
    vm.wait_exit(SCREEN).unwrap();
    sc.log(&format!("{ok}{done}"));
}

/// " (12.3 s of machine time)": what the machine did, for the timeline.
pub fn work(vm: &Vm) -> String {
    vm.machine_time()
        .map(|t| format!(" ({:.1} s of machine time)", t.as_secs_f64()))
        .unwrap_or_default()
}

/// Where `needle` (at least a block long, unique) starts in `haystack`,
/// looking at 2048-byte block boundaries (files in an ISO start there).
/// Offset and size of `member`'s data in a tar file.
pub fn tar_member(path: &Path, member: &str) -> (u64, u64) {
    let data = std::fs::read(path).unwrap();
    let mut at = 0usize;
    while at + 512 <= data.len() && data[at] != 0 {
        let h = &data[at..at + 512];
        let name = String::from_utf8_lossy(&h[..100])
            .trim_end_matches('\0')
            .to_string();
        let size_text = String::from_utf8_lossy(&h[124..136]);
        let size = u64::from_str_radix(size_text.trim_matches(|c: char| c == '\0' || c == ' '), 8)
            .unwrap();
        if name == member {
            return ((at + 512) as u64, size);
        }
        at += 512 + size.div_ceil(512) as usize * 512;
    }
    panic!("{member} is not in {}", path.display());
}

/// Flips one bit in the middle of the root image of `upg`'s copy inside
/// `iso` (a bad burn: the manifest and its signature intact); returns
/// the byte's offset in the ISO.
pub fn flip_root_image_byte(iso: &Path, upg: &Path) -> usize {
    let (start, size) = tar_member(upg, "rootfs.img");
    let head = std::fs::read(upg).unwrap()[..4096].to_vec();
    let mut bytes = std::fs::read(iso).unwrap();
    let payload_at = find_block(&bytes, &head).expect("the payload in the ISO");
    let at = payload_at + (start + size / 2) as usize;
    bytes[at] ^= 0x01;
    std::fs::write(iso, bytes).unwrap();
    at
}

pub fn find_block(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    (0..haystack.len().saturating_sub(needle.len()))
        .step_by(2048)
        .find(|&at| &haystack[at..at + needle.len()] == needle)
}
