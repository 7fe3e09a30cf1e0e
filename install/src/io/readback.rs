//! Read a written component back from the target and compare it with the
//! signed manifest: a range of the disk chunk by chunk (the calling thread
//! reads; the chunks already read are hashed on the other cores, so the
//! check runs at disk speed), the runs the writer hands over beside the
//! write, or a file on a volume as a whole.

use std::collections::VecDeque;
use std::io::{Read, Seek, SeekFrom};
use std::sync::mpsc;

use payload::{Chunk, Component};
use sha2::{Digest, Sha256};

use crate::error::{Act, Error, IoContext, Object};

type Hashed = (u64, Vec<u8>, [u8; 32]);

/// Read `component.size` bytes of `dev` from `offset` and check each chunk
/// against the component's chunk hashes (stored as it is), or the whole
/// against its SHA-256 (compressed: the chunk hashes are of the stored
/// frames); `progress` gets byte counts.
pub fn verify_range<D: Read + Seek>(
    dev: &mut D,
    offset: u64,
    component: &Component,
    what: &Object,
    progress: &mut dyn FnMut(u64),
) -> Result<(), Error> {
    dev.seek(SeekFrom::Start(offset))
        .ctx(|| Act::ReadingBack.on(what.clone()))?;
    let chunk = component.chunk_size;
    let count = component.size.div_ceil(chunk);
    let in_flight = (2 * rayon::current_num_threads() + 2).clamp(2, 32);
    let mut pending: VecDeque<mpsc::Receiver<Hashed>> = VecDeque::new();
    let mut spare: Vec<Vec<u8>> = Vec::new();
    let mut whole = (!component.compression.is_none()).then(Sha256::new);
    let mut check = |rx: mpsc::Receiver<Hashed>, spare: &mut Vec<Vec<u8>>| -> Result<(), Error> {
        let (index, buf, digest) = rx
            .recv()
            .map_err(|_| Error::ThreadStopped("hashing thread"))?;
        let ok = match (&mut whole, component.chunks.get(index as usize)) {
            (Some(whole), Some(_)) => {
                whole.update(&buf);
                true
            }
            (None, Some(Chunk::Raw(d))) => d.0 == digest,
            _ => false,
        };
        if !ok {
            let (start, end) = component.chunk_range(index);
            return Err(Error::ReadBack {
                what: what.clone(),
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
            .ctx(|| Act::ReadingBack.on(what.clone()).at(start))?;
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
    if let Some(whole) = whole {
        if <[u8; 32]>::from(whole.finalize()) != component.sha256.0 {
            return Err(Error::ReadBack {
                what: what.clone(),
                start: 0,
                end: component.size,
            });
        }
    }
    Ok(())
}

/// Read a written copy of `component` from `src` (a file on a volume) to
/// its end and compare its length and SHA-256 with the manifest's;
/// `progress` gets byte counts.
pub fn verify_stream<S: Read>(
    src: &mut S,
    component: &Component,
    what: &Object,
    progress: &mut dyn FnMut(u64),
) -> Result<(), Error> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut len = 0u64;
    loop {
        let n = src
            .read(&mut buf)
            .ctx(|| Act::ReadingBack.on(what.clone()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        len += n as u64;
        progress(n as u64);
    }
    let digest: [u8; 32] = hasher.finalize().into();
    if len != component.size || digest != component.sha256.0 {
        return Err(Error::ReadBack {
            what: what.clone(),
            start: 0,
            end: component.size,
        });
    }
    Ok(())
}

/// A chunk the writer wrote: where, and the CRC32 of its bytes, taken from
/// the buffer that had just matched the manifest's SHA-256.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// Chunk index in the component.
    pub index: u64,
    /// Byte offset on the disk.
    pub offset: u64,
    /// Length in bytes.
    pub len: usize,
    /// CRC32 of the verified bytes.
    pub crc: u32,
}

/// A read-back running beside the write: it reads each run of chunks the
/// writer hands it from the disk itself and compares every chunk with the
/// CRC32 recorded when the verified chunk was handed to the writer.
#[derive(Debug)]
pub struct BackgroundCheck {
    thread: std::thread::JoinHandle<Result<u64, Error>>,
    done: std::sync::Arc<std::sync::atomic::AtomicU64>,
    finished: mpsc::Receiver<()>,
    component: Component,
    what: Object,
}

impl BackgroundCheck {
    /// Start checking the runs of `component`'s chunks that arrive on
    /// `runs`, each a contiguous range on the disk, in chunk order. The
    /// check ends when the sender is dropped or a chunk differs.
    pub fn spawn(
        reader: crate::device::DiskReader,
        runs: mpsc::Receiver<Vec<Written>>,
        component: Component,
        what: Object,
    ) -> BackgroundCheck {
        let done = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let (finish, finished) = mpsc::sync_channel(1);
        let counter = done.clone();
        let chunk_size = component.chunk_size;
        let label = what.clone();
        let thread = std::thread::spawn(move || {
            let result = check_runs(&reader, &runs, chunk_size, &label, &counter);
            let _ = finish.send(());
            result
        });
        BackgroundCheck {
            thread,
            done,
            finished,
            component,
            what,
        }
    }

    /// Wait for the check to end; `progress` gets byte counts as they are
    /// checked. Succeeds only when every chunk of the component was read
    /// back and matched.
    pub fn wait(self, progress: &mut dyn FnMut(u64)) -> Result<(), Error> {
        use std::sync::atomic::Ordering;
        let mut told = 0;
        loop {
            let over = !matches!(
                self.finished
                    .recv_timeout(std::time::Duration::from_millis(100)),
                Err(mpsc::RecvTimeoutError::Timeout)
            );
            let now = self.done.load(Ordering::Relaxed);
            if now > told {
                progress(now - told);
                told = now;
            }
            if over {
                break;
            }
        }
        let chunks = self
            .thread
            .join()
            .map_err(|_| Error::ThreadStopped("read-back thread"))??;
        let count = self.component.size.div_ceil(self.component.chunk_size);
        if chunks != count {
            let (start, _) = self.component.chunk_range(chunks.min(count));
            return Err(Error::ReadBackIncomplete {
                what: self.what.clone(),
                at: start,
            });
        }
        Ok(())
    }
}

/// The body of the read-back thread: returns the number of chunks checked.
fn check_runs(
    reader: &crate::device::DiskReader,
    runs: &mpsc::Receiver<Vec<Written>>,
    chunk_size: u64,
    what: &Object,
    done: &std::sync::atomic::AtomicU64,
) -> Result<u64, Error> {
    let mut next = 0u64;
    let mut buf = Vec::new();
    for run in runs {
        let (Some(first), Some(last)) = (run.first(), run.last()) else {
            continue;
        };
        let start = first.offset;
        let len = (last.offset + last.len as u64 - start) as usize;
        reader.prepare(start, len as u64).ctx(|| {
            Act::ReadingBack
                .on(what.clone())
                .at(first.index * chunk_size)
        })?;
        let bytes = reader.read_at(start, len, &mut buf).ctx(|| {
            Act::ReadingBack
                .on(what.clone())
                .at(first.index * chunk_size)
        })?;
        for w in &run {
            let at = (w.offset - start) as usize;
            let ok = w.index == next
                && bytes
                    .get(at..at + w.len)
                    .is_some_and(|b| crc32fast::hash(b) == w.crc);
            if !ok {
                let start = w.index * chunk_size;
                return Err(Error::ReadBack {
                    what: what.clone(),
                    start,
                    end: start + w.len as u64,
                });
            }
            next += 1;
            done.fetch_add(w.len as u64, std::sync::atomic::Ordering::Relaxed);
        }
    }
    Ok(next)
}
