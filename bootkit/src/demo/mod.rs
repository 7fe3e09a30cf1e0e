//! `media-builder demo build`: the Demo Engine releases, real bootable
//! systems signed with the demo key (see `docs/demo.md`).
//!
//! Each release is a root image (ext4 by `mke2fs -d`), the boot kit's
//! Debian or Ubuntu kernel and a small initrd that mounts the root by
//! `root=PARTUUID=`, plus the release's default configuration and
//! migrations. The payloads are made by running `media-builder payload
//! build`, as an admin would.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{anyhow, bail, Context, Result};

use crate::cpio::Archive;
use crate::modules::ModuleTree;
use crate::write_if_changed;

const INITRD_INIT: &str = include_str!("initrd-init.sh");
const ROOT_INIT: &str = include_str!("root-init.sh");

/// Size of each root image's file system. Its files (busybox and a
/// script) take 2 MiB; the rest is free space, as on a product's root, so
/// the payload shows what storing it compressed saves (about 1 MiB
/// stored). Every iso-tests scenario writes and reads back a root image
/// under emulation, hence no bigger (`docs/demo.md`).
pub const ROOT_IMAGE_MIB: u64 = 64;

/// One Demo Engine payload.
#[derive(Debug, Clone)]
pub struct Release {
    /// Output file name.
    pub file: &'static str,
    pub version: &'static str,
    pub config_schema: u32,
    pub upgrades_from: Option<&'static str>,
    pub hotfix: Option<&'static str>,
    /// Never marks its boot good (for the fallback tests).
    pub broken: bool,
}

/// The shipped releases, in order.
pub const RELEASES: &[Release] = &[
    Release {
        file: "demo-engine-1.0.0.upg",
        version: "1.0.0",
        config_schema: 1,
        // The first release: no 0.x was ever shipped, but the payload
        // format asks for a range across a major version.
        upgrades_from: Some(">=0.1.0, <1.0.0"),
        hotfix: None,
        broken: false,
    },
    Release {
        file: "demo-engine-1.1.0.upg",
        version: "1.1.0",
        config_schema: 2,
        upgrades_from: Some(">=1.0.0, <1.1.0"),
        hotfix: None,
        broken: false,
    },
    Release {
        file: "demo-engine-1.1.0-hotfix-hf1.upg",
        version: "1.1.0",
        config_schema: 2,
        upgrades_from: None,
        hotfix: Some("hf1"),
        broken: false,
    },
    Release {
        file: "demo-engine-2.0.0.upg",
        version: "2.0.0",
        config_schema: 3,
        upgrades_from: Some(">=1.1.0, <2.0.0"),
        hotfix: None,
        broken: false,
    },
];

/// A release whose root never reaches the good-boot mark: a valid
/// upgrade from 1.0.0 and 1.1.0, so fallback tests can install it over
/// either. Not part of the shipped demo.
pub const BROKEN: Release = Release {
    file: "demo-engine-1.2.0-broken.upg",
    version: "1.2.0",
    config_schema: 2,
    upgrades_from: Some(">=1.0.0, <1.2.0"),
    hotfix: None,
    broken: true,
};

/// A signed release, and what its root image takes in it.
#[derive(Debug, Clone)]
pub struct Built {
    pub path: PathBuf,
    /// Bytes of the root image once installed.
    pub root_size: u64,
    /// Bytes of the root image in the payload (compressed, zero chunks
    /// not stored).
    pub root_stored: u64,
}

impl Built {
    /// What storing the root image saves, as the admin reads it:
    /// `root image 64.0 MiB, stored 1.0 MiB (1.6%)`.
    pub fn root_saving(&self) -> String {
        format!(
            "root image {}, stored {} ({:.1}%)",
            units::size(self.root_size),
            units::size(self.root_stored),
            self.root_stored as f64 * 100.0 / self.root_size.max(1) as f64
        )
    }
}

/// The root image's sizes in the payload `upg`, from its manifest.
fn root_figures(upg: &Path) -> Result<(u64, u64)> {
    let file = std::fs::File::open(upg).with_context(|| format!("opening {}", upg.display()))?;
    let head =
        payload::read_unverified(file).with_context(|| format!("reading {}", upg.display()))?;
    let manifest = head
        .manifest
        .map_err(|e| anyhow!("{}: {e}", upg.display()))?;
    let root = manifest
        .components
        .iter()
        .find(|c| c.name == payload::product::ROOTFS)
        .ok_or_else(|| anyhow!("{} has no {}", upg.display(), payload::product::ROOTFS))?;
    Ok((root.size, root.stored_size()))
}

/// What to build.
#[derive(Debug, Clone)]
pub struct DemoSpec {
    pub out: PathBuf,
    /// Package cache shared with the boot kit.
    pub cache: PathBuf,
    pub broken: bool,
    /// Signing key [default: the demo key in the workspace].
    pub key: Option<PathBuf>,
    /// The `media-builder` program whose `payload build` signs them.
    pub media_builder: PathBuf,
}

