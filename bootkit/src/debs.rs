//! Debian packages: fetched with `apt-get download`, checked against the
//! SHA-256 apt's package list gives, and unpacked with `dpkg-deb -x`.
//! Nothing is installed and no maintainer script runs.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{anyhow, bail, Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One package the boot kit used, as the lock file records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockedPackage {
    pub version: String,
    pub file: String,
    pub sha256: String,
}

/// A package unpacked in the cache.
#[derive(Debug, Clone)]
pub struct Unpacked {
    pub name: String,
    pub locked: LockedPackage,
    pub dir: PathBuf,
}

/// What `apt-cache show` says about the candidate version.
#[derive(Debug, Clone)]
struct Candidate {
    version: String,
    file: String,
    sha256: String,
    depends: String,
}

fn run(cmd: &mut Command, what: &str) -> Result<Vec<u8>> {
    let out = cmd
        .output()
        .with_context(|| format!("running {what} (is it installed?)"))?;
    if !out.status.success() {
        bail!(
            "{what} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(out.stdout)
}

/// Which package lists apt reads: the machine's own, or a private
/// configuration (its own sources, lists and cache under one directory of
/// the kit's cache) that leaves the machine's apt alone.
#[derive(Debug, Clone, Default)]
pub struct Apt {
    /// `-o` options given to every apt command; none for the machine's apt.
    options: Vec<String>,
}

impl Apt {
    /// The machine's apt sources.
    pub fn system() -> Apt {
        Apt::default()
    }

    /// A private apt over the one-line `sources` (`deb [signed-by=…] URI
    /// SUITE COMPONENT`), kept in `dir`. Its lists are fetched with
    /// `apt-get update` when missing or older than a day.
    pub fn private(dir: &Path, sources: &str) -> Result<Apt> {
        // apt reads relative directories from its own root, not ours.
        let dir = &std::path::absolute(dir).context("finding the current directory")?;
        let lists = dir.join("lists");
        let cache = dir.join("cache");
        for d in [lists.join("partial"), cache.join("archives/partial")] {
            std::fs::create_dir_all(&d).with_context(|| format!("creating {}", d.display()))?;
        }
        let list = dir.join("sources.list");
        let line = format!("{sources}\n");
        let changed = std::fs::read_to_string(&list).ok().as_deref() != Some(line.as_str());
        if changed {
            std::fs::write(&list, &line).with_context(|| format!("writing {}", list.display()))?;
        }
        let apt = Apt {
            options: [
                format!("Dir::Etc::sourcelist={}", list.display()),
                "Dir::Etc::sourceparts=-".to_string(),
                format!("Dir::State::Lists={}", lists.display()),
                format!("Dir::Cache={}", cache.display()),
                "Dir::State::status=/dev/null".to_string(),
            ]
            .into_iter()
            .flat_map(|o| ["-o".to_string(), o])
            .collect(),
        };
        let stamp = dir.join(".updated");
        let fresh = std::fs::metadata(&stamp)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() < 24 * 3600);
        if changed || !fresh {
            eprintln!("updating the package lists of {sources}");
            run(
                apt.command("apt-get").args(["update", "-q"]),
                &format!("apt-get update ({sources})"),
            )?;
            std::fs::write(&stamp, b"").with_context(|| format!("writing {}", stamp.display()))?;
        }
        Ok(apt)
    }

    fn command(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.args(&self.options);
        c
    }
}

/// The candidate version of `name`, or `None` if apt has none (an
/// unknown name, or one only other packages mention).
fn lookup(apt: &Apt, name: &str) -> Result<Option<Candidate>> {
    let what = format!("apt-cache show {name}");
    let out = apt
        .command("apt-cache")
        .args(["show", "--no-all-versions", name])
        .output()
        .with_context(|| format!("running {what} (is it installed?)"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        if stderr.contains("No packages found") || stderr.contains("Unable to locate") {
            return Ok(None);
        }
        bail!("{what} failed: {}", stderr.trim());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |k: &str| -> Option<String> {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{k}: ")))
            .map(|v| v.trim().to_string())
    };
    let Some(version) = field("Version") else {
        return Ok(None);
    };
    let filename = field("Filename").ok_or_else(|| anyhow!("apt gives no file for {name}"))?;
    let file = filename.rsplit('/').next().unwrap_or(&filename).to_string();
    let sha256 = field("SHA256").ok_or_else(|| anyhow!("apt gives no SHA256 for {name}"))?;
    Ok(Some(Candidate {
        version,
        file,
        sha256: sha256.to_lowercase(),
        depends: field("Depends").unwrap_or_default(),
    }))
}

fn candidate(apt: &Apt, name: &str) -> Result<Candidate> {
    lookup(apt, name)?.ok_or_else(|| {
        anyhow!("apt knows no package {name}; run `apt-get update` (Debian or Ubuntu)")
    })
}

/// Whether apt has a version of `name` to download.
pub fn available(name: &str) -> Result<bool> {
    Ok(lookup(&Apt::system(), name)?.is_some())
}

/// The kernel meta-packages that follow the distribution's current
/// kernel, with the distribution that has them.
pub const KERNEL_META_PACKAGES: &[(&str, &str)] = &[
    ("linux-image-amd64", "Debian"),
    ("linux-image-generic", "Ubuntu"),
];

/// The first of [`KERNEL_META_PACKAGES`] that `available` says apt has.
pub fn choose_kernel_meta(mut available: impl FnMut(&str) -> Result<bool>) -> Result<&'static str> {
    for (name, _) in KERNEL_META_PACKAGES {
        if available(name)? {
            return Ok(name);
        }
    }
    let names: Vec<String> = KERNEL_META_PACKAGES
        .iter()
        .map(|(n, d)| format!("{n} ({d})"))
        .collect();
    bail!(
        "apt has no kernel package: none of {}; add the distribution's main \
         archive to apt's sources and run `apt-get update`",
        names.join(", ")
    )
}

/// The package names of a `Depends` field, the first of each set of
/// alternatives, without versions or architectures.
pub fn dependencies(depends: &str) -> Vec<String> {
    depends
        .split(',')
        .filter_map(|d| {
            let first = d.split('|').next()?.trim();
            let name = first.split([' ', '(', ':']).next()?.trim();
            (!name.is_empty()).then(|| name.to_string())
        })
        .collect()
}

/// The versioned kernel image package a kernel meta-package depends on:
/// its first `linux-image-*` dependency (Debian: the only one; Ubuntu:
/// the first of image, modules, firmware and microcode).
pub fn kernel_image_dependency(depends: &str) -> Option<String> {
    dependencies(depends)
        .into_iter()
        .find(|d| d.starts_with("linux-image-"))
}

/// The kernel release a versioned image package is for:
/// `linux-image-6.8.0-151-generic` → `6.8.0-151-generic`.
pub fn image_release(image: &str) -> Option<&str> {
    image
        .strip_prefix("linux-image-unsigned-")
        .or_else(|| image.strip_prefix("linux-image-"))
        .filter(|r| !r.is_empty())
}

/// The module packages of kernel `release` named in a `Depends` field:
/// Ubuntu's `linux-modules-RELEASE` and `linux-modules-extra-RELEASE`
/// (Debian has none: its image package holds the modules).
pub fn module_packages(depends: &str, release: &str) -> Vec<String> {
    let suffix = format!("-{release}");
    dependencies(depends)
        .into_iter()
        .filter(|d| d.starts_with("linux-modules-") && d.ends_with(&suffix))
        .collect()
}

pub fn sha256_file(path: &Path) -> Result<String> {
    let mut f = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut h = Sha256::new();
    std::io::copy(&mut f, &mut h).with_context(|| format!("reading {}", path.display()))?;
    Ok(hex::encode(h.finalize()))
}

/// Fetches (unless cached) and unpacks (unless unpacked) the candidate
/// version of `name` in the machine's package lists. Returns also its
/// `Depends` field.
pub fn fetch(cache: &Path, name: &str) -> Result<(Unpacked, String)> {
    fetch_from(&Apt::system(), cache, name)
}

/// [`fetch`] from the package lists of `apt`.
pub fn fetch_from(apt: &Apt, cache: &Path, name: &str) -> Result<(Unpacked, String)> {
    let c = candidate(apt, name)?;
    let debs = cache.join("debs");
    std::fs::create_dir_all(&debs).with_context(|| format!("creating {}", debs.display()))?;
    let deb = debs.join(&c.file);
    let cached_ok = deb.exists() && sha256_file(&deb)? == c.sha256;
    if !cached_ok {
        let tmp = debs.join(format!(".download-{name}"));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp).with_context(|| format!("removing {}", tmp.display()))?;
        }
        std::fs::create_dir_all(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        eprintln!("fetching {name} {}", c.version);
        run(
            apt.command("apt-get")
                .args(["download", "-q", &format!("{name}={}", c.version)])
                .current_dir(&tmp),
            &format!("apt-get download {name}"),
        )?;
        let got = std::fs::read_dir(&tmp)
            .with_context(|| format!("listing {}", tmp.display()))?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "deb"))
            .ok_or_else(|| anyhow!("apt-get download {name} left no .deb"))?;
        let sum = sha256_file(&got)?;
        if sum != c.sha256 {
            bail!(
                "{} has SHA-256 {sum}, but apt's package list says {}",
                got.display(),
                c.sha256
            );
        }
        std::fs::rename(&got, &deb).with_context(|| format!("moving {}", deb.display()))?;
        let _ = std::fs::remove_dir_all(&tmp);
    }
    let dir = cache
        .join("unpacked")
        .join(format!("{name}_{}", c.version.replace(':', "%3a")));
    let done = dir.join(".unpacked");
    if !done.exists() {
        if dir.exists() {
            std::fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
        }
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        run(
            Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&dir),
            &format!("dpkg-deb -x {}", deb.display()),
        )?;
        std::fs::write(&done, b"").with_context(|| format!("writing {}", done.display()))?;
    }
    Ok((
        Unpacked {
            name: name.to_string(),
            locked: LockedPackage {
                version: c.version,
                file: c.file,
                sha256: c.sha256,
            },
            dir,
        },
        c.depends,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Depends fields of Ubuntu 24.04's kernel packages.
    const NOBLE_META: &str = "linux-image-6.8.0-151-generic, \
        linux-modules-extra-6.8.0-151-generic, linux-firmware, intel-microcode, amd64-microcode";
    const NOBLE_IMAGE: &str =
        "kmod, linux-base (>= 4.5ubuntu1~16.04.1), linux-modules-6.8.0-151-generic";
    const NOBLE_EXTRA: &str = "linux-modules-6.8.0-151-generic, wireless-regdb";

    #[test]
    fn meta_package_is_debians_where_apt_has_it_else_ubuntus() {
        let debian = |n: &str| Ok(n == "linux-image-amd64");
        assert_eq!(choose_kernel_meta(debian).unwrap(), "linux-image-amd64");
        let ubuntu = |n: &str| Ok(n == "linux-image-generic");
        assert_eq!(choose_kernel_meta(ubuntu).unwrap(), "linux-image-generic");
        let both = |_: &str| Ok(true);
        assert_eq!(choose_kernel_meta(both).unwrap(), "linux-image-amd64");
        let err = choose_kernel_meta(|_| Ok(false)).unwrap_err().to_string();
        assert!(err.contains("linux-image-amd64 (Debian)"), "{err}");
        assert!(err.contains("linux-image-generic (Ubuntu)"), "{err}");
        assert!(err.contains("apt-get update"), "{err}");
        // An apt that cannot be asked is an error, not "no kernel".
        assert!(choose_kernel_meta(|_| Err(anyhow!("apt-cache is missing"))).is_err());
    }

    #[test]
    fn image_package_of_a_meta_package() {
        assert_eq!(
            kernel_image_dependency("linux-image-6.1.0-56-amd64 (= 6.1.192-2)").as_deref(),
            Some("linux-image-6.1.0-56-amd64")
        );
        assert_eq!(
            kernel_image_dependency(NOBLE_META).as_deref(),
            Some("linux-image-6.8.0-151-generic")
        );
        assert_eq!(
            kernel_image_dependency("linux-firmware, linux-image-6.8.0-1-generic").as_deref(),
            Some("linux-image-6.8.0-1-generic")
        );
        assert_eq!(kernel_image_dependency("linux-firmware").as_deref(), None);
        assert_eq!(kernel_image_dependency("").as_deref(), None);
    }

    #[test]
    fn module_packages_come_from_the_depends_fields() {
        let release = image_release("linux-image-6.8.0-151-generic").unwrap();
        assert_eq!(release, "6.8.0-151-generic");
        assert_eq!(
            module_packages(NOBLE_META, release),
            vec!["linux-modules-extra-6.8.0-151-generic"]
        );
        assert_eq!(
            module_packages(NOBLE_IMAGE, release),
            vec!["linux-modules-6.8.0-151-generic"]
        );
        assert_eq!(
            module_packages(NOBLE_EXTRA, release),
            vec!["linux-modules-6.8.0-151-generic"]
        );
        // Another kernel's modules, and Debian's fields, bring none.
        assert!(module_packages("linux-modules-6.8.0-1-generic", release).is_empty());
        assert!(
            module_packages("linux-image-6.1.0-56-amd64 (= 6.1.192-2)", "6.1.0-56-amd64")
                .is_empty()
        );
        assert_eq!(
            image_release("linux-image-unsigned-6.8.0-1-generic"),
            Some("6.8.0-1-generic")
        );
        assert_eq!(image_release("linux-image-"), None);
    }

    #[test]
    fn dependencies_drop_versions_alternatives_and_architectures() {
        assert_eq!(
            dependencies("a (>= 1), b | c, d:any, e [amd64]"),
            vec!["a", "b", "d", "e"]
        );
        assert!(dependencies("").is_empty());
    }
}
