//! The boot kit: the kernel, the installer initramfs, the boot loaders and
//! the trusted keys, built from Debian or Ubuntu packages and this
//! workspace into one directory (`media-builder bootkit`, see
//! `docs/bootkit.md`), and read back by [`Bootkit::load`] to make media.
//! Also the Demo Engine releases ([`demo`]), which share the packages and
//! the initramfs writer ([`cpio`]).

pub mod cpio;
pub mod debs;
pub mod demo;
mod epoch;
pub mod font;
pub mod keymaps;
pub mod kit;
pub mod modules;
pub mod secureboot;
pub mod trust;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{anyhow, bail, Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use cpio::Archive;
use debs::{LockedPackage, Unpacked};
pub use epoch::{source_date_epoch, SourceDateEpochError};
pub use kit::Bootkit;
use modules::ModuleTree;
use payload::Fingerprint;

/// The default kernel command line: the installer on screen and on the
/// first serial port; the kernel's messages on both, `/dev/console` on
/// the serial port.
pub const DEFAULT_CMDLINE: &str = "console=tty0 console=ttyS0,115200";

const INIT: &str = include_str!("installer-init.sh");

/// The least memory the kernel may report (`MemTotal`, MiB) for the
/// installer's init to start the installer; below it, init says the
/// machine has too little memory and starts nothing (`docs/bootkit.md`,
/// "Memory", has the measurements behind the figure).
pub const INSTALLER_MIN_MEMORY_MIB: u32 = 100;

/// The initramfs's `/init`, its figures filled in.
pub fn init_script() -> String {
    INIT.replace("@MIN_MEMORY@", &INSTALLER_MIN_MEMORY_MIB.to_string())
}

/// Packages the kit is made of besides the kernel (which is
/// [`debs::KERNEL_META_PACKAGES`]: Debian's `linux-image-amd64` or
/// Ubuntu's `linux-image-generic`, and what they bring). Both distributions
/// use these names.
pub const PACKAGES: &[&str] = &[
    "isolinux",
    "syslinux-common",
    "busybox-static",
    keymaps::KBD_PACKAGE,
    keymaps::KEYMAPS_PACKAGE,
    font::FONT_PACKAGE,
];

/// What to build.
#[derive(Debug, Clone)]
pub struct BootkitSpec {
    pub out: PathBuf,
    pub cache: PathBuf,
    /// A static installer-tui; `None` builds one from the workspace.
    pub installer: Option<PathBuf>,
    /// The admin's public keys (`NAME.pub`).
    pub trust: Vec<PathBuf>,
    /// Also trust the public demo key (for the demo and the tests).
    pub demo_key: bool,
    /// Kernel command line written to `cmdline`.
    pub cmdline: String,
    /// Kernel modules the product adds to the installer initramfs, loaded
    /// at boot with their dependencies (`--module`).
    pub modules: Vec<String>,
    /// The product's own shim, MokManager or boot loader instead of
    /// Debian's signed ones.
    pub secure_boot: secureboot::Overrides,
}

/// `bootkit.lock`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Lock {
    /// Modification time of every initramfs entry.
    pub source_date_epoch: u32,
    /// `uname -r` of the kernel.
    pub kernel_release: String,
    /// SHA-256 of the static installer-tui.
    pub installer_sha256: String,
    /// SHA-256 of the uncompressed initramfs (cpio).
    pub cpio_sha256: String,
    /// SHA-256 of `initrd.img`.
    pub initrd_sha256: String,
    /// Every package used, by name.
    pub packages: BTreeMap<String, LockedPackage>,
    /// SHA-256 of each file of the UEFI boot chain in the kit (`efi/…`),
    /// whether from a package or given with `--shim` and the like.
    #[serde(default)]
    pub efi: BTreeMap<String, String>,
}

