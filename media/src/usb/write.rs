//! `media-builder usb write`: one read of the image, written to every
//! target at once, synced, then read back past the page cache and
//! compared.
//!
//! Targets are written with O_DIRECT from page-aligned buffers (aligned
//! inside an ordinary `Vec`, so no unsafe code), then `fsync`ed so "done"
//! means on the stick; where O_DIRECT is refused (some file systems) the
//! writer falls back to buffered writes, `fsync` and `posix_fadvise
//! DONTNEED`, so the read-back comes from the stick, not from memory.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;
use std::thread;

use anyhow::{anyhow, Context, Result};
use blockdev::{Access, AlignedBuf};

const BLOCK: usize = 4 << 20;
/// Buffers in flight: the image is read ahead of the slowest target by at
/// most this many blocks.
const POOL: usize = 6;

/// A block of the image, page-aligned for O_DIRECT.
#[derive(Debug)]
struct Block {
    buf: AlignedBuf,
    len: usize,
}

impl Block {
    fn new() -> Block {
        Block {
            buf: AlignedBuf::new(BLOCK),
            len: 0,
        }
    }
    fn bytes(&self) -> &[u8] {
        &self.buf.as_ref()[..self.len]
    }
    fn fill(&mut self, src: &mut impl Read, n: usize) -> std::io::Result<()> {
        self.len = n;
        src.read_exact(&mut self.buf.as_mut()[..n])
    }
}

/// The size of an image: a file's length, or a block device's size.
pub fn image_size(path: &Path) -> std::io::Result<u64> {
    let meta = std::fs::metadata(path)?;
    if meta.is_file() || meta.file_type().is_block_device() {
        blockdev::size(&File::open(path)?)
    } else {
        Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not an image file or a disk",
        ))
    }
}

/// The logical sector size the partition table of the image at `path` is
/// made for (512 or 4096), read from its GPT; `None` without one.
pub fn image_sector_size(path: &Path) -> std::io::Result<Option<u64>> {
    let mut f = File::open(path)?;
    let size = blockdev::size(&f)?;
    Ok(detect::gpt::read_gpt(&mut f, size)
        .ok()
        .map(|t| t.sector_size))
}

/// Outcome per target.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Written {
    pub path: PathBuf,
    pub bytes: u64,
    pub verified: Option<bool>,
    pub error: Option<String>,
    pub seconds: f64,
}

/// Write `image` to every target; `progress(done, total)` counts image
/// bytes written (then read back, as a second pass of the same length).
pub fn write_all(
    image: &Path,
    targets: &[PathBuf],
    verify: bool,
    mut progress: impl FnMut(&str, u64, u64),
) -> Result<Vec<Written>> {
    let total = image_size(image).with_context(|| format!("reading {}", image.display()))?;
    let mut src = File::open(image).with_context(|| format!("opening {}", image.display()))?;
    let started = std::time::Instant::now();
    let mut senders = Vec::new();
    let mut handles = Vec::new();
    for t in targets {
        let (tx, rx) = sync_channel::<Arc<Block>>(POOL);
        let path = t.clone();
        handles.push(thread::spawn(move || write_one(&path, rx)));
        senders.push(tx);
    }
    let mut done = 0u64;
    let mut in_flight: std::collections::VecDeque<Arc<Block>> = Default::default();
    while done < total {
        let n = (total - done).min(BLOCK as u64) as usize;
        // Reuse the oldest buffer once every writer is done with it.
        let mut buf = if in_flight.len() < POOL {
            Block::new()
        } else {
            let mut oldest = in_flight
                .pop_front()
                .unwrap_or_else(|| Arc::new(Block::new()));
            loop {
                match Arc::try_unwrap(oldest) {
                    Ok(b) => break b,
                    Err(a) => {
                        oldest = a;
                        thread::sleep(std::time::Duration::from_micros(200));
                    }
                }
            }
        };
        buf.fill(&mut src, n)
            .with_context(|| format!("reading {}", image.display()))?;
        let buf = Arc::new(buf);
        in_flight.push_back(Arc::clone(&buf));
        // A target that failed has dropped its receiver; keep feeding the
        // others.
        senders.retain(|tx| tx.send(Arc::clone(&buf)).is_ok());
        if senders.is_empty() {
            break;
        }
        done += n as u64;
        progress("writing", done, total);
    }
    drop(senders);
    drop(in_flight);
    let mut results: Vec<Written> = handles
        .into_iter()
        .zip(targets)
        .map(|(h, t)| {
            let r = h
                .join()
                .unwrap_or_else(|_| Err(anyhow!("the writer thread failed")));
            Written {
                path: t.clone(),
                bytes: *r.as_ref().unwrap_or(&0),
                verified: None,
                error: r.err().map(|e| format!("{e:#}")),
                seconds: started.elapsed().as_secs_f64(),
            }
        })
        .collect();
    if verify {
        let ok: Vec<PathBuf> = results
            .iter()
            .filter(|w| w.error.is_none())
            .map(|w| w.path.clone())
            .collect();
        let same = verify_all(image, &ok, total, &mut progress)?;
        for w in &mut results {
            if let Some((_, r)) = same.iter().find(|(p, _)| *p == w.path) {
                match r {
                    Ok(v) => w.verified = Some(*v),
                    Err(e) => w.error = Some(e.clone()),
                }
            }
            w.seconds = started.elapsed().as_secs_f64();
        }
    }
    Ok(results)
}

