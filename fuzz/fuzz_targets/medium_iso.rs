//! An ISO 9660 medium (DVD or image): volume descriptor, directories with
//! Rock Ridge names, files in extents, `medium.toml`, the embedded
//! checksum.
#![no_main]

use std::io::{Cursor, Read};

use libfuzzer_sys::fuzz_target;
use medium::iso::{Iso, IsoFile};

const MAX_ENTRIES: usize = 512;
const MAX_DEPTH: usize = 8;
const MAX_READ: u64 = 1 << 20;

fn walk(iso: &mut Iso<Cursor<&[u8]>>, dir: &str, depth: usize, seen: &mut usize) {
    let Ok(entries) = iso.read_dir(dir) else {
        return;
    };
    for e in entries {
        *seen += 1;
        if *seen > MAX_ENTRIES {
            return;
        }
        let path = format!("{dir}/{}", e.name);
        if e.is_dir {
            if depth < MAX_DEPTH && e.name != "." && e.name != ".." {
                walk(iso, &path, depth + 1, seen);
            }
        } else {
            let _ = iso.read(&path, MAX_READ);
            let mut f = IsoFile::new(iso.device(), &e);
            let _ = std::io::copy(&mut (&mut f).take(MAX_READ), &mut std::io::sink());
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(mut iso) = Iso::open(Cursor::new(data)) {
        let _ = iso.label();
        let _ = iso.medium_info();
        walk(&mut iso, "", 0, &mut 0);
    }
    let _ = medium::checksum::check(Cursor::new(data), |_, _| {});
});
