//! FAT32 images made by mkfs.fat and mtools, then damaged so that one
//! cluster chain loops.

use std::path::Path;
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use crate::MIB;
/// Longest a walk over a damaged volume may take before the test fails:
/// without a bound it never ends, and a hung test would stall CI.
pub const LIMIT: Duration = Duration::from_secs(10);

/// Run `f` in a thread and fail if it has not finished within [`LIMIT`].
pub fn within<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(LIMIT) {
        Ok(v) => v,
        Err(_) => panic!("{what} did not finish within {LIMIT:?}: it walks a looping chain"),
    }
}

fn run(tool: &str, args: &[&str]) {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {tool} (Debian packages dosfstools, mtools): {e}"));
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A FAT32 image of `mib` MiB (512-byte clusters) with `dirs` made by
/// `mmd` and `files` (path, bytes) copied by `mcopy`.
pub fn mkfs_fat32(path: &Path, mib: u64, dirs: &[&str], files: &[(&str, &[u8])]) -> Vec<u8> {
    let f = std::fs::File::create(path).expect("create image");
    f.set_len(mib * MIB).expect("size image");
    drop(f);
    let p = path.to_str().expect("utf-8 path");
    run("mkfs.fat", &["-F", "32", "-s", "1", "-n", "LOOPTEST", p]);
    for d in dirs {
        run("mmd", &["-i", p, &format!("::/{d}")]);
    }
    let tmp = tempfile::tempdir().expect("tmp");
    for (dest, data) in files {
        let src = tmp.path().join("f");
        std::fs::write(&src, data).expect("write");
        run(
            "mcopy",
            &["-i", p, src.to_str().expect("utf-8"), &format!("::/{dest}")],
        );
    }
    std::fs::read(path).expect("read image")
}

/// The boot sector fields that place clusters and FAT entries.
#[derive(Debug)]
pub struct Geometry {
    pub cluster_bytes: u64,
    pub fat_start: u64,
    pub fat_bytes: u64,
    pub fats: u64,
    pub data_start: u64,
    pub root_cluster: u32,
}

fn u16_at(b: &[u8], o: usize) -> u64 {
    u64::from(u16::from_le_bytes([b[o], b[o + 1]]))
}

fn u32_at(b: &[u8], o: usize) -> u64 {
    u64::from(u32::from_le_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]]))
}

impl Geometry {
    /// Read a FAT32 boot sector, every offset computed with checked
    /// arithmetic and checked against the image.
    pub fn read(img: &[u8]) -> Geometry {
        assert!(
            img.len() >= 512 && img[510..512] == [0x55, 0xAA],
            "no boot sector"
        );
        let bps = u16_at(img, 11);
        let spc = u64::from(img[13]);
        let reserved = u16_at(img, 14);
        let fats = u64::from(img[16]);
        assert_eq!(u16_at(img, 22), 0, "not FAT32");
        let fat_sectors = u32_at(img, 36);
        let fat_start = reserved.checked_mul(bps).expect("FAT offset");
        let fat_bytes = fat_sectors.checked_mul(bps).expect("FAT size");
        let data_start = fats
            .checked_mul(fat_bytes)
            .and_then(|b| b.checked_add(fat_start))
            .expect("data offset");
        assert!(data_start < img.len() as u64, "data area past the image");
        Geometry {
            cluster_bytes: bps.checked_mul(spc).expect("cluster size"),
            fat_start,
            fat_bytes,
            fats,
            data_start,
            root_cluster: u32::try_from(u32_at(img, 44)).expect("root cluster"),
        }
    }

    /// Byte range of cluster `c` in the image.
    pub fn cluster(&self, img: &[u8], c: u32) -> std::ops::Range<usize> {
        let start = u64::from(c)
            .checked_sub(2)
            .and_then(|i| i.checked_mul(self.cluster_bytes))
            .and_then(|o| o.checked_add(self.data_start))
            .expect("cluster offset");
        let end = start.checked_add(self.cluster_bytes).expect("cluster end");
        assert!(end <= img.len() as u64, "cluster {c} past the image");
        start as usize..end as usize
    }

