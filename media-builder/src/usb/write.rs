//! `media-builder usb write`: one read of the image, written to every
//! target at once, synced, then read back past the page cache and
//! compared.
//!
//! Targets are written with O_DIRECT from page-aligned buffers (aligned
//! inside an ordinary `Vec`, so no unsafe code), then `fsync`ed so "done"
//! means on the stick; where O_DIRECT is refused (some file systems) the
//! writer falls back to buffered writes, `fsync` and `posix_fadvise
//! DONTNEED`, so the read-back comes from the stick, not from memory.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::os::unix::io::AsFd;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;
use std::thread;

use anyhow::{anyhow, bail, Context, Result};

const BLOCK: usize = 4 << 20;
const ALIGN: usize = 4096;
/// Buffers in flight: the image is read ahead of the slowest target by at
/// most this many blocks.
const POOL: usize = 6;

/// A block of the image in a page-aligned window of a `Vec`.
#[derive(Debug)]
struct AlignedBuf {
    data: Vec<u8>,
    off: usize,
    len: usize,
}

impl AlignedBuf {
    fn new() -> AlignedBuf {
        let data = vec![0u8; BLOCK + ALIGN];
        let off = data.as_ptr().align_offset(ALIGN);
        AlignedBuf { data, off, len: 0 }
    }
    fn bytes(&self) -> &[u8] {
        &self.data[self.off..self.off + self.len]
    }
    fn fill(&mut self, src: &mut impl Read, n: usize) -> std::io::Result<()> {
        self.len = n;
        src.read_exact(&mut self.data[self.off..self.off + n])
    }
}

fn open_direct(path: &Path, write: bool) -> std::io::Result<(File, bool)> {
    let mut o = OpenOptions::new();
    o.read(!write).write(write);
    if write && !path.exists() {
        o.create(true);
    }
    match o.clone().custom_flags(libc::O_DIRECT).open(path) {
        Ok(f) => Ok((f, true)),
        Err(e) if e.raw_os_error() == Some(libc::EINVAL) => Ok((o.open(path)?, false)),
        Err(e) => Err(e),
    }
}

/// What is known about a target before writing.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Target {
    pub path: PathBuf,
    pub is_block_device: bool,
    pub size: u64,
    pub model: Option<String>,
    pub serial: Option<String>,
    pub removable: Option<bool>,
}

/// Why a target was refused.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Refusal {
    pub path: PathBuf,
    pub reason: String,
}

fn sys_block(dev: &Path) -> Option<PathBuf> {
    let real = dev.canonicalize().ok()?;
    let name = real.file_name()?.to_string_lossy().into_owned();
    let p = Path::new("/sys/block").join(&name);
    p.exists().then_some(p)
}

