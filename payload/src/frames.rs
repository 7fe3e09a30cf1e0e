//! Reading a compressed component: the calling thread reads each chunk's
//! stored bytes; the thread pool checks their SHA-256 against the signed
//! manifest and only then decompresses them, into a buffer of exactly the
//! chunk's signed length; chunks come back to the caller in order. Zero
//! chunks, of which nothing is stored, come back as a length.

use std::cell::RefCell;
use std::io::Read;

use sha2::{Digest, Sha256};

use crate::chunks::{in_flight, ordered};
use crate::container::Source;
use crate::manifest::{max_stored_len, Chunk, Component};
use crate::{Cut, Error, FrameProblem, LayoutProblem};

/// One piece of a component, as a reader delivers it.
#[derive(Debug)]
pub enum Piece<'a, B> {
    /// The verified (and decompressed) bytes of one chunk.
    Data(&'a mut B),
    /// This many zero bytes: a zero chunk, of which nothing was stored.
    Zeros(u64),
}

/// Where [`read_frames`] delivers each piece, with its stored length.
pub(crate) type PieceSink<'s, B> = dyn FnMut(Piece<'_, B>, u64) -> Result<(), Error> + 's;

enum Job<B> {
    Zero(u64),
    Frame {
        stored: Vec<u8>,
        expected: [u8; 32],
        out: B,
    },
}

enum Done<B> {
    Zero(u64),
    Frame {
        stored: Vec<u8>,
        out: Result<B, FrameError>,
    },
}

enum FrameError {
    /// The stored bytes are not the signed ones.
    Digest,
    /// Signed, but not a frame of the signed length.
    Decode(FrameProblem),
}

thread_local! {
    static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> =
        const { RefCell::new(None) };
}

fn decode<B: AsMut<[u8]>>(job: Job<B>) -> Done<B> {
    match job {
        Job::Zero(len) => Done::Zero(len),
        Job::Frame {
            stored,
            expected,
            mut out,
        } => {
            let digest: [u8; 32] = Sha256::digest(&stored).into();
            let result = if digest != expected {
                Err(FrameError::Digest)
            } else {
                decompress_exact(&stored, out.as_mut())
                    .map(|()| out)
                    .map_err(FrameError::Decode)
            };
            Done::Frame {
                stored,
                out: result,
            }
        }
    }
}

/// Decompresses `frame` into `out`, which it must fill exactly: a frame
/// that would expand beyond `out` stops at its end (an error), one that
/// gives less is an error too. The error says why.
/// Public for the fuzz target; readers call it only on signed frames.
pub fn decompress_exact(frame: &[u8], out: &mut [u8]) -> Result<(), FrameProblem> {
    let len = out.len() as u64;
    let got = DECOMPRESSOR.with(|cell| {
        let mut cell = cell.borrow_mut();
        let d = match &mut *cell {
            Some(d) => d,
            None => cell.insert(zstd::bulk::Decompressor::new().map_err(|e| {
                FrameProblem::NoDecompressor {
                    detail: e.to_string(),
                }
            })?),
        };
        d.decompress_to_buffer(frame, out).map_err(|e| {
            // zstd tells a full buffer only in its message.
            let detail = e.to_string();
            if detail.contains("too small") {
                FrameProblem::Beyond { len }
            } else {
                FrameProblem::NotZstd { detail }
            }
        })
    })?;
    if got as u64 != len {
        return Err(FrameProblem::Short {
            got: got as u64,
            len,
        });
    }
    Ok(())
}

