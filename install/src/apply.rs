//! `apply`: carry out a plan, step by step, in the order `docs/detect.md`
//! prescribes, so that an interruption at any point leaves the running
//! system bootable and its configuration untouched.

use std::fs::File;
use std::io::{BufReader, Read, SeekFrom, Write};
use std::path::Path;
use std::sync::mpsc;
use std::time::Instant;

use detect::io::Slice;
use detect::layout::{self, Role};
use detect::state::{SlotRecord, SlotState, StateRecord};
use payload::{Component, PayloadReader};
use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::boot;
use crate::device::{AlignedBuf, Device, DiskFile};
use crate::error::{DiskChange, Error, IoContext, Refusal};
use crate::fatvol;
use crate::io::{verify_range, BackgroundCheck, Meter, Written};
use crate::plan::{Action, Plan, StepKind, ESP_BOOT_LOADER};
use crate::report::{Outcome, Report, StepReport, REPORT_FORMAT};
use crate::source::{INITRD, KERNEL, ROOTFS};
use crate::table;

/// What `apply` tells a front end while it works.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// A step begins.
    Step {
        /// 1-based position.
        index: usize,
        /// Number of steps.
        total: usize,
        /// Which step.
        kind: StepKind,
        /// What it does.
        title: String,
    },
    /// Bytes done in the current step.
    Bytes {
        /// Which step.
        kind: StepKind,
        /// Bytes done.
        done: u64,
        /// Bytes in all.
        total: u64,
        /// Bytes per second so far.
        rate: f64,
    },
    /// A step finished; everything it wrote is durable.
    StepDone {
        /// 1-based position.
        index: usize,
        /// Which step.
        kind: StepKind,
        /// How long it took.
        seconds: f64,
    },
}

/// A run that failed: why, and the report that records it.
#[derive(Debug, thiserror::Error)]
#[error("{error}")]
pub struct Failure {
    /// Why.
    pub error: Error,
    /// The report, as written.
    pub report: Report,
}

/// Largest boot loader binary read.
const MAX_BOOT_LOADER: u64 = 16 * 1024 * 1024;

/// Verified chunks queued for the writer thread (with the few the payload
/// reader holds and the run the writer gathers, the bound on memory in
/// flight).
const WRITE_QUEUE: usize = 8;
/// Bytes of verified chunks the writer gathers and writes at once (one
/// request to the disk, large enough to keep it busy), then hands to the
/// read-back (one read from the disk each).
const WRITE_RUN: u64 = 8 << 20;

/// Carry out `plan` on its disk, reading its payload.
pub fn apply(plan: &Plan, progress: &mut dyn FnMut(&Progress)) -> Result<Report, Box<Failure>> {
    let started = now();
    let opened = DiskFile::open(&plan.disk)
        .ctx(|| format!("opening {} for writing", plan.disk.display()))
        .and_then(|disk| {
            let medium = File::open(&plan.payload)
                .ctx(|| format!("opening the payload {}", plan.payload.display()))?;
            Ok((disk, medium))
        });
    match opened {
        // Smaller than a chunk: chunk reads then go straight into the
        // chunk buffers, past this one; it serves the tar headers.
        Ok((mut disk, medium)) => apply_on(
            plan,
            &mut disk,
            BufReader::with_capacity(64 << 10, medium),
            progress,
        ),
        Err(error) => {
            let mut report = new_report(plan, started);
            finish_report(&mut report, Some(&error));
            save_to_medium(plan, &mut report);
            Err(Box::new(Failure { error, report }))
        }
    }
}

