//! A realistic root image for the benchmarks: an ext4 image filled by
//! `mke2fs -d` with real system files of this machine (its programs,
//! libraries and shared data under `/usr`), so that it compresses like a
//! product's root image does, free space included, which random bytes
//! never do.
//!
//! Building one takes a minute, so it is kept under the target directory
//! (`bench-rootfs/`) and rebuilt only when the chosen files change (their
//! names, sizes and modification times are its key) or another size is
//! asked for. The files are hard-linked (copied where that fails) into a
//! staging tree, then `mke2fs` runs with a fixed UUID, hash seed and time:
//! the same files give the same image.

use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

/// Where the files come from, in this order; a directory already taken
/// whole under an earlier entry is not taken again.
const SOURCES: [&str; 7] = [
    "/usr/bin",
    "/usr/sbin",
    "/usr/lib/x86_64-linux-gnu",
    "/usr/share",
    "/usr/lib/python3",
    "/usr/lib/gcc",
    "/usr/lib",
];

/// Trees that are not part of an operating system: a vendor's cloud SDK,
/// a JDK. Left out so the image looks like a system, not a workstation.
const SKIPPED: [&str; 2] = ["/usr/lib/google-cloud-sdk", "/usr/lib/jvm"];

/// File bytes in the image: 6/10 of its size (1.29 GB in a 2 GiB image),
/// the rest free space, as a root image with room for updates has.
pub fn content_for(image_size: u64) -> u64 {
    image_size / 10 * 6
}

/// Fixed identity of the file system, so the same files give the same
/// image.
const UUID: &str = "6a2f3c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b";
const HASH_SEED: &str = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
const FAKE_TIME: &str = "1700000000";

/// A file chosen for the image: where it is, where it goes in the image.
struct Chosen {
    from: PathBuf,
    rel: PathBuf,
    symlink: bool,
}

/// The ext4 root image of `size` bytes holding about
/// [`content_for`]`(size)` bytes of this machine's system files, built
/// unless an up-to-date one is cached. The file is sparse: free space
/// takes no disk.
pub fn system_root_image(size: u64) -> PathBuf {
    let dir = crate::target_dir().join("bench-rootfs");
    fs::create_dir_all(&dir).expect("creating the root image cache");
    let image = dir.join(format!("rootfs-{}m.img", size >> 20));
    let stamp = dir.join(format!("rootfs-{}m.key", size >> 20));
    let chosen = choose(content_for(size));
    let key = key(&chosen, size);
    if fs::read_to_string(&stamp).is_ok_and(|k| k == key) && image.is_file() {
        return image;
    }
    let _ = fs::remove_file(&stamp);
    let stage = dir.join(format!("stage-{}", std::process::id()));
    let _ = fs::remove_dir_all(&stage);
    fill(&stage, &chosen);
    // Directories and links made now would carry the time of this build.
    let touched = Command::new("find")
        .arg(&stage)
        .args(["(", "-type", "d", "-o", "-type", "l", ")"])
        .args(["-exec", "touch", "-h", "-d"])
        .arg(format!("@{FAKE_TIME}"))
        .args(["{}", "+"])
        .status()
        .expect("running find");
    assert!(touched.success(), "setting the staging tree's times");
    let building = dir.join(format!(".building-{}.img", std::process::id()));
    fs::File::create(&building)
        .and_then(|f| f.set_len(size))
        .expect("creating the root image");
    let out = Command::new("mke2fs")
        .args(["-q", "-F", "-t", "ext4", "-b", "4096", "-L", "rootfs"])
        .args(["-U", UUID])
        .arg("-E")
        .arg(format!("hash_seed={HASH_SEED},root_owner=0:0,nodiscard"))
        .arg("-d")
        .arg(&stage)
        .arg(&building)
        .env("E2FSPROGS_FAKE_TIME", FAKE_TIME)
        .output()
        .expect("running mke2fs (e2fsprogs)");
    let _ = fs::remove_dir_all(&stage);
    assert!(
        out.status.success(),
        "mke2fs -d: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    fs::rename(&building, &image).expect("publishing the root image");
    fs::write(&stamp, key).expect("writing the root image key");
    image
}

/// The system files to put in the image, in a fixed order, until their
/// sizes add up to `budget`.
fn choose(budget: u64) -> Vec<Chosen> {
    let mut out = Vec::new();
    let mut total = 0u64;
    let mut taken = BTreeSet::new();
    // Hard links of one file are one file in the image: counted once.
    let mut inodes = BTreeSet::new();
    for src in SOURCES {
        let src = Path::new(src);
        if total >= budget {
            break;
        }
        walk(src, &mut taken, &mut inodes, &mut out, &mut total, budget);
        taken.insert(src.to_path_buf());
    }
    out
}

fn walk(
    dir: &Path,
    taken: &mut BTreeSet<PathBuf>,
    inodes: &mut BTreeSet<(u64, u64)>,
    out: &mut Vec<Chosen>,
    total: &mut u64,
    budget: u64,
) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if *total >= budget {
            return;
        }
        if taken.contains(&path) || SKIPPED.iter().any(|s| path == Path::new(s)) {
            continue;
        }
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        let Ok(rel) = path.strip_prefix("/") else {
            continue;
        };
        let rel = rel.to_path_buf();
        if meta.is_dir() {
            walk(&path, taken, inodes, out, total, budget);
        } else if meta.file_type().is_symlink() {
            out.push(Chosen {
                from: path,
                rel,
                symlink: true,
            });
        } else if meta.is_file() && fs::File::open(&path).is_ok() {
            if inodes.insert((meta.dev(), meta.ino())) {
                // Blocks, not length: a sparse file takes what it holds.
                *total += meta.len().min(meta.blocks() * 512);
            }
            out.push(Chosen {
                from: path,
                rel,
                symlink: false,
            });
        }
    }
}

