//! `apply`: carry out a plan, step by step, in the order `docs/detect.md`
//! prescribes, so that an interruption at any point leaves the running
//! system bootable and its configuration untouched.
//!
//! This module runs the steps, checks again before the first write and
//! writes the report; `fresh` holds the steps of a new layout, `slot` the
//! writing and reading back of a slot, `switch` the state record, the
//! configuration and the boot entries. Steps write a partition only
//! through its [`PartitionWindow`], which [`Run::part`] hands out.

pub mod continuation;
mod fresh;
mod slot;
mod switch;

use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::Path;
use std::time::Instant;

use detect::layout::{self, Role};
use payload::PayloadReader;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::device::{Device, DiskFile};
use crate::error::{Act, DiskChange, Doing, Error, IoContext, Object, Refusal};
use crate::fatvol::{self, Volume};
use crate::io::{BackgroundCheck, Meter};
use crate::plan::{Plan, StepKind};
use crate::report::{now, rfc3339, Report, StepReport, StepResult};
use crate::source::PayloadSource;
use crate::window::{self, PartitionWindow};

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
    /// Bytes of the payload read from the medium in the current step,
    /// where they differ from the bytes written (a compressed payload's
    /// slot step): the medium is what a technician waits for.
    Medium {
        /// Which step.
        kind: StepKind,
        /// Payload bytes read.
        done: u64,
        /// Payload bytes in all.
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

/// Carry out `plan` on its disk, reading its payload.
pub fn apply(plan: &Plan, progress: &mut dyn FnMut(&Progress)) -> Result<Report, Box<Failure>> {
    let started = now();
    match DiskFile::open(&plan.disk).ctx(|| Act::OpeningToWrite.on(Object::Disk(plan.disk.clone())))
    {
        // Smaller than a chunk: chunk reads then go straight into the
        // chunk buffers, past this one; it serves the tar headers.
        Ok(mut disk) => apply_on(
            plan,
            &mut disk,
            || File::open(&plan.payload).map(|f| BufReader::with_capacity(64 << 10, f)),
            progress,
        ),
        Err(error) => {
            let mut report = Report::begin(plan, started);
            report.finish(Some(&error));
            report.attach_log(plan.report_context.log.as_deref());
            save_to_dirs(plan, &mut report);
            Err(Box::new(Failure { error, report }))
        }
    }
}

/// [`apply`] on an open disk, reading the payload from `medium`: tests
/// wrap them to inject faults, the installer reads its own medium.
pub fn apply_on<D: Device + Send, S: PayloadSource>(
    plan: &Plan,
    dev: &mut D,
    mut medium: S,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Report, Box<Failure>> {
    let mut run = Run {
        plan,
        dev,
        check: None,
        boot_loader: Vec::new(),
        shim: None,
        now: now(),
        config_ready: false,
        report: Report::begin(plan, now()),
    };
    let result = run.preflight().and_then(|()| {
        // Before the first write: a run that never ends leaves this.
        let mut pending = run.report.pending();
        pending.attach_log(plan.report_context.log.as_deref());
        run.save_report(&mut pending);
        medium.keep_report(&mut pending);
        run.passes(&mut medium, progress)
    });
    let error = result.err();
    let mut report = std::mem::replace(&mut run.report, Report::begin(plan, now()));
    report.finish(error.as_ref());
    report.attach_log(plan.report_context.log.as_deref());
    run.save_report(&mut report);
    medium.keep_report(&mut report);
    match error {
        None => Ok(report),
        Some(error) => Err(Box::new(Failure { error, report })),
    }
}

/// Copy the report into the medium's report directories that can be
/// written; a read-only DVD is not an error.
fn save_to_dirs(plan: &Plan, report: &mut Report) {
    for dir in &plan.report_dirs {
        let path = dir.join(report.medium_file_name());
        report.save_copy(path.display().to_string(), |json| {
            std::fs::create_dir_all(dir)?;
            write_durably(&path, json)
        });
    }
}

fn write_durably(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = File::create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// What goes wrong on a FAT volume: an I/O error, which gets the context
/// of what was being done, or an engine error as it is.
trait VolumeError {
    fn into_error(self, what: Doing) -> Error;
}

/// FAT volume label of a data partition Ferry formats.
pub const DATA_LABEL: &str = "FERRY-DATA";

impl VolumeError for io::Error {
    fn into_error(self, what: Doing) -> Error {
        Error::io(what, self)
    }
}

impl VolumeError for Error {
    fn into_error(self, _: Doing) -> Error {
        self
    }
}

/// Open the FAT volume on the partition `part` of `dev`, let `f` work on
/// it and unmount it; every I/O error says `what` was being done.
fn on_volume<D: Device, T, E: VolumeError>(
    dev: &mut D,
    part: PartitionWindow,
    what: impl Fn() -> Doing,
    f: impl FnOnce(&Volume<'_, D>) -> Result<T, E>,
) -> Result<T, Error> {
    let fs = fatvol::open(part.slice(dev).ctx(&what)?).ctx(&what)?;
    let out = f(&fs).map_err(|e| e.into_error(what()))?;
    fs.unmount().ctx(what)?;
    Ok(out)
}

/// A byte counter for `kind` that reports to `progress` as it goes (at most
/// ten times a second).
fn metered<'p>(
    kind: StepKind,
    total: u64,
    progress: &'p mut dyn FnMut(&Progress),
) -> impl FnMut(u64) + 'p {
    let mut meter = Meter::new(total);
    move |n| {
        if let Some((done, total, rate)) = meter.add(n) {
            progress(&Progress::Bytes {
                kind,
                done,
                total,
                rate,
            });
        }
    }
}

/// [`metered`] for the slot step: `report(slot, medium)` counts bytes
/// written and payload bytes read, each against its total.
fn metered_medium<'p>(
    kind: StepKind,
    total: u64,
    medium_total: u64,
    progress: &'p mut dyn FnMut(&Progress),
) -> impl FnMut(u64, u64) + 'p {
    let mut meter = Meter::new(total);
    let mut medium = Meter::new(medium_total);
    move |n, m| {
        if let Some((done, total, rate)) = medium.add(m) {
            progress(&Progress::Medium {
                kind,
                done,
                total,
                rate,
            });
        }
        if let Some((done, total, rate)) = meter.add(n) {
            progress(&Progress::Bytes {
                kind,
                done,
                total,
                rate,
            });
        }
    }
}

