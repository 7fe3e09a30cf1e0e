//! The payload as media see it: its signed head read first, then its bytes
//! copied onto the medium and its stored bytes checked against the
//! signed digests in the same pass.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};
use payload::{Manifest, PayloadReader, TrustStore};

use bootkit::Bootkit;

#[derive(Debug, Clone)]
pub struct PayloadHead {
    pub manifest: Manifest,
    pub manifest_bytes: Vec<u8>,
    /// The payload's file name, kept on the medium.
    pub file_name: String,
    /// Whether the signature checked out against the boot kit's keys.
    pub verified: bool,
    /// Size of the payload in bytes.
    pub size: u64,
    pub trust: TrustStore,
}

impl PayloadHead {
    pub fn read(path: &Path, kit: &Bootkit, unsigned_ok: bool) -> Result<PayloadHead> {
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| anyhow!("{} is not a file", path.display()))?;
        let open = || File::open(path).with_context(|| format!("opening {}", path.display()));
        match PayloadReader::open(open()?, &kit.trust) {
            Ok(r) => Ok(PayloadHead {
                manifest: r.manifest().clone(),
                manifest_bytes: r.manifest_bytes().to_vec(),
                file_name,
                verified: true,
                size: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
                trust: kit.trust.clone(),
            }),
            Err(e) if unsigned_ok => {
                let u = payload::read_unverified(open()?)
                    .with_context(|| format!("{} is not a payload", path.display()))?;
                let manifest = u.manifest.map_err(|m| anyhow!("{}: {m}", path.display()))?;
                eprintln!(
                    "warning: {} does not verify ({e}); building anyway (--unsigned-ok)",
                    path.display()
                );
                Ok(PayloadHead {
                    manifest,
                    manifest_bytes: u.manifest_bytes,
                    file_name,
                    verified: false,
                    size: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
                    trust: kit.trust.clone(),
                })
            }
            Err(e) => bail!(
                "{} does not verify against the boot kit's keys ({} in {}): {e}; \
                 media are only built from signed payloads (--unsigned-ok for development)",
                path.display(),
                kit.trust.trusted().count(),
                kit.dir.join(bootkit::kit::KEYS).display()
            ),
        }
    }
}

/// Something that takes the payload's bytes in order.
pub trait Sink {
    fn take(&mut self, data: &[u8]) -> Result<()>;
}

/// Reads the payload file and hands every byte to the sink as it passes.
struct Tee<'a, S> {
    src: Box<dyn Read + 'a>,
    sink: &'a mut S,
    /// Why the sink refused bytes: reported instead of the reader's error.
    failed: Option<anyhow::Error>,
    done: u64,
    total: u64,
    progress: &'a mut dyn FnMut(u64, u64),
}

impl<S: Sink> Read for Tee<'_, S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.src.read(buf)?;
        if let Err(e) = self.sink.take(&buf[..n]) {
            self.failed = Some(e);
            return Err(io::Error::other("the medium could not take the payload"));
        }
        self.done += n as u64;
        (self.progress)(self.done, self.total);
        Ok(n)
    }
}

fn verify_through<S: Sink>(tee: &mut Tee<'_, S>, head: &PayloadHead, path: &Path) -> Result<()> {
    let reader = PayloadReader::open(&mut *tee, &head.trust)
        .with_context(|| format!("verifying {}", path.display()))?;
    if reader.manifest_bytes() != head.manifest_bytes {
        bail!("{} changed while the medium was built", path.display());
    }
    // The signature and every stored chunk's digest: the bytes copied are
    // then exactly the signed ones. Decompressing the frames is `payload
    // verify`'s check, and the installer's as it reads them.
    reader
        .check_stored_rest(|_| {})
        .with_context(|| format!("verifying {}", path.display()))?;
    Ok(())
}

/// Copy the payload into `sink`, checking the signature (again) and the
/// digest of every stored chunk on the way when the head verified (the
/// frames are not decompressed: the bytes copied are the signed ones).
/// Reads the file once.
pub fn copy_verified<S: Sink>(
    sink: &mut S,
    path: &Path,
    head: &PayloadHead,
    size: u64,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<()> {
    let src = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    copy_from(sink, Box::new(src), path, head, size, progress)
}

/// [`copy_verified`] from any reader (`path` names it in messages).
pub fn copy_from<'a, S: Sink>(
    sink: &'a mut S,
    src: Box<dyn Read + 'a>,
    path: &Path,
    head: &PayloadHead,
    size: u64,
    progress: &'a mut dyn FnMut(u64, u64),
) -> Result<()> {
    let mut tee = Tee {
        src,
        sink,
        failed: None,
        done: 0,
        total: size,
        progress,
    };
    let verified = if head.verified {
        verify_through(&mut tee, head, path)
    } else {
        Ok(())
    };
    let copied = verified.and_then(|()| {
        io::copy(&mut tee, &mut io::sink())
            .map(|_| ())
            .with_context(|| format!("reading {}", path.display()))
    });
    if let Some(e) = tee.failed.take() {
        return Err(e);
    }
    copied?;
    if tee.done != size {
        bail!(
            "{} is {} bytes now, {size} when the layout was made: it changed while \
             the medium was built",
            path.display(),
            tee.done
        );
    }
    Ok(())
}