/// What was built, for the summary line.
#[derive(Debug, Clone)]
pub struct Built {
    pub out: PathBuf,
    pub initrd_size: u64,
    pub kit_size: u64,
    pub modules: usize,
    pub changed: bool,
    /// The published demo keys the kit trusts (only with `demo_key`).
    pub demo_keys: Vec<Fingerprint>,
}

/// Time of every file in the images when `SOURCE_DATE_EPOCH` is not set:
/// 2024-01-01T00:00:00Z. Not 0: e2fsprogs reads a fake time of 0 as
/// "use the clock".
pub const DEFAULT_EPOCH: u32 = 1_704_067_200;

/// `SOURCE_DATE_EPOCH` if set, else [`DEFAULT_EPOCH`]: fixed times in
/// every image of the kit and the demo.
pub fn kit_epoch() -> Result<u32> {
    Ok(source_date_epoch()?.unwrap_or(DEFAULT_EPOCH))
}

/// Writes `data` to `path` unless it holds exactly that already (so a
/// second run leaves files and their times alone). Returns whether it wrote.
pub fn write_if_changed(path: &Path, data: &[u8]) -> Result<bool> {
    if let Ok(old) = std::fs::read(path) {
        if old == data {
            return Ok(false);
        }
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let tmp = path.with_extension("partial");
    std::fs::write(&tmp, data).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(true)
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading {}", path.display()))
}

/// The workspace this binary was built from, if it is still there.
pub fn workspace_root() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()?
        .to_path_buf();
    root.join("installer-tui/Cargo.toml")
        .exists()
        .then_some(root)
}

/// The packages, fetched and unpacked.
#[derive(Debug, Clone)]
pub struct Packages {
    /// Every package, by name.
    pub all: BTreeMap<String, Unpacked>,
    /// The kernel meta-package (`linux-image-amd64`, `linux-image-generic`).
    pub kernel_meta: String,
    /// The versioned image package it depends on, with `boot/vmlinuz-*`.
    pub kernel_image: String,
    /// Ubuntu's module packages (`linux-modules-RELEASE`,
    /// `linux-modules-extra-RELEASE`); none on Debian, whose image package
    /// holds the modules.
    pub kernel_modules: Vec<String>,
}

impl Packages {
    /// The unpacked directory of package `name`.
    pub fn dir(&self, name: &str) -> Result<&Path> {
        Ok(&self
            .all
            .get(name)
            .ok_or_else(|| anyhow!("package {name} was not fetched"))?
            .dir)
    }
}

/// The packages, fetched and unpacked: the distribution's kernel
/// meta-package, the versioned image package it depends on and (Ubuntu)
/// the module packages these depend on, then [`PACKAGES`].
pub fn fetch_packages(cache: &Path) -> Result<Packages> {
    let mut all = BTreeMap::new();
    let meta = debs::choose_kernel_meta(debs::available)?;
    let (u, meta_depends) = debs::fetch(cache, meta)?;
    all.insert(meta.to_string(), u);
    let image = debs::kernel_image_dependency(&meta_depends)
        .ok_or_else(|| anyhow!("{meta} depends on no kernel image package (linux-image-*)"))?;
    let release = debs::image_release(&image)
        .ok_or_else(|| anyhow!("{meta} depends on {image}, which names no kernel release"))?
        .to_string();
    let (u, image_depends) = debs::fetch(cache, &image)?;
    all.insert(image.clone(), u);
    // Ubuntu: the meta-package brings linux-modules-extra-RELEASE, the
    // image linux-modules-RELEASE (and extra depends on that one too).
    let mut modules: Vec<String> = Vec::new();
    let mut pending = debs::module_packages(&image_depends, &release);
    pending.extend(debs::module_packages(&meta_depends, &release));
    while !pending.is_empty() {
        let name = pending.remove(0);
        if modules.contains(&name) {
            continue;
        }
        let (u, depends) = debs::fetch(cache, &name)?;
        all.insert(name.clone(), u);
        pending.extend(debs::module_packages(&depends, &release));
        modules.push(name);
    }
    for name in PACKAGES {
        let (u, _) = debs::fetch(cache, name)?;
        all.insert(name.to_string(), u);
    }
    Ok(Packages {
        all,
        kernel_meta: meta.to_string(),
        kernel_image: image,
        kernel_modules: modules,
    })
}

