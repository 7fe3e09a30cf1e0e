//! Compressing a component for a format 2 payload: the input is read once,
//! in chunks; every chunk is compressed (one zstd frame each) and hashed on
//! the thread pool while the next ones are read, and the frames are spooled
//! in order to a file the container is then written from.

use std::io::{Read, Write};

use sha2::{Digest, Sha256};

use crate::chunks::{in_flight, ordered};
use crate::container::Source;
use crate::manifest::{Chunk, Component, Compression, Sha256Digest};
use crate::{BuildProblem, Cut, Error, IoContext};

/// zstd's default level, and what `zstd -3` uses.
pub const DEFAULT_ZSTD_LEVEL: i32 = 3;

/// How a build stores a component's chunks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storing {
    /// As they are (format 1 when nothing else needs format 2).
    Raw,
    /// One zstd frame per chunk at this level; zero chunks stored as nothing.
    Zstd { level: i32 },
}

impl Storing {
    /// Parses `none`, `zstd` or `zstd:LEVEL` (1 to 22).
    pub fn parse(text: &str) -> Result<Storing, Error> {
        let bad = || {
            Error::Build(BuildProblem::UnknownCompression {
                text: text.to_string(),
            })
        };
        match text.split_once(':') {
            None if text == "none" => Ok(Storing::Raw),
            None if text == "zstd" => Ok(Storing::Zstd {
                level: DEFAULT_ZSTD_LEVEL,
            }),
            Some(("zstd", level)) => match level.parse::<i32>() {
                Ok(level) if (1..=22).contains(&level) => Ok(Storing::Zstd { level }),
                _ => Err(bad()),
            },
            _ => Err(bad()),
        }
    }
}

impl std::fmt::Display for Storing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Storing::Raw => f.write_str("none"),
            Storing::Zstd { level } => write!(f, "zstd:{level}"),
        }
    }
}

struct Job {
    input: Vec<u8>,
    level: i32,
}

struct Done {
    input: Vec<u8>,
    chunk: std::io::Result<(Chunk, Vec<u8>)>,
}

thread_local! {
    static COMPRESSOR: std::cell::RefCell<Option<(i32, zstd::bulk::Compressor<'static>)>> =
        const { std::cell::RefCell::new(None) };
}

fn compress_chunk(job: Job) -> Done {
    let chunk = if is_all_zero(&job.input) {
        Ok((Chunk::Zero, Vec::new()))
    } else {
        COMPRESSOR
            .with(|cell| {
                let mut cell = cell.borrow_mut();
                if cell.as_ref().map(|(l, _)| *l) != Some(job.level) {
                    *cell = Some((job.level, zstd::bulk::Compressor::new(job.level)?));
                }
                match cell.as_mut() {
                    Some((_, c)) => c.compress(&job.input),
                    None => Err(std::io::Error::other("no compressor")),
                }
            })
            .map(|frame| {
                let sha256 = Sha256Digest(Sha256::digest(&frame).into());
                let stored = frame.len() as u64;
                (Chunk::Frame { sha256, stored }, frame)
            })
    };
    Done {
        input: job.input,
        chunk,
    }
}

/// Whether every byte is zero. Folding blocks of 4 KiB with OR lets the
/// compiler compare them a vector at a time; `iter().all`, which stops at
/// the first non-zero byte, goes a byte at a time and cost 4 % of the
/// build's CPU on an image with free space.
fn is_all_zero(bytes: &[u8]) -> bool {
    bytes
        .chunks(4096)
        .all(|block| block.iter().fold(0u8, |acc, &b| acc | b) == 0)
}

/// Reads `size` bytes of component `name` from `src` once: the SHA-256 of
/// the whole (what `sha256sum` of the installed copy gives), and every
/// chunk compressed at `level` and written to `spool` in order, or recorded
/// as a zero chunk. `progress` gets the input bytes done.
pub fn compress_component<R: Read, W: Write>(
    name: &str,
    src: R,
    size: u64,
    chunk_size: u64,
    level: i32,
    spool: &mut W,
    progress: &mut dyn FnMut(u64),
) -> Result<Component, Error> {
    let mut src = Source::new(src);
    let mut whole = Sha256::new();
    let count = size.div_ceil(chunk_size.max(1));
    let mut chunks = Vec::with_capacity(count as usize);
    let spare: std::cell::RefCell<Vec<Vec<u8>>> = Default::default();
    ordered(
        count,
        in_flight(chunk_size),
        |index| {
            let start = index * chunk_size;
            let len = chunk_size.min(size - start) as usize;
            let mut input = spare.borrow_mut().pop().unwrap_or_default();
            input.resize(len, 0);
            src.fill(&mut input, &|| Cut::Bytes {
                component: name.to_string(),
                chunk: None,
                start,
                end: start + len as u64,
            })?;
            whole.update(&input);
            Ok(Job { input, level })
        },
        compress_chunk,
        |index, done| {
            let (chunk, frame) = done.chunk.map_err(|e| {
                Error::io(
                    IoContext::Compressing {
                        component: name.to_string(),
                        chunk: index,
                    },
                    e,
                )
            })?;
            spool.write_all(&frame).map_err(|e| {
                Error::io(
                    IoContext::WritingComponent {
                        component: name.to_string(),
                    },
                    e,
                )
            })?;
            chunks.push(chunk);
            progress(done.input.len() as u64);
            spare.borrow_mut().push(done.input);
            Ok(())
        },
    )?;
    src.expect_end(name)?;
    Ok(Component {
        name: name.to_string(),
        size,
        sha256: Sha256Digest(whole.finalize().into()),
        chunk_size,
        compression: Compression::Zstd,
        chunks,
    })
}

#[cfg(test)]
mod tests {
    use super::is_all_zero;

    #[test]
    fn a_single_set_bit_anywhere_makes_a_chunk_not_zero() {
        assert!(is_all_zero(&[]));
        for len in [1, 4095, 4096, 4097, 3 * 4096 + 17] {
            let mut bytes = vec![0u8; len];
            assert!(is_all_zero(&bytes), "{len} zeros");
            for at in [0, len / 2, len - 1] {
                bytes[at] = 0x80;
                assert!(!is_all_zero(&bytes), "{len} bytes, bit set at {at}");
                bytes[at] = 0;
            }
        }
    }
}