/// What the image is built from: every chosen name, size and time.
fn key(chosen: &[Chosen], size: u64) -> String {
    let mut h = Sha256::new();
    h.update(size.to_le_bytes());
    for c in chosen {
        h.update(c.rel.as_os_str().as_encoded_bytes());
        if let Ok(m) = fs::symlink_metadata(&c.from) {
            h.update(m.len().to_le_bytes());
            h.update(m.mtime().to_le_bytes());
        }
    }
    let mut key = hex::encode(h.finalize());
    key.push('\n');
    key
}

/// The staging tree: hard links to the chosen files (copies where the
/// link fails), their symbolic links as they are.
fn fill(stage: &Path, chosen: &[Chosen]) {
    for c in chosen {
        let to = stage.join(&c.rel);
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent).expect("creating the staging tree");
        }
        if c.symlink {
            if let Ok(target) = fs::read_link(&c.from) {
                let _ = std::os::unix::fs::symlink(target, &to);
            }
        } else if fs::hard_link(&c.from, &to).is_err() {
            fs::copy(&c.from, &to).expect("copying a system file");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `dumpe2fs -h` field of the image.
    fn field(image: &Path, name: &str) -> u64 {
        let out = Command::new("dumpe2fs")
            .arg("-h")
            .arg(image)
            .output()
            .expect("dumpe2fs");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_string()))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{name} in dumpe2fs -h"))
    }

    /// A small image: e2fsck finds it clean and it holds about the content
    /// asked for. Built again from the same files, it differs only where
    /// each inode records when its file was last changed or read (which
    /// hard-linking and reading change), never in a file's bytes or place.
    #[test]
    fn same_files_give_the_same_clean_image() {
        let size = 64 << 20;
        let dir = tempfile::tempdir_in(crate::target_dir()).expect("temporary directory");
        let image = system_root_image(size);
        let fsck = Command::new("e2fsck")
            .arg("-fn")
            .arg(&image)
            .output()
            .expect("e2fsck");
        assert!(
            fsck.status.success(),
            "{}",
            String::from_utf8_lossy(&fsck.stdout)
        );
        let used = (field(&image, "Block count:") - field(&image, "Free blocks:")) * 4096;
        assert!(
            used >= content_for(size) && used < size,
            "{used} bytes used in a {size}-byte image"
        );
        let inodes = field(&image, "Inode count:") - field(&image, "Free inodes:");
        let first = dir.path().join("first.img");
        fs::rename(&image, &first).expect("moving the image aside");
        let second = system_root_image(size);
        let cmp = Command::new("cmp")
            .arg("-l")
            .arg(&first)
            .arg(&second)
            .output()
            .expect("cmp");
        let differ = String::from_utf8_lossy(&cmp.stdout).lines().count() as u64;
        // Times (ctime, atime and their extra bytes: 16) and the inode's
        // checksum (4) per inode, the group descriptors' checksums.
        assert!(
            differ <= 24 * inodes + 4096,
            "{differ} bytes differ between two builds of {inodes} inodes"
        );
    }
}
