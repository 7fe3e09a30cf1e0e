//! Writing the slot while every chunk is verified, and reading it back.

use std::io::{self, Read, Write};
use std::sync::mpsc;

use detect::layout::Role;
use payload::{Chunk, Component, PayloadReader, Piece};
use sha2::{Digest, Sha256};

use super::{metered, metered_medium, on_volume, Payload, Progress, Run};
use crate::device::{AlignedBuf, Device};
use crate::error::{Act, Error, IoContext, Object, Refusal};
use crate::fatvol;
use crate::io::{verify_range, verify_stream, BackgroundCheck, Written};
use crate::plan::StepKind;
use crate::source::{INITRD, KERNEL, ROOTFS};
use crate::window::PartitionWindow;

/// Verified chunks queued for the writer thread (with the few the payload
/// reader holds and the run the writer gathers, the bound on memory in
/// flight).
const WRITE_QUEUE: usize = 8;
/// Bytes of verified chunks the writer gathers and writes at once (one
/// request to the disk, large enough to keep it busy), then hands to the
/// read-back (one read from the disk each).
const WRITE_RUN: u64 = 8 << 20;

impl<D: Device + Send> Run<'_, D> {
    pub(super) fn write_slot(
        &mut self,
        mut reader: Payload<'_>,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<(), Error> {
        let plan = self.plan;
        let slot = plan.slot;
        let root = self.part(Role::Root(slot))?;
        let esp = self.part(Role::Esp)?;
        let stored = plan.components.iter().map(Component::stored_size).sum();
        let mut both = metered_medium(StepKind::WriteSlot, plan.payload_bytes, stored, progress);
        while let Some(c) = reader.next_component().cloned() {
            match c.name.as_str() {
                ROOTFS => {
                    if c.size > root.len() {
                        return Err(Refusal::RootImageTooLarge {
                            slot,
                            image: c.size,
                            room: root.len(),
                        }
                        .into());
                    }
                    let disk_reader = self
                        .dev
                        .disk_reader()
                        .ctx(|| Act::OpeningToReadBack.on(Object::Slot(slot)))?;
                    let runs = disk_reader.map(|r| {
                        let (tx, rx) = mpsc::channel();
                        let what = Object::Slot(slot);
                        self.check = Some(BackgroundCheck::spawn(r, rx, c.clone(), what));
                        tx
                    });
                    write_pipelined(
                        &mut *self.dev,
                        &mut reader,
                        root,
                        &Object::Slot(slot),
                        runs,
                        &mut both,
                    )?;
                }
                KERNEL | INITRD => {
                    let path = format!("{slot}/{}", c.name);
                    let what = || Act::Writing.on(Object::EspFile(path.clone()));
                    on_volume(self.dev, esp, what, |fs| {
                        fatvol::create_dirs(fs, slot.name()).ctx(what)?;
                        let mut f = fs.root_dir().create_file(&path).ctx(what)?;
                        f.truncate().ctx(what)?;
                        reader.read_component(|b| {
                            f.write_all(b)?;
                            both(b.len() as u64, 0);
                            Ok(())
                        })?;
                        both(0, c.stored_size());
                        f.flush().ctx(what)
                    })?;
                }
                _ => {
                    reader.read_component(|b| {
                        both(b.len() as u64, 0);
                        Ok(())
                    })?;
                    both(0, c.stored_size());
                }
            }
        }
        reader.finish()?;
        Ok(())
    }

    /// A component of the manifest the plan was made from (preflight
    /// compared its hash with the medium's).
    fn component(&self, name: &str) -> Result<Component, Error> {
        self.plan
            .components
            .iter()
            .find(|c| c.name == name)
            .cloned()
            .ok_or_else(|| Error::PlanIncomplete(format!("component {name}")))
    }

    pub(super) fn read_back(&mut self, progress: &mut dyn FnMut(&Progress)) -> Result<(), Error> {
        let slot = self.plan.slot;
        let rootfs = self.component(ROOTFS)?;
        let kernel = self.component(KERNEL)?;
        let initrd = self.component(INITRD)?;
        let root_start = self.part(Role::Root(slot))?.start();
        let esp = self.part(Role::Esp)?;
        let total = rootfs.size + kernel.size + initrd.size;
        let mut report = metered(StepKind::ReadBack, total, progress);
        match self.check.take() {
            // Read back from the disk while it was written, against the
            // CRC32 of each verified chunk: wait for the last runs.
            Some(check) => check.wait(&mut report)?,
            // A device without a second handle: read the slot back now,
            // from the disk, against the manifest's SHA-256.
            None => {
                self.dev
                    .drop_cache(root_start, rootfs.size)
                    .ctx(|| Act::ReadingBack.on(Object::Slot(slot)))?;
                verify_range(
                    self.dev,
                    root_start,
                    &rootfs,
                    &Object::Slot(slot),
                    &mut report,
                )?;
            }
        }
        // The kernel and initrd too come from the disk (the write-slot step
        // ended with fsync, so the cached pages are clean and dropped).
        self.dev
            .drop_cache(esp.start(), esp.len())
            .ctx(|| Act::ReadingBack.on(Object::Esp))?;
        on_volume(
            self.dev,
            esp,
            || Act::ReadingBack.on(Object::Esp),
            |fs| {
                for c in [&kernel, &initrd] {
                    let path = format!("{slot}/{}", c.name);
                    let mut f = fs
                        .root_dir()
                        .open_file(&path)
                        .ctx(|| Act::ReadingBack.on(Object::EspFile(path.clone())))?;
                    verify_stream(&mut f, c, &Object::EspFile(path), &mut report)?;
                }
                Ok::<(), Error>(())
            },
        )
    }
}

