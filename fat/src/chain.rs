//! Check every cluster chain of a FAT volume before anything walks one.
//!
//! `fatfs` 0.3.6 follows a cluster chain until it meets an end marker: its
//! `ClusterIterator` (`table.rs`) keeps no count and no set of clusters seen.
//! A chain that leads back to a cluster it already passed therefore makes
//! every walk along it endless: iterating a directory (deleted entries are
//! skipped inside one `next()` call, so even a bounded `take(n)` spins),
//! looking a name up, seeking in a file, truncating or freeing a chain.
//!
//! Bounding each walk from the outside does not work well: a byte budget on
//! the device has no natural point to be reset while a volume stays open
//! (a payload is streamed through many calls), and a budget large enough
//! for a correct volume (a few times its size) means minutes of spinning on
//! a large stick before the error. So the whole allocation table is checked
//! once, when a volume is opened: if no chain loops, every chain ends within
//! as many steps as the volume has clusters, whatever walks it, and the walk
//! is bounded by the volume itself. Counting free clusters is a straight
//! pass over the table and needs no check.
//!
//! A link into a free cluster is refused too: `fatfs` may hand that cluster
//! out again when a file grows, and linking it after itself would make a
//! loop on a volume that was checked. With no such link, `fatfs`'s own
//! allocations (which only take free clusters) cannot close a loop, so the
//! check holds for as long as the volume stays open.
//!
//! Where a chain starts is checked too: `fatfs` turns a directory entry's
//! first cluster into a disk offset as `(cluster - 2) * cluster size`
//! without a check, so an entry naming cluster 1, or one past the end of
//! the volume, makes that arithmetic overflow (a panic where overflow is
//! checked, a read from a wrong place where it is not). Every directory is
//! walked once and every entry's first cluster must be 0 (nothing
//! allocated) or a cluster of the data area; so must FAT32's root cluster.
//!
//! The check holds the table and 4 bytes per cluster while decoding it,
//! then 5 bytes per cluster: for a 512 MiB ESP of 4 KiB clusters, under
//! 1.5 MiB. Volumes with more than [`MAX_CHECKED_CLUSTERS`] are refused
//! rather than checked partly.

use std::collections::HashSet;
use std::io::{Read, Seek, SeekFrom};

use crate::repair::{first_cluster, is_subdirectory, Geometry, Kind, Slot, ENTRY, MAX_DIRS};
use crate::{Access, BootSector, Error, LinkProblem};

/// Most clusters whose chains are checked (128 MiB of memory at most): a
/// 512 GiB volume of 32 KiB clusters, far more than any Ferry volume.
pub const MAX_CHECKED_CLUSTERS: u32 = 1 << 24;

/// Check that no cluster chain of the FAT volume at byte 0 of `disk` loops
/// or links to a cluster outside the data area or to a free one, and that
/// no directory entry starts a chain outside the data area. Reads the first
/// copy of the allocation table and every directory; the disk position is
/// left anywhere.
pub fn check_chains<D: Read + Seek>(disk: &mut D) -> Result<(), Error> {
    let g = Geometry::read(disk)?;
    if g.clusters > MAX_CHECKED_CLUSTERS {
        return Err(Error::TooManyClusters {
            clusters: g.clusters,
            max: MAX_CHECKED_CLUSTERS,
        });
    }
    let next = read_links(disk, &g)?;
    find_loop(&next)?;
    check_starts(disk, &g)
}

/// The bytes the FAT volume at byte 0 of `disk` says it spans (its total
/// sectors times their size), once its boot sector passed the checks
/// [`check_chains`] starts with: a reader compares it with the partition
/// the volume lies in before reading anything else. The disk position is
/// left anywhere.
pub fn volume_size<D: Read + Seek>(disk: &mut D) -> Result<u64, Error> {
    Geometry::read(disk).map(|g| g.volume_bytes)
}

