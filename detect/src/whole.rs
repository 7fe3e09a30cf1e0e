//! A disk without partitions: what its own bytes hold, and when it is
//! blank.
//!
//! "Blank" lets an install go ahead without the typed erase confirmation,
//! and lets an answer file's `action = "auto"` install unattended, so it is
//! decided the careful way round. A disk is blank only when
//!
//! - it has no partition table at all, not even an empty one (an MBR boot
//!   signature without entries, or a GPT without partitions, in either
//!   copy, counts as a table);
//! - no probe of [`crate::probe`] recognises anything on it: no file
//!   system, volume manager, RAID member, encrypted volume, swap or cache
//!   signature at the start, at the end, or where the formats keep their
//!   secondary copies;
//! - and its first and last MiB hold only zeros.
//!
//! Everything else holds something: [`Content::Foreign`], whose erasure
//! the installer asks to be confirmed. A read that fails makes the disk
//! unreadable, never blank.

use crate::probe::{probe_all, Filesystem};
use crate::report::{Content, EmptyTable, Foreign, PartitionTable};
use crate::scan::system_of;
use std::io::{Read, Seek};

/// How much of each end of a disk must be zero for it to count as blank.
pub const ZERO_CHECK_LEN: usize = 1024 * 1024;

/// What a disk of `size` bytes without partitions holds, and the
/// signatures found on it; `Err` says why it could not be read.
pub fn classify<D: Read + Seek>(
    dev: &mut D,
    size: u64,
    table: &PartitionTable,
) -> Result<(Content, Vec<Filesystem>), crate::Unreadable> {
    let signatures =
        probe_all(dev, 0, size).map_err(|e| crate::Unreadable::Probe { error: (&e).into() })?;
    let empty_table = match table {
        PartitionTable::Mbr => Some(EmptyTable::Mbr),
        PartitionTable::Gpt { .. } => Some(EmptyTable::Gpt),
        PartitionTable::Damaged | PartitionTable::None => None,
    };
    if !signatures.is_empty() {
        let mut looks_like: Vec<String> = Vec::new();
        for os in signatures.iter().filter_map(|s| system_of(None, Some(s))) {
            if !looks_like.iter().any(|o| o == os) {
                looks_like.push(os.to_string());
            }
        }
        return Ok((
            Content::Foreign {
                looks_like,
                found: Foreign::WholeDisk {
                    signatures: signatures.clone(),
                    table: empty_table,
                },
            },
            signatures,
        ));
    }
    if let Some(table) = empty_table {
        return Ok((
            Content::Foreign {
                looks_like: Vec::new(),
                found: Foreign::EmptyTable { table },
            },
            signatures,
        ));
    }
    // A disk shorter than the check is checked whole.
    let n = usize::try_from(size).map_or(ZERO_CHECK_LEN, |s| s.min(ZERO_CHECK_LEN));
    let tail = size.saturating_sub(n as u64);
    let zero = |dev: &mut D, at: u64| {
        only_zeros(dev, at, n).map_err(|e| crate::Unreadable::At {
            at,
            error: (&e).into(),
        })
    };
    let content = if zero(dev, 0)? && zero(dev, tail)? {
        Content::Blank
    } else {
        Content::Foreign {
            looks_like: Vec::new(),
            found: Foreign::UnknownData,
        }
    };
    Ok((content, signatures))
}

/// Whether bytes `[at, at + len)` of `dev` are all zero.
fn only_zeros<D: Read + Seek>(dev: &mut D, at: u64, len: usize) -> std::io::Result<bool> {
    let mut buf = vec![0u8; len];
    crate::io::read_at(dev, at, &mut buf)?;
    Ok(buf.iter().all(|&b| b == 0))
}

#[cfg(test)]
mod tests {
    use crate::report::{Content, EmptyTable, Foreign, PartitionTable};
    use crate::scan::scan;
    use std::io::{self, Cursor, Read, Seek, SeekFrom};

    const MIB: u64 = 1024 * 1024;

    fn content(img: &[u8]) -> Content {
        scan(&mut Cursor::new(img.to_vec()), img.len() as u64, 512).content
    }

    fn blank(img: &[u8]) -> bool {
        matches!(content(img), Content::Blank)
    }

    #[test]
    fn zeros_of_any_size_are_blank() {
        for size in [512, 513, 1000, 4096, MIB - 1, MIB, MIB + 1, 3 * MIB + 7] {
            assert!(blank(&vec![0u8; size as usize]), "{size} bytes");
        }
    }

