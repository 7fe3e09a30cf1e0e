//! The checksum a Ferry ISO carries in its primary volume descriptor's
//! application-use area, and the "check this medium" pass.
//!
//! Two sums, both computed with the application-use area (512 bytes at
//! byte 883 of the PVD) read as spaces, since they are written there last:
//!
//! - `FERRY BLAKE3`: BLAKE3 over the BLAKE3 of each 1 MiB chunk of the
//!   whole volume (volume space size × 2048 bytes). Chunked so a builder
//!   can hash chunks on several cores; BLAKE3 rather than SHA-256 because
//!   it is a cryptographic hash at a quarter of the CPU time, and building
//!   an ISO already spends SHA-256 time verifying the payload.
//! - optionally `ISO MD5SUM` with `FRAGMENT SUMS`, exactly as Anaconda's
//!   `implantisomd5` writes them, so `checkisomd5` (Debian package
//!   `isomd5sum`) can check a Ferry medium too. MD5 guards against damage
//!   here, not tampering: the payload carries its own signature.

use std::io::{Read, Seek, SeekFrom};

use md5::{Digest as _, Md5};

use crate::{Access, Damage, Error, NotIso};

pub const SECTOR: u64 = 2048;
/// Byte offset of the PVD's application-use area in the image.
pub const APP_USE_OFFSET: u64 = 16 * SECTOR + 883;
pub const APP_USE_LEN: usize = 512;
/// Chunk size of the Ferry SHA-256.
pub const CHUNK: usize = 1 << 20;
/// implantisomd5 leaves the last 15 sectors out of its sum.
pub const MD5_SKIP_SECTORS: u64 = 15;
const MD5_READ: usize = 32 * 1024;
const FRAGMENT_COUNT: u64 = 20;
const FRAGMENT_CHARS: usize = 3;

/// BLAKE3 over the BLAKE3 digests of 1 MiB chunks, fed in order.
#[derive(Debug, Clone, Default)]
pub struct ChunkedHash {
    outer: blake3::Hasher,
    chunk: blake3::Hasher,
    fill: usize,
}

impl ChunkedHash {
    pub fn new() -> ChunkedHash {
        ChunkedHash::default()
    }

    /// The digest of one full chunk (or the last, shorter one), for callers
    /// that hash chunks elsewhere; do not mix with [`ChunkedHash::update`]
    /// inside a chunk.
    pub fn chunk_digest(data: &[u8]) -> [u8; 32] {
        blake3::hash(data).into()
    }

    /// Add the digest of the next chunk.
    pub fn push_chunk_digest(&mut self, digest: &[u8; 32]) {
        self.outer.update(digest);
    }

    pub fn update(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            let n = (CHUNK - self.fill).min(data.len());
            self.chunk.update(&data[..n]);
            self.fill += n;
            data = &data[n..];
            if self.fill == CHUNK {
                let d = std::mem::take(&mut self.chunk).finalize();
                self.outer.update(d.as_bytes());
                self.fill = 0;
            }
        }
    }

    pub fn finalize(mut self) -> [u8; 32] {
        if self.fill > 0 {
            let d = std::mem::take(&mut self.chunk).finalize();
            self.outer.update(d.as_bytes());
        }
        self.outer.finalize().into()
    }
}

/// implantisomd5's sum: MD5 over the volume less its last 15 sectors, with
/// a 3-hex-digit "fragment sum" taken at 20 points along the way. It reads
/// in 32 KiB steps and samples after the step in which a fragment starts;
/// this reproduces that exactly.
#[derive(Debug, Clone)]
pub struct IsoMd5 {
    ctx: Md5,
    covered: u64,
    fragment_size: u64,
    offset: u64,
    previous: u64,
    buf: Vec<u8>,
    sums: String,
}

impl IsoMd5 {
    /// For a volume of `volume_bytes` bytes.
    pub fn new(volume_bytes: u64) -> IsoMd5 {
        let covered = volume_bytes.saturating_sub(MD5_SKIP_SECTORS * SECTOR);
        IsoMd5 {
            ctx: Md5::new(),
            covered,
            fragment_size: (covered / (FRAGMENT_COUNT + 1)).max(1),
            offset: 0,
            previous: 0,
            buf: Vec::with_capacity(MD5_READ),
            sums: String::new(),
        }
    }

    /// Feed image bytes in order (bytes past the covered range are ignored).
    pub fn update(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            let consumed = self.offset + self.buf.len() as u64;
            if consumed >= self.covered {
                return;
            }
            let want = (MD5_READ - self.buf.len()).min((self.covered - consumed) as usize);
            let n = want.min(data.len());
            self.buf.extend_from_slice(&data[..n]);
            data = &data[n..];
            if self.buf.len() == MD5_READ || consumed + n as u64 == self.covered {
                self.step();
            }
        }
    }

    fn step(&mut self) {
        self.ctx.update(&self.buf);
        let current = self.offset / self.fragment_size;
        if current != self.previous {
            let d = self.ctx.clone().finalize();
            for b in d.iter().take(FRAGMENT_CHARS) {
                // printf("%01x") then keep one character: the high digit,
                // or the only one for bytes below 16.
                let s = format!("{b:x}");
                self.sums.push_str(&s[..1]);
            }
            self.previous = current;
        }
        self.offset += self.buf.len() as u64;
        self.buf.clear();
    }

    /// (hex MD5, fragment sums).
    pub fn finalize(mut self) -> (String, String) {
        if !self.buf.is_empty() {
            self.step();
        }
        (hex::encode(self.ctx.finalize()), self.sums)
    }
}

/// Both sums, fed the image in order with the application-use area blank.
#[derive(Debug, Clone)]
pub struct ImageHasher {
    pub ferry: ChunkedHash,
    pub md5: Option<IsoMd5>,
}

