//! Background work: every engine call runs on its own thread and reports
//! over a channel, so the screen keeps drawing and reading keys.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use install::{DiskFile, Plan};
use nix::fcntl::{Flock, FlockArg};

use super::action;
use super::context::{Context, Loaded, Setup};
use super::event::{Command, Msg};
use super::failure::{Failed, InspectError, LoadError, RunError};
use crate::boot_medium::BootMedium;
use crate::l10n::t;

/// Start `cmd` in the background; its results come back on `tx`.
pub fn spawn(cmd: Command, ctx: &Context, tx: Sender<Msg>) {
    let setup = ctx.setup.clone();
    // What a thread words for the screens (the choices' labels, the
    // layout's note) is in the screens' language.
    let lang = ctx.lang;
    let thread = |f: Box<dyn FnOnce() + Send>| {
        thread::spawn(move || {
            crate::l10n::set(lang);
            f()
        })
    };
    match cmd {
        Command::Load => {
            thread(Box::new(move || {
                let _ = tx.send(Msg::Loaded(load(&setup).map(Box::new)));
            }));
        }
        Command::Inspect(i) => {
            let (Some(loaded), Some(disk)) = (ctx.loaded.clone(), ctx.disks().get(i).cloned())
            else {
                return;
            };
            let given = action::Given {
                answers: ctx.unattended.as_ref().and_then(|a| a.config.clone()),
                verified: ctx.medium_verified,
                unattended: ctx
                    .unattended
                    .as_ref()
                    .map(|a| a.run_from(setup.medium.id())),
            };
            thread(Box::new(move || {
                let r = install::inspect(&disk.path)
                    .map_err(InspectError::Disk)
                    .and_then(|target| {
                        let id = install::new_machine_id()
                            .map_err(|e| InspectError::MachineId(e.into()))?;
                        let choices =
                            action::choices(&setup, &loaded.payloads, &target, &id, &given);
                        Ok((Box::new(target), choices))
                    });
                let _ = tx.send(Msg::Inspected(r));
            }));
        }
        Command::Apply(mut plan, cancel, continues) => {
            // The report records the language the technician read.
            plan.report_context.language = Some(lang.code().to_string());
            thread(Box::new(move || {
                apply(&setup, &plan, cancel, continues, &tx)
            }));
        }
        Command::Check => {
            thread(Box::new(move || {
                let mut last = Instant::now() - Duration::from_secs(1);
                let mut progress = |done: u64, total: u64| {
                    if last.elapsed() >= Duration::from_millis(100) || done == total {
                        last = Instant::now();
                        let _ = tx.send(Msg::CheckProgress(done, total));
                    }
                };
                let r = setup
                    .medium
                    .check(&setup.trust, &mut progress)
                    .map_err(std::sync::Arc::new);
                let _ = tx.send(Msg::Checked(r));
            }));
        }
        Command::Eject => {
            thread(Box::new(move || {
                // Only the boot-time installer runs from a disc in a drive.
                let r = if setup.boot {
                    setup.medium.eject()
                } else {
                    Ok(false)
                };
                let _ = tx.send(Msg::Ejected(r));
            }));
        }
        Command::SetLayout(layout) => {
            thread(Box::new(move || {
                let _ = tx.send(Msg::Layout(set_layout(&setup, &layout)));
            }));
        }
    }
}

/// Verify every payload's signature and look at the disks.
pub fn load(setup: &Setup) -> Result<Loaded, LoadError> {
    let m = &setup.medium;
    let several = m.payloads.len() > 1;
    let mut payloads = Vec::with_capacity(m.payloads.len());
    for name in &m.payloads {
        let p = m
            .with_payload(name, |r| {
                install::read_payload(r, &m.payload_path(name), &setup.trust)
            })
            .map_err(LoadError::Medium)?
            .map_err(|source| match several {
                true => LoadError::OnePayload {
                    name: name.clone(),
                    source: Box::new(source),
                },
                false => LoadError::Payload(source),
            })?;
        payloads.push(p);
    }
    // The newest release first: the one the screens name.
    payloads.sort_by_key(|p| {
        let m = &p.manifest;
        std::cmp::Reverse((m.kind == payload::Kind::Release, m.version.clone()))
    });
    let disks = detect::detect_all(&setup.disks);
    Ok(Loaded { payloads, disks })
}

