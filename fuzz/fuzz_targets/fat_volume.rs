//! A FAT volume from an untrusted disk or stick, held in memory: opening
//! it (boot sector, chain check), walking every directory, reading every
//! file, the directory repair a write ends with, and the swap that puts a
//! new `BOOTX64.EFI` in place on a target's ESP. Both ways Ferry opens
//! FAT: `fat::Volume` (sticks, targets) and detection's read-only one.
#![no_main]

use std::io::Cursor;

use fat::{FixedTime, Volume};
use libfuzzer_sys::fuzz_target;

/// Bounds on the walk, so one input cannot take long.
const MAX_ENTRIES: usize = 512;
const MAX_DEPTH: usize = 8;
const MAX_READ: u64 = 1 << 20;

fn walk<D: std::io::Read + std::io::Write + std::io::Seek>(
    v: &Volume<D>,
    dir: &str,
    depth: usize,
    seen: &mut usize,
) {
    let Ok(list) = v.list(dir) else { return };
    for (name, is_dir, _) in list {
        *seen += 1;
        if *seen > MAX_ENTRIES {
            return;
        }
        let path = if dir.is_empty() {
            name
        } else {
            format!("{dir}/{name}")
        };
        if is_dir {
            if depth < MAX_DEPTH {
                walk(v, &path, depth + 1, seen);
            }
        } else {
            let _ = v.read(&path, MAX_READ);
            let _ = v.exists(&path);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let _ = fat::check_chains(&mut Cursor::new(data));

    if let Ok(v) = Volume::open(Cursor::new(data.to_vec()), FixedTime::from_unix(0)) {
        let _ = v.label();
        let _ = v.free_bytes();
        walk(&v, "", 0, &mut 0);
    }

    let mut copy = Cursor::new(data.to_vec());
    let _ = fat::repair(&mut copy);
    let mut copy = Cursor::new(data.to_vec());
    let _ = fat::swap_files(&mut copy, "EFI/BOOT", "BOOTX64.EFI", "BOOTX64.NEW");

    // Detection opens FAT read-only and reads what a Ferry ESP and config
    // partition hold.
    let mut dev = Cursor::new(data);
    if let Ok(fs) = detect::fat::open(&mut dev, 0, data.len() as u64) {
        for dir in [
            "loader",
            detect::layout::LOADER_ENTRIES_DIR,
            "EFI",
            "EFI/BOOT",
        ] {
            if let Ok(Some(names)) = detect::fat::list_dir(&fs, dir) {
                for n in names.iter().take(MAX_ENTRIES) {
                    let path = format!("{dir}/{n}");
                    let _ = detect::fat::read_file(&fs, &path, MAX_READ as usize);
                    let _ = detect::fat::dir_exists(&fs, &path);
                }
            }
        }
        for file in [detect::layout::STATE_PATH, detect::layout::LOADER_CONF_PATH] {
            let _ = detect::fat::read_file(&fs, file, MAX_READ as usize);
        }
    };
});