/// [`apply`] on an open disk and medium: tests wrap them to inject faults.
pub fn apply_on<D: Device + Send, R: Read>(
    plan: &Plan,
    dev: &mut D,
    medium: R,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Report, Box<Failure>> {
    let mut run = Run {
        plan,
        dev,
        reader: None,
        check: None,
        boot_loader: Vec::new(),
        now: now(),
        config_ready: plan.action != Action::Install && plan.action != Action::Wipe,
        report: new_report(plan, now()),
    };
    let result = run.preflight(medium).and_then(|()| run.steps(progress));
    let error = result.err();
    finish_report(&mut run.report, error.as_ref());
    run.save_report();
    let report = run.report;
    match error {
        None => Ok(report),
        Some(error) => Err(Box::new(Failure { error, report })),
    }
}

fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(0).unwrap_or(t)
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

fn new_report(plan: &Plan, started: OffsetDateTime) -> Report {
    Report {
        format: REPORT_FORMAT,
        machine_id: plan.machine_id.clone(),
        medium: plan.medium.clone(),
        disk: plan.disk.display().to_string(),
        action: plan.action.name().to_string(),
        product: plan.product.clone(),
        from: plan.from.as_ref().map(ToString::to_string),
        to: plan.to.to_string(),
        from_hotfixes: plan.from_hotfixes.clone(),
        hotfixes: plan.to_hotfixes.clone(),
        slot: plan.slot.name().to_string(),
        started: rfc3339(started),
        finished: String::new(),
        steps: Vec::new(),
        result: Outcome::Failed,
        error: None,
        saved_to: Vec::new(),
    }
}

fn finish_report(report: &mut Report, error: Option<&Error>) {
    report.finished = rfc3339(now());
    report.result = if error.is_some() {
        Outcome::Failed
    } else {
        Outcome::Success
    };
    report.error = error.map(ToString::to_string);
}

/// Copy the report into the medium's report directories that can be
/// written; a read-only DVD is not an error.
fn save_to_medium(plan: &Plan, report: &mut Report) {
    for dir in &plan.report_dirs {
        let name = format!("{}-{}", report.machine_id, report.file_name());
        let path = dir.join(name);
        let ok = std::fs::create_dir_all(dir).is_ok() && {
            let mut r = report.clone();
            r.saved_to.push(path.display().to_string());
            serde_json::to_vec_pretty(&r)
                .ok()
                .is_some_and(|json| write_durably(&path, &json).is_ok())
        };
        if ok {
            report.saved_to.push(path.display().to_string());
        }
    }
}

fn write_durably(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = File::create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

struct Run<'a, D: Device, R: Read> {
    plan: &'a Plan,
    dev: &'a mut D,
    reader: Option<PayloadReader<R>>,
    /// The read-back of the root image, running beside its write.
    check: Option<BackgroundCheck>,
    boot_loader: Vec<u8>,
    now: OffsetDateTime,
    /// The config partition holds a file system reports can go to.
    config_ready: bool,
    report: Report,
}

impl<D: Device + Send, R: Read> Run<'_, D, R> {
    fn part(&self, role: Role) -> Result<(u64, u64), Error> {
        self.plan
            .partition(role)
            .map(|p| (p.start, p.size))
            .ok_or_else(|| Error::PlanIncomplete(role.partition_name().to_string()))
    }

    /// Everything checked again before the first write: the same disk, the
    /// same payload, signed by a trusted key.
    fn preflight(&mut self, medium: R) -> Result<(), Error> {
        let plan = self.plan;
        if self.dev.size() != plan.disk_size {
            return Err(Error::DiskChanged(DiskChange::Size {
                found: self.dev.size(),
                planned: plan.disk_size,
            }));
        }
        if !plan.new_table {
            let t = crate::target::inspect_device(plan.disk.clone(), self.dev, plan.disk_size);
            for p in &plan.partitions {
                let found = t.partition(p.role);
                if found.map(|f| (f.start, f.size, f.part_guid.as_str()))
                    != Some((p.start, p.size, p.part_guid.as_str()))
                {
                    return Err(Error::DiskChanged(DiskChange::PartitionMoved {
                        partition: p.role.partition_name(),
                    }));
                }
            }
            let record = t.report.ferry().and_then(|f| f.record.clone());
            if record != plan.state_before {
                return Err(Error::DiskChanged(DiskChange::StateRecord));
            }
        }
        let reader = PayloadReader::open(medium, &plan.trust)?;
        let sha = hex::encode(Sha256::digest(reader.manifest_bytes()));
        if sha != plan.manifest_sha256 {
            return Err(Error::PayloadChanged {
                planned: plan.manifest_sha256.clone(),
                found: sha,
            });
        }
        self.reader = Some(reader);
        if plan
            .steps
            .iter()
            .any(|s| s.kind == StepKind::InstallBootLoader)
        {
            let f = File::open(&plan.boot_loader).map_err(|e| {
                Error::io(
                    format!(
                        "the boot loader {} is missing (on Debian: package systemd-boot-efi)",
                        plan.boot_loader.display()
                    ),
                    e,
                )
            })?;
            f.take(MAX_BOOT_LOADER)
                .read_to_end(&mut self.boot_loader)
                .ctx(|| format!("reading {}", plan.boot_loader.display()))?;
        }
        Ok(())
    }

    fn steps(&mut self, progress: &mut dyn FnMut(&Progress)) -> Result<(), Error> {
        let total = self.plan.steps.len();
        for (i, step) in self.plan.steps.iter().enumerate() {
            if step.kind == StepKind::WriteReport {
                // The report is written last, after the result is known.
                continue;
            }
            progress(&Progress::Step {
                index: i + 1,
                total,
                kind: step.kind,
                title: step.title.clone(),
            });
            let started = now();
            let clock = Instant::now();
            let result = self.step(step.kind, progress).and_then(|()| {
                self.repair_fat(step.kind)?;
                self.dev
                    .sync()
                    .ctx(|| format!("flushing {}", self.plan.disk.display()))
            });
            let seconds = clock.elapsed().as_secs_f64();
            self.report.steps.push(StepReport {
                step: step.kind.name().to_string(),
                title: step.title.clone(),
                started: rfc3339(started),
                seconds,
                result: if result.is_ok() { "done" } else { "failed" }.into(),
            });
            result?;
            progress(&Progress::StepDone {
                index: i + 1,
                kind: step.kind,
                seconds,
            });
        }
        Ok(())
    }

    fn step(&mut self, kind: StepKind, progress: &mut dyn FnMut(&Progress)) -> Result<(), Error> {
        match kind {
            StepKind::DiscardData => self.discard(progress),
            StepKind::WritePartitionTable => self.write_table(),
            StepKind::FormatEsp => self.format(Role::Esp, layout::ESP_LABEL, &["loader/entries"]),
            StepKind::FormatConfig => {
                self.format(
                    Role::Config,
                    layout::CONFIG_LABEL,
                    &[layout::CONFIG_DIR, layout::REPORTS_DIR],
                )?;
                self.config_ready = true;
                Ok(())
            }
            StepKind::MarkSlotWriting => self.mark_writing(),
            StepKind::WriteSlot => self.write_slot(progress),
            StepKind::ReadBack => self.read_back(progress),
            StepKind::WriteConfig => self.write_config(),
            StepKind::InstallBootLoader => self.install_boot_loader(),
            StepKind::RecordNewSlot => self.record_new_slot(),
            StepKind::SetDefault => self.set_default(),
            StepKind::WriteReport => Ok(()),
        }
    }

    fn discard(&mut self, progress: &mut dyn FnMut(&Progress)) -> Result<(), Error> {
        let ranges = self.plan.discard.clone();
        let total = ranges.iter().map(|r| r.1).sum();
        let mut meter = Meter::new(total);
        for (start, len) in ranges {
            let end = (start + len).min(self.dev.size());
            let len = end.saturating_sub(start);
            let discarded = self
                .dev
                .discard(start, len)
                .ctx(|| format!("discarding bytes {start}..{end}"))?;
            if discarded {
                if let Some((done, total, rate)) = meter.add(len) {
                    progress(&Progress::Bytes {
                        kind: StepKind::DiscardData,
                        done,
                        total,
                        rate,
                    });
                }
                continue;
            }
            let zeros = vec![0u8; 1 << 20];
            self.dev
                .seek(SeekFrom::Start(start))
                .ctx(|| format!("zeroing bytes {start}..{end}"))?;
            let mut left = len;
            while left > 0 {
                let n = left.min(zeros.len() as u64);
                self.dev
                    .write_all(&zeros[..n as usize])
                    .ctx(|| format!("zeroing bytes {start}..{end}"))?;
                left -= n;
                if let Some((done, total, rate)) = meter.add(n) {
                    progress(&Progress::Bytes {
                        kind: StepKind::DiscardData,
                        done,
                        total,
                        rate,
                    });
                }
            }
        }
        Ok(())
    }

    fn write_table(&mut self) -> Result<(), Error> {
        let guid = self
            .plan
            .disk_guid
            .clone()
            .ok_or_else(|| Error::PlanIncomplete("disk GUID".into()))?;
        table::write(self.dev, &guid, &self.plan.partitions)?;
        self.dev
            .sync()
            .ctx(|| format!("flushing {}", self.plan.disk.display()))?;
        // The kernel learns the new partitions; nothing of ours needs it,
        // since every write goes through the whole disk.
        let _ = self.dev.reread_partitions();
        Ok(())
    }

    fn format(&mut self, role: Role, label: &str, dirs: &[&str]) -> Result<(), Error> {
        let (start, len) = self.part(role)?;
        let what = || format!("formatting {}", role.partition_name());
        fatvol::format(self.dev, start, len, label).ctx(what)?;
        let fs = fatvol::open(self.dev, start, len).ctx(what)?;
        for d in dirs {
            fatvol::create_dirs(&fs, d).ctx(what)?;
        }
        fs.unmount().ctx(what)
    }

    /// Write `state.toml` padded to a whole cluster, so that the next
    /// record (almost always the same size) replaces it in place with one
    /// write: an interruption leaves the old or the new record, not a mix.
    fn write_state(&mut self, record: &StateRecord) -> Result<(), Error> {
        let mut text = record.to_toml()?;
        let (start, len) = self.part(Role::Config)?;
        let what = || format!("writing {} on the config partition", layout::STATE_PATH);
        let fs = fatvol::open(self.dev, start, len).ctx(what)?;
        let pad = fs.cluster_size() as usize;
        let padded = text.len().div_ceil(pad) * pad;
        text.extend(std::iter::repeat_n('\n', padded - text.len()));
        fatvol::overwrite_file(&fs, layout::STATE_PATH, text.as_bytes()).ctx(what)?;
        fs.unmount().ctx(what)
    }

    fn mark_writing(&mut self) -> Result<(), Error> {
        let plan = self.plan;
        let slot = plan.slot;
        let mut record = plan
            .state_before
            .clone()
            .ok_or_else(|| Error::PlanIncomplete("state record".into()))?;
        if let Some(keep) = plan.keep_slot {
            record.active = keep;
            record.slots.get_mut(keep).state = SlotState::Good;
        }
        *record.slots.get_mut(slot) = SlotRecord {
            state: SlotState::Writing,
            release: Some(plan.to.clone()),
            hotfixes: Vec::new(),
            config_schema: None,
            written_at: Some(self.now),
        };
        self.write_state(&record)?;
        self.dev.sync().ctx(|| "flushing the state record".into())?;
        // Now no entry may start the slot while it changes.
        let (start, len) = self.part(Role::Esp)?;
        let what = || format!("removing the boot entry of slot {slot} from the ESP");
        let fs = fatvol::open(self.dev, start, len).ctx(what)?;
        let files = fatvol::list_dir(&fs, layout::LOADER_ENTRIES_DIR).ctx(what)?;
        // With the leftovers of an entry an interrupted run was writing.
        let partial = files.iter().filter(|f| f.ends_with(".conf.part")).cloned();
        for f in boot::entries_of(&files, slot).into_iter().chain(partial) {
            fatvol::remove_all(&fs, &format!("{}/{f}", layout::LOADER_ENTRIES_DIR)).ctx(what)?;
        }
        fatvol::remove_all(&fs, slot.name()).ctx(what)?;
        fs.unmount().ctx(what)?;
        let (start, len) = self.part(Role::Config)?;
        let what = || format!("removing {}/ of an earlier run", slot.config_dir());
        let fs = fatvol::open(self.dev, start, len).ctx(what)?;
        fatvol::remove_all(&fs, &slot.config_dir()).ctx(what)?;
        fs.unmount().ctx(what)
    }

    fn write_slot(&mut self, progress: &mut dyn FnMut(&Progress)) -> Result<(), Error> {
        let plan = self.plan;
        let slot = plan.slot;
        let (root_start, root_len) = self.part(Role::Root(slot))?;
        let (esp_start, esp_len) = self.part(Role::Esp)?;
        let mut reader = self.reader.take().ok_or(Error::PayloadUsed)?;
        let mut meter = Meter::new(plan.payload_bytes);
        let mut report = |n: u64| {
            if let Some((done, total, rate)) = meter.add(n) {
                progress(&Progress::Bytes {
                    kind: StepKind::WriteSlot,
                    done,
                    total,
                    rate,
                });
            }
        };
        while let Some(c) = reader.next_component().cloned() {
            match c.name.as_str() {
                ROOTFS => {
                    if c.size > root_len {
                        return Err(Refusal::RootImageTooLarge {
                            slot,
                            image: c.size,
                            room: root_len,
                        }
                        .into());
                    }
                    let disk_reader = self
                        .dev
                        .disk_reader()
                        .ctx(|| format!("opening slot {slot} for the read-back"))?;
                    let runs = disk_reader.map(|r| {
                        let (tx, rx) = mpsc::channel();
                        let what = format!("slot {slot}");
                        self.check = Some(BackgroundCheck::spawn(r, rx, c.clone(), what));
                        tx
                    });
                    write_pipelined(
                        &mut *self.dev,
                        &mut reader,
                        root_start,
                        &format!("slot {slot}"),
                        runs,
                        &mut report,
                    )?;
                }
                KERNEL | INITRD => {
                    let path = format!("{slot}/{}", c.name);
                    let what = || format!("writing {path} on the ESP");
                    let fs = fatvol::open(self.dev, esp_start, esp_len).ctx(what)?;
                    fatvol::create_dirs(&fs, slot.name()).ctx(what)?;
                    let mut f = fs.root_dir().create_file(&path).ctx(what)?;
                    f.truncate().ctx(what)?;
                    reader.read_component(|b| {
                        f.write_all(b)?;
                        report(b.len() as u64);
                        Ok(())
                    })?;
                    f.flush().ctx(what)?;
                    drop(f);
                    fs.unmount().ctx(what)?;
                }
                _ => {
                    reader.read_component(|b| {
                        report(b.len() as u64);
                        Ok(())
                    })?;
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

    fn read_back(&mut self, progress: &mut dyn FnMut(&Progress)) -> Result<(), Error> {
        let slot = self.plan.slot;
        let rootfs = self.component(ROOTFS)?;
        let kernel = self.component(KERNEL)?;
        let initrd = self.component(INITRD)?;
        let (root_start, _) = self.part(Role::Root(slot))?;
        let (esp_start, esp_len) = self.part(Role::Esp)?;
        let mut meter = Meter::new(rootfs.size + kernel.size + initrd.size);
        let mut report = |n: u64| {
            if let Some((done, total, rate)) = meter.add(n) {
                progress(&Progress::Bytes {
                    kind: StepKind::ReadBack,
                    done,
                    total,
                    rate,
                });
            }
        };
        match self.check.take() {
            // Read back from the disk while it was written, against the
            // CRC32 of each verified chunk: wait for the last runs.
            Some(check) => check.wait(&mut report)?,
            // A device without a second handle: read the slot back now,
            // from the disk, against the manifest's SHA-256.
            None => {
                self.dev
                    .drop_cache(root_start, rootfs.size)
                    .ctx(|| format!("reading slot {slot} back"))?;
                verify_range(
                    self.dev,
                    root_start,
                    &rootfs,
                    &format!("slot {slot}"),
                    &mut report,
                )?;
            }
        }
        // The kernel and initrd too come from the disk (the write-slot step
        // ended with fsync, so the cached pages are clean and dropped).
        self.dev
            .drop_cache(esp_start, esp_len)
            .ctx(|| "reading the ESP back".to_string())?;
        let fs = fatvol::open(self.dev, esp_start, esp_len)
            .ctx(|| "reading the ESP back".to_string())?;
        for c in [&kernel, &initrd] {
            let path = format!("{slot}/{}", c.name);
            let mut f = fs
                .root_dir()
                .open_file(&path)
                .ctx(|| format!("reading {path} back"))?;
            let mut hasher = Sha256::new();
            let mut buf = vec![0u8; 1 << 20];
            let mut len = 0u64;
            loop {
                let n = f.read(&mut buf).ctx(|| format!("reading {path} back"))?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
                len += n as u64;
                report(n as u64);
            }
            let digest: [u8; 32] = hasher.finalize().into();
            if len != c.size || digest != c.sha256.0 {
                return Err(Error::ReadBack {
                    what: format!("{path} on the ESP"),
                    start: 0,
                    end: c.size,
                });
            }
        }
        Ok(())
    }

    fn write_config(&mut self) -> Result<(), Error> {
        let slot = self.plan.slot;
        let dir = slot.config_dir();
        let (start, len) = self.part(Role::Config)?;
        let what = || format!("writing {dir}/ on the config partition");
        let fs = fatvol::open(self.dev, start, len).ctx(what)?;
        fatvol::remove_all(&fs, &dir).ctx(what)?;
        fatvol::create_dirs(&fs, &dir).ctx(what)?;
        for (name, bytes) in self.plan.config.iter() {
            fatvol::write_file(&fs, &format!("{dir}/{name}"), bytes).ctx(what)?;
        }
        fs.unmount().ctx(what)
    }

    fn install_boot_loader(&mut self) -> Result<(), Error> {
        let (start, len) = self.part(Role::Esp)?;
        let what = || format!("writing {ESP_BOOT_LOADER} on the ESP");
        let fs = fatvol::open(self.dev, start, len).ctx(what)?;
        fatvol::write_file(&fs, ESP_BOOT_LOADER, &self.boot_loader).ctx(what)?;
        fs.unmount().ctx(what)
    }

    /// Record the new slot as `new` and active in the state record. The
    /// boot loader does not know about it yet: that is `set_default`.
    fn record_new_slot(&mut self) -> Result<(), Error> {
        let plan = self.plan;
        let mut record = plan.state_after.clone();
        if plan.new_table {
            record.installed_at = self.now;
        }
        record.slots.get_mut(plan.slot).written_at = Some(self.now);
        self.write_state(&record)?;
        self.dev.sync().ctx(|| "flushing the state record".into())
    }

    /// The switch: write the new slot's loader entry with boot counting and
    /// a generation above every other entry, so the boot loader starts it
    /// next (and falls back by itself once its tries are used up). The
    /// entry is written under a name the boot loader ignores and renamed
    /// once complete, so it never sees half an entry.
    fn set_default(&mut self) -> Result<(), Error> {
        let plan = self.plan;
        let slot = plan.slot;
        let part = plan
            .partition(Role::Root(slot))
            .ok_or_else(|| Error::PlanIncomplete(Role::Root(slot).partition_name().to_string()))?;
        let title = match &plan.hotfix {
            Some(_) if !plan.to_hotfixes.is_empty() => format!(
                "{} {} ({})",
                plan.product,
                plan.to,
                plan.to_hotfixes.join(", ")
            ),
            _ => format!("{} {}", plan.product, plan.to),
        };
        let entry = boot::entry_text(&title, &plan.to.to_string(), slot, &part.part_guid);
        let (start, len) = self.part(Role::Esp)?;

        let what = || format!("writing {} on the ESP", layout::LOADER_CONF_PATH);
        let fs = fatvol::open(self.dev, start, len).ctx(what)?;
        fatvol::overwrite_file(
            &fs,
            layout::LOADER_CONF_PATH,
            boot::loader_conf().as_bytes(),
        )
        .ctx(what)?;
        let files = fatvol::list_dir(&fs, layout::LOADER_ENTRIES_DIR).ctx(what)?;
        let name = boot::new_entry_file(slot, boot::next_generation(&files));
        let file = format!("{}/{name}", layout::LOADER_ENTRIES_DIR);
        let part_file = format!("{file}.part");
        let what = || format!("writing {file} on the ESP");
        fatvol::write_file(&fs, &part_file, entry.as_bytes()).ctx(what)?;
        fs.unmount().ctx(what)?;
        self.dev.sync().ctx(|| "flushing the ESP".into())?;

        let fs = fatvol::open(self.dev, start, len).ctx(what)?;
        fatvol::rename(&fs, &part_file, &file).ctx(what)?;
        fs.unmount().ctx(what)?;
        self.dev.sync().ctx(|| "flushing the ESP".into())
    }

    /// `fatfs` writes `.` and `..` of new directories in a form `fsck.fat`
    /// reports; the `fat` crate rewrites them as DOS does. Run after every
    /// step that may have created directories on a FAT volume.
    fn repair_fat(&mut self, kind: StepKind) -> Result<(), Error> {
        let roles: &[Role] = match kind {
            StepKind::FormatEsp | StepKind::WriteSlot | StepKind::InstallBootLoader => &[Role::Esp],
            StepKind::FormatConfig | StepKind::WriteConfig => &[Role::Config],
            StepKind::MarkSlotWriting => &[Role::Esp, Role::Config],
            StepKind::RecordNewSlot => &[Role::Config],
            StepKind::SetDefault => &[Role::Esp],
            _ => &[],
        };
        for role in roles {
            let (start, len) = self.part(*role)?;
            let mut slice = Slice::new(&mut *self.dev, start, len)
                .ctx(|| format!("opening {}", role.partition_name()))?;
            fat::repair(&mut slice).map_err(|source| Error::Fat {
                partition: role.partition_name(),
                source,
            })?;
        }
        Ok(())
    }

    /// Write the report to the config partition (when it holds a file
    /// system) and to the medium. A report that cannot be written does not
    /// change the result of the run; it is left out of `saved_to`.
    fn save_report(&mut self) {
        let name = format!("{}/{}", layout::REPORTS_DIR, self.report.file_name());
        if self.config_ready {
            if let Ok((start, len)) = self.part(Role::Config) {
                let mut r = self.report.clone();
                r.saved_to.push(format!("{}:{name}", layout::CONFIG_NAME));
                let ok = serde_json::to_vec_pretty(&r).ok().is_some_and(|json| {
                    fatvol::open(self.dev, start, len)
                        .and_then(|fs| {
                            fatvol::write_file(&fs, &name, &json)?;
                            fs.unmount()
                        })
                        .is_ok()
                });
                if ok && self.dev.sync().is_ok() {
                    self.report
                        .saved_to
                        .push(format!("{}:{name}", layout::CONFIG_NAME));
                }
            }
        }
        save_to_medium(self.plan, &mut self.report);
    }
}

/// Stream the root image from `reader` to `dev` at `start`: the calling
/// thread reads the medium (the thread pool hashes every chunk against the
/// manifest), a writer thread writes the chunks that passed, so reading,
/// hashing and writing overlap. Chunks are read into aligned buffers that
/// go round between the two (never copied), at most [`WRITE_QUEUE`]
/// waiting for the writer. The writer records a CRC32 of each verified
/// chunk as it takes it and hands runs of written chunks to the read-back
/// through `runs`.
fn write_pipelined<D: Device + Send, R: Read>(
    dev: &mut D,
    reader: &mut PayloadReader<R>,
    start: u64,
    what: &str,
    runs: Option<mpsc::Sender<Vec<Written>>>,
    report: &mut dyn FnMut(u64),
) -> Result<(), Error> {
    let (tx, rx) = mpsc::sync_channel::<AlignedBuf>(WRITE_QUEUE);
    let (back_tx, back_rx) = mpsc::channel::<AlignedBuf>();
    std::thread::scope(|s| {
        let writer = s.spawn(move || write_chunks(dev, start, what, rx, back_tx, runs));
        let read = reader.read_component_into(AlignedBuf::new, |buf| {
            let n = buf.as_ref().len() as u64;
            let spare = back_rx.try_recv().unwrap_or_default();
            let verified = std::mem::replace(buf, spare);
            tx.send(verified)
                .map_err(|_| std::io::Error::other("the writer stopped"))?;
            report(n);
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
/// bytes, write each run at its place from `start` with one
/// [`Device::write_run`] (O_DIRECT where the disk allows), give the
/// buffers back and pass the run (with the CRC32 of each chunk's verified
/// bytes) to the read-back, which reads it from the disk while later runs
/// are written.
fn write_chunks<D: Device>(
    dev: &mut D,
    start: u64,
    what: &str,
    chunks: mpsc::Receiver<AlignedBuf>,
    spare: mpsc::Sender<AlignedBuf>,
    runs: Option<mpsc::Sender<Vec<Written>>>,
) -> Result<(), Error> {
    let mut pos = 0u64;
    let mut next = 0u64;
    let mut held: Vec<AlignedBuf> = Vec::new();
    let mut run: Vec<Written> = Vec::new();
    let mut run_bytes = 0u64;
    let mut write = |held: &mut Vec<AlignedBuf>,
                     run: &mut Vec<Written>,
                     run_bytes: &mut u64|
     -> Result<(), Error> {
        let Some(at) = run.first().map(|w| w.offset) else {
            return Ok(());
        };
        let pos = at - start;
        let bufs: Vec<&[u8]> = held.iter().map(AsRef::as_ref).collect();
        let direct = dev
            .write_run(at, &bufs)
            .ctx(|| format!("writing {what} at byte {pos}"))?;
        for buf in held.drain(..) {
            let _ = spare.send(buf);
        }
        if !direct {
            // Start writing the run out now rather than at the final fsync
            // (POSIX_FADV_DONTNEED starts writeback of dirty pages).
            dev.drop_cache(at, *run_bytes)
                .ctx(|| format!("writing {what} at byte {pos}"))?;
        }
        // A read-back that stopped has found its error already.
        if let Some(tx) = &runs {
            let _ = tx.send(std::mem::take(run));
        }
        run.clear();
        *run_bytes = 0;
        Ok(())
    };
    for buf in chunks {
        let bytes = buf.as_ref();
        let crc = runs.as_ref().map_or(0, |_| crc32fast::hash(bytes));
        run.push(Written {
            index: next,
            offset: start + pos,
            len: bytes.len(),
            crc,
        });
        next += 1;
        pos += bytes.len() as u64;
        run_bytes += bytes.len() as u64;
        held.push(buf);
        if run_bytes >= WRITE_RUN {
            write(&mut held, &mut run, &mut run_bytes)?;
        }
    }
    write(&mut held, &mut run, &mut run_bytes)
}
