//! One chunk of a compressed component as the decompressor meets it: the
//! reader decompresses only frames whose digest the signed manifest lists,
//! but a hostile signer (or a builder's bug) chooses those bytes. The first
//! three bytes give the chunk's length (at most 1 MiB here), the rest is
//! the frame. It must never panic, never write past the buffer, and succeed
//! only when the frame gives exactly that many bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((head, frame)) = data.split_first_chunk::<3>() else {
        return;
    };
    let len = (u32::from_le_bytes([head[0], head[1], head[2], 0]) as usize) % ((1 << 20) + 1);
    let mut out = vec![0xa5u8; len];
    if payload::decompress_exact(frame, &mut out).is_ok() {
        assert_eq!(out.len(), len);
    }
});
