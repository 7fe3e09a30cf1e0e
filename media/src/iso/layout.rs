//! The ISO 9660 tree: names, Rock Ridge entries, block allocation and the
//! bytes of directories, path tables and volume descriptors.
//!
//! Written by hand rather than with `hadris-iso` (a release candidate at
//! the time, with a zeroed application-use area, EFI sector count 65535,
//! disk signature 0 and no 1 MiB padding): the subset Ferry needs is small
//! and the reader in `medium` checks the same subset.
//!
//! Names: Rock Ridge (`SP`, `ER` RRIP_1991A, `PX`, `NM`) over ISO level 1
//! 8.3 names. Linux and isolinux use the Rock Ridge names. No Joliet:
//! every reader Ferry targets understands Rock Ridge.

use std::collections::BTreeMap;

pub const BLOCK: u64 = 2048;
/// Largest volume ISO 9660 can describe (u32 blocks of 2048 bytes).
pub const MAX_VOLUME_BYTES: u64 = u32::MAX as u64 * BLOCK;
/// A single extent holds at most this many bytes (a multiple of 2048).
pub const MAX_EXTENT: u64 = 0xFFFF_F800;

/// Where a file's bytes come from.
#[derive(Debug, Clone)]
pub enum Source {
    Bytes(Vec<u8>),
    File(std::path::PathBuf),
    /// A byte range (offset, length) of a file: files taken from an
    /// existing ISO.
    Range(std::path::PathBuf, u64, u64),
    /// The payload, verified while it is copied.
    Payload(std::path::PathBuf),
    /// The payload at an offset of a file (an existing ISO); its size is
    /// the payload head's.
    PayloadRange(std::path::PathBuf, u64),
}

#[derive(Debug, Clone)]
pub struct FileNode {
    pub size: u64,
    pub source: Source,
    pub lba: u32,
}

#[derive(Debug, Default)]
pub struct DirNode {
    pub name: String,
    pub dirs: BTreeMap<String, DirNode>,
    pub files: BTreeMap<String, FileNode>,
    pub lba: u32,
    pub size: u32,
    pub number: u16,
    pub parent_number: u16,
}

impl DirNode {
    pub fn add_file(&mut self, path: &str, size: u64, source: Source) {
        let mut parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        let name = parts.pop().unwrap_or_default().to_string();
        let mut dir = self;
        for p in parts {
            dir = dir.dirs.entry(p.to_string()).or_insert_with(|| DirNode {
                name: p.to_string(),
                ..DirNode::default()
            });
        }
        dir.files.insert(
            name,
            FileNode {
                size,
                source,
                lba: 0,
            },
        );
    }
}