    /// One byte anywhere in the first or last MiB, also in the last byte of
    /// a disk whose size is not a multiple of 512, makes a disk hold
    /// something.
    #[test]
    fn one_byte_at_either_end_holds_something() {
        for size in [512, 1000, MIB, 3 * MIB + 7] {
            let ends = [
                0,
                511,
                MIB.min(size) - 1,
                size.saturating_sub(MIB),
                size - 1,
            ];
            for at in ends {
                let mut img = vec![0u8; size as usize];
                img[at as usize] = 1;
                assert!(!blank(&img), "byte {at} of {size}");
            }
        }
    }

    /// A GPT header with no partitions, at `lba` of a disk of `sectors`
    /// sectors, with its entry array, as the backup copy lies at the end.
    fn backup_gpt_only(sectors: u64) -> Vec<u8> {
        let mut img = vec![0u8; (sectors * 512) as usize];
        let array = vec![0u8; 128 * 128];
        let lba = sectors - 1;
        let mut h = vec![0u8; 92];
        h[0..8].copy_from_slice(b"EFI PART");
        h[8..12].copy_from_slice(&0x0001_0000u32.to_le_bytes());
        h[12..16].copy_from_slice(&92u32.to_le_bytes());
        h[24..32].copy_from_slice(&lba.to_le_bytes());
        h[32..40].copy_from_slice(&1u64.to_le_bytes());
        h[40..48].copy_from_slice(&34u64.to_le_bytes());
        h[48..56].copy_from_slice(&(sectors - 34).to_le_bytes());
        h[56..72].copy_from_slice(&[0x42; 16]);
        h[72..80].copy_from_slice(&(sectors - 33).to_le_bytes());
        h[80..84].copy_from_slice(&128u32.to_le_bytes());
        h[84..88].copy_from_slice(&128u32.to_le_bytes());
        h[88..92].copy_from_slice(&crc32fast::hash(&array).to_le_bytes());
        let crc = crc32fast::hash(&h);
        h[16..20].copy_from_slice(&crc.to_le_bytes());
        let at = (lba * 512) as usize;
        img[at..at + 92].copy_from_slice(&h);
        img
    }

    #[test]
    fn an_empty_gpt_in_the_last_sector_holds_something() {
        let img = backup_gpt_only(4096);
        let mut dev = Cursor::new(img.clone());
        let s = scan(&mut dev, img.len() as u64, 512);
        assert!(
            matches!(s.table, PartitionTable::Gpt { .. }),
            "{:?}",
            s.table
        );
        let Content::Foreign { found, .. } = &s.content else {
            panic!("expected foreign, got {:?}", s.content)
        };
        assert_eq!(
            found,
            &Foreign::EmptyTable {
                table: EmptyTable::Gpt
            }
        );
        assert_eq!(found.to_string(), "an empty GPT with no partitions");
        // The header damaged: still not blank.
        let mut img = img;
        let last = img.len() - 512;
        img[last + 40] ^= 1;
        assert!(matches!(content(&img), Content::Unreadable { .. }));
    }

    #[test]
    fn an_empty_mbr_holds_something() {
        let mut img = vec![0u8; MIB as usize];
        img[510..512].copy_from_slice(&[0x55, 0xAA]);
        let s = scan(&mut Cursor::new(img.clone()), MIB, 512);
        assert_eq!(s.table, PartitionTable::Mbr);
        assert!(matches!(s.content, Content::Foreign { .. }));
    }

    /// A device that fails to read past `good` bytes, as a disk with bad
    /// sectors does.
    struct BadSectors {
        inner: Cursor<Vec<u8>>,
        good: u64,
    }

    impl Read for BadSectors {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let pos = self.inner.position();
            if pos.saturating_add(buf.len() as u64) > self.good {
                return Err(io::Error::other("bad sector"));
            }
            self.inner.read(buf)
        }
    }

    impl Seek for BadSectors {
        fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
            self.inner.seek(pos)
        }
    }

    /// A zero disk whose end cannot be read, or that is shorter than its
    /// size says (a truncated image), is unreadable, never blank.
    #[test]
    fn unreadable_ends_are_not_blank() {
        let size = 4 * MIB;
        for good in [600, 64 * 1024, MIB, 2 * MIB, size - 1] {
            let mut dev = BadSectors {
                inner: Cursor::new(vec![0u8; size as usize]),
                good,
            };
            let s = scan(&mut dev, size, 512);
            assert!(
                matches!(s.content, Content::Unreadable { .. }),
                "readable up to {good}: {:?}",
                s.content
            );
        }
        let mut short = Cursor::new(vec![0u8; MIB as usize]);
        let s = scan(&mut short, 3 * MIB, 512);
        assert!(
            matches!(s.content, Content::Unreadable { .. }),
            "{:?}",
            s.content
        );
    }
}
