//! The image being written: a temporary file beside the final one, every
//! byte hashed in order as it goes, renamed into place only when complete.

use std::fs::{File, OpenOptions};
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread::JoinHandle;

use anyhow::{Context, Result};
use medium::checksum::{blank_app_use, ChunkedHash, ImageHasher, Sums, APP_USE_OFFSET, CHUNK};
use rayon::prelude::*;

/// Staging size: a multiple of the checksum chunk, so chunks are hashed
/// on all cores while the previous batch is written.
const STAGE: usize = 4 * CHUNK;

/// Writes and hashes staged blocks on its own thread, so reading and
/// verifying the payload overlaps with writing and hashing the image.
#[derive(Debug)]
struct Worker {
    file: File,
    tmp: PathBuf,
    written: u64,
    ferry: ChunkedHash,
    md5: Option<medium::checksum::IsoMd5>,
}

impl Worker {
    fn run(mut self, rx: Receiver<Vec<u8>>, back: SyncSender<Vec<u8>>) -> Result<Worker> {
        for mut stage in rx {
            // The application-use area is hashed as spaces (it is blank
            // now anyway; this keeps the rule in one place).
            blank_app_use(&mut stage, self.written);
            let file = &mut self.file;
            let data = &stage;
            let (w, digests) = rayon::join(
                || file.write_all(data),
                || {
                    data.par_chunks(CHUNK)
                        .map(ChunkedHash::chunk_digest)
                        .collect::<Vec<_>>()
                },
            );
            w.map_err(|e| disk_error(e, &self.tmp))?;
            // Start writing this stage to the disk now, and forget the
            // pages of the one before once they are written: the final
            // fsync then has little left to wait for, and building a large
            // image does not fill the page cache (POSIX_FADV_DONTNEED starts
            // writeback of dirty pages and drops clean ones).
            let from = self.written.saturating_sub(stage.len() as u64);
            let _ =
                blockdev::drop_cache(&self.file, from, self.written - from + stage.len() as u64);
            for d in &digests {
                self.ferry.push_chunk_digest(d);
            }
            if let Some(m) = &mut self.md5 {
                m.update(data);
            }
            self.written += stage.len() as u64;
            stage.clear();
            let _ = back.try_send(stage);
        }
        Ok(self)
    }
}

#[derive(Debug)]
pub struct Output {
    tmp: PathBuf,
    dest: PathBuf,
    stage: Vec<u8>,
    queued: u64,
    to_worker: Option<SyncSender<Vec<u8>>>,
    spare: Receiver<Vec<u8>>,
    worker: Option<JoinHandle<Result<Worker>>>,
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
        let worker = Worker {
            file,
            tmp: tmp.clone(),
            written: 0,
            ferry: hasher.ferry,
            md5: hasher.md5,
        };
        let (tx, rx) = sync_channel::<Vec<u8>>(2);
        let (back_tx, back_rx) = sync_channel::<Vec<u8>>(4);
        let handle = std::thread::spawn(move || worker.run(rx, back_tx));
        Ok(Output {
            tmp,
            dest: dest.to_path_buf(),
            stage: Vec::with_capacity(STAGE),
            queued: 0,
            to_worker: Some(tx),
            spare: back_rx,
            worker: Some(handle),
            keep: false,
        })
    }

    /// Bytes accepted so far (the image offset of the next byte).
    pub fn position(&self) -> u64 {
        self.queued + self.stage.len() as u64
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
        let next = self
            .spare
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(STAGE));
        let full = std::mem::replace(&mut self.stage, next);
        self.queued += full.len() as u64;
        let sent = self.to_worker.as_ref().map(|tx| tx.send(full).is_ok());
        if sent != Some(true) {
            // The worker stopped: its error says why.
            return Err(self
                .join()?
                .err()
                .unwrap_or_else(|| anyhow::anyhow!("writing {} stopped", self.tmp.display())));
        }
        Ok(())
    }

    /// Stop the worker and collect it (Ok(Err) carries its failure).
    fn join(&mut self) -> Result<std::result::Result<Worker, anyhow::Error>> {
        self.to_worker = None;
        let h = self
            .worker
            .take()
            .ok_or_else(|| anyhow::anyhow!("the image writer already stopped"))?;
        Ok(h.join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the image writer failed"))))
    }

    /// Write the sums into the application-use area, wait until the disk
    /// holds every byte, and rename the file into place: after a crash or
    /// power cut the final name never shows a partly written image.
    pub fn finish(mut self) -> Result<Sums> {
        self.flush_stage()?;
        let mut w = self.join()??;
        let sums = Sums {
            ferry: std::mem::take(&mut w.ferry).finalize(),
            md5: w.md5.take().map(medium::checksum::IsoMd5::finalize),
        };
        w.file
            .seek(SeekFrom::Start(APP_USE_OFFSET))
            .and_then(|_| w.file.write_all(&sums.app_use_area()))
            .and_then(|_| w.file.sync_all())
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
        let _ = self.join();
        if !self.keep {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

fn disk_error(e: io::Error, path: &Path) -> anyhow::Error {
    if e.raw_os_error() == Some(28) {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        anyhow::anyhow!(
            "the disk holding {} is full; nothing was left under the final name",
            dir.display()
        )
    } else {
        anyhow::Error::new(e).context(format!("writing {}", path.display()))
    }
}
