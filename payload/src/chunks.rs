//! Reading a component chunk by chunk while the chunks already read are
//! hashed on every core.
//!
//! The calling thread reads; the thread pool hashes; chunks come back to the
//! caller in order. At most a few chunks are in flight, so memory is bounded
//! by the chunk size, never by the component size.

use std::collections::VecDeque;
use std::io::Read;
use std::sync::mpsc;

use sha2::{Digest, Sha256};

use crate::container::Source;
use crate::Error;

/// Upper bound on bytes held in flight, whatever the chunk size.
const MAX_IN_FLIGHT_BYTES: u64 = 32 * 1024 * 1024;

type Hashed = (u64, Vec<u8>, [u8; 32]);

/// Reads `size` bytes of `what` from `src` in `chunk_size` pieces and calls
/// `each(index, bytes, sha256)` for every chunk in order. Stops at the first
/// error from reading or from `each`.
pub(crate) fn for_each_chunk<R: Read>(
    src: &mut Source<R>,
    what: &str,
    size: u64,
    chunk_size: u64,
    mut each: impl FnMut(u64, &[u8], [u8; 32]) -> Result<(), Error>,
) -> Result<(), Error> {
    for_each_chunk_buffer(src, what, size, chunk_size, |index, buf, digest| {
        each(index, buf, digest)
    })
}

/// [`for_each_chunk`] handing over the buffer itself: `each` may take it
/// and leave another in its place (the next chunk is read into whatever is
/// left), so a consumer keeps the bytes without copying them.
pub(crate) fn for_each_chunk_buffer<R: Read>(
    src: &mut Source<R>,
    what: &str,
    size: u64,
    chunk_size: u64,
    mut each: impl FnMut(u64, &mut Vec<u8>, [u8; 32]) -> Result<(), Error>,
) -> Result<(), Error> {
    let threads = rayon::current_num_threads() as u64;
    let in_flight = (2 * threads + 2)
        .min(MAX_IN_FLIGHT_BYTES / chunk_size)
        .max(2) as usize;
    let count = size.div_ceil(chunk_size);
    let mut pending: VecDeque<mpsc::Receiver<Hashed>> = VecDeque::with_capacity(in_flight);
    let mut spare: Vec<Vec<u8>> = Vec::with_capacity(in_flight);

    let mut deliver = |rx: mpsc::Receiver<Hashed>, spare: &mut Vec<Vec<u8>>| -> Result<(), Error> {
        // A worker only drops its sender after sending.
        let (index, mut buf, digest) = rx
            .recv()
            .map_err(|_| Error::Build("a hashing thread stopped unexpectedly".into()))?;
        each(index, &mut buf, digest)?;
        spare.push(buf);
        Ok(())
    };

    for index in 0..count {
        let start = index * chunk_size;
        let len = chunk_size.min(size - start) as usize;
        let mut buf = spare.pop().unwrap_or_default();
        // Reused buffers keep their length, so this rarely writes anything.
        buf.resize(len, 0);
        src.fill(&mut buf, &|| {
            format!("{what} (bytes {start}..{})", start + len as u64)
        })?;
        let (tx, rx) = mpsc::sync_channel(1);
        rayon::spawn(move || {
            let digest: [u8; 32] = Sha256::digest(&buf).into();
            let _ = tx.send((index, buf, digest));
        });
        pending.push_back(rx);
        if pending.len() >= in_flight {
            if let Some(rx) = pending.pop_front() {
                deliver(rx, &mut spare)?;
            }
        }
    }
    while let Some(rx) = pending.pop_front() {
        deliver(rx, &mut spare)?;
    }
    Ok(())
}