impl ImageHasher {
    pub fn new(volume_bytes: u64, with_md5: bool) -> ImageHasher {
        ImageHasher {
            ferry: ChunkedHash::new(),
            md5: with_md5.then(|| IsoMd5::new(volume_bytes)),
        }
    }

    pub fn update(&mut self, data: &[u8]) {
        self.ferry.update(data);
        if let Some(m) = &mut self.md5 {
            m.update(data);
        }
    }

    pub fn finalize(self) -> Sums {
        Sums {
            ferry: self.ferry.finalize(),
            md5: self.md5.map(IsoMd5::finalize),
        }
    }
}

/// What an image's application-use area records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sums {
    /// The Ferry chunked BLAKE3.
    pub ferry: [u8; 32],
    /// (hex MD5, fragment sums) as implantisomd5 writes them.
    pub md5: Option<(String, String)>,
}

impl Sums {
    /// The 512 bytes to put in the application-use area.
    pub fn app_use_area(&self) -> [u8; APP_USE_LEN] {
        let mut text = String::new();
        if let Some((md5, frags)) = &self.md5 {
            text.push_str(&format!(
                "ISO MD5SUM = {md5};SKIPSECTORS = {MD5_SKIP_SECTORS};RHLISOSTATUS=0;\
                 FRAGMENT SUMS = {frags};FRAGMENT COUNT = {FRAGMENT_COUNT};"
            ));
        }
        text.push_str(&format!(
            "FERRY BLAKE3 = {};FERRY CHUNK = {CHUNK};",
            hex::encode(self.ferry)
        ));
        let mut out = [b' '; APP_USE_LEN];
        let n = text.len().min(APP_USE_LEN - 1);
        out[..n].copy_from_slice(&text.as_bytes()[..n]);
        out
    }

    /// Parse an application-use area; `None` where no Ferry sum is there.
    pub fn parse(area: &[u8]) -> Option<Sums> {
        let text = std::str::from_utf8(area).ok()?;
        let field = |key: &str| -> Option<&str> {
            let at = text.find(key)? + key.len();
            let rest = &text[at..];
            Some(&rest[..rest.find(';')?])
        };
        let sum = hex::decode(field("FERRY BLAKE3 = ")?).ok()?;
        let ferry: [u8; 32] = sum.try_into().ok()?;
        if field("FERRY CHUNK = ")? != CHUNK.to_string() {
            return None;
        }
        let md5 = field("ISO MD5SUM = ")
            .zip(field("FRAGMENT SUMS = "))
            .map(|(a, b)| (a.to_string(), b.to_string()));
        Some(Sums { ferry, md5 })
    }
}

/// Outcome of [`check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// Bytes read.
    pub bytes: u64,
    /// The Ferry BLAKE3 matched.
    pub ferry_ok: bool,
    /// `None` when the medium carries no MD5.
    pub md5_ok: Option<bool>,
}

impl CheckReport {
    pub fn ok(&self) -> bool {
        self.ferry_ok && self.md5_ok != Some(false)
    }
}

/// Read the whole volume and compare it with its embedded sums, calling
/// `progress(done, total)` as it goes. A medium shorter than its volume
/// size is reported as damaged.
pub fn check<R: Read + Seek>(
    mut dev: R,
    mut progress: impl FnMut(u64, u64),
) -> Result<CheckReport, Error> {
    let mut pvd = [0u8; SECTOR as usize];
    dev.seek(SeekFrom::Start(16 * SECTOR))
        .and_then(|_| dev.read_exact(&mut pvd))
        .map_err(Error::io(Access::VolumeDescriptor { block: 16 }))?;
    if pvd[0] != 1 || &pvd[1..6] != b"CD001" {
        return Err(Error::NotIso(NotIso::NoPrimary));
    }
    let blocks = u32::from_le_bytes([pvd[80], pvd[81], pvd[82], pvd[83]]);
    let total = u64::from(blocks) * SECTOR;
    let want = Sums::parse(&pvd[883..883 + APP_USE_LEN]).ok_or(Error::NoChecksum)?;
    let mut hasher = ImageHasher::new(total, want.md5.is_some());
    dev.seek(SeekFrom::Start(0))
        .map_err(Error::io(Access::Rewind))?;
    let mut buf = vec![0u8; CHUNK];
    let mut done = 0u64;
    while done < total {
        let n = (total - done).min(CHUNK as u64) as usize;
        let mut got = 0;
        while got < n {
            match dev.read(&mut buf[got..n]) {
                Ok(0) => {
                    return Err(Error::Damaged(Damage::Short {
                        read: done + got as u64,
                        total,
                    }))
                }
                Ok(k) => got += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    return Err(Error::io(Access::At {
                        offset: done + got as u64,
                    })(e))
                }
            }
        }
        blank_app_use(&mut buf[..n], done);
        hasher.update(&buf[..n]);
        done += n as u64;
        progress(done, total);
    }
    let got = hasher.finalize();
    Ok(CheckReport {
        bytes: done,
        ferry_ok: got.ferry == want.ferry,
        md5_ok: want.md5.as_ref().map(|w| Some(w) == got.md5.as_ref()),
    })
}

/// Overwrite the application-use area with spaces where `buf` (starting at
/// image byte `at`) covers it.
pub fn blank_app_use(buf: &mut [u8], at: u64) {
    let start = APP_USE_OFFSET;
    let end = start + APP_USE_LEN as u64;
    let b_end = at + buf.len() as u64;
    if b_end <= start || at >= end {
        return;
    }
    let from = start.max(at) - at;
    let to = end.min(b_end) - at;
    buf[from as usize..to as usize].fill(b' ');
}