/// A boot file of the installer medium, bounded like the boot loader.
fn read_boot_file(path: &std::path::Path, package: &str) -> Result<Vec<u8>, Error> {
    let f = File::open(path).map_err(|e| {
        Error::io(
            Act::Opening.on(Object::BootFile {
                path: path.to_path_buf(),
                package: package.to_string(),
            }),
            e,
        )
    })?;
    let mut data = Vec::new();
    f.take(MAX_BOOT_LOADER)
        .read_to_end(&mut data)
        .ctx(|| Act::Reading.on(Object::File(path.to_path_buf())))?;
    Ok(data)
}

/// The payload as one pass over the medium reads it.
type Payload<'r> = PayloadReader<&'r mut dyn Read>;

struct Run<'a, D: Device> {
    plan: &'a Plan,
    dev: &'a mut D,
    /// The read-back of the root image, running beside its write.
    check: Option<BackgroundCheck>,
    boot_loader: Vec<u8>,
    /// The shim and MokManager, read with the boot loader.
    shim: Option<fresh::ShimBytes>,
    now: OffsetDateTime,
    /// The disk is the one planned for and its config partition holds a
    /// file system reports can go to.
    config_ready: bool,
    report: Report,
}

impl<D: Device + Send> Run<'_, D> {
    /// Where a step may write the partition of `role`: checked against the
    /// disk and every other partition of the plan.
    fn part(&self, role: Role) -> Result<PartitionWindow, Error> {
        PartitionWindow::of(self.plan, role)
    }

    /// Everything checked again before the first write: the same disk with
    /// a sound partition table, partitions that overlap nothing and lie on
    /// the disk, the same payload, signed by a trusted key.
    fn preflight(&mut self) -> Result<(), Error> {
        let plan = self.plan;
        if self.dev.size() != plan.disk_size {
            return Err(Error::DiskChanged(DiskChange::Size {
                found: self.dev.size(),
                planned: plan.disk_size,
            }));
        }
        window::check_plan(plan)?;
        if !plan.new_table {
            let t = crate::target::inspect_device(
                plan.disk.clone(),
                self.dev,
                plan.disk_size,
                plan.sector_size,
            );
            if !t.table_problems.is_empty() {
                return Err(Refusal::DamagedPartitionTable {
                    disk: plan.disk.clone(),
                    problems: t.table_problems,
                }
                .into());
            }
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
            // The disk is the one planned for: from here on, the report
            // goes to its config partition too.
            self.config_ready = true;
        }
        if plan
            .steps
            .iter()
            .any(|s| s.kind == StepKind::InstallBootLoader)
        {
            self.boot_loader = read_boot_file(&plan.boot_loader, "systemd-boot-efi")?;
            if let Some(shim) = &plan.shim {
                self.shim = Some(fresh::ShimBytes {
                    shim: read_boot_file(&shim.shim, "shim-signed")?,
                    mok_manager: read_boot_file(&shim.mok_manager, "shim-helpers-amd64-signed")?,
                });
            }
        }
        Ok(())
    }

    /// The payload at the start of a pass: signed by a trusted key, and the
    /// one the plan was made for.
    fn open_payload<'r>(&self, medium: &'r mut dyn Read) -> Result<Payload<'r>, Error> {
        let reader = PayloadReader::open(medium, &self.plan.trust)?;
        let sha = hex::encode(Sha256::digest(reader.manifest_bytes()));
        if sha != self.plan.manifest_sha256 {
            return Err(Error::PayloadChanged {
                planned: self.plan.manifest_sha256.clone(),
                found: sha,
            });
        }
        Ok(reader)
    }

    /// Carry out the steps, in passes over the medium: a step that reads
    /// the payload to its end (verify-payload) ends a pass, and the next
    /// step begins a new one.
    fn passes(
        &mut self,
        medium: &mut dyn PayloadSource,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<(), Error> {
        let mut next = 0;
        while next < self.plan.steps.len() {
            medium.pass(&mut |r| {
                let mut reader = Some(self.open_payload(r)?);
                next = self.steps(next, &mut reader, progress)?;
                Ok(())
            })?;
        }
        Ok(())
    }

    /// Carry out the steps from index `from` until the payload's pass is
    /// used up or every step is done; the index of the next step.
    fn steps(
        &mut self,
        from: usize,
        reader: &mut Option<Payload<'_>>,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<usize, Error> {
        let total = self.plan.steps.len();
        for (i, step) in self.plan.steps.iter().enumerate().skip(from) {
            if step.kind == StepKind::WriteReport {
                // The report is written last, after the result is known.
                continue;
            }
            if reader.is_none() && step.kind.reads_payload() {
                return Ok(i);
            }
            progress(&Progress::Step {
                index: i + 1,
                total,
                kind: step.kind,
                title: step.title.clone(),
            });
            let started = now();
            let clock = Instant::now();
            let result = self.step(step.kind, reader, progress).and_then(|()| {
                self.repair_fat(step.kind)?;
                self.dev
                    .sync()
                    .ctx(|| Act::Flushing.on(Object::Disk(self.plan.disk.clone())))
            });
            let seconds = clock.elapsed().as_secs_f64();
            self.report.steps.push(StepReport {
                step: step.kind,
                title: step.title.clone(),
                started: rfc3339(started),
                seconds,
                result: match result {
                    Ok(()) => StepResult::Done,
                    Err(_) => StepResult::Failed,
                },
            });
            result?;
            progress(&Progress::StepDone {
                index: i + 1,
                kind: step.kind,
                seconds,
            });
            #[cfg(feature = "fault-injection")]
            crate::power_cut::stop_if_asked(step.kind);
        }
        Ok(total)
    }

    fn step(
        &mut self,
        kind: StepKind,
        reader: &mut Option<Payload<'_>>,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<(), Error> {
        match kind {
            StepKind::VerifyPayload => {
                let reader = reader.take().ok_or(Error::PayloadUsed)?;
                let mut report = metered(kind, self.plan.payload_bytes, progress);
                reader.verify_rest(&mut report)?;
                Ok(())
            }
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
            StepKind::FormatData => self.format(Role::Data, DATA_LABEL, &[]),
            StepKind::MarkSlotWriting => self.mark_writing(),
            StepKind::WriteSlot => {
                let reader = reader.take().ok_or(Error::PayloadUsed)?;
                self.write_slot(reader, progress)
            }
            StepKind::ReadBack => self.read_back(progress),
            StepKind::WriteConfig => self.write_config(),
            StepKind::InstallBootLoader => self.install_boot_loader(),
            StepKind::RecordNewSlot => self.record_new_slot(),
            StepKind::SetDefault => self.set_default(),
            StepKind::WriteReport => Ok(()),
        }
    }

    /// `fatfs` writes `.` and `..` of new directories in a form `fsck.fat`
    /// reports; the `fat` crate rewrites them as DOS does. Run after every
    /// step that may have created directories on a FAT volume.
    fn repair_fat(&mut self, kind: StepKind) -> Result<(), Error> {
        let roles: &[Role] = match kind {
            StepKind::FormatEsp | StepKind::WriteSlot | StepKind::InstallBootLoader => &[Role::Esp],
            StepKind::FormatConfig | StepKind::WriteConfig => &[Role::Config],
            StepKind::FormatData => &[Role::Data],
            StepKind::MarkSlotWriting => &[Role::Esp, Role::Config],
            StepKind::RecordNewSlot => &[Role::Config],
            StepKind::SetDefault => &[Role::Esp],
            _ => &[],
        };
        for role in roles {
            let mut slice = self
                .part(*role)?
                .slice(&mut *self.dev)
                .ctx(|| Act::Opening.on(Object::Partition(role.partition_name())))?;
            fat::repair(&mut slice).map_err(|source| Error::Fat {
                partition: role.partition_name(),
                source,
            })?;
        }
        Ok(())
    }

    /// Write `report` to the config partition (when it holds a file
    /// system) and to the medium's report directories. A report that
    /// cannot be written does not change the result of the run; it is left
    /// out of `saved_to`. The final report has the pending one's name and
    /// replaces it.
    fn save_report(&mut self, report: &mut Report) {
        if self.config_ready {
            if let Ok(part) = self.part(Role::Config) {
                let name = format!("{}/{}", layout::REPORTS_DIR, report.file_name());
                let at = format!("{}:{name}", layout::CONFIG_NAME);
                let dev = &mut *self.dev;
                report.save_copy(at, |json| {
                    on_volume(
                        dev,
                        part,
                        || Act::Writing.on(Object::ConfigFile(name.clone())),
                        |fs| fatvol::write_file(fs, &name, json),
                    )?;
                    dev.sync()
                        .ctx(|| Act::Writing.on(Object::ConfigFile(name.clone())))
                });
            }
        }
        save_to_dirs(self.plan, report);
    }
}