/// Reads compressed `component` from `src` (positioned at its first stored
/// byte) and calls `sink(piece, stored)` for every chunk in order, `stored`
/// being the bytes it took in the payload. `make(len)` gives a buffer for a
/// chunk of `len` bytes where the sink left none of that length.
pub(crate) fn read_frames<R: Read, B>(
    src: &mut Source<R>,
    component: &Component,
    make: &mut dyn FnMut(usize) -> B,
    sink: &mut PieceSink<'_, B>,
) -> Result<(), Error>
where
    B: AsRef<[u8]> + AsMut<[u8]> + Default + Send + 'static,
{
    let name = component.name.as_str();
    let count = component.chunks.len() as u64;
    let spare_out: RefCell<Vec<B>> = RefCell::new(Vec::new());
    let spare_in: RefCell<Vec<Vec<u8>>> = RefCell::new(Vec::new());
    ordered(
        count,
        in_flight(component.chunk_size),
        |index| {
            let (start, end) = component.chunk_range(index);
            let len = end - start;
            let chunk = component.chunks.get(index as usize).copied();
            match chunk {
                Some(Chunk::Zero) => Ok(Job::Zero(len)),
                Some(Chunk::Frame { sha256, stored }) if stored <= max_stored_len(len) => {
                    let mut buf = spare_in.borrow_mut().pop().unwrap_or_default();
                    buf.resize(stored as usize, 0);
                    src.fill(&mut buf, &|| Cut::Bytes {
                        component: name.to_string(),
                        chunk: Some(index),
                        start,
                        end,
                    })?;
                    let mut out = spare_out.borrow_mut().pop().unwrap_or_default();
                    if out.as_ref().len() as u64 != len {
                        out = make(len as usize);
                    }
                    Ok(Job::Frame {
                        stored: buf,
                        expected: sha256.0,
                        out,
                    })
                }
                _ => Err(not_a_frame(name, index, len)),
            }
        },
        decode::<B>,
        |index, done| match done {
            Done::Zero(len) => sink(Piece::Zeros(len), 0),
            Done::Frame { stored, out } => {
                let (start, end) = component.chunk_range(index);
                let mut out = out.map_err(|e| match e {
                    FrameError::Digest => component.chunk_mismatch(index),
                    FrameError::Decode(reason) => Error::BadFrame {
                        component: name.to_string(),
                        chunk: index,
                        start,
                        end,
                        reason,
                    },
                })?;
                let n = stored.len() as u64;
                spare_in.borrow_mut().push(stored);
                sink(Piece::Data(&mut out), n)?;
                spare_out.borrow_mut().push(out);
                Ok(())
            }
        },
    )
}

/// The error of chunk `index` of `component`, of `len` bytes, that the
/// manifest does not give as a frame a reader may take.
fn not_a_frame(component: &str, index: u64, len: u64) -> Error {
    Error::Layout(LayoutProblem::NotAFrame {
        component: component.to_string(),
        chunk: index,
        max: max_stored_len(len),
    })
}

fn stored_digest(stored: Vec<u8>) -> (Vec<u8>, [u8; 32]) {
    let digest = Sha256::digest(&stored).into();
    (stored, digest)
}

/// Reads compressed `component` from `src` (positioned at its first stored
/// byte) and checks every frame's stored bytes against its signed digest on
/// the thread pool, without decompressing it: the bytes read are then
/// exactly the signed ones, which is what copying a payload needs. Whether
/// each frame decompresses to its chunk is [`read_frames`]'s check.
/// `progress` gets the stored bytes of every chunk checked.
pub(crate) fn check_frames<R: Read>(
    src: &mut Source<R>,
    component: &Component,
    progress: &mut dyn FnMut(u64),
) -> Result<(), Error> {
    let name = component.name.as_str();
    let count = component.chunks.len() as u64;
    let spare: RefCell<Vec<Vec<u8>>> = RefCell::new(Vec::new());
    ordered(
        count,
        in_flight(component.chunk_size),
        |index| {
            let (start, end) = component.chunk_range(index);
            let len = end - start;
            match component.chunks.get(index as usize).copied() {
                Some(Chunk::Zero) => Ok(Vec::new()),
                Some(Chunk::Frame { stored, .. }) if stored <= max_stored_len(len) => {
                    let mut buf = spare.borrow_mut().pop().unwrap_or_default();
                    buf.resize(stored as usize, 0);
                    src.fill(&mut buf, &|| Cut::Bytes {
                        component: name.to_string(),
                        chunk: Some(index),
                        start,
                        end,
                    })?;
                    Ok(buf)
                }
                _ => Err(not_a_frame(name, index, len)),
            }
        },
        stored_digest,
        |index, (stored, digest)| {
            match component.chunks.get(index as usize) {
                Some(Chunk::Frame { sha256, .. }) if sha256.0 == digest => {}
                Some(Chunk::Zero) => {}
                _ => return Err(component.chunk_mismatch(index)),
            }
            progress(stored.len() as u64);
            spare.borrow_mut().push(stored);
            Ok(())
        },
    )
}