/// What the reading thread hands the writer thread.
enum Item {
    /// A verified (decompressed) chunk.
    Data(AlignedBuf),
    /// A zero chunk of this many bytes: nothing to copy, the writer makes
    /// the range read as zeros the cheapest way the disk has.
    Zeros(u64),
}

/// Stream the root image from `reader` into the partition `root`: the calling
/// thread reads the medium (the thread pool checks every chunk against the
/// manifest and decompresses it), a writer thread writes the chunks that
/// passed, so reading, checking and writing overlap. Chunks are read into
/// aligned buffers that go round between the two (never copied), at most
/// [`WRITE_QUEUE`] waiting for the writer; zero chunks go as their length.
/// The writer records a CRC32 of each verified chunk as it takes it and
/// hands runs of written chunks to the read-back through `runs`.
/// `report(slot, medium)` gets the slot bytes done and the payload bytes
/// they took on the medium.
fn write_pipelined<D: Device + Send, R: Read>(
    dev: &mut D,
    reader: &mut PayloadReader<R>,
    root: PartitionWindow,
    what: &Object,
    runs: Option<mpsc::Sender<Vec<Written>>>,
    report: &mut dyn FnMut(u64, u64),
) -> Result<(), Error> {
    // A compressed component marks its zero chunks itself.
    let zeros = reader
        .next_component()
        .filter(|c| c.compression.is_none())
        .map(ZeroChunks::of);
    let (tx, rx) = mpsc::sync_channel::<Item>(WRITE_QUEUE);
    let (back_tx, back_rx) = mpsc::channel::<AlignedBuf>();
    std::thread::scope(|s| {
        let writer = s.spawn(move || write_chunks(dev, root, what, rx, back_tx, runs));
        let mut index = 0u64;
        let read = reader.read_component_pieces(AlignedBuf::new, |piece, stored| {
            let zero = zeros.as_ref().is_some_and(|z| z.is_zero(index));
            index += 1;
            let (item, n) = match piece {
                // A raw chunk whose verified digest is that of zeros: the
                // buffer stays with the reader, the writer zeroes the range.
                Piece::Data(buf) if zero => {
                    let n = buf.as_ref().len() as u64;
                    (Item::Zeros(n), n)
                }
                Piece::Data(buf) => {
                    let n = buf.as_ref().len() as u64;
                    let spare = back_rx.try_recv().unwrap_or_default();
                    (Item::Data(std::mem::replace(buf, spare)), n)
                }
                Piece::Zeros(n) => (Item::Zeros(n), n),
            };
            tx.send(item)
                .map_err(|_| io::Error::other("the writer stopped"))?;
            report(n, stored);
            Ok(())
        });
        drop(tx);
        let wrote = writer
            .join()
            .map_err(|_| Error::ThreadStopped("writing thread"))
            .and_then(|r| r);
        // A write error explains why the reading stopped; report it.
        wrote?;
        read?;
        Ok(())
    })
}