fn demo_dir() -> Result<PathBuf> {
    let root = crate::workspace_root()
        .ok_or_else(|| anyhow!("the Ferry sources (demo-engine/) are not here"))?;
    Ok(root.join("demo-engine"))
}

fn run(cmd: &mut Command, what: &str) -> Result<()> {
    let out = cmd
        .output()
        .with_context(|| format!("running {what} (is it installed?)"))?;
    if !out.status.success() {
        bail!(
            "{what} failed: {}{}",
            String::from_utf8_lossy(&out.stderr).trim(),
            String::from_utf8_lossy(&out.stdout).trim()
        );
    }
    Ok(())
}

/// Builds the payloads into `spec.out`; returns them with their root
/// images' sizes.
pub fn build(spec: &DemoSpec) -> Result<Vec<Built>> {
    let epoch = crate::kit_epoch()?;
    let demo = demo_dir()?;
    let key = match &spec.key {
        Some(k) => k.clone(),
        None => demo.join("keys/demo-DO-NOT-USE.key"),
    };
    let packages = crate::fetch_packages(&spec.cache)?;
    let crate::Kernel {
        vmlinuz,
        release,
        module_dirs,
    } = crate::kernel(&packages)?;
    let busybox = crate::busybox(&packages)?;

    let work = spec.out.join("build");
    std::fs::create_dir_all(&work).with_context(|| format!("creating {}", work.display()))?;
    // The payload descriptions name files relative to themselves.
    let work = std::path::absolute(&work).context("finding the current directory")?;
    let key = std::path::absolute(&key).context("finding the current directory")?;

    // The initrd, the same for every release.
    let tree = ModuleTree::scan(&module_dirs)?;
    let mut initrd = Archive::new();
    crate::add_base(&mut initrd, &busybox)?;
    initrd.file("init", INITRD_INIT.as_bytes().to_vec(), 0o755);
    let load: Vec<&str> = crate::modules::DISK_MODULES
        .iter()
        .chain(crate::modules::DEMO_MODULES)
        .copied()
        .collect();
    crate::add_modules(&mut initrd, &tree, &release, &load)?;
    let mut cpio = Vec::new();
    initrd
        .write_to(&mut cpio, epoch)
        .context("writing the demo initrd")?;
    let initrd_path = work.join("initrd.img");
    write_if_changed(&initrd_path, &crate::gzip(&cpio)?)?;
    let kernel_path = work.join("vmlinuz");
    write_if_changed(
        &kernel_path,
        &std::fs::read(&vmlinuz).with_context(|| format!("reading {}", vmlinuz.display()))?,
    )?;

    let mut releases: Vec<&Release> = RELEASES.iter().collect();
    if spec.broken {
        releases.push(&BROKEN);
    }
    let mut built = Vec::new();
    for r in releases {
        let name = r.file.trim_end_matches(".upg");
        let dir = work.join(name);
        let rootfs = dir.join("rootfs.img");
        root_image(r, &busybox, &dir.join("root"), &rootfs, epoch)?;

        let mut desc = format!(
            "# Made by `media-builder demo build`.\nproduct = \"demo-engine\"\n\
             version = \"{}\"\nkind = \"{}\"\nconfig-schema = {}\nkeys = [{:?}]\n",
            r.version,
            if r.hotfix.is_some() {
                "hotfix"
            } else {
                "release"
            },
            r.config_schema,
            key.display().to_string(),
        );
        if let Some(u) = r.upgrades_from {
            desc.push_str(&format!("upgrades-from = \"{u}\"\n"));
        }
        if let Some(h) = r.hotfix {
            desc.push_str(&format!("hotfix-id = \"{h}\"\n"));
        }
        let mut component = |name: &str, file: &Path| {
            desc.push_str(&format!(
                "\n[[component]]\nname = \"{name}\"\nfile = {:?}\n",
                file.display().to_string()
            ));
        };
        // Small components first: planning reads only the head.
        let config = demo.join(format!("config/schema-{}", r.config_schema));
        for doc in ["engine", "ferry", "vms"] {
            component(
                &format!("config-{doc}.toml"),
                &config.join(format!("{doc}.toml")),
            );
        }
        if r.config_schema > 1 {
            let m = demo.join(format!(
                "migrations/release-{}.toml",
                if r.config_schema == 3 {
                    "2.0.0"
                } else {
                    "1.1.0"
                }
            ));
            component("migrations.toml", &m);
        }
        component("initrd.img", &initrd_path);
        component("vmlinuz", &kernel_path);
        component("rootfs.img", &rootfs);
        let desc_path = dir.join("payload.toml");
        write_if_changed(&desc_path, desc.as_bytes())?;

        let out = spec.out.join(r.file);
        eprintln!("signing {}", out.display());
        run(
            Command::new(&spec.media_builder)
                .args(["payload", "build", "--from"])
                .arg(&desc_path)
                .arg("--out")
                .arg(&out)
                .env("SOURCE_DATE_EPOCH", epoch.to_string()),
            &format!("media-builder payload build for {}", r.file),
        )?;
        let (root_size, root_stored) = root_figures(&out)?;
        built.push(Built {
            path: out,
            root_size,
            root_stored,
        });
    }
    Ok(built)
}

