//! Read a written component back from the target and compare every chunk
//! with the signed manifest. The calling thread reads; the chunks already
//! read are hashed on the other cores, so the check runs at disk speed.

use std::collections::VecDeque;
use std::io::{Read, Seek, SeekFrom};
use std::sync::mpsc;

use payload::Component;
use sha2::{Digest, Sha256};

use crate::error::{Error, IoContext};

type Hashed = (u64, Vec<u8>, [u8; 32]);

/// Read `component.size` bytes of `dev` from `offset` and check each chunk
/// against the component's chunk hashes; `progress` gets byte counts.
pub fn verify_range<D: Read + Seek>(
    dev: &mut D,
    offset: u64,
    component: &Component,
    what: &str,
    progress: &mut dyn FnMut(u64),
) -> Result<(), Error> {
    dev.seek(SeekFrom::Start(offset))
        .ctx(|| format!("reading {what} back"))?;
    let chunk = component.chunk_size;
    let count = component.size.div_ceil(chunk);
    let in_flight = (2 * rayon::current_num_threads() + 2).clamp(2, 32);
    let mut pending: VecDeque<mpsc::Receiver<Hashed>> = VecDeque::new();
    let mut spare: Vec<Vec<u8>> = Vec::new();
    let mut check = |rx: mpsc::Receiver<Hashed>, spare: &mut Vec<Vec<u8>>| -> Result<(), Error> {
        let (index, buf, digest) = rx
            .recv()
            .map_err(|_| Error::Other("a hashing thread stopped unexpectedly".into()))?;
        let expected = component.chunks.get(index as usize).map(|d| d.0);
        if expected != Some(digest) {
            let (start, end) = component.chunk_range(index);
            return Err(Error::ReadBack {
                what: what.to_string(),
                start,
                end,
            });
        }
        progress(buf.len() as u64);
        spare.push(buf);
        Ok(())
    };
    for index in 0..count {
        let start = index * chunk;
        let len = chunk.min(component.size - start) as usize;
        let mut buf = spare.pop().unwrap_or_default();
        buf.resize(len, 0);
        dev.read_exact(&mut buf)
            .ctx(|| format!("reading {what} back at byte {start}"))?;
        let (tx, rx) = mpsc::sync_channel(1);
        rayon::spawn(move || {
            let digest: [u8; 32] = Sha256::digest(&buf).into();
            let _ = tx.send((index, buf, digest));
        });
        pending.push_back(rx);
        if pending.len() >= in_flight {
            if let Some(rx) = pending.pop_front() {
                check(rx, &mut spare)?;
            }
        }
    }
    while let Some(rx) = pending.pop_front() {
        check(rx, &mut spare)?;
    }
    Ok(())
}
