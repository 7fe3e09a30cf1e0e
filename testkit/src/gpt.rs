//! Editing the GPT of an image file in place, as damage or a hostile
//! writer would leave it: entries and header fields of both copies are
//! changed and every checksum is recomputed, so the table still passes its
//! CRC checks. 512-byte sectors.

use std::fs::OpenOptions;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

/// Sector size of the images edited.
pub const SECTOR: u64 = 512;
/// Size of one partition entry.
const ENTRY: usize = 128;

fn le64(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes"))
}

/// Byte offset of a header field, for [`edit_gpt`]'s header closure.
pub mod field {
    pub const MY_LBA: usize = 24;
    pub const ALTERNATE_LBA: usize = 32;
    pub const FIRST_USABLE: usize = 40;
    pub const LAST_USABLE: usize = 48;
    pub const ENTRIES_LBA: usize = 72;
}

/// Set the 64-bit little-endian field at `at` of a header or an entry.
pub fn put64(b: &mut [u8], at: usize, v: u64) {
    b[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

/// Call `edit` with the header sector and the entry array of the primary
/// copy, then of the backup copy (found where the primary says), and write
/// both back with their checksums recomputed.
pub fn edit_gpt(path: &Path, mut edit: impl FnMut(&mut [u8], &mut [u8])) {
    let mut f = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .expect("open image");
    let mut primary = vec![0u8; SECTOR as usize];
    read(&mut f, SECTOR, &mut primary);
    assert_eq!(&primary[..8], b"EFI PART", "no primary GPT");
    let backup_lba = le64(&primary, field::ALTERNATE_LBA);
    for lba in [1, backup_lba] {
        let mut header = vec![0u8; SECTOR as usize];
        read(&mut f, lba * SECTOR, &mut header);
        assert_eq!(&header[..8], b"EFI PART", "no GPT header at sector {lba}");
        let array_at = le64(&header, field::ENTRIES_LBA) * SECTOR;
        let len = le32(&header, 80) as usize * le32(&header, 84) as usize;
        let mut array = vec![0u8; len];
        read(&mut f, array_at, &mut array);
        edit(&mut header, &mut array);
        header[88..92].copy_from_slice(&crc32fast::hash(&array).to_le_bytes());
        let size = le32(&header, 12) as usize;
        header[16..20].fill(0);
        let crc = crc32fast::hash(&header[..size]);
        header[16..20].copy_from_slice(&crc.to_le_bytes());
        write(&mut f, lba * SECTOR, &header);
        write(&mut f, array_at, &array);
    }
    f.sync_all().expect("sync image");
}

/// Set the first and last LBA of entry `index` (1-based) in both copies.
pub fn set_lbas(path: &Path, index: u32, first: u64, last: u64) {
    edit_gpt(path, |_, array| {
        let e = entry_mut(array, index);
        put64(e, 32, first);
        put64(e, 40, last);
    });
}

/// First and last LBA of entry `index` (1-based), from the primary copy.
pub fn lbas(path: &Path, index: u32) -> (u64, u64) {
    let mut f = std::fs::File::open(path).expect("open image");
    let mut header = vec![0u8; SECTOR as usize];
    read(&mut f, SECTOR, &mut header);
    let at = le64(&header, field::ENTRIES_LBA) * SECTOR + u64::from(index - 1) * ENTRY as u64;
    let mut e = [0u8; ENTRY];
    read(&mut f, at, &mut e);
    (le64(&e, 32), le64(&e, 40))
}

/// Sectors of the image.
pub fn sectors(path: &Path) -> u64 {
    std::fs::metadata(path).expect("image").len() / SECTOR
}

fn entry_mut(array: &mut [u8], index: u32) -> &mut [u8] {
    let at = (index as usize - 1) * ENTRY;
    &mut array[at..at + ENTRY]
}

fn read(f: &mut std::fs::File, at: u64, buf: &mut [u8]) {
    f.seek(SeekFrom::Start(at)).expect("seek");
    f.read_exact(buf).expect("read");
}

fn write(f: &mut std::fs::File, at: u64, buf: &[u8]) {
    f.seek(SeekFrom::Start(at)).expect("seek");
    f.write_all(buf).expect("write");
}