fn read_sys(p: PathBuf) -> Option<String> {
    std::fs::read_to_string(p)
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

pub fn inspect(path: &Path) -> Result<Target> {
    if !path.exists()
        && path
            .parent()
            .is_some_and(|p| p.as_os_str().is_empty() || p.is_dir())
    {
        // A new image file, as `dd` would create it.
        return Ok(Target {
            path: path.to_path_buf(),
            is_block_device: false,
            size: 0,
            model: None,
            serial: None,
            removable: None,
        });
    }
    let meta = std::fs::metadata(path).with_context(|| format!("opening {}", path.display()))?;
    let is_block = meta.file_type().is_block_device();
    if !is_block && !meta.is_file() {
        bail!("{} is neither a block device nor a file", path.display());
    }
    let size = if is_block {
        let mut f = File::open(path).with_context(|| format!("opening {}", path.display()))?;
        f.seek(SeekFrom::End(0))
            .with_context(|| format!("measuring {}", path.display()))?
    } else {
        meta.len()
    };
    let sys = if is_block { sys_block(path) } else { None };
    let (model, serial, removable) = match &sys {
        Some(s) => (
            read_sys(s.join("device/model")),
            read_sys(s.join("device/serial")).or_else(|| read_sys(s.join("serial"))),
            read_sys(s.join("removable")).map(|r| r == "1"),
        ),
        None => (None, None, None),
    };
    Ok(Target {
        path: path.to_path_buf(),
        is_block_device: is_block,
        size,
        model,
        serial,
        removable,
    })
}

/// Mounted devices (first field of /proc/mounts) and the one holding /.
fn mounts() -> (Vec<String>, Option<String>) {
    let text = std::fs::read_to_string("/proc/self/mounts").unwrap_or_default();
    let mut all = Vec::new();
    let mut root = None;
    for line in text.lines() {
        let mut f = line.split_whitespace();
        let (Some(dev), Some(at)) = (f.next(), f.next()) else {
            continue;
        };
        if dev.starts_with("/dev/") {
            let real = Path::new(dev)
                .canonicalize()
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_else(|_| dev.to_string());
            if at == "/" {
                root = Some(real.clone());
            }
            all.push(real);
        }
    }
    (all, root)
}

/// Check a target against the image; `Err` carries the refusal.
pub fn check(t: &Target, image_size: u64, force: bool) -> Result<(), Refusal> {
    let refuse = |reason: String| {
        Err(Refusal {
            path: t.path.clone(),
            reason,
        })
    };
    if t.is_block_device {
        let name = t
            .path
            .canonicalize()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (mounted, root) = mounts();
        // A partition of this disk is /dev/sdb1 or /dev/nvme0n1p1.
        let ours = |m: &str| {
            m == name
                || (m.starts_with(&name)
                    && m[name.len()..]
                        .trim_start_matches('p')
                        .chars()
                        .all(|c| c.is_ascii_digit()))
        };
        if root.as_deref().is_some_and(ours) {
            return refuse(format!("{name} holds the running system"));
        }
        if let Some(m) = mounted.iter().find(|m| ours(m)) {
            return refuse(format!("{m} is mounted; unmount it first"));
        }
        if t.removable != Some(true) && !force {
            return refuse(format!(
                "{name} is not a removable device; add --force if you are sure"
            ));
        }
    }
    if t.is_block_device && t.size < image_size {
        return refuse(format!(
            "{} holds {} bytes, the image needs {image_size}",
            t.path.display(),
            t.size
        ));
    }
    Ok(())
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
    let mut src = File::open(image).with_context(|| format!("opening {}", image.display()))?;
    let total = src
        .metadata()
        .with_context(|| format!("reading {}", image.display()))?
        .len();
    let started = std::time::Instant::now();
    let mut senders = Vec::new();
    let mut handles = Vec::new();
    for t in targets {
        let (tx, rx) = sync_channel::<Arc<AlignedBuf>>(POOL);
        let path = t.clone();
        handles.push(thread::spawn(move || write_one(&path, rx)));
        senders.push(tx);
    }
    let mut done = 0u64;
    let mut in_flight: std::collections::VecDeque<Arc<AlignedBuf>> = Default::default();
    while done < total {
        let n = (total - done).min(BLOCK as u64) as usize;
        // Reuse the oldest buffer once every writer is done with it.
        let mut buf = if in_flight.len() < POOL {
            AlignedBuf::new()
        } else {
            let mut oldest = in_flight
                .pop_front()
                .unwrap_or_else(|| Arc::new(AlignedBuf::new()));
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

fn write_one(path: &Path, rx: Receiver<Arc<AlignedBuf>>) -> Result<u64> {
    let (mut f, mut direct) = open_direct(path, true)
        .with_context(|| format!("opening {} for writing", path.display()))?;
    let mut n = 0u64;
    for buf in rx {
        let buf = buf.bytes();
        if direct && buf.len() % 512 != 0 {
            // The image's tail is not whole sectors: finish buffered.
            f = OpenOptions::new()
                .write(true)
                .open(path)
                .with_context(|| format!("opening {} for writing", path.display()))?;
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
    let _ = nix::fcntl::posix_fadvise(
        f.as_fd(),
        0,
        0,
        nix::fcntl::PosixFadviseAdvice::POSIX_FADV_DONTNEED,
    );
}

/// Read the next `n` bytes; an O_DIRECT read of a short tail that the
/// kernel refuses is retried through a buffered handle.
fn read_block(f: &mut File, path: &Path, b: &mut AlignedBuf, n: usize) -> std::io::Result<()> {
    let at = f.stream_position()?;
    match b.fill(f, n) {
        Err(e) if e.raw_os_error() == Some(libc::EINVAL) => {
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
        .map(|t| match open_direct(t, false) {
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
                    let mut b = AlignedBuf::new();
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