/// 8.3 (files) or 8-character (directories) d-character names, unique
/// within the directory. Returns (long name, ISO name) sorted as ISO 9660
/// wants (by ISO name).
pub fn iso_names(names: &[(String, bool)]) -> Vec<(String, Vec<u8>)> {
    let clean = |s: &str, max: usize| -> String {
        let mut out: String = s
            .chars()
            .map(|c| c.to_ascii_uppercase())
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        out.truncate(max);
        out
    };
    let mut used = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (long, is_dir) in names {
        let (stem, ext) = match long.rsplit_once('.') {
            Some((s, e)) if !is_dir && !s.is_empty() => (s, e),
            _ => (long.as_str(), ""),
        };
        let stem = clean(stem, 8);
        let ext = clean(ext, 3);
        let mut n = 0u32;
        let name = loop {
            let s = if n == 0 {
                stem.clone()
            } else {
                let suffix = format!("~{n}");
                let mut s = stem.clone();
                s.truncate(8 - suffix.len());
                s + &suffix
            };
            let full = if *is_dir { s } else { format!("{s}.{ext};1") };
            if used.insert(full.clone()) {
                break full;
            }
            n += 1;
        };
        out.push((long.clone(), name.into_bytes()));
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

fn both16(v: u16) -> [u8; 4] {
    let mut b = [0u8; 4];
    b[..2].copy_from_slice(&v.to_le_bytes());
    b[2..].copy_from_slice(&v.to_be_bytes());
    b
}

pub fn both32(v: u32) -> [u8; 8] {
    let mut b = [0u8; 8];
    b[..4].copy_from_slice(&v.to_le_bytes());
    b[4..].copy_from_slice(&v.to_be_bytes());
    b
}

/// Rock Ridge PX (RRIP 1.10, 36 bytes).
fn px(mode: u32, links: u32) -> Vec<u8> {
    let mut v = vec![b'P', b'X', 36, 1];
    v.extend_from_slice(&both32(mode));
    v.extend_from_slice(&both32(links));
    v.extend_from_slice(&both32(0));
    v.extend_from_slice(&both32(0));
    v
}

fn nm(name: &str) -> Vec<u8> {
    let mut v = vec![b'N', b'M', (5 + name.len()) as u8, 1, 0];
    v.extend_from_slice(name.as_bytes());
    v
}

/// SP and ER, in the root's "." record: what makes readers use Rock Ridge.
fn sp_er() -> Vec<u8> {
    let mut v = vec![b'S', b'P', 7, 1, 0xBE, 0xEF, 0];
    let (id, des, src) = (&b"RRIP_1991A"[..], &b"ROCK RIDGE"[..], &b"FERRY"[..]);
    v.extend_from_slice(&[
        b'E',
        b'R',
        (8 + id.len() + des.len() + src.len()) as u8,
        1,
        id.len() as u8,
        des.len() as u8,
        src.len() as u8,
        1,
    ]);
    v.extend_from_slice(id);
    v.extend_from_slice(des);
    v.extend_from_slice(src);
    v
}

/// ISO 9660 7-byte recording date.
pub fn record_date(t: &time::OffsetDateTime) -> [u8; 7] {
    [
        (t.year() - 1900).clamp(0, 255) as u8,
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        0,
    ]
}

/// ISO 9660 17-byte volume date.
pub fn volume_date(t: &time::OffsetDateTime) -> [u8; 17] {
    let s = format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}00",
        t.year().clamp(0, 9999),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    let mut b = [0u8; 17];
    b[..16].copy_from_slice(s.as_bytes());
    b
}

/// One directory record.
pub fn record(id: &[u8], lba: u32, len: u32, flags: u8, date: &[u8; 7], su: &[u8]) -> Vec<u8> {
    let pad = usize::from(id.len() & 1 == 0);
    let total = 33 + id.len() + pad + su.len();
    let mut r = Vec::with_capacity(total + 1);
    r.push(0); // length, below
    r.push(0);
    r.extend_from_slice(&both32(lba));
    r.extend_from_slice(&both32(len));
    r.extend_from_slice(date);
    r.push(flags);
    r.push(0);
    r.push(0);
    r.extend_from_slice(&both16(1));
    r.push(id.len() as u8);
    r.extend_from_slice(id);
    if pad == 1 {
        r.push(0);
    }
    r.extend_from_slice(su);
    if r.len() % 2 == 1 {
        r.push(0);
    }
    r[0] = r.len() as u8;
    r
}

/// The records of one directory, before LBAs are known: sizes only.
/// Entries: (iso id, flags, su, extents as (file key) resolved later).
pub enum Child<'a> {
    Dir(&'a DirNode),
    File(&'a FileNode),
}

pub fn children(dir: &DirNode) -> Vec<(Vec<u8>, String, Child<'_>)> {
    let mut names: Vec<(String, bool)> = dir.dirs.keys().map(|k| (k.clone(), true)).collect();
    names.extend(dir.files.keys().map(|k| (k.clone(), false)));
    iso_names(&names)
        .into_iter()
        .map(|(long, id)| {
            let child = match dir.dirs.get(&long) {
                Some(d) => Child::Dir(d),
                None => Child::File(&dir.files[&long]),
            };
            (id, long, child)
        })
        .collect()
}

/// Serialise a directory; with `lba`s at 0 this also gives its size.
pub fn dir_bytes(dir: &DirNode, parent: (u32, u32), is_root: bool, date: &[u8; 7]) -> Vec<u8> {
    let mut recs = Vec::new();
    let mut dot_su = Vec::new();
    if is_root {
        dot_su.extend_from_slice(&sp_er());
    }
    dot_su.extend_from_slice(&px(0o40555, 2));
    recs.push(record(&[0], dir.lba, dir.size, 0x02, date, &dot_su));
    recs.push(record(
        &[1],
        parent.0,
        parent.1,
        0x02,
        date,
        &px(0o40555, 2),
    ));
    for (id, long, child) in children(dir) {
        match child {
            Child::Dir(d) => {
                let mut su = px(0o40555, 2);
                su.extend_from_slice(&nm(&long));
                recs.push(record(&id, d.lba, d.size, 0x02, date, &su));
            }
            Child::File(f) => {
                let mut su = px(0o100444, 1);
                su.extend_from_slice(&nm(&long));
                let mut left = f.size;
                let mut lba = f.lba;
                loop {
                    let n = left.min(MAX_EXTENT);
                    let more = left > MAX_EXTENT;
                    let flags = if more { 0x80 } else { 0 };
                    recs.push(record(&id, lba, n as u32, flags, date, &su));
                    if !more {
                        break;
                    }
                    left -= n;
                    // Saturates only while sizing a volume that is refused later.
                    lba = lba.saturating_add((n / BLOCK) as u32);
                }
            }
        }
    }
    let mut out = Vec::new();
    for r in recs {
        let used = out.len() % BLOCK as usize;
        if used + r.len() > BLOCK as usize {
            out.resize(out.len() + BLOCK as usize - used, 0);
        }
        out.extend_from_slice(&r);
    }
    let rem = out.len() % BLOCK as usize;
    if rem != 0 {
        out.resize(out.len() + BLOCK as usize - rem, 0);
    }
    out
}

/// Directories in path-table order (breadth first, children by ISO name).
pub fn dirs_in_order(root: &DirNode) -> Vec<&DirNode> {
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        let d = out[i];
        for (_, _, c) in children(d) {
            if let Child::Dir(sub) = c {
                out.push(sub);
            }
        }
        i += 1;
    }
    out
}

/// L (little-endian) or M (big-endian) path table.
pub fn path_table(root: &DirNode, big_endian: bool) -> Vec<u8> {
    let order = dirs_in_order(root);
    let mut out = Vec::new();
    for d in order {
        let id: Vec<u8> = if d.number == 1 {
            vec![0]
        } else {
            d.name
                .chars()
                .map(|c| c.to_ascii_uppercase())
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c as u8
                    } else {
                        b'_'
                    }
                })
                .take(8)
                .collect()
        };
        out.push(id.len() as u8);
        out.push(0);
        if big_endian {
            out.extend_from_slice(&d.lba.to_be_bytes());
            out.extend_from_slice(&d.parent_number.to_be_bytes());
        } else {
            out.extend_from_slice(&d.lba.to_le_bytes());
            out.extend_from_slice(&d.parent_number.to_le_bytes());
        }
        out.extend_from_slice(&id);
        if id.len() % 2 == 1 {
            out.push(0);
        }
    }
    out
}

