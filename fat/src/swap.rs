//! Swap the contents of two files of one directory with a single write:
//! their directory entries trade first cluster and size. When both entries
//! lie in one 512-byte block, that write is one sector, which a disk
//! writes whole or not at all; so a power cut leaves either name with
//! either complete content, never a missing or half-written file. This is
//! how a file that firmware starts at every boot (`\EFI\BOOT\BOOTX64.EFI`)
//! is replaced: write the new content under another name, flush, swap,
//! then remove the other name.

use std::io::{Read, Seek, SeekFrom, Write};

use crate::repair::{first_cluster, Geometry, Slot, ATTR_DIR, ENTRY};
use crate::{Access, Error};

/// A write at most this large, aligned to it, is atomic on any disk (the
/// smallest logical sector).
const ATOMIC: u64 = 512;

/// The 11-byte short name of an 8.3 name (`BOOTX64.EFI` →
/// `BOOTX64 EFI`); `None` for a name that is not one (lower case, too
/// long, other characters).
fn short_name(name: &str) -> Option<[u8; 11]> {
    let (base, ext) = name.split_once('.').unwrap_or((name, ""));
    let ok = |s: &str, max: usize| {
        !s.is_empty()
            && s.len() <= max
            && s.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
    };
    if !ok(base, 8) || !(ext.is_empty() || ok(ext, 3)) {
        return None;
    }
    let mut out = [b' '; 11];
    out[..base.len()].copy_from_slice(base.as_bytes());
    out[8..8 + ext.len()].copy_from_slice(ext.as_bytes());
    Some(out)
}

/// Where the entry named `name` is in the directory starting at cluster
/// `dir` (0: the FAT12/16 root area), and its 32 bytes.
fn find<D: Read + Seek>(
    disk: &mut D,
    g: &Geometry,
    dir: u32,
    name: &[u8; 11],
) -> Result<Option<(u64, [u8; ENTRY])>, Error> {
    for (off, len) in g.dir_extents(disk, dir)? {
        // A cluster, or the FAT12/16 root area: at most a few dozen KiB.
        let mut buf = vec![0u8; len as usize];
        disk.seek(SeekFrom::Start(off))
            .and_then(|_| disk.read_exact(&mut buf))
            .map_err(Error::io(Access::ReadDirectory))?;
        for (i, e) in buf.chunks_exact(ENTRY).enumerate() {
            match Slot::of(e) {
                Slot::End => return Ok(None),
                Slot::Entry(e) if e[..11] == name[..] => {
                    let mut out = [0u8; ENTRY];
                    out.copy_from_slice(e);
                    return Ok(Some((off + (i * ENTRY) as u64, out)));
                }
                Slot::Entry(_) | Slot::Skip => {}
            }
        }
    }
    Ok(None)
}

/// Swaps the contents of files `a` and `b` of directory `dir` (8.3 names in
/// upper case, `/`-separated, e.g. `EFI/BOOT`, `BOOTX64.EFI`,
/// `BOOTX64.NEW`) on the FAT volume at byte 0 of `disk`, with one write of
/// at most 512 bytes. Returns `false`, having written nothing, when the two
/// entries are not in one 512-byte block (the swap would take two writes);
/// an error when a name is not there.
pub fn swap_files<D: Read + Write + Seek>(
    disk: &mut D,
    dir: &str,
    a: &str,
    b: &str,
) -> Result<bool, Error> {
    let g = Geometry::read(disk)?;
    let mut cluster = g.root_cluster;
    for part in dir.split('/').filter(|p| !p.is_empty()) {
        let sn = short_name(part).ok_or_else(|| Error::BadPath(dir.to_string()))?;
        let (_, e) = find(disk, &g, cluster, &sn)?.ok_or_else(|| Error::NoDirectory {
            dir: dir.to_string(),
            part: part.to_string(),
        })?;
        if e[11] & ATTR_DIR == 0 {
            return Err(Error::NotADirectory {
                dir: dir.to_string(),
                part: part.to_string(),
            });
        }
        cluster = first_cluster(&e, g.kind);
        if !g.valid(cluster) {
            return Err(Error::BadStart {
                name: Some(part.to_string()),
                cluster,
            });
        }
    }
    let entry = |disk: &mut D, name: &str| -> Result<(u64, [u8; ENTRY]), Error> {
        let sn = short_name(name).ok_or_else(|| Error::BadPath(name.to_string()))?;
        find(disk, &g, cluster, &sn)?.ok_or_else(|| Error::NoFile {
            path: format!("{dir}/{name}"),
        })
    };
    let (at_a, ea) = entry(disk, a)?;
    let (at_b, eb) = entry(disk, b)?;
    let block = at_a / ATOMIC * ATOMIC;
    if at_b / ATOMIC * ATOMIC != block {
        return Ok(false);
    }
    let mut buf = [0u8; ATOMIC as usize];
    disk.seek(SeekFrom::Start(block))
        .and_then(|_| disk.read_exact(&mut buf))
        .map_err(Error::io(Access::ReadDirectory))?;
    // First cluster (high and low halves), write time and date, size.
    let (ia, ib) = ((at_a - block) as usize, (at_b - block) as usize);
    for r in [20..22, 22..26, 26..28, 28..32] {
        buf[ia + r.start..ia + r.end].copy_from_slice(&eb[r.clone()]);
        buf[ib + r.start..ib + r.end].copy_from_slice(&ea[r]);
    }
    disk.seek(SeekFrom::Start(block))
        .and_then(|_| disk.write_all(&buf))
        .and_then(|_| disk.flush())
        .map_err(Error::io(Access::WriteDirectory))?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_of_8_3_names_only() {
        assert_eq!(&short_name("BOOTX64.EFI").unwrap(), b"BOOTX64 EFI");
        assert_eq!(&short_name("EFI").unwrap(), b"EFI        ");
        assert_eq!(&short_name("BOOTX64.NEW").unwrap(), b"BOOTX64 NEW");
        for bad in [
            "grubx64.efi",
            "TOOLONGNAME.EFI",
            "A.EFIX",
            "",
            ".EFI",
            "A B.EFI",
        ] {
            assert!(short_name(bad).is_none(), "{bad}");
        }
    }
}
