//! El Torito boot catalog, the isolinux boot info table, and the
//! isohybrid MBR that lets the same image boot from a stick.

/// The boot record volume descriptor (block 17).
pub fn boot_record(catalog_lba: u32) -> [u8; 2048] {
    let mut b = [0u8; 2048];
    b[0] = 0;
    b[1..6].copy_from_slice(b"CD001");
    b[6] = 1;
    b[7..7 + 23].copy_from_slice(b"EL TORITO SPECIFICATION");
    b[0x47..0x4B].copy_from_slice(&catalog_lba.to_le_bytes());
    b
}

/// Catalog: validation entry, BIOS default entry (no emulation, 4 sectors
/// of isolinux.bin), then a final UEFI section with the FAT image.
pub fn catalog(isolinux_lba: u32, efi_lba: u32, efi_bytes: u64) -> [u8; 2048] {
    let mut c = [0u8; 2048];
    c[0] = 0x01;
    c[1] = 0; // x86
    c[4..4 + 5].copy_from_slice(b"FERRY");
    c[30] = 0x55;
    c[31] = 0xAA;
    let sum = c[..32].chunks_exact(2).fold(0u16, |a, w| {
        a.wrapping_add(u16::from_le_bytes([w[0], w[1]]))
    });
    c[28..30].copy_from_slice(&0u16.wrapping_sub(sum).to_le_bytes());

    let e = &mut c[32..64];
    e[0] = 0x88;
    e[1] = 0; // no emulation
    e[6..8].copy_from_slice(&4u16.to_le_bytes());
    e[8..12].copy_from_slice(&isolinux_lba.to_le_bytes());

    let h = &mut c[64..96];
    h[0] = 0x91; // final section header
    h[1] = 0xEF; // UEFI
    h[2..4].copy_from_slice(&1u16.to_le_bytes());

    let e = &mut c[96..128];
    e[0] = 0x88;
    e[1] = 0;
    // Sector count: 512-byte sectors when it fits, else 0 ("to the end");
    // 65535 for a larger image makes some readers see only 32 MiB.
    let sectors = efi_bytes.div_ceil(512);
    let count = if sectors <= 0xFFFF { sectors as u16 } else { 0 };
    e[6..8].copy_from_slice(&count.to_le_bytes());
    e[8..12].copy_from_slice(&efi_lba.to_le_bytes());
    c
}

/// Patch isolinux.bin's boot info table (bytes 8-63).
pub fn patch_boot_info(isolinux: &mut [u8], file_lba: u32) {
    let sum = isolinux[64..]
        .chunks(4)
        .map(|w| {
            let mut b = [0u8; 4];
            b[..w.len()].copy_from_slice(w);
            u32::from_le_bytes(b)
        })
        .fold(0u32, u32::wrapping_add);
    isolinux[8..12].copy_from_slice(&16u32.to_le_bytes());
    isolinux[12..16].copy_from_slice(&file_lba.to_le_bytes());
    let len = isolinux.len() as u32;
    isolinux[16..20].copy_from_slice(&len.to_le_bytes());
    isolinux[20..24].copy_from_slice(&sum.to_le_bytes());
    isolinux[24..64].fill(0);
}

fn chs(lba: u64) -> [u8; 3] {
    // The 64 heads × 32 sectors geometry isohybrid uses.
    let (heads, sectors) = (64u64, 32u64);
    let c = lba / (heads * sectors);
    if c > 1023 {
        return [0xFE, 0xFF, 0xFF];
    }
    let h = (lba / sectors) % heads;
    let s = lba % sectors + 1;
    [h as u8, (s as u8) | (((c >> 8) as u8) << 6), c as u8]
}

fn mbr_entry(boot: bool, kind: u8, start: u64, sectors: u64) -> [u8; 16] {
    let mut e = [0u8; 16];
    e[0] = if boot { 0x80 } else { 0 };
    e[1..4].copy_from_slice(&chs(start));
    e[4] = kind;
    e[5..8].copy_from_slice(&chs(start + sectors.max(1) - 1));
    e[8..12].copy_from_slice(&(start.min(u32::MAX as u64) as u32).to_le_bytes());
    e[12..16].copy_from_slice(&(sectors.min(u32::MAX as u64) as u32).to_le_bytes());
    e
}

/// The first 512 bytes: `isohdpfx.bin`, isolinux.bin's 512-byte sector
/// number, a disk signature, partition 1 (0x17, bootable) over the image
/// and partition 2 (0xEF) over the EFI image, so UEFI firmware finds it
/// on a stick.
pub fn hybrid_mbr(
    isohdpfx: &[u8],
    isolinux_lba: u32,
    signature: u32,
    image_bytes: u64,
    efi_lba: u32,
    efi_bytes: u64,
) -> [u8; 512] {
    let mut m = [0u8; 512];
    m[..432].copy_from_slice(&isohdpfx[..432]);
    m[432..440].copy_from_slice(&(u64::from(isolinux_lba) * 4).to_le_bytes());
    m[440..444].copy_from_slice(&signature.to_le_bytes());
    m[446..462].copy_from_slice(&mbr_entry(true, 0x17, 0, image_bytes / 512));
    m[462..478].copy_from_slice(&mbr_entry(
        false,
        0xEF,
        u64::from(efi_lba) * 4,
        efi_bytes.div_ceil(512),
    ));
    m[510] = 0x55;
    m[511] = 0xAA;
    m
}