/// The root image of one release: busybox, `/sbin/init`, the release
/// record, the hotfix list; ext4 by `mke2fs -d` with fixed times, UUID
/// and hash seed, so it is the same bytes on every build.
fn root_image(r: &Release, busybox: &Path, stage: &Path, out: &Path, epoch: u32) -> Result<()> {
    if stage.exists() {
        std::fs::remove_dir_all(stage).with_context(|| format!("removing {}", stage.display()))?;
    }
    let file = |rel: &str, data: &[u8], mode: u32| -> Result<()> {
        use std::os::unix::fs::PermissionsExt;
        let p = stage.join(rel);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).with_context(|| format!("creating {}", d.display()))?;
        }
        std::fs::write(&p, data).with_context(|| format!("writing {}", p.display()))?;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode))
            .with_context(|| format!("setting the mode of {}", p.display()))
    };
    file(
        "bin/busybox",
        &std::fs::read(busybox).with_context(|| format!("reading {}", busybox.display()))?,
        0o755,
    )?;
    file("sbin/init", ROOT_INIT.as_bytes(), 0o755)?;
    file(
        "etc/demo-engine/release",
        format!(
            "# Demo Engine release record, read by /sbin/init.\nversion={}\n",
            r.version
        )
        .as_bytes(),
        0o644,
    )?;
    if let Some(h) = r.hotfix {
        file(
            "etc/demo-engine/hotfixes",
            format!("{h}\n").as_bytes(),
            0o644,
        )?;
    }
    if r.broken {
        file(
            "etc/demo-engine/broken",
            b"This release never marks its boot good.\n",
            0o644,
        )?;
    }
    for d in ["dev", "proc", "sys", "run", "tmp", "root"] {
        std::fs::create_dir_all(stage.join(d))
            .with_context(|| format!("creating {}", stage.display()))?;
    }
    set_times(stage, epoch)?;

    let tmp = out.with_extension("mke2fs");
    let _ = std::fs::remove_file(&tmp);
    // Fixed UUID and hash seed per release, so rebuilds are identical.
    let uuid = format!(
        "de70e1a0-0000-4000-8000-{:012x}",
        u64::from(r.config_schema) << 32
            | u64::from(r.version.bytes().map(u32::from).sum::<u32>())
            | u64::from(r.hotfix.is_some()) << 40
            | u64::from(r.broken) << 44
    );
    run(
        Command::new("mke2fs")
            .args(["-q", "-F", "-t", "ext4", "-L", "demo-root", "-U", &uuid])
            // Blocks of 4 KiB: Linux mounts no file system whose blocks are
            // smaller than the disk's sectors, and disks may have 4096-byte
            // ones (mke2fs makes an image this small of 1 KiB blocks).
            .args(["-b", "4096"])
            .args(["-E", &format!("hash_seed={uuid},root_owner=0:0")])
            .arg("-d")
            .arg(stage)
            .arg(&tmp)
            .arg(format!("{}M", ROOT_IMAGE_MIB))
            .env("E2FSPROGS_FAKE_TIME", epoch.to_string())
            .env("SOURCE_DATE_EPOCH", epoch.to_string()),
        "mke2fs (Debian package e2fsprogs)",
    )?;
    fix_inode_times(&tmp, stage, epoch)?;
    let data = std::fs::read(&tmp).with_context(|| format!("reading {}", tmp.display()))?;
    write_if_changed(out, &data)?;
    std::fs::remove_file(&tmp).with_context(|| format!("removing {}", tmp.display()))?;
    Ok(())
}

