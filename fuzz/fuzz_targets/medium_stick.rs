//! A Ferry USB stick: its GPT (the partition named FERRY), the FAT volume
//! in it, `medium.toml`, the answer file and the payload parts joined.
#![no_main]

use std::io::{Cursor, Read};

use libfuzzer_sys::fuzz_target;
use medium::stick::{find_partition, Stick};

fuzz_target!(|data: &[u8]| {
    let Ok((start, len)) = find_partition(&mut Cursor::new(data)) else {
        return;
    };
    let Some(part) = usize::try_from(start)
        .ok()
        .zip(usize::try_from(len).ok())
        .and_then(|(s, l)| data.get(s..s.checked_add(l)?))
    else {
        return;
    };
    let Ok(stick) = Stick::open(Cursor::new(part.to_vec())) else {
        return;
    };
    let _ = stick.info();
    let _ = stick.answer();
    if let Ok((mut payload, _)) = stick.payload() {
        let _ = std::io::copy(&mut (&mut payload).take(4 << 20), &mut std::io::sink());
    };
});