/// busybox in the unpacked `busybox-static` (`bin/busybox` on Debian 12,
/// `usr/bin/busybox` after the /usr merge, as on Ubuntu 24.04).
pub fn busybox(packages: &Packages) -> Result<PathBuf> {
    let dir = packages.dir("busybox-static")?;
    ["bin/busybox", "usr/bin/busybox"]
        .iter()
        .map(|p| dir.join(p))
        .find(|p| p.is_file())
        .ok_or_else(|| anyhow!("{} has no bin/busybox or usr/bin/busybox", dir.display()))
}

/// The kernel of the fetched packages.
#[derive(Debug, Clone)]
pub struct Kernel {
    /// `boot/vmlinuz-RELEASE` in the image package.
    pub vmlinuz: PathBuf,
    /// `uname -r`.
    pub release: String,
    /// Each kernel package's `lib/modules/RELEASE` (or
    /// `usr/lib/modules/RELEASE`), image package first.
    pub module_dirs: Vec<PathBuf>,
}

/// The image package's kernel and the module directories of the kernel
/// packages.
pub fn kernel(packages: &Packages) -> Result<Kernel> {
    let image = packages.dir(&packages.kernel_image)?;
    let boot = image.join("boot");
    let vmlinuz = std::fs::read_dir(&boot)
        .with_context(|| format!("listing {}", boot.display()))?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("vmlinuz-"))
        })
        .ok_or_else(|| anyhow!("{} has no vmlinuz-*", boot.display()))?;
    let release = vmlinuz
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .trim_start_matches("vmlinuz-")
        .to_string();
    let mut module_dirs = Vec::new();
    for name in std::iter::once(&packages.kernel_image).chain(&packages.kernel_modules) {
        let dir = packages.dir(name)?;
        for base in ["lib/modules", "usr/lib/modules"] {
            let d = dir.join(base).join(&release);
            if d.is_dir() {
                module_dirs.push(d);
            }
        }
    }
    if module_dirs.is_empty() {
        bail!(
            "no package of kernel {release} has lib/modules/{release} or \
             usr/lib/modules/{release} (looked in {})",
            std::iter::once(&packages.kernel_image)
                .chain(&packages.kernel_modules)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(Kernel {
        vmlinuz,
        release,
        module_dirs,
    })
}

/// Adds the modules `load` (loaded at boot) and
/// [`modules::CONTROLLER_MODULES`] (loaded where the machine has the
/// controller), with their dependencies; a `modules.dep` and a
/// `modules.alias` for them (busybox `modprobe`); `/etc/ferry/modules`,
/// the boot load order; and `/bin/ferry-load-modules`, which init runs to
/// load them. Returns how many modules it added.
pub fn add_modules(
    archive: &mut Archive,
    tree: &ModuleTree,
    release: &str,
    load: &[&str],
) -> Result<usize> {
    let selection = tree.select(load, modules::CONTROLLER_MODULES)?;
    for (name, rel) in selection.load.iter().chain(&selection.coldplug) {
        let data = tree.read(name)?;
        archive.file(&format!("lib/modules/{release}/{rel}"), data, 0o644);
    }
    let names = selection.names();
    archive.file(
        &format!("lib/modules/{release}/modules.dep"),
        tree.modules_dep(Some(&names)).into_bytes(),
        0o644,
    );
    archive.file(
        &format!("lib/modules/{release}/modules.alias"),
        tree.modules_alias(&names).into_bytes(),
        0o644,
    );
    let list: String = selection
        .load
        .iter()
        .map(|(_, rel)| format!("{rel}\n"))
        .collect();
    archive.file("etc/ferry/modules", list.into_bytes(), 0o644);
    archive.file(
        "bin/ferry-load-modules",
        modules::LOAD_SCRIPT.as_bytes().to_vec(),
        0o755,
    );
    Ok(names.len())
}

/// The modules the installer loads at boot: [`modules::DISK_MODULES`],
/// [`modules::INSTALLER_MODULES`] and the product's own (`--module`).
pub fn installer_modules(extra: &[String]) -> Vec<&str> {
    let mut all: Vec<&str> = modules::DISK_MODULES
        .iter()
        .chain(modules::INSTALLER_MODULES)
        .copied()
        .collect();
    for m in extra {
        if !all.contains(&m.as_str()) {
            all.push(m);
        }
    }
    all
}

/// busybox, `/bin/sh` and the directories init expects; `/dev/console` so
/// the kernel can give init its console before devtmpfs is mounted.
pub fn add_base(archive: &mut Archive, busybox: &Path) -> Result<()> {
    archive.file("bin/busybox", read(busybox)?, 0o755);
    archive.symlink("bin/sh", "busybox");
    for d in ["dev", "proc", "sys", "tmp", "run", "root", "etc"] {
        archive.dir(d);
    }
    archive.char_dev("dev/console", 5, 1, 0o600);
    Ok(())
}

/// Gzip (the kernel's most widely supported initramfs compression; pure
/// Rust, deterministic: no name, time 0).
pub fn gzip(data: &[u8]) -> Result<Vec<u8>> {
    let mut enc = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::best());
    enc.write_all(data).context("compressing the initramfs")?;
    enc.finish().context("compressing the initramfs")
}

