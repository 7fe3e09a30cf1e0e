//! The classic MBR partition table: four 16-byte primary entries at byte
//! 446 of sector 0, 64 bytes in all, small enough to parse by hand.
//! Extended partitions are listed as such, not followed.

use serde::Serialize;

/// One used primary MBR entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MbrEntry {
    /// 1..=4, as Linux numbers them.
    pub index: u32,
    /// The "active" (boot) flag.
    pub bootable: bool,
    /// Partition type byte.
    pub kind: u8,
    /// First sector (512 bytes each).
    pub start_lba: u32,
    /// Length in sectors.
    pub sectors: u32,
}

/// What sector 0 holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mbr {
    /// No 0x55AA boot signature: no MBR.
    Absent,
    /// A protective MBR (type 0xEE entry): the disk is GPT.
    Protective,
    /// A valid MBR partition table (possibly with no used entries).
    Table(Vec<MbrEntry>),
    /// A boot signature whose entries make no sense: usually a file
    /// system boot sector (FAT, NTFS) written over the whole disk.
    NotATable,
}

/// Interpret sector 0 (at least 512 bytes).
pub fn parse_mbr(sector: &[u8]) -> Mbr {
    if sector.len() < 512 || sector[510..512] != [0x55, 0xAA] {
        return Mbr::Absent;
    }
    let mut entries = Vec::new();
    for (i, e) in sector[446..510].chunks_exact(16).enumerate() {
        let status = e[0];
        let kind = e[4];
        let start_lba = u32::from_le_bytes([e[8], e[9], e[10], e[11]]);
        let sectors = u32::from_le_bytes([e[12], e[13], e[14], e[15]]);
        if status != 0 && status != 0x80 {
            return Mbr::NotATable;
        }
        if kind == 0 {
            continue;
        }
        if kind == 0xEE {
            return Mbr::Protective;
        }
        if start_lba == 0 || sectors == 0 {
            return Mbr::NotATable;
        }
        entries.push(MbrEntry {
            index: i as u32 + 1,
            bootable: status == 0x80,
            kind,
            start_lba,
            sectors,
        });
    }
    Mbr::Table(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sector_with(entries: &[(u8, u8, u32, u32)]) -> Vec<u8> {
        let mut s = vec![0u8; 512];
        s[510] = 0x55;
        s[511] = 0xAA;
        for (i, (status, kind, start, len)) in entries.iter().enumerate() {
            let o = 446 + i * 16;
            s[o] = *status;
            s[o + 4] = *kind;
            s[o + 8..o + 12].copy_from_slice(&start.to_le_bytes());
            s[o + 12..o + 16].copy_from_slice(&len.to_le_bytes());
        }
        s
    }

    #[test]
    fn reads_primary_entries() {
        let s = sector_with(&[(0x80, 0x07, 2048, 1000), (0, 0x83, 4096, 2000)]);
        let Mbr::Table(e) = parse_mbr(&s) else {
            panic!("expected a table")
        };
        assert_eq!(e.len(), 2);
        assert!(e[0].bootable);
        assert_eq!((e[1].index, e[1].kind, e[1].start_lba), (2, 0x83, 4096));
    }

    #[test]
    fn recognises_protective_and_garbage() {
        assert_eq!(
            parse_mbr(&sector_with(&[(0, 0xEE, 1, 99)])),
            Mbr::Protective
        );
        assert_eq!(
            parse_mbr(&sector_with(&[(0x12, 0x83, 1, 9)])),
            Mbr::NotATable
        );
        assert_eq!(parse_mbr(&[0u8; 512]), Mbr::Absent);
    }
}
