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

fn candidate(name: &str) -> Result<Candidate> {
    let out = run(
        Command::new("apt-cache").args(["show", "--no-all-versions", name]),
        &format!("apt-cache show {name}"),
    )?;
    let text = String::from_utf8_lossy(&out);
    let field = |k: &str| -> Option<String> {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{k}: ")))
            .map(|v| v.trim().to_string())
    };
    let version = field("Version").ok_or_else(|| {
        anyhow!("apt knows no package {name}; run `apt-get update` (Debian or Ubuntu)")
    })?;
    let filename = field("Filename").ok_or_else(|| anyhow!("apt gives no file for {name}"))?;
    let file = filename.rsplit('/').next().unwrap_or(&filename).to_string();
    let sha256 = field("SHA256").ok_or_else(|| anyhow!("apt gives no SHA256 for {name}"))?;
    Ok(Candidate {
        version,
        file,
        sha256: sha256.to_lowercase(),
        depends: field("Depends").unwrap_or_default(),
    })
}

/// The name of the first package in a `Depends` field (for the kernel
/// meta-package, the versioned kernel image package).
pub fn first_dependency(depends: &str) -> Option<String> {
    let first = depends.split(',').next()?.split('|').next()?.trim();
    let name = first.split([' ', '(']).next()?.trim();
    (!name.is_empty()).then(|| name.to_string())
}

pub fn sha256_file(path: &Path) -> Result<String> {
    let mut f = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut h = Sha256::new();
    std::io::copy(&mut f, &mut h).with_context(|| format!("reading {}", path.display()))?;
    Ok(hex::encode(h.finalize()))
}

/// Fetches (unless cached) and unpacks (unless unpacked) the candidate
/// version of `name`. Returns also its `Depends` field.
pub fn fetch(cache: &Path, name: &str) -> Result<(Unpacked, String)> {
    let c = candidate(name)?;
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
            Command::new("apt-get")
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

    #[test]
    fn kernel_meta_package_dependency() {
        assert_eq!(
            first_dependency("linux-image-6.1.0-56-amd64 (= 6.1.192-2)").as_deref(),
            Some("linux-image-6.1.0-56-amd64")
        );
        assert_eq!(first_dependency("").as_deref(), None);
    }
}