fn write_one(path: &Path, rx: Receiver<Arc<Block>>) -> Result<u64> {
    let (mut f, mut direct) = blockdev::open_direct(path, Access::Write)
        .with_context(|| format!("opening {} for writing", path.display()))?;
    let mut n = 0u64;
    for buf in rx {
        let buf = buf.bytes();
        if direct && buf.len() % 512 != 0 {
            // The image's tail is not whole sectors: finish buffered, on
            // the same (exclusive) handle.
            blockdev::stop_direct(&f).with_context(|| format!("writing {}", path.display()))?;
            direct = false;
        }
        f.seek(SeekFrom::Start(n))
            .with_context(|| format!("writing {}", path.display()))?;
        f.write_all(buf).map_err(|e| {
            if e.raw_os_error() == Some(28) {
                anyhow!("{} is full after {n} bytes", path.display())
            } else {
                anyhow::Error::new(e).context(format!("writing {}", path.display()))
            }
        })?;
        n += buf.len() as u64;
    }
    f.sync_all()
        .with_context(|| format!("syncing {}", path.display()))?;
    drop_cache(&f);
    Ok(n)
}

/// Forget cached pages so a read-back comes from the device.
fn drop_cache(f: &File) {
    let _ = blockdev::drop_cache(f, 0, 0);
}

/// Read the next `n` bytes; an O_DIRECT read of a short tail that the
/// kernel refuses is retried through a buffered handle.
fn read_block(f: &mut File, path: &Path, b: &mut Block, n: usize) -> std::io::Result<()> {
    let at = f.stream_position()?;
    match b.fill(f, n) {
        Err(e) if blockdev::direct_refused(&e) => {
            let mut g = File::open(path)?;
            g.seek(SeekFrom::Start(at))?;
            b.fill(&mut g, n)?;
            f.seek(SeekFrom::Start(at + n as u64))?;
            Ok(())
        }
        r => r,
    }
}

type VerifyResult = Vec<(PathBuf, Result<bool, String>)>;

fn verify_all(
    image: &Path,
    targets: &[PathBuf],
    total: u64,
    progress: &mut impl FnMut(&str, u64, u64),
) -> Result<VerifyResult> {
    let mut src = File::open(image).with_context(|| format!("opening {}", image.display()))?;
    let mut readers: Vec<(PathBuf, Option<File>, Result<bool, String>)> = targets
        .iter()
        .map(|t| match blockdev::open_direct(t, Access::Read) {
            Ok((f, _)) => {
                drop_cache(&f);
                (t.clone(), Some(f), Ok(true))
            }
            Err(e) => (
                t.clone(),
                None,
                Err(format!("reopening {}: {e}", t.display())),
            ),
        })
        .collect();
    let mut a = vec![0u8; BLOCK];
    let mut done = 0u64;
    while done < total {
        let n = (total - done).min(BLOCK as u64) as usize;
        src.read_exact(&mut a[..n])
            .with_context(|| format!("reading {}", image.display()))?;
        let a = &a[..n];
        thread::scope(|s| {
            for (path, f, state) in readers.iter_mut() {
                if !matches!(state, Ok(true)) {
                    continue;
                }
                let Some(f) = f.as_mut() else { continue };
                s.spawn(move || {
                    let mut b = Block::new();
                    let r = read_block(f, path, &mut b, a.len());
                    match r {
                        Ok(()) if b.bytes() == a => {}
                        Ok(()) => *state = Ok(false),
                        Err(e) => *state = Err(format!("reading back {}: {e}", path.display())),
                    }
                });
            }
        });
        done += n as u64;
        progress("verifying", done, total);
    }
    Ok(readers.into_iter().map(|(p, _, s)| (p, s)).collect())
}