/// Walk every directory from the root and check where each entry's chain
/// starts. Runs after [`find_loop`], so every directory's chain ends.
fn check_starts<D: Read + Seek>(disk: &mut D, g: &Geometry) -> Result<(), Error> {
    if g.kind == Kind::Fat32 && !g.valid(g.root_cluster) {
        return Err(Error::BadStart {
            name: None,
            cluster: g.root_cluster,
        });
    }
    let mut seen = HashSet::new();
    let mut todo = vec![g.root_cluster];
    // A cluster is at most 128 sectors of 4 KiB; the FAT12/16 root area is
    // read in pieces of this size too.
    let mut buf = vec![0u8; usize::try_from(g.cluster_bytes).unwrap_or(1 << 19)];
    while let Some(dir) = todo.pop() {
        if !seen.insert(dir) {
            continue;
        }
        if seen.len() > MAX_DIRS {
            return Err(Error::TooManyDirectories { max: MAX_DIRS });
        }
        'extents: for (off, len) in g.dir_extents(disk, dir)? {
            let mut done = 0u64;
            while done < len {
                let n = usize::try_from(len - done).map_or(buf.len(), |l| l.min(buf.len()));
                disk.seek(SeekFrom::Start(off + done))
                    .and_then(|_| disk.read_exact(&mut buf[..n]))
                    .map_err(Error::io(Access::ReadDirectory))?;
                for e in buf[..n].chunks_exact(ENTRY) {
                    let e = match Slot::of(e) {
                        Slot::End => break 'extents,
                        Slot::Skip => continue,
                        Slot::Entry(e) => e,
                    };
                    let c = first_cluster(e, g.kind);
                    if c != 0 && !g.valid(c) {
                        return Err(Error::BadStart {
                            name: Some(short_name(e)),
                            cluster: c,
                        });
                    }
                    if c != 0 && is_subdirectory(e) {
                        todo.push(c);
                    }
                }
                done += n as u64;
            }
        }
    }
    Ok(())
}

/// `NAME.EXT` of a directory entry, for messages.
fn short_name(e: &[u8]) -> String {
    let base = String::from_utf8_lossy(&e[..8]).trim_end().to_string();
    let ext = String::from_utf8_lossy(&e[8..11]).trim_end().to_string();
    if ext.is_empty() {
        base
    } else {
        format!("{base}.{ext}")
    }
}

/// What each cluster links to: `next[c]` is the cluster after `c`, or 0 at
/// the end of a chain, on a free cluster and on a bad one. Entries 0 and 1
/// are reserved and stay 0.
fn read_links<D: Read + Seek>(disk: &mut D, g: &Geometry) -> Result<Vec<u32>, Error> {
    // `clusters` is at most 2^24 here, so `+ 2` and the products fit.
    let wanted = u64::from(g.clusters) + 2;
    let (bits, end_marks, bad) = match g.kind {
        Kind::Fat12 => (12u64, 0xFF8u32, 0xFF7u32),
        Kind::Fat16 => (16, 0xFFF8, 0xFFF7),
        Kind::Fat32 => (32, 0x0FFF_FFF8, 0x0FFF_FFF7),
    };
    // A table shorter than the data area leaves the last clusters without
    // an entry; `fatfs` fails reading those, it does not loop on them.
    let entries = wanted.min(g.fat_bytes.saturating_mul(8) / bits);
    let table_bytes = (entries * bits).div_ceil(8);
    let damaged = |cluster: u32, next: u32, why| Error::BadLink { cluster, next, why };
    let raw = read_table(disk, g.fat_start, table_bytes)?;
    let count = usize::try_from(entries).map_err(|_| too_large(table_bytes))?;
    let mut next = vec![0u32; count];
    let entry = |c: usize| -> u32 {
        match g.kind {
            Kind::Fat12 => {
                let at = c + c / 2;
                let v = u16::from_le_bytes([raw[at], raw.get(at + 1).copied().unwrap_or(0)]);
                u32::from(if c % 2 == 1 { v >> 4 } else { v & 0x0FFF })
            }
            Kind::Fat16 => u32::from(u16::from_le_bytes([raw[2 * c], raw[2 * c + 1]])),
            Kind::Fat32 => {
                u32::from_le_bytes([raw[4 * c], raw[4 * c + 1], raw[4 * c + 2], raw[4 * c + 3]])
                    & 0x0FFF_FFFF
            }
        }
    };
    for (c, slot) in next.iter_mut().enumerate().skip(2) {
        let v = entry(c);
        if v == 0 || v == bad || v >= end_marks {
            continue;
        }
        // `c` < entries <= 2^24 + 2: it fits in 32 bits.
        let here = c as u32;
        if v < 2 || u64::from(v) >= wanted {
            return Err(damaged(here, v, LinkProblem::Outside));
        }
        *slot = v;
    }
    // A second pass, once every entry is known: links into free clusters.
    for (c, &n) in next.iter().enumerate().skip(2) {
        let n = n as usize;
        if n != 0 && n < count && entry(n) == 0 {
            return Err(damaged(c as u32, n as u32, LinkProblem::Free));
        }
    }
    Ok(next)
}

