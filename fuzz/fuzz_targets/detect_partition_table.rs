//! GPT and MBR as detection reads them from any disk in the machine.
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() >= 512 {
        let _ = detect::mbr::parse_mbr(&data[..512]);
    }
    // The header parser on each sector, as if read from LBA 1.
    let sectors = (data.len() / 512) as u64;
    for (lba, sector) in data.chunks(512).enumerate().take(4) {
        if let Ok(h) = detect::gpt::parse_header(sector, lba as u64, sectors.max(1)) {
            let _ = h;
        }
    }
    for size in [128, 256] {
        let _ = detect::gpt::parse_entries(data, size);
    }
    let _ = detect::gpt::read_gpt(&mut Cursor::new(data), data.len() as u64);
});