/// Every directory's path, breadth-first with children in identifier
/// order (the order the path table lists them), with the index of its
/// parent in the list (the root is its own parent).
fn breadth_first(root: &DirNode) -> Vec<(Vec<String>, usize)> {
    let mut out = vec![(Vec::new(), 0)];
    let mut i = 0;
    while i < out.len() {
        let mut d = root;
        for p in &out[i].0 {
            d = &d.dirs[p];
        }
        let mut subs: Vec<(Vec<u8>, String)> = children(d)
            .into_iter()
            .filter(|(_, _, c)| matches!(c, Child::Dir(_)))
            .map(|(id, long, _)| (id, long))
            .collect();
        subs.sort();
        for (_, long) in subs {
            let mut p = out[i].0.clone();
            p.push(long);
            out.push((p, i));
        }
        i += 1;
    }
    out
}

/// Directory numbers (from 1, breadth-first), parents and sizes.
pub fn assign_dirs(root: &mut DirNode, date: &[u8; 7]) {
    for (i, (path, parent)) in breadth_first(root).into_iter().enumerate() {
        let d = dir_at(root, &path);
        d.number = (i + 1) as u16;
        d.parent_number = (parent + 1) as u16;
        d.size = dir_bytes(d, (0, 0), path.is_empty(), date).len() as u32;
    }
}

