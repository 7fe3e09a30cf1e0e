//! Property tests: corrupt GPT headers, partition entries, FAT boot
//! sectors, state records and whole images never make detection panic.

mod common;

use common::*;
use detect::layout::Role;
use detect::layout::Slot;
use detect::{gpt, mbr, scan, StateRecord};
use proptest::prelude::*;
use std::io::Cursor;
use std::sync::OnceLock;

/// A small Ferry image (FAT12 partitions) kept in memory.
fn small_image() -> &'static Vec<u8> {
    static IMAGE: OnceLock<Vec<u8>> = OnceLock::new();
    IMAGE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("small.img");
        let setup = FerrySetup {
            sizes: vec![
                (Role::Esp, Some(1)),
                (Role::Root(Slot::A), Some(1)),
                (Role::Root(Slot::B), Some(1)),
                (Role::Config, Some(1)),
                (Role::Data, Some(1)),
            ],
            ..FerrySetup::default()
        };
        build_ferry_image(&path, &setup);
        std::fs::read(&path).expect("read image")
    })
}

/// Sector-aligned regions worth damaging: MBR + primary GPT, the ESP and
/// config boot sectors, FATs and root directories, the backup GPT.
fn hot_offset() -> impl Strategy<Value = usize> {
    let img = small_image().len();
    prop_oneof![
        0usize..(3 * 512),
        (1usize << 20)..((1 << 20) + 16 * 1024),
        (4usize << 20)..((4 << 20) + 16 * 1024),
        (img - 33 * 512)..img,
    ]
}

fn rescan(img: &[u8]) -> detect::scan::Scan {
    let mut dev = Cursor::new(img.to_vec());
    scan(&mut dev, img.len() as u64, 512)
}

/// Recompute a GPT header's CRC so mutations get past the checksum.
fn fix_header_crc(sector: &mut [u8]) {
    let size = (u32::from_le_bytes([sector[12], sector[13], sector[14], sector[15]]) as usize)
        .clamp(92, 512);
    sector[16..20].fill(0);
    let crc = crc32fast::hash(&sector[..size]);
    sector[16..20].copy_from_slice(&crc.to_le_bytes());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn gpt_header_bytes_never_panic(mut sector in prop::collection::vec(any::<u8>(), 512), lba in 0u64..100, sectors in 0u64..1000) {
        sector[..8].copy_from_slice(b"EFI PART");
        let _ = gpt::parse_header(&sector, lba, sectors);
        fix_header_crc(&mut sector);
        let _ = gpt::parse_header(&sector, lba, sectors);
    }

    #[test]
    fn partition_entries_never_panic(array in prop::collection::vec(any::<u8>(), 0..2048), size in 0usize..300) {
        let _ = gpt::parse_entries(&array, size);
    }

    #[test]
    fn mbr_and_probe_never_panic(sector in prop::collection::vec(any::<u8>(), 0..4096)) {
        let _ = mbr::parse_mbr(&sector);
        let _ = detect::probe::identify(&sector);
    }

    #[test]
    fn damaged_images_never_panic(damage in prop::collection::vec((hot_offset(), any::<u8>()), 1..24)) {
        let mut img = small_image().clone();
        for (at, byte) in damage {
            img[at] = byte;
        }
        let _ = rescan(&img);
    }

    #[test]
    fn valid_crc_with_hostile_fields_never_panics(fields in prop::collection::vec((24usize..92, any::<u8>()), 1..8)) {
        let mut img = small_image().clone();
        for (at, byte) in fields {
            img[512 + at] = byte;
        }
        fix_header_crc(&mut img[512..1024]);
        let _ = rescan(&img);
    }

    #[test]
    fn fat_boot_sectors_never_panic(bpb in prop::collection::vec(any::<u8>(), 90), which in 0usize..2) {
        // Overwrite the BPB (bytes 3..93) of the ESP or config FAT.
        let mut img = small_image().clone();
        let start = if which == 0 { 1 << 20 } else { 4 << 20 };
        img[start + 3..start + 93].copy_from_slice(&bpb);
        let _ = rescan(&img);
    }

    #[test]
    fn truncated_images_never_panic(len in 0usize..(6 << 20)) {
        let img = small_image();
        let _ = rescan(&img[..len.min(img.len())]);
    }

    /// Bytes written anywhere on a disk of any size (not only multiples of
    /// 512): a disk reported blank has only zeros in its first and last MiB.
    #[test]
    fn blank_disks_are_zero_at_both_ends(size in 512usize..(3 << 20), writes in prop::collection::vec((any::<usize>(), 1u8..), 0..4)) {
        let mut img = vec![0u8; size];
        for (at, byte) in &writes {
            img[at % size] = *byte;
        }
        let s = rescan(&img);
        let n = size.min(detect::whole::ZERO_CHECK_LEN);
        let ends_zero = img[..n].iter().chain(&img[size - n..]).all(|&b| b == 0);
        prop_assert_eq!(matches!(s.content, detect::Content::Blank), ends_zero, "{:?}", s.content);
    }

    #[test]
    fn state_records_never_panic(text in "\\PC{0,400}") {
        let _ = StateRecord::parse(&text);
    }

    #[test]
    fn mutated_state_records_never_panic(cuts in prop::collection::vec((0usize..STATE_A_GOOD.len(), "\\PC{0,8}"), 1..6)) {
        let mut text = STATE_A_GOOD.to_string();
        for (at, insert) in cuts {
            let at = (0..=at.min(text.len())).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
            text.insert_str(at, &insert);
        }
        let _ = StateRecord::parse(&text);
    }

    #[test]
    fn boot_entry_names_never_panic(name in "\\PC{0,40}") {
        let _ = detect::boot::parse_entry_file_name(&name);
        let _ = detect::boot::loader_default(&name);
        let entries = detect::boot::ferry_entries(std::slice::from_ref(&name));
        let _ = detect::boot::default_entry(&entries, Some(&name));
    }

    #[test]
    fn globs_never_panic(pattern in "[*?\\[\\]!^a-c-]{0,12}", text in "[a-c\\[\\]-]{0,12}") {
        let _ = detect::boot::glob_match(&pattern, &text);
    }
}

#[test]
fn deeply_nested_state_record_is_refused() {
    let text = format!(
        "format = 1\nx = {}1{}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    assert!(StateRecord::parse(&text).is_err());
}
