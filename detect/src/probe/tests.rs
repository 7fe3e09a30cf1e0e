use super::*;
use std::io::Cursor;

const MIB: usize = 1024 * 1024;

fn put(b: &mut [u8], o: usize, bytes: &[u8]) {
    b[o..o + bytes.len()].copy_from_slice(bytes);
}

/// Every kind `probe_all` names on a device holding `img`.
fn kinds(img: &[u8]) -> Vec<String> {
    let mut dev = Cursor::new(img.to_vec());
    probe_all(&mut dev, 0, img.len() as u64)
        .expect("an in-memory device reads")
        .into_iter()
        .map(|f| f.kind)
        .collect()
}

fn fat_boot_sector(fat32: bool) -> Vec<u8> {
    let mut b = vec![0u8; 512];
    put(&mut b, 0, &[0xEB, 0x58, 0x90]);
    put(&mut b, 11, &512u16.to_le_bytes());
    b[13] = 4; // sectors per cluster
    put(&mut b, 14, &32u16.to_le_bytes()); // reserved
    b[16] = 2; // FATs
    b[21] = 0xF8; // media
    if fat32 {
        put(&mut b, 32, &262_144u32.to_le_bytes());
        put(&mut b, 36, &512u32.to_le_bytes());
        b[66] = 0x29;
        put(&mut b, 71, b"SYSTEM     ");
    } else {
        put(&mut b, 17, &512u16.to_le_bytes()); // root entries
        put(&mut b, 19, &8192u16.to_le_bytes()); // sectors: FAT12 sized
        put(&mut b, 22, &8u16.to_le_bytes());
        b[38] = 0x29;
        put(&mut b, 43, b"STICK      ");
    }
    put(&mut b, 510, &[0x55, 0xAA]);
    b
}

/// One image per family, made by hand at the documented places, with the
/// kind detection must name first.
fn families() -> Vec<(&'static str, Vec<u8>)> {
    let mut all = Vec::new();
    let mut add = |kind: &'static str, len: usize, f: &dyn Fn(&mut Vec<u8>)| {
        let mut b = vec![0u8; len];
        f(&mut b);
        all.push((kind, b));
    };
    let md1 = |b: &mut Vec<u8>, o: usize| {
        put(b, o, &0xa92b_4efcu32.to_le_bytes());
        put(b, o + 4, &1u32.to_le_bytes());
    };
    add("Linux RAID member (md 1.1)", MIB, &|b| md1(b, 0));
    add("Linux RAID member (md 1.2)", MIB, &|b| md1(b, 4096));
    // 1.0: 8 to 12 KiB before the end, 4 KiB-aligned; the size is not a
    // multiple of 4 KiB.
    add("Linux RAID member (md 1.0)", MIB + 3 * 512 + 100, &|b| {
        let sectors = b.len() / 512;
        md1(b, ((sectors - 16) & !7) * 512);
    });
    add("Linux RAID member (md 0.90)", MIB + 5000, &|b| {
        let o = (b.len() & !0xFFFF) - 0x10000;
        put(b, o, &0xa92b_4efcu32.to_be_bytes());
    });
    add("LUKS1", MIB, &|b| put(b, 0, b"LUKS\xBA\xBE\x00\x01"));
    add("LUKS2", MIB, &|b| put(b, 0, b"LUKS\xBA\xBE\x00\x02"));
    add(
        "LUKS2 (secondary header; the primary is damaged)",
        5 * MIB,
        &|b| put(b, 0x400000, b"SKUL\xBA\xBE\x00\x02"),
    );
    for s in 0..4 {
        add("LVM physical volume", MIB, &move |b| {
            put(b, s * 512, b"LABELONE");
            put(b, s * 512 + 24, b"LVM2 001");
        });
    }
    add("bcache", MIB, &|b| {
        put(
            b,
            4096 + 24,
            &[
                0xc6, 0x85, 0x73, 0xf6, 0x4e, 0x1a, 0x45, 0xca, 0x82, 0x65, 0xf5, 0x7f, 0x48, 0xba,
                0x6d, 0x81,
            ],
        )
    });
    for page in [4096, 8192, 16384, 32768, 65536] {
        add("Linux swap", MIB, &move |b| {
            put(b, page - 10, b"SWAPSPACE2")
        });
    }
    add("Linux swap", MIB, &|b| put(b, 4086, b"SWAP-SPACE"));
    add("Linux swap (hibernation image)", MIB, &|b| {
        put(b, 4086, b"S1SUSPEND")
    });
    add("ZFS pool member", MIB, &|b| {
        put(b, 128 * 1024 + 3 * 1024, &0x00ba_b10cu64.to_be_bytes())
    });
    add("ZFS pool member", 2 * MIB + 5000, &|b| {
        let end = b.len() & !(256 * 1024 - 1);
        put(
            b,
            end - 256 * 1024 + 128 * 1024,
            &0x00ba_b10cu64.to_le_bytes(),
        )
    });
    add("FAT32", MIB, &|b| put(b, 0, &fat_boot_sector(true)));
    add("FAT12", MIB, &|b| put(b, 0, &fat_boot_sector(false)));
    add("FAT32 (damaged boot sector)", MIB, &|b| {
        put(b, 512, b"RRaA");
        put(b, 512 + 484, b"rrAa");
    });
    add("FAT32 (damaged boot sector)", MIB, &|b| {
        put(b, 6 * 512, &fat_boot_sector(true))
    });
    add("FAT16 (damaged boot sector)", MIB, &|b| {
        put(b, 4 * 512, &[0xF8, 0xFF, 0xFF, 0xFF])
    });
    add("NTFS", MIB, &|b| put(b, 3, b"NTFS    "));
    add("NTFS (backup boot sector)", MIB + 300, &|b| {
        let last = (b.len() / 512 - 1) * 512;
        put(b, last + 3, b"NTFS    ")
    });
    add("exFAT", MIB, &|b| put(b, 3, b"EXFAT   "));
    add("exFAT (damaged boot sector)", MIB, &|b| {
        put(b, 12 * 512 + 3, b"EXFAT   ")
    });
    add("XFS", MIB, &|b| put(b, 0, b"XFSB"));
    add("ext2", MIB, &|b| put(b, 1080, &[0x53, 0xEF]));
    add("ext3", MIB, &|b| {
        put(b, 1080, &[0x53, 0xEF]);
        put(b, 1024 + 92, &4u32.to_le_bytes());
    });
    add("ext4", MIB, &|b| {
        put(b, 1080, &[0x53, 0xEF]);
        put(b, 1024 + 96, &0x40u32.to_le_bytes());
    });
    add("btrfs", MIB, &|b| put(b, 65536 + 64, b"_BHRfS_M"));
    add("squashfs", MIB, &|b| put(b, 0, b"hsqs"));
    add("squashfs", MIB, &|b| put(b, 0, b"sqsh"));
    add("EROFS", MIB, &|b| put(b, 1024, &[0xE2, 0xE1, 0xF5, 0xE0]));
    add("F2FS", MIB, &|b| put(b, 1024, &[0x10, 0x20, 0xF5, 0xF2]));
    add("ISO 9660", MIB, &|b| put(b, 32769, b"CD001"));
    add("UDF", MIB, &|b| {
        put(b, 32768 + 1, b"BEA01");
        put(b, 32768 + 2048 + 1, b"NSR03");
    });
    add("HFS+", MIB, &|b| put(b, 1024, b"H+\x00\x04"));
    add("APFS", MIB, &|b| put(b, 32, b"NXSB"));
    add("JFS", MIB, &|b| put(b, 32768, b"JFS1"));
    all
}