/// The directory at `path` (names from the root), which must exist.
fn dir_at<'a>(root: &'a mut DirNode, path: &[String]) -> &'a mut DirNode {
    let mut d = root;
    for p in path {
        d = d.dirs.get_mut(p).expect("directory in the tree");
    }
    d
}

/// Directory LBAs from `next` on, advancing it past them.
pub fn assign_dir_lbas(root: &mut DirNode, next: &mut u32) {
    // In the same order as the numbers.
    for (path, _) in breadth_first(root) {
        let d = dir_at(root, &path);
        d.lba = *next;
        *next += d.size / BLOCK as u32;
    }
}

/// Every directory's bytes in path-table order, LBAs known.
pub fn collect_dirs(root: &DirNode, date: &[u8; 7]) -> Vec<Vec<u8>> {
    let order = dirs_in_order(root);
    let mut parents = std::collections::HashMap::new();
    parents.insert(1u16, (root.lba, root.size));
    for d in &order {
        parents.insert(d.number, (d.lba, d.size));
    }
    order
        .iter()
        .map(|d| {
            let parent = parents
                .get(&d.parent_number)
                .copied()
                .unwrap_or((root.lba, root.size));
            dir_bytes(d, parent, d.number == 1, date)
        })
        .collect()
}

/// The file at `path` in the tree, to give it its LBA.
pub fn file_mut<'a>(root: &'a mut DirNode, path: &str) -> Option<&'a mut FileNode> {
    let mut parts: Vec<&str> = path.split('/').collect();
    let name = parts.pop()?;
    let mut d = root;
    for p in parts {
        d = d.dirs.get_mut(p)?;
    }
    d.files.get_mut(name)
}

/// The file at `path` in the tree.
pub fn file_ref<'a>(root: &'a DirNode, path: &str) -> Option<&'a FileNode> {
    let mut parts: Vec<&str> = path.split('/').collect();
    let name = parts.pop()?;
    let mut d = root;
    for p in parts {
        d = d.dirs.get(p)?;
    }
    d.files.get(name)
}

/// `s` in `dst`, padded with spaces.
fn pad_str(dst: &mut [u8], s: &str) {
    dst.fill(b' ');
    let n = s.len().min(dst.len());
    dst[..n].copy_from_slice(&s.as_bytes()[..n]);
}