/// The writer thread: gather verified chunks into runs of [`WRITE_RUN`]
/// bytes, write each run at its place in `root` with one
/// [`PartitionWindow::write_run`] (O_DIRECT where the disk allows), give the
/// buffers back and pass the run (with the CRC32 of each chunk's verified
/// bytes) to the read-back, which reads it from the disk while later runs
/// are written. Consecutive zero chunks become one
/// [`PartitionWindow::zero_run`], read back like the rest.
fn write_chunks<D: Device>(
    dev: &mut D,
    root: PartitionWindow,
    what: &Object,
    chunks: mpsc::Receiver<Item>,
    spare: mpsc::Sender<AlignedBuf>,
    runs: Option<mpsc::Sender<Vec<Written>>>,
) -> Result<(), Error> {
    let mut pos = 0u64;
    let mut next = 0u64;
    let mut held: Vec<AlignedBuf> = Vec::new();
    let mut run: Vec<Written> = Vec::new();
    let mut run_bytes = 0u64;
    let mut zeros: Vec<Written> = Vec::new();
    let mut zero_crc = ZeroCrc::default();
    let hand_over = |run: Vec<Written>| {
        // A read-back that stopped has found its error already.
        if let Some(tx) = &runs {
            let _ = tx.send(run);
        }
    };
    let write = |dev: &mut D,
                 held: &mut Vec<AlignedBuf>,
                 run: &mut Vec<Written>,
                 run_bytes: &mut u64|
     -> Result<(), Error> {
        let Some(at) = run.first().map(|w| w.offset) else {
            return Ok(());
        };
        let pos = at - root.start();
        let bufs: Vec<&[u8]> = held.iter().map(AsRef::as_ref).collect();
        let direct = root.write_run(dev, pos, &bufs, what)?;
        for buf in held.drain(..) {
            let _ = spare.send(buf);
        }
        if !direct {
            // Start writing the run out now rather than at the final fsync
            // (POSIX_FADV_DONTNEED starts writeback of dirty pages).
            dev.drop_cache(at, *run_bytes)
                .ctx(|| Act::Writing.on(what.clone()).at(pos))?;
        }
        hand_over(std::mem::take(run));
        *run_bytes = 0;
        Ok(())
    };
    let zero = |dev: &mut D, zeros: &mut Vec<Written>| -> Result<(), Error> {
        let (Some(first), Some(last)) = (zeros.first(), zeros.last()) else {
            return Ok(());
        };
        let len = last.offset + last.len as u64 - first.offset;
        root.zero_run(dev, first.offset - root.start(), len, what)?;
        // Read back in runs no longer than the data's.
        let mut part = Vec::new();
        let mut part_bytes = 0u64;
        for w in zeros.drain(..) {
            part_bytes += w.len as u64;
            part.push(w);
            if part_bytes >= WRITE_RUN {
                hand_over(std::mem::take(&mut part));
                part_bytes = 0;
            }
        }
        if !part.is_empty() {
            hand_over(part);
        }
        Ok(())
    };
    for item in chunks {
        // Saturated only past the partition's end, where the window
        // refuses the write.
        let offset = root.start().saturating_add(pos);
        match item {
            Item::Data(buf) => {
                zero(dev, &mut zeros)?;
                let bytes = buf.as_ref();
                let crc = runs.as_ref().map_or(0, |_| crc32fast::hash(bytes));
                run.push(Written {
                    index: next,
                    offset,
                    len: bytes.len(),
                    crc,
                });
                pos = pos.saturating_add(bytes.len() as u64);
                run_bytes += bytes.len() as u64;
                held.push(buf);
                if run_bytes >= WRITE_RUN {
                    write(dev, &mut held, &mut run, &mut run_bytes)?;
                }
            }
            Item::Zeros(len) => {
                write(dev, &mut held, &mut run, &mut run_bytes)?;
                // A chunk's length: at most 16 MiB (the manifest's bound).
                let len = len as usize;
                let crc = runs.as_ref().map_or(0, |_| zero_crc.of(len));
                zeros.push(Written {
                    index: next,
                    offset,
                    len,
                    crc,
                });
                pos = pos.saturating_add(len as u64);
            }
        }
        next += 1;
    }
    write(dev, &mut held, &mut run, &mut run_bytes)?;
    zero(dev, &mut zeros)
}

/// Which raw chunks of a component are all zeros, known from the
/// manifest: a chunk whose SHA-256 is that of zero bytes of its length.
/// The reader hands a chunk over only once its bytes matched that digest,
/// so such a chunk is zeros without looking at it (SHA-256 has no known
/// collisions).
struct ZeroChunks {
    zero: Vec<bool>,
}

impl ZeroChunks {
    fn of(c: &Component) -> ZeroChunks {
        let digest = |len: u64| -> [u8; 32] {
            // A chunk is at most 16 MiB (the manifest's bound).
            Sha256::digest(vec![0u8; len.min(payload::MAX_CHUNK_SIZE) as usize]).into()
        };
        let full = digest(c.chunk_size);
        let count = c.chunks.len() as u64;
        let (last_start, last_end) = c.chunk_range(count.saturating_sub(1));
        let last = digest(last_end - last_start);
        let zero = c
            .chunks
            .iter()
            .enumerate()
            .map(|(i, chunk)| match chunk {
                Chunk::Raw(d) if i as u64 + 1 == count => d.0 == last,
                Chunk::Raw(d) => d.0 == full,
                _ => false,
            })
            .collect();
        ZeroChunks { zero }
    }

    fn is_zero(&self, index: u64) -> bool {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.zero.get(i))
            .copied()
            .unwrap_or(false)
    }
}

/// The CRC32 of `len` zero bytes, remembered for the last length asked
/// (every zero chunk but a last one has the same).
#[derive(Default)]
struct ZeroCrc {
    last: Option<(usize, u32)>,
}

impl ZeroCrc {
    fn of(&mut self, len: usize) -> u32 {
        match self.last {
            Some((l, crc)) if l == len => crc,
            _ => {
                let crc = crc32fast::hash(&vec![0u8; len]);
                self.last = Some((len, crc));
                crc
            }
        }
    }
}

#[cfg(test)]
#[path = "slot_tests.rs"]
mod tests;