#[test]
fn every_family_is_named() {
    for (kind, img) in families() {
        let found = kinds(&img);
        assert_eq!(found.first().map(String::as_str), Some(kind), "{found:?}");
    }
    assert!(kinds(&vec![0u8; MIB]).is_empty());
}

#[test]
fn labels_are_read() {
    let mut b = vec![0u8; MIB];
    put(&mut b, 1080, &[0x53, 0xEF]);
    put(&mut b, 1024 + 120, b"home");
    assert_eq!(identify(&b).and_then(|f| f.label), Some("home".into()));
    let fat = fat_boot_sector(true);
    assert_eq!(identify(&fat).and_then(|f| f.label), Some("SYSTEM".into()));
    let fat = fat_boot_sector(false);
    assert_eq!(identify(&fat).and_then(|f| f.label), Some("STICK".into()));
}

/// Every family cut short at every length (in steps, and around the
/// places probes read) and hidden in ranges of odd sizes: nothing panics,
/// and a device too short for the start of the range it is asked about is
/// an error, never "nothing found".
#[test]
fn truncated_and_odd_sized_ranges() {
    for (kind, img) in families() {
        let cuts = (0..img.len()).step_by(8191).chain([
            img.len() - 1,
            1,
            511,
            512,
            513,
            4095,
            4097,
            65535,
            65537,
            69631,
        ]);
        for cut in cuts.filter(|&c| c <= img.len()) {
            let _ = identify(&img[..cut]);
            let mut dev = Cursor::new(img[..cut].to_vec());
            let _ = probe_all(&mut dev, 0, cut as u64).expect("inside the device");
            let mut dev = Cursor::new(img[..cut].to_vec());
            let result = probe_all(&mut dev, 0, img.len() as u64);
            if cut < HEAD_LEN as usize {
                assert!(
                    result.is_err(),
                    "{kind}: a device of {cut} bytes asked for {} must fail",
                    img.len()
                );
            }
        }
        // The same image as a partition starting at an odd byte of a larger
        // device, and ranges that overflow.
        let mut disk = vec![0u8; 777];
        disk.extend(&img);
        let mut dev = Cursor::new(disk);
        let found = probe_all(&mut dev, 777, img.len() as u64).expect("inside");
        assert_eq!(found.first().map(|f| f.kind.as_str()), Some(kind));
        assert!(probe_all(&mut dev, u64::MAX - 10, 100).is_err());
        assert!(probe_all(&mut dev, u64::MAX, u64::MAX).is_err());
    }
}

#[test]
fn huge_ranges_read_little() {
    // A range claiming 2^64 - 1 bytes over a small device: the probes at
    // the end fail to read, and nothing overflows.
    let mut dev = Cursor::new(vec![0u8; 4096]);
    assert!(probe_all(&mut dev, 0, u64::MAX).is_err());
    assert_eq!(probe(&mut dev, 0, u64::MAX), None);
    assert!(probe_all(&mut dev, 0, 0).expect("empty range").is_empty());
}