/// `mke2fs -d` (1.47.0) copies each file's access and change times from
/// the staging directory, and those are the build's clock (the change time
/// cannot be set, and reading a file moves its access time). Set both to
/// `epoch` in the image with `debugfs`, for every staged path, the root
/// and `lost+found`, so the image is the same bytes on every build.
fn fix_inode_times(image: &Path, stage: &Path, epoch: u32) -> Result<()> {
    let mut paths = vec!["/".to_string(), "/lost+found".to_string()];
    let mut pending = vec![stage.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for e in std::fs::read_dir(&dir).with_context(|| format!("listing {}", dir.display()))? {
            let p = e
                .with_context(|| format!("listing {}", dir.display()))?
                .path();
            let rel = p
                .strip_prefix(stage)
                .map_err(|_| anyhow!("{} is outside the staging directory", p.display()))?;
            let rel = rel
                .to_str()
                .ok_or_else(|| anyhow!("{} is not UTF-8", p.display()))?;
            if rel.contains(char::is_whitespace) {
                bail!("{rel}: staged names must not contain spaces (debugfs)");
            }
            paths.push(format!("/{rel}"));
            if p.is_dir() {
                pending.push(p);
            }
        }
    }
    paths.sort();
    let mut script = String::new();
    for p in &paths {
        for field in ["atime", "ctime"] {
            script.push_str(&format!("set_inode_field {p} {field} @{epoch}\n"));
        }
    }
    let file = image.with_extension("debugfs");
    std::fs::write(&file, script).with_context(|| format!("writing {}", file.display()))?;
    let out = Command::new("debugfs")
        .arg("-w")
        .arg("-f")
        .arg(&file)
        .arg(image)
        // Or it stamps the superblock's write time with the clock.
        .env("E2FSPROGS_FAKE_TIME", epoch.to_string())
        .output()
        .context("running debugfs (Debian package e2fsprogs; is it installed?)")?;
    let _ = std::fs::remove_file(&file);
    // debugfs exits 0 even when a command fails; it says so on stderr
    // after its version banner.
    let errors: Vec<String> = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with("debugfs "))
        .map(str::to_string)
        .collect();
    if !out.status.success() || !errors.is_empty() {
        bail!(
            "debugfs could not set the inode times in {}: {}",
            image.display(),
            errors.join("; ")
        );
    }
    Ok(())
}

/// Sets every modification time under `dir` (files first) to `epoch`.
fn set_times(dir: &Path, epoch: u32) -> Result<()> {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(u64::from(epoch));
    for e in std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let p = e
            .with_context(|| format!("listing {}", dir.display()))?
            .path();
        if p.is_dir() {
            set_times(&p, epoch)?;
        } else {
            std::fs::File::options()
                .write(true)
                .open(&p)
                .and_then(|f| f.set_modified(t))
                .with_context(|| format!("setting the time of {}", p.display()))?;
        }
    }
    std::fs::File::open(dir)
        .and_then(|f| f.set_modified(t))
        .with_context(|| format!("setting the time of {}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two builds a few seconds apart (different change and access times
    /// in the staging directory, a different clock) give the same image.
    #[test]
    fn root_images_are_the_same_bytes_on_every_build() {
        let dir = tempfile::tempdir().unwrap();
        let busybox = dir.path().join("busybox");
        std::fs::write(&busybox, b"\x7fELF stand-in for busybox").unwrap();
        let build = |n: u32| {
            let out = dir.path().join(format!("root-{n}.img"));
            root_image(
                &RELEASES[1],
                &busybox,
                &dir.path().join(format!("stage-{n}")),
                &out,
                crate::DEFAULT_EPOCH,
            )
            .unwrap();
            std::fs::read(out).unwrap()
        };
        let first = build(1);
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let second = build(2);
        assert!(first == second, "two builds of the root image differ");
    }

    /// The root image has a product's free space: it is
    /// [`ROOT_IMAGE_MIB`] long, and most of its 1 MiB chunks (what a
    /// payload does not store) are zeros even with a busybox-sized file.
    #[test]
    fn root_image_is_mostly_free_space() {
        let dir = tempfile::tempdir().unwrap();
        let busybox = dir.path().join("busybox");
        // Not compressible, as large as Debian's busybox-static.
        let mut bytes = vec![0u8; 2 << 20];
        let mut x: u32 = 1;
        for b in &mut bytes {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            *b = (x >> 24) as u8;
        }
        std::fs::write(&busybox, &bytes).unwrap();
        let out = dir.path().join("root.img");
        root_image(
            &RELEASES[0],
            &busybox,
            &dir.path().join("stage"),
            &out,
            crate::DEFAULT_EPOCH,
        )
        .unwrap();
        let image = std::fs::read(out).unwrap();
        assert_eq!(image.len() as u64, ROOT_IMAGE_MIB << 20);
        let chunks = image.chunks(1 << 20).count();
        let zero = image
            .chunks(1 << 20)
            .filter(|c| c.iter().all(|&b| b == 0))
            .count();
        assert!(
            zero * 10 >= chunks * 9,
            "{zero} of {chunks} chunks of the root image are zeros"
        );
    }

    #[test]
    fn the_saving_is_said_in_mib_and_percent() {
        let b = Built {
            path: PathBuf::from("demo-engine-1.1.0.upg"),
            root_size: 64 << 20,
            root_stored: 1_100_000,
        };
        assert_eq!(
            b.root_saving(),
            "root image 64.0 MiB, stored 1.0 MiB (1.6%)"
        );
    }
}