/// Rejects a dynamically linked program: the initramfs has no libc.
pub fn check_static(path: &Path) -> Result<()> {
    let elf = read(path)?;
    let bad = || anyhow!("{} is not an x86-64 Linux program", path.display());
    if elf.get(..5) != Some(b"\x7fELF\x02") {
        return Err(bad());
    }
    let num = |o: usize, n: usize| -> Result<u64> {
        let b = elf.get(o..o + n).ok_or_else(bad)?;
        Ok(b.iter().rev().fold(0u64, |a, x| (a << 8) | u64::from(*x)))
    };
    let phoff = usize::try_from(num(0x20, 8)?).map_err(|_| bad())?;
    let phentsize = usize::try_from(num(0x36, 2)?).map_err(|_| bad())?;
    let phnum = usize::try_from(num(0x38, 2)?).map_err(|_| bad())?;
    for i in 0..phnum {
        // PT_INTERP: the program needs a dynamic loader.
        if num(phoff + i * phentsize, 4)? == 3 {
            bail!(
                "{} is dynamically linked; the installer initramfs has no libc. \
                 Build it with RUSTFLAGS='-C target-feature=+crt-static' \
                 --target x86_64-unknown-linux-gnu",
                path.display()
            );
        }
    }
    Ok(())
}

/// Builds the static installer-tui from the workspace with cargo.
pub fn build_installer() -> Result<PathBuf> {
    let root = workspace_root().ok_or_else(|| {
        anyhow!("the Ferry sources are not here to build installer-tui; pass --installer PATH")
    })?;
    let target = "x86_64-unknown-linux-gnu";
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!("building a static installer-tui (cargo build --release --target {target})");
    let status = Command::new(cargo)
        .args([
            "build",
            "--release",
            "-p",
            "installer-tui",
            "--target",
            target,
        ])
        .current_dir(&root)
        .env("RUSTFLAGS", "-C target-feature=+crt-static")
        // No debug information in the initramfs: a third of the size.
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .env("CARGO_PROFILE_RELEASE_STRIP", "symbols")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .status()
        .context("running cargo to build installer-tui")?;
    if !status.success() {
        bail!("cargo build of installer-tui failed");
    }
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    Ok(dir.join(target).join("release/installer-tui"))
}

fn copy(from: &Path, to: &Path) -> Result<bool> {
    write_if_changed(to, &read(from)?)
}