    pub fn fat_entry(&self, img: &[u8], c: u32) -> u32 {
        let at = self.entry_offset(img, 0, c);
        u32::from_le_bytes([img[at], img[at + 1], img[at + 2], img[at + 3]]) & 0x0FFF_FFFF
    }

    /// Write FAT entry `c` in every copy of the table.
    pub fn set_fat_entry(&self, img: &mut [u8], c: u32, value: u32) {
        for copy in 0..self.fats {
            let at = self.entry_offset(img, copy, c);
            img[at..at + 4].copy_from_slice(&value.to_le_bytes());
        }
    }

    fn entry_offset(&self, img: &[u8], copy: u64, c: u32) -> usize {
        let within = u64::from(c).checked_mul(4).expect("entry offset");
        assert!(within + 4 <= self.fat_bytes, "cluster {c} has no FAT entry");
        let at = copy
            .checked_mul(self.fat_bytes)
            .and_then(|o| o.checked_add(self.fat_start))
            .and_then(|o| o.checked_add(within))
            .expect("entry offset");
        assert!(at + 4 <= img.len() as u64, "FAT entry past the image");
        at as usize
    }

    /// First cluster of the entry `name` (its long or its short name, in
    /// any case) in the first cluster of the directory at `dir`.
    pub fn lookup(&self, img: &[u8], dir: u32, name: &str) -> u32 {
        let mut long: Vec<u16> = Vec::new();
        for e in img[self.cluster(img, dir)].chunks_exact(32) {
            if e[0] == 0 {
                break;
            }
            if e[11] & 0x0F == 0x0F {
                // Long-name pieces come last piece first; 13 characters each.
                if e[0] & 0x40 != 0 {
                    long.clear();
                }
                let piece: Vec<u16> = [1..11, 14..26, 28..32]
                    .into_iter()
                    .flat_map(|r| {
                        e[r].chunks_exact(2)
                            .map(|c| u16::from_le_bytes([c[0], c[1]]))
                            .collect::<Vec<_>>()
                    })
                    .take_while(|&c| c != 0)
                    .collect();
                long.splice(0..0, piece);
                continue;
            }
            let base = String::from_utf8_lossy(&e[..8]).trim_end().to_string();
            let ext = String::from_utf8_lossy(&e[8..11]).trim_end().to_string();
            let short = if ext.is_empty() {
                base
            } else {
                format!("{base}.{ext}")
            };
            let long_name = String::from_utf16_lossy(&long);
            long.clear();
            if short.eq_ignore_ascii_case(name) || long_name.eq_ignore_ascii_case(name) {
                let hi = u32::from(u16::from_le_bytes([e[20], e[21]]));
                let lo = u32::from(u16::from_le_bytes([e[26], e[27]]));
                return hi << 16 | lo;
            }
        }
        panic!("no {name} in the directory at cluster {dir}");
    }

    /// First cluster of `a/b/c`.
    pub fn resolve(&self, img: &[u8], path: &str) -> u32 {
        path.split('/')
            .fold(self.root_cluster, |dir, name| self.lookup(img, dir, name))
    }
}

/// Make the directory at `path` loop: its first cluster links to itself,
/// and its unused slots become deleted entries, as in a directory whose
/// files were removed, so no end marker stops a walk either.
pub fn loop_dir(img: &mut [u8], path: &str) {
    let g = Geometry::read(img);
    let c = g.resolve(img, path);
    let range = g.cluster(img, c);
    for e in img[range].chunks_exact_mut(32) {
        if e[0] == 0 {
            e[0] = 0xE5;
        }
    }
    g.set_fat_entry(img, c, c);
}

/// Make the file at `path` loop: its second cluster links back to its
/// first. The file must span two clusters or more.
pub fn loop_file(img: &mut [u8], path: &str) {
    let g = Geometry::read(img);
    let first = g.resolve(img, path);
    let second = g.fat_entry(img, first);
    assert!(
        (2..0x0FFF_FFF7).contains(&second),
        "{path} has a single cluster"
    );
    g.set_fat_entry(img, second, first);
}