/// The primary volume descriptor (block 16), its application-use area
/// blank until the checksum goes in.
pub fn primary_descriptor(
    label: &str,
    image_bytes: u64,
    l_table: &[u8],
    root: &DirNode,
    now: &time::OffsetDateTime,
    product: &str,
) -> [u8; 2048] {
    let mut p = [0u8; 2048];
    p[0] = 1;
    p[1..6].copy_from_slice(b"CD001");
    p[6] = 1;
    pad_str(&mut p[8..40], "LINUX");
    pad_str(&mut p[40..72], label);
    p[80..88].copy_from_slice(&both32((image_bytes / BLOCK) as u32));
    p[120..124].copy_from_slice(&[1, 0, 0, 1]);
    p[124..128].copy_from_slice(&[1, 0, 0, 1]);
    p[128..132].copy_from_slice(&[0x00, 0x08, 0x08, 0x00]);
    p[132..140].copy_from_slice(&both32(l_table.len() as u32));
    p[140..144].copy_from_slice(&19u32.to_le_bytes());
    p[148..152].copy_from_slice(&20u32.to_be_bytes());
    let date = record_date(now);
    let root_rec = record(&[0], root.lba, root.size, 0x02, &date, &[]);
    p[156..190].copy_from_slice(&root_rec[..34]);
    pad_str(
        &mut p[190..318],
        &format!("FERRY_{}", product.to_ascii_uppercase()),
    );
    pad_str(&mut p[318..446], "");
    pad_str(&mut p[446..574], "");
    pad_str(&mut p[574..702], "FERRY MEDIA-BUILDER");
    pad_str(&mut p[702..813], "");
    let vd = volume_date(now);
    p[813..830].copy_from_slice(&vd);
    p[830..847].copy_from_slice(&vd);
    p[847..863].copy_from_slice(b"0000000000000000");
    p[864..880].copy_from_slice(b"0000000000000000");
    p[881] = 1;
    p[883..883 + 512].fill(b' ');
    p
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::io::{Read, Seek, SeekFrom, Write};

    use super::*;

    /// A 9 GiB file gets three extents; the `medium` reader joins them.
    /// The volume is a sparse file, so this costs no real disk space.
    #[test]
    fn files_past_4_gib_use_extents_that_the_reader_joins() {
        let big = (9u64 << 30) + 12345;
        let date = [123, 1, 1, 0, 0, 0, 0];
        let mut root = DirNode::default();
        root.add_file("ferry/big.upg", big, Source::Bytes(Vec::new()));
        root.lba = 20;
        {
            let ferry = root.dirs.get_mut("ferry").unwrap();
            ferry.lba = 21;
            ferry.files.get_mut("big.upg").unwrap().lba = 100;
            ferry.size = dir_bytes(ferry, (0, 0), false, &date).len() as u32;
        }
        root.size = dir_bytes(&root, (0, 0), true, &date).len() as u32;
        let blocks = 100 + big.div_ceil(BLOCK) + 1;

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.iso");
        let mut f = std::fs::File::create(&path).unwrap();
        f.set_len(blocks * BLOCK).unwrap();
        let mut pvd = [0u8; 2048];
        pvd[0] = 1;
        pvd[1..6].copy_from_slice(b"CD001");
        pvd[6] = 1;
        pvd[80..88].copy_from_slice(&both32(blocks as u32));
        pvd[128..132].copy_from_slice(&[0x00, 0x08, 0x08, 0x00]);
        pvd[156..190].copy_from_slice(&record(&[0], 20, root.size, 2, &date, &[])[..34]);
        let mut term = [0u8; 2048];
        term[0] = 255;
        term[1..6].copy_from_slice(b"CD001");
        f.seek(SeekFrom::Start(16 * BLOCK)).unwrap();
        f.write_all(&pvd).unwrap();
        f.write_all(&term).unwrap();
        f.seek(SeekFrom::Start(20 * BLOCK)).unwrap();
        f.write_all(&dir_bytes(&root, (20, root.size), true, &date))
            .unwrap();
        let ferry = &root.dirs["ferry"];
        f.write_all(&dir_bytes(ferry, (20, root.size), false, &date))
            .unwrap();
        let marker_at = (4u64 << 30) + 777;
        f.seek(SeekFrom::Start(100 * BLOCK + marker_at)).unwrap();
        f.write_all(b"ACROSS-EXTENTS").unwrap();
        drop(f);

        let mut iso = medium::iso::Iso::open(std::fs::File::open(&path).unwrap()).unwrap();
        assert!(iso.has_rock_ridge());
        let e = iso.find("ferry/big.upg").unwrap();
        assert_eq!(e.size, big);
        assert_eq!(e.extents.len(), 3);
        let mut file = iso.open_file("ferry/big.upg").unwrap();
        file.seek(SeekFrom::Start(marker_at)).unwrap();
        let mut got = [0u8; 14];
        file.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"ACROSS-EXTENTS");
    }
}
