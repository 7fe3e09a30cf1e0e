//! A writer for the cpio "newc" format the Linux kernel unpacks as an
//! initramfs.
//!
//! Written here rather than taken from a crate: the format is a 110-byte
//! ASCII header per entry plus padding, and we need exact control over
//! what goes in (fixed owner, mode and mtime, sorted entries, no inode
//! numbers from the build machine) for byte-identical output. The crates
//! found either copy host metadata or only read archives.

use std::collections::BTreeMap;
use std::io::{self, Write};

/// What an archive entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A directory.
    Dir,
    /// A regular file with its content.
    File(Vec<u8>),
    /// A symbolic link to the target.
    Symlink(String),
    /// A character device node (major, minor), e.g. `/dev/console`, which
    /// the kernel opens for init before any file system is mounted.
    CharDev(u32, u32),
}

#[derive(Debug, Clone)]
struct Entry {
    node: Node,
    mode: u32,
}

/// An initramfs being assembled in memory. Paths are relative, without a
/// leading `/`; parent directories are added as needed. Entries are
/// written sorted by path, so the same content gives the same bytes.
#[derive(Debug, Clone, Default)]
pub struct Archive {
    entries: BTreeMap<String, Entry>,
}

const S_IFDIR: u32 = 0o040000;
const S_IFREG: u32 = 0o100000;
const S_IFLNK: u32 = 0o120000;
const S_IFCHR: u32 = 0o020000;

impl Archive {
    pub fn new() -> Archive {
        Archive::default()
    }

    /// Adds a directory (mode 0755) and its parents.
    pub fn dir(&mut self, path: &str) {
        let path = clean(path);
        if path.is_empty() {
            return;
        }
        if let Some((parent, _)) = path.rsplit_once('/') {
            self.dir(parent);
        }
        self.entries.entry(path).or_insert(Entry {
            node: Node::Dir,
            mode: 0o755,
        });
    }

    /// Adds a file with the given permission bits, replacing any earlier
    /// entry at that path.
    pub fn file(&mut self, path: &str, content: Vec<u8>, mode: u32) {
        self.insert(path, Node::File(content), mode & 0o7777);
    }

    /// Adds a symbolic link.
    pub fn symlink(&mut self, path: &str, target: &str) {
        self.insert(path, Node::Symlink(target.to_string()), 0o777);
    }

    fn insert(&mut self, path: &str, node: Node, mode: u32) {
        let path = clean(path);
        if let Some((parent, _)) = path.rsplit_once('/') {
            self.dir(parent);
        }
        self.entries.insert(path, Entry { node, mode });
    }

    /// Adds a character device node.
    pub fn char_dev(&mut self, path: &str, major: u32, minor: u32, mode: u32) {
        self.insert(path, Node::CharDev(major, minor), mode & 0o7777);
    }

    /// Whether a path is in the archive.
    pub fn contains(&self, path: &str) -> bool {
        self.entries.contains_key(&clean(path))
    }

    /// Sum of the file sizes, before compression.
    pub fn content_size(&self) -> u64 {
        self.entries
            .values()
            .map(|e| match &e.node {
                Node::File(c) => c.len() as u64,
                Node::Dir | Node::Symlink(_) | Node::CharDev(..) => 0,
            })
            .sum()
    }

    /// Writes the archive in newc format, every entry owned by root with
    /// modification time `mtime` (seconds since the epoch).
    pub fn write_to(&self, out: &mut impl Write, mtime: u32) -> io::Result<()> {
        for (ino, (path, e)) in (1u32..).zip(self.entries.iter()) {
            let (kind, data, rdev): (u32, &[u8], (u32, u32)) = match &e.node {
                Node::Dir => (S_IFDIR, &[], (0, 0)),
                Node::File(c) => (S_IFREG, c, (0, 0)),
                Node::Symlink(t) => (S_IFLNK, t.as_bytes(), (0, 0)),
                Node::CharDev(major, minor) => (S_IFCHR, &[], (*major, *minor)),
            };
            let nlink = if kind == S_IFDIR { 2 } else { 1 };
            let h = Header {
                ino,
                mode: kind | e.mode,
                nlink,
                mtime,
                size: data.len(),
                rdev,
            };
            h.write(out, path)?;
            out.write_all(data)?;
            pad(out, data.len())?;
        }
        let trailer = Header {
            ino: 0,
            mode: 0,
            nlink: 1,
            mtime: 0,
            size: 0,
            rdev: (0, 0),
        };
        trailer.write(out, "TRAILER!!!")
    }
}

fn clean(path: &str) -> String {
    path.trim_start_matches('/')
        .trim_end_matches('/')
        .to_string()
}

struct Header {
    ino: u32,
    mode: u32,
    nlink: u32,
    mtime: u32,
    size: usize,
    rdev: (u32, u32),
}

impl Header {
    fn write(&self, out: &mut impl Write, name: &str) -> io::Result<()> {
        let size = u32::try_from(self.size)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "file over 4 GiB in cpio"))?;
        let name_len = name.len() + 1;
        write!(
            out,
            "070701{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}",
            self.ino,
            self.mode,
            0, // uid
            0, // gid
            self.nlink,
            self.mtime,
            size,
            0, // dev major
            0, // dev minor
            self.rdev.0,
            self.rdev.1,
            name_len,
            0, // check
        )?;
        out.write_all(name.as_bytes())?;
        out.write_all(&[0])?;
        // The header (110 bytes) and name are padded together to 4 bytes.
        pad(out, 110 + name_len)
    }
}

fn pad(out: &mut impl Write, len: usize) -> io::Result<()> {
    let n = (4 - len % 4) % 4;
    out.write_all(&[0u8; 3][..n])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_sorted_padded_and_parents_added() {
        let mut a = Archive::new();
        a.file("/bin/x", b"hello".to_vec(), 0o755);
        a.symlink("bin/sh", "busybox");
        let mut out = Vec::new();
        a.write_to(&mut out, 1_700_000_000).unwrap();
        assert_eq!(out.len() % 4, 0);
        let text = String::from_utf8_lossy(&out);
        let bin = text.find("bin\0").unwrap();
        let sh = text.find("bin/sh\0").unwrap();
        let x = text.find("bin/x\0").unwrap();
        assert!(bin < sh && sh < x);
        assert!(text.ends_with("TRAILER!!!\0\0\0\0") || text.contains("TRAILER!!!\0"));
        // First header: directory "bin", mode 040755.
        assert_eq!(&out[..6], b"070701");
        assert_eq!(&out[14..22], b"000041ED");
    }

    #[test]
    fn cpio_tool_lists_the_archive() {
        let mut a = Archive::new();
        a.file("etc/ferry/keys/a.pub", b"key".to_vec(), 0o644);
        a.symlink("init", "bin/busybox");
        let mut out = Vec::new();
        a.write_to(&mut out, 0).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.cpio");
        std::fs::write(&path, &out).unwrap();
        let listed = std::process::Command::new("cpio")
            .args(["-it", "--quiet"])
            .stdin(std::fs::File::open(&path).unwrap())
            .output()
            .expect("cpio (Debian package cpio) is needed for this test");
        assert!(listed.status.success());
        assert_eq!(
            String::from_utf8(listed.stdout).unwrap(),
            "etc\netc/ferry\netc/ferry/keys\netc/ferry/keys/a.pub\ninit\n"
        );
    }
}