/// The first `len` bytes of the allocation table, read in 1 MiB pieces.
fn read_table<D: Read + Seek>(disk: &mut D, start: u64, len: u64) -> Result<Vec<u8>, Error> {
    let len = usize::try_from(len).map_err(|_| too_large(len))?;
    let mut raw = vec![0u8; len];
    disk.seek(SeekFrom::Start(start))
        .map_err(Error::io(Access::Table))?;
    for piece in raw.chunks_mut(1 << 20) {
        disk.read_exact(piece).map_err(Error::io(Access::Table))?;
    }
    Ok(raw)
}

fn too_large(bytes: u64) -> Error {
    Error::NotFat(BootSector::TableTooLarge { bytes })
}

/// Find a chain that comes back to a cluster it passed. Each cluster is
/// visited at most twice, so this is linear in the number of clusters.
fn find_loop(next: &[u32]) -> Result<(), Error> {
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![NEW; next.len()];
    let follow = |c: usize| -> Option<usize> {
        let n = *next.get(c)? as usize;
        (n >= 2 && n < next.len()).then_some(n)
    };
    for start in 2..next.len() {
        if state[start] != NEW {
            continue;
        }
        let mut c = start;
        loop {
            state[c] = ON_PATH;
            match follow(c) {
                None => break,
                Some(n) if state[n] == NEW => c = n,
                Some(n) if state[n] == ON_PATH => {
                    return Err(Error::ChainLoop {
                        cluster: c as u32,
                        next: n as u32,
                    })
                }
                Some(_) => break,
            }
        }
        // Walk the same path again to mark it finished: it ends at the
        // first cluster that is not on it.
        let mut c = Some(start);
        while let Some(cur) = c.filter(|&cur| state[cur] == ON_PATH) {
            state[cur] = DONE;
            c = follow(cur);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn straight_chains_pass() {
        // 2 -> 3 -> 4 (end), 5 (end), 6 -> 4 (cross-linked, but ends).
        let next = [0, 0, 3, 4, 0, 0, 4];
        assert!(find_loop(&next).is_ok());
    }

    #[test]
    fn a_chain_into_a_loop_is_found() {
        // 2 -> 3 -> 4 -> 5 -> 3
        let next = [0, 0, 3, 4, 5, 3];
        match find_loop(&next) {
            Err(Error::ChainLoop {
                cluster: 5,
                next: 3,
            }) => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_cluster_linked_to_itself_is_found() {
        let next = [0, 0, 0, 0, 0, 7, 0, 7];
        assert!(matches!(
            find_loop(&next),
            Err(Error::ChainLoop {
                cluster: 7,
                next: 7
            })
        ));
    }
}
