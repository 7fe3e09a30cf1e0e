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
use crate::{Cut, Error};

/// Upper bound on bytes held in flight, whatever the chunk size.
const MAX_IN_FLIGHT_BYTES: u64 = 32 * 1024 * 1024;

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
    each: impl FnMut(u64, &mut Vec<u8>, [u8; 32]) -> Result<(), Error>,
) -> Result<(), Error> {
    for_each_chunk_in(src, what, size, chunk_size, |len| vec![0u8; len], each)
}

/// [`for_each_chunk_buffer`] with buffers of the caller's type: a buffer
/// whose length is not that of the next chunk (a new one, the last chunk)
/// is replaced by `make(len)`; reused buffers of the right length are read
/// into as they are.
pub(crate) fn for_each_chunk_in<R: Read, B>(
    src: &mut Source<R>,
    what: &str,
    size: u64,
    chunk_size: u64,
    mut make: impl FnMut(usize) -> B,
    mut each: impl FnMut(u64, &mut B, [u8; 32]) -> Result<(), Error>,
) -> Result<(), Error>
where
    B: AsRef<[u8]> + AsMut<[u8]> + Default + Send + 'static,
{
    let threads = rayon::current_num_threads() as u64;
    let in_flight = (2 * threads + 2)
        .min(MAX_IN_FLIGHT_BYTES / chunk_size)
        .max(2) as usize;
    let count = size.div_ceil(chunk_size);
    let mut pending: VecDeque<mpsc::Receiver<(u64, B, [u8; 32])>> =
        VecDeque::with_capacity(in_flight);
    let mut spare: Vec<B> = Vec::with_capacity(in_flight);

    let mut deliver =
        |rx: mpsc::Receiver<(u64, B, [u8; 32])>, spare: &mut Vec<B>| -> Result<(), Error> {
            // A worker only drops its sender after sending.
            let (index, mut buf, digest) = rx.recv().map_err(|_| Error::WorkerStopped)?;
            each(index, &mut buf, digest)?;
            spare.push(buf);
            Ok(())
        };

    for index in 0..count {
        let start = index * chunk_size;
        let len = chunk_size.min(size - start) as usize;
        let mut buf = spare.pop().unwrap_or_default();
        if buf.as_ref().len() != len {
            buf = make(len);
        }
        src.fill(buf.as_mut(), &|| Cut::Bytes {
            component: what.to_string(),
            chunk: None,
            start,
            end: start + len as u64,
        })?;
        let (tx, rx) = mpsc::sync_channel(1);
        rayon::spawn(move || {
            let digest: [u8; 32] = Sha256::digest(buf.as_ref()).into();
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

/// The pipeline under every streaming pass of more than plain hashing
/// (compressing, verifying and decompressing): `produce(index)` runs on the
/// calling thread (it reads), `work` on the thread pool, and `deliver` gets
/// the results back on the calling thread in index order. At most
/// `in_flight` jobs exist at once, which bounds memory.
pub(crate) fn ordered<J, O>(
    count: u64,
    in_flight: usize,
    mut produce: impl FnMut(u64) -> Result<J, Error>,
    work: fn(J) -> O,
    mut deliver: impl FnMut(u64, O) -> Result<(), Error>,
) -> Result<(), Error>
where
    J: Send + 'static,
    O: Send + 'static,
{
    let in_flight = in_flight.max(1);
    let mut pending: VecDeque<(u64, mpsc::Receiver<O>)> = VecDeque::with_capacity(in_flight);
    let mut take = |index: u64, rx: mpsc::Receiver<O>| -> Result<(), Error> {
        // A worker only drops its sender after sending.
        let out = rx.recv().map_err(|_| Error::WorkerStopped)?;
        deliver(index, out)
    };
    for index in 0..count {
        let job = produce(index)?;
        let (tx, rx) = mpsc::sync_channel(1);
        rayon::spawn(move || {
            let _ = tx.send(work(job));
        });
        pending.push_back((index, rx));
        if pending.len() >= in_flight {
            if let Some((i, rx)) = pending.pop_front() {
                take(i, rx)?;
            }
        }
    }
    while let Some((i, rx)) = pending.pop_front() {
        take(i, rx)?;
    }
    Ok(())
}

/// How many chunks of `chunk_size` bytes a pipeline keeps in flight: enough
/// to keep every core busy, never more than [`MAX_IN_FLIGHT_BYTES`].
pub(crate) fn in_flight(chunk_size: u64) -> usize {
    let threads = rayon::current_num_threads() as u64;
    (2 * threads + 2)
        .min(MAX_IN_FLIGHT_BYTES / chunk_size.max(1))
        .max(2) as usize
}