/// Take the write lock, carry out the plan, report.
pub fn apply(
    setup: &Setup,
    plan: &Plan,
    cancel: Arc<AtomicBool>,
    continues: bool,
    tx: &Sender<Msg>,
) {
    let _lock = match &setup.lock {
        None => None,
        Some(path) => match lock(path) {
            Ok(l) => Some(l),
            Err(_) => {
                let _ = tx.send(Msg::Busy);
                return;
            }
        },
    };
    let mut last = Instant::now() - Duration::from_secs(1);
    let mut progress = |p: &install::Progress| {
        // Byte counts come often: pass on ten a second, all the rest.
        if let install::Progress::Bytes { done, total, .. } = p {
            if last.elapsed() < Duration::from_millis(100) && done < total {
                return;
            }
            last = Instant::now();
        }
        let _ = tx.send(Msg::Progress(p.clone()));
    };
    let result = DiskFile::open(&plan.disk)
        .map_err(|source| RunError::Open {
            disk: plan.disk.clone(),
            source,
        })
        .map(|mut disk| {
            let medium = FromMedium {
                medium: &setup.medium,
                name: setup
                    .medium
                    .payload_at(&plan.payload)
                    .unwrap_or(&setup.medium.payloads[0]),
                cancel,
            };
            install::apply_on(plan, &mut disk, medium, &mut progress)
        });
    // The engine keeps the reports on the medium ([`FromMedium`]).
    let msg = match result {
        Ok(Ok(report)) => {
            if continues {
                let efivars = Path::new("/").join(detect::firmware::EFIVARS_DIR);
                let armed = install::continuation::arm(plan, &efivars);
                let _ = tx.send(Msg::Continued(armed.map_err(Arc::new)));
            }
            Ok(Box::new(report))
        }
        Ok(Err(failure)) => {
            let report = failure.report;
            let error = if setup.medium.present() {
                RunError::Engine(failure.error)
            } else {
                RunError::MediumGone {
                    medium: setup.medium.path().to_path_buf(),
                    source: failure.error,
                }
            };
            Err(Box::new(Failed {
                error,
                report: Some(Box::new(report)),
            }))
        }
        Err(error) => Err(Box::new(Failed {
            error,
            report: None,
        })),
    };
    let _ = tx.send(Msg::Applied(msg));
}

/// The boot medium as the engine reads the payload from it, each pass
/// failing once cancel is pressed, and where it keeps the reports (a
/// stick that is still there).
struct FromMedium<'a> {
    medium: &'a BootMedium,
    /// The payload file the plan writes.
    name: &'a str,
    cancel: Arc<AtomicBool>,
}

impl install::PayloadSource for FromMedium<'_> {
    fn pass(
        &mut self,
        pass: &mut dyn FnMut(&mut dyn Read) -> Result<(), install::Error>,
    ) -> Result<(), install::Error> {
        let cancel = self.cancel.clone();
        let result = self
            .medium
            .with_payload(self.name, |r| pass(&mut Cancellable { inner: r, cancel }))
            .map_err(|e| install::Error::Medium(e.into()))
            .and_then(|r| r);
        match result {
            Err(_) if self.cancel.load(Ordering::SeqCst) => Err(install::Error::Cancelled),
            r => r,
        }
    }

    fn keep_report(&mut self, report: &mut install::Report) {
        let name = report.medium_file_name();
        if let Some(at) = self.medium.report_location(&name) {
            if self.medium.present() {
                report.save_copy(at, |json| self.medium.save_report(&name, json));
            }
        }
    }
}

/// The medium as the engine reads it, failing once cancel is pressed.
struct Cancellable<'a> {
    inner: &'a mut dyn Read,
    cancel: Arc<AtomicBool>,
}

impl Read for Cancellable<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.cancel.load(Ordering::SeqCst) {
            // Not `Interrupted`: readers retry that.
            return Err(io::Error::other("cancelled by the technician"));
        }
        self.inner.read(buf)
    }
}

/// Take the exclusive write lock, or fail at once if the installer on the
/// other console holds it.
pub fn lock(path: &Path) -> io::Result<Flock<File>> {
    let f = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)?;
    Flock::lock(f, FlockArg::LockExclusiveNonblock).map_err(|(_, e)| io::Error::from(e))
}

/// Whether another process holds the write lock now.
pub fn other_busy(path: &Path) -> bool {
    match lock(path) {
        Ok(l) => {
            drop(l);
            false
        }
        Err(e) => e.kind() == io::ErrorKind::WouldBlock,
    }
}

fn set_layout(setup: &Setup, layout: &str) -> String {
    if !setup.boot {
        return t!("layout-simulated", layout = layout);
    }
    let bmap = format!("/usr/share/keymaps/{layout}.bmap");
    // The child's standard output is the installer's screen: keep it off
    // (its errors go to the installer's standard error, the log).
    let status = if Path::new(&bmap).exists() {
        File::open(&bmap).and_then(|f| {
            std::process::Command::new("busybox")
                .arg("loadkmap")
                .stdin(f)
                .stdout(std::process::Stdio::null())
                .status()
        })
    } else {
        std::process::Command::new("loadkeys")
            .arg(layout)
            .stdout(std::process::Stdio::null())
            .status()
    };
    match status {
        Ok(s) if s.success() => t!("layout-set", layout = layout),
        _ => t!("layout-failed", layout = layout),
    }
}