/// Builds (or confirms up to date) the boot kit in `spec.out`.
pub fn build(spec: &BootkitSpec) -> Result<Built> {
    let keys = trust::kit_keys(&spec.trust, spec.demo_key)?;
    let epoch = kit_epoch()?;
    let packages = fetch_packages(&spec.cache)?;
    let dir = |name: &str| packages.dir(name);
    let Kernel {
        vmlinuz,
        release,
        module_dirs,
    } = kernel(&packages)?;

    let installer = match &spec.installer {
        Some(p) => p.clone(),
        None => build_installer()?,
    };
    check_static(&installer)?;

    let out = &spec.out;
    let mut changed = false;
    changed |= copy(&vmlinuz, &out.join(kit::KERNEL))?;
    let isolinux = dir("isolinux")?.join("usr/lib/ISOLINUX");
    changed |= copy(&isolinux.join("isolinux.bin"), &out.join(kit::ISOLINUX))?;
    changed |= copy(&isolinux.join("isohdpfx.bin"), &out.join(kit::ISOHDPFX))?;
    let bios_modules = dir("syslinux-common")?.join("usr/lib/syslinux/modules/bios");
    changed |= copy(&bios_modules.join("ldlinux.c32"), &out.join(kit::LDLINUX))?;
    // The boot menu of the ISO (its languages), which media-builder
    // offers when these are in the kit.
    for m in kit::MENU_MODULES {
        changed |= copy(&bios_modules.join(m), &out.join("isolinux").join(m))?;
    }
    let chain = secureboot::fetch(&spec.cache, &spec.secure_boot)?;
    let mut efi = BTreeMap::new();
    for (src, rel) in [
        (&chain.shim, kit::SHIM),
        (&chain.mok_manager, kit::MOK_MANAGER),
        (&chain.systemd_boot, kit::SYSTEMD_BOOT),
    ] {
        changed |= copy(src, &out.join(rel))?;
        efi.insert(rel.to_string(), debs::sha256_file(&out.join(rel))?);
    }
    changed |= write_if_changed(
        &out.join(kit::CMDLINE),
        format!("{}\n", spec.cmdline).as_bytes(),
    )?;

    // Keys: `keys/` says what the installer trusts, and media warn from
    // it; so it gains a key before the initramfs does, and loses one only
    // after.
    let keys_dir = out.join(kit::KEYS);
    for (name, data) in &keys.files {
        changed |= write_if_changed(&keys_dir.join(name), data)?;
    }

    // The initramfs.
    let tree = ModuleTree::scan(&module_dirs)?;
    let mut archive = Archive::new();
    add_base(&mut archive, &busybox(&packages)?)?;
    archive.file("init", init_script().into_bytes(), 0o755);
    archive.file("bin/installer-tui", read(&installer)?, 0o755);
    for (name, data) in &keys.files {
        archive.file(&format!("etc/ferry/keys/{name}"), data.clone(), 0o644);
    }
    // The installer copies the boot chain onto the target's ESP from
    // where Debian puts systemd-boot and the shim
    // (`install::SYSTEMD_BOOT_EFI`, `install::SHIM_EFI`,
    // `install::MOK_MANAGER_EFI`).
    for (rel, at) in [
        (
            kit::SYSTEMD_BOOT,
            "usr/lib/systemd/boot/efi/systemd-bootx64.efi",
        ),
        (kit::SHIM, "usr/lib/shim/shimx64.efi.signed"),
        (kit::MOK_MANAGER, "usr/lib/shim/mmx64.efi.signed"),
    ] {
        archive.file(at, read(&out.join(rel))?, 0o644);
    }
    let nmodules = add_modules(
        &mut archive,
        &tree,
        &release,
        &installer_modules(&spec.modules),
    )?;
    let loadkeys = keymaps::loadkeys(dir(keymaps::KBD_PACKAGE)?)?;
    for (name, bmap) in keymaps::build(&loadkeys, dir(keymaps::KEYMAPS_PACKAGE)?)? {
        archive.file(&format!("{}/{name}.bmap", keymaps::DIR), bmap, 0o644);
    }
    archive.file(
        font::INITRAMFS_PATH,
        font::console_font(dir(font::FONT_PACKAGE)?)?,
        0o644,
    );
    let mut cpio = Vec::new();
    archive
        .write_to(&mut cpio, epoch)
        .context("writing the initramfs")?;
    let cpio_sha256 = hex::encode(Sha256::digest(&cpio));

    let lock_path = out.join(kit::LOCK);
    let old: Option<Lock> = std::fs::read_to_string(&lock_path)
        .ok()
        .and_then(|t| toml::from_str(&t).ok());
    let initrd_path = out.join(kit::INITRD);
    let initrd_sha256 = match &old {
        Some(l)
            if l.cpio_sha256 == cpio_sha256
                && initrd_path.exists()
                && debs::sha256_file(&initrd_path)? == l.initrd_sha256 =>
        {
            l.initrd_sha256.clone()
        }
        _ => {
            let gz = gzip(&cpio)?;
            changed |= write_if_changed(&initrd_path, &gz)?;
            hex::encode(Sha256::digest(&gz))
        }
    };

    // Keys left from an earlier build go, now that the initramfs no
    // longer trusts them.
    if let Ok(rd) = std::fs::read_dir(&keys_dir) {
        for e in rd.filter_map(|e| e.ok()) {
            let n = e.file_name().to_string_lossy().into_owned();
            if !keys.files.contains_key(&n) {
                std::fs::remove_file(e.path())
                    .with_context(|| format!("removing {}", e.path().display()))?;
                changed = true;
            }
        }
    }

    let lock = Lock {
        source_date_epoch: epoch,
        kernel_release: release,
        installer_sha256: debs::sha256_file(&installer)?,
        cpio_sha256,
        initrd_sha256,
        packages: packages
            .all
            .iter()
            .map(|(n, u)| (n.clone(), u.locked.clone()))
            .chain(chain.packages)
            .collect(),
        efi,
    };
    let text = format!(
        "# Written by `media-builder bootkit`: what this boot kit was built from.\n{}",
        toml::to_string(&lock).context("writing bootkit.lock")?
    );
    changed |= write_if_changed(&lock_path, text.as_bytes())?;

    let initrd_size = std::fs::metadata(&initrd_path)
        .with_context(|| format!("reading {}", initrd_path.display()))?
        .len();
    Ok(Built {
        out: out.clone(),
        initrd_size,
        kit_size: dir_size(out)?,
        modules: nmodules,
        changed,
        demo_keys: keys.demo,
    })
}

/// Total size of the regular files under `dir`.
pub fn dir_size(dir: &Path) -> Result<u64> {
    let mut total = 0;
    for e in std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let e = e.with_context(|| format!("listing {}", dir.display()))?;
        let t = e.file_type()?;
        if t.is_dir() {
            total += dir_size(&e.path())?;
        } else if t.is_file() {
            total += e.metadata()?.len();
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_script_has_its_figures_and_parses() {
        let init = init_script();
        // `@NAME@` placeholders (not the shell's "$@").
        let pieces: Vec<&str> = init.split('@').collect();
        let unfilled = pieces[1..pieces.len() - 1]
            .iter()
            .any(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_uppercase() || c == '_'));
        assert!(!unfilled, "a figure left unfilled");
        assert!(INIT.contains("@MIN_MEMORY@"));
        assert!(
            init.contains(&format!("FERRY_MIN_MEMORY={INSTALLER_MIN_MEMORY_MIB}\n")),
            "{init}"
        );
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("init");
        std::fs::write(&path, &init).expect("write");
        let out = std::process::Command::new("sh")
            .arg("-n")
            .arg(&path)
            .output()
            .expect("sh");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
