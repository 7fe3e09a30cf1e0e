//! Kernel modules made up for the tests: a minimal ELF with a
//! `.modinfo`, compressed as the packages compress them.
#![allow(clippy::unwrap_used)]

/// A minimal ELF64 object whose `.modinfo` holds `info`: what
/// `modinfo` reads of a module.
pub fn fake_module(info: &[&str]) -> Vec<u8> {
    let names = b"\0.shstrtab\0.modinfo\0";
    let mut modinfo_data = Vec::new();
    for i in info {
        modinfo_data.extend_from_slice(i.as_bytes());
        modinfo_data.push(0);
    }
    let names_off = 64u64;
    let info_off = names_off + names.len() as u64;
    let shoff = info_off + modinfo_data.len() as u64;
    let mut elf = vec![0u8; 64];
    elf[..6].copy_from_slice(b"\x7fELF\x02\x01");
    elf[0x28..0x30].copy_from_slice(&shoff.to_le_bytes());
    elf[0x3a..0x3c].copy_from_slice(&64u16.to_le_bytes());
    elf[0x3c..0x3e].copy_from_slice(&3u16.to_le_bytes());
    elf[0x3e..0x40].copy_from_slice(&1u16.to_le_bytes());
    elf.extend_from_slice(names);
    elf.extend_from_slice(&modinfo_data);
    let section = |name: u32, off: u64, size: u64| {
        let mut h = vec![0u8; 64];
        h[..4].copy_from_slice(&name.to_le_bytes());
        h[0x18..0x20].copy_from_slice(&off.to_le_bytes());
        h[0x20..0x28].copy_from_slice(&size.to_le_bytes());
        h
    };
    elf.extend(section(0, 0, 0));
    elf.extend(section(1, names_off, names.len() as u64));
    elf.extend(section(11, info_off, modinfo_data.len() as u64));
    elf
}

pub fn zstd(data: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
}

/// `data` in an xz file with a CRC32 check, as the kernel's
/// `xz --check=crc32` writes modules (lzma-rs's encoder writes no
/// check). The LZMA2 chunks are stored, not compressed.
pub fn xz(data: &[u8]) -> Vec<u8> {
    fn varint(out: &mut Vec<u8>, mut n: u64) {
        while n >= 0x80 {
            out.push((n as u8) | 0x80);
            n >>= 7;
        }
        out.push(n as u8);
    }
    let crc = |b: &[u8]| crc32fast::hash(b).to_le_bytes();
    let flags = [0x00, 0x01]; // CRC32 check
    let mut out = vec![0xfd, b'7', b'z', b'X', b'Z', 0x00];
    out.extend_from_slice(&flags);
    out.extend_from_slice(&crc(&flags));
    // Block header: 12 bytes; one filter, LZMA2 (0x21), 4 KiB dictionary.
    let header = [0x02, 0x00, 0x21, 0x01, 0x00, 0x00, 0x00, 0x00];
    let mut block = header.to_vec();
    block.extend_from_slice(&crc(&header));
    for (i, chunk) in data.chunks(0x10000).enumerate() {
        block.push(if i == 0 { 0x01 } else { 0x02 });
        block.extend_from_slice(&((chunk.len() - 1) as u16).to_be_bytes());
        block.extend_from_slice(chunk);
    }
    block.push(0x00);
    let unpadded = block.len() as u64 + 4;
    while block.len() % 4 != 0 {
        block.push(0);
    }
    block.extend_from_slice(&crc(data));
    out.extend_from_slice(&block);
    let mut index = vec![0x00];
    varint(&mut index, 1);
    varint(&mut index, unpadded);
    varint(&mut index, data.len() as u64);
    while index.len() % 4 != 0 {
        index.push(0);
    }
    let index_crc = crc(&index);
    index.extend_from_slice(&index_crc);
    out.extend_from_slice(&index);
    let mut footer = ((index.len() / 4 - 1) as u32).to_le_bytes().to_vec();
    footer.extend_from_slice(&flags);
    out.extend_from_slice(&crc(&footer));
    out.extend_from_slice(&footer);
    out.extend_from_slice(b"YZ");
    out
}
