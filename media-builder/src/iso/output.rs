//! The image being written: a temporary file beside the final one, every
//! byte hashed in order as it goes, renamed into place only when complete.

use std::fs::{File, OpenOptions};
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use medium::checksum::{blank_app_use, ChunkedSha256, ImageHasher, Sums, APP_USE_OFFSET, CHUNK};
use rayon::prelude::*;

/// Staging size: a multiple of the checksum chunk, so chunks are hashed
/// on all cores while the previous batch is written.
const STAGE: usize = 8 * CHUNK;

#[derive(Debug)]
pub struct Output {
    file: File,
    tmp: PathBuf,
    dest: PathBuf,
    stage: Vec<u8>,
    written: u64,
    sha: ChunkedSha256,
    md5: Option<medium::checksum::IsoMd5>,
    keep: bool,
}

impl Output {
    pub fn create(dest: &Path, volume_bytes: u64, md5: bool) -> Result<Output> {
        let dir = dest
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = dest
            .file_name()
            .with_context(|| format!("{} is not a file name", dest.display()))?;
        let tmp = dir.join(format!(
            ".{}.part-{}",
            name.to_string_lossy(),
            std::process::id()
        ));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .with_context(|| format!("creating {}", tmp.display()))?;
        let hasher = ImageHasher::new(volume_bytes, md5);
        Ok(Output {
            file,
            tmp,
            dest: dest.to_path_buf(),
            stage: Vec::with_capacity(STAGE),
            written: 0,
            sha: hasher.sha,
            md5: hasher.md5,
            keep: false,
        })
    }

    /// Bytes accepted so far (the image offset of the next byte).
    pub fn position(&self) -> u64 {
        self.written + self.stage.len() as u64
    }

    pub fn write_all(&mut self, mut data: &[u8]) -> Result<()> {
        while !data.is_empty() {
            let n = (STAGE - self.stage.len()).min(data.len());
            self.stage.extend_from_slice(&data[..n]);
            data = &data[n..];
            if self.stage.len() == STAGE {
                self.flush_stage()?;
            }
        }
        Ok(())
    }

    pub fn zeros(&mut self, mut n: u64) -> Result<()> {
        let z = [0u8; 64 << 10];
        while n > 0 {
            let k = n.min(z.len() as u64) as usize;
            self.write_all(&z[..k])?;
            n -= k as u64;
        }
        Ok(())
    }

    /// Zero-fill to the next multiple of `align` bytes.
    pub fn pad_to(&mut self, align: u64) -> Result<()> {
        let rem = self.position() % align;
        if rem != 0 {
            self.zeros(align - rem)?;
        }
        Ok(())
    }

    fn flush_stage(&mut self) -> Result<()> {
        if self.stage.is_empty() {
            return Ok(());
        }
        let at = self.written;
        // The application-use area is hashed as spaces (it is blank now
        // anyway; this keeps the rule in one place).
        blank_app_use(&mut self.stage, at);
        let stage = &self.stage;
        let file = &mut self.file;
        let (w, digests) = rayon::join(
            || file.write_all(stage),
            || {
                stage
                    .par_chunks(CHUNK)
                    .map(ChunkedSha256::chunk_digest)
                    .collect::<Vec<_>>()
            },
        );
        w.map_err(|e| disk_error(e, &self.tmp))?;
        for d in &digests {
            self.sha.push_chunk_digest(d);
        }
        if let Some(m) = &mut self.md5 {
            m.update(stage);
        }
        self.written += stage.len() as u64;
        self.stage.clear();
        Ok(())
    }

    /// Write the sums into the application-use area and rename the file
    /// into place. Like cp and xorriso, building does not wait for the
    /// page cache to reach the disk; `usb write` does.
    pub fn finish(mut self) -> Result<Sums> {
        self.flush_stage()?;
        let sha = std::mem::take(&mut self.sha);
        let sums = Sums {
            sha256: sha.finalize(),
            md5: self.md5.take().map(medium::checksum::IsoMd5::finalize),
        };
        self.file
            .seek(SeekFrom::Start(APP_USE_OFFSET))
            .and_then(|_| self.file.write_all(&sums.app_use_area()))
            .map_err(|e| disk_error(e, &self.tmp))?;
        std::fs::rename(&self.tmp, &self.dest).with_context(|| {
            format!("renaming {} to {}", self.tmp.display(), self.dest.display())
        })?;
        self.keep = true;
        Ok(sums)
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

fn disk_error(e: io::Error, path: &Path) -> anyhow::Error {
    if e.raw_os_error() == Some(28) {
        anyhow::anyhow!(
            "the disk holding {} is full; nothing was left under the final name",
            path.display()
        )
    } else {
        anyhow::Error::new(e).context(format!("writing {}", path.display()))
    }
}
