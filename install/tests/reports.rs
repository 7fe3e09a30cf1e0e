//! The reports an admin collects: each carries the machine's identity, the
//! installer's version, the payload's digest and signer, the disk's model
//! and serial and the log of the run; a pending report is kept before the
//! first write and replaced by the final one, for a success, a failure and
//! a cancellation alike.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use detect::MachineIdentity;
use install::{Action, DiskFile, Error, Outcome, PayloadSource, Report};
use testkit::fault::{FaultyMedium, MediumFault};
use testkit::{engine::*, image::*, release::*};

/// A medium that keeps reports the way a stick does, and remembers them.
struct Keeping<'k, S> {
    inner: S,
    kept: &'k mut Vec<Report>,
    /// Stop every pass as a cancelled run does.
    cancel: bool,
}

impl<S: PayloadSource> PayloadSource for Keeping<'_, S> {
    fn pass(
        &mut self,
        pass: &mut dyn FnMut(&mut dyn Read) -> Result<(), Error>,
    ) -> Result<(), Error> {
        if self.cancel {
            return Err(Error::Cancelled);
        }
        self.inner.pass(pass)
    }

    fn keep_report(&mut self, report: &mut Report) {
        let at = format!("stick:ferry/reports/{}", report.medium_file_name());
        let kept = &mut *self.kept;
        report.save_copy(at, |json| {
            kept.push(Report::parse(json).expect("the JSON kept"));
            Ok::<(), ()>(())
        });
    }
}

fn identity(serial: &str) -> MachineIdentity {
    MachineIdentity {
        serial: Some(serial.into()),
        uuid: Some(format!("6a1d2c3e-0000-4000-8000-0000{serial:0>8}")),
        vendor: Some("QEMU".into()),
        model: Some("Standard PC (Q35 + ICH9, 2009)".into()),
    }
}

/// Install on a blank disk with the machine `serial`, its log and a
/// report directory, reading the payload through `medium`.
fn install_on(
    dir: &Path,
    upg: &Path,
    trust: &payload::TrustStore,
    serial: &str,
    medium: &mut dyn FnMut() -> std::io::Result<Box<dyn Read>>,
    cancel: bool,
) -> (Result<Report, Box<install::Failure>>, Vec<Report>) {
    let disk = dir.join(format!("{serial}.img"));
    sparse(&disk, DISK_SIZE);
    let log = dir.join(format!("{serial}.log"));
    std::fs::write(
        &log,
        format!("answer file: ferry/answer.toml\nmachine {serial}\n"),
    )
    .expect("log");
    let mut c = choice(Action::Install);
    // Machines have their own ids: reports on a medium are named by them.
    c.machine_id = Some(install::derived_guid(serial, "id").replace('-', ""));
    c.machine = Some(identity(serial));
    c.log = Some(log);
    c.report_dirs = vec![reports_dir(dir)];
    let plan = install::plan(&inspect(&disk), &open(upg, trust), &c).expect("plan");
    let mut dev = DiskFile::open(&disk).expect("disk");
    let mut kept = Vec::new();
    let source = Keeping {
        inner: medium,
        kept: &mut kept,
        cancel,
    };
    let r = install::apply_on(&plan, &mut dev, source, &mut |_| {});
    (r, kept)
}

fn reports_dir(dir: &Path) -> PathBuf {
    dir.join("stick/ferry/reports")
}

fn saved(dir: &Path) -> Vec<Report> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(reports_dir(dir))
        .expect("reports")
        .map(|e| e.expect("entry").path())
        .collect();
    names.sort();
    names
        .iter()
        .map(|p| Report::parse(&std::fs::read(p).expect("report")).expect("a report"))
        .collect()
}

#[test]
fn success_failure_and_cancellation_each_leave_one_report_with_the_machine() {
    let dir = tmp();
    let k = keys();
    let trust = trust(&[&k.vendor]);
    let upg = Release::new("1.0.0").build(dir.path(), &k.vendor);
    let len = std::fs::metadata(&upg).expect("payload").len();
    let file = |p: &Path| -> std::io::Result<Box<dyn Read>> {
        Ok(Box::new(BufReader::new(File::open(p)?)))
    };

    let (ok, kept) = install_on(dir.path(), &upg, &trust, "SN-OK", &mut || file(&upg), false);
    let ok = ok.expect("install");
    // The medium kept the pending report first, then the final one, under
    // one name.
    let results: Vec<Outcome> = kept.iter().map(|r| r.result).collect();
    assert_eq!(results, [Outcome::Pending, Outcome::Success]);
    assert_eq!(kept[0].medium_file_name(), kept[1].medium_file_name());
    assert_eq!(kept[0].steps, vec![]);
    assert_eq!(ok.format, install::REPORT_FORMAT);
    let m = ok.machine.clone().expect("machine");
    assert_eq!(m.serial.as_deref(), Some("SN-OK"));
    assert_eq!(
        m.uuid.as_deref(),
        Some("6a1d2c3e-0000-4000-8000-0000000SN-OK")
    );
    assert_eq!(
        ok.installer_version.as_deref(),
        Some(env!("CARGO_PKG_VERSION"))
    );
    let info = open(&upg, &trust);
    assert_eq!(
        ok.manifest_sha256.as_deref(),
        Some(info.manifest_sha256.as_str())
    );
    assert_eq!(
        ok.signer.as_deref(),
        Some(k.vendor.public().fingerprint().to_string().as_str())
    );
    assert!(ok
        .log
        .as_deref()
        .is_some_and(|l| l.contains("machine SN-OK")));
    // The directory copy replaced its pending one.
    let on_dir = saved(dir.path());
    assert_eq!(on_dir.len(), 1);
    assert_eq!(on_dir[0].result, Outcome::Success);

    // A bad chunk stops the run before anything is written.
    let (failed, kept) = install_on(
        dir.path(),
        &upg,
        &trust,
        "SN-BAD",
        &mut || {
            file(&upg).map(|f| -> Box<dyn Read> {
                Box::new(FaultyMedium::new(f, MediumFault::BadByte(len / 2)))
            })
        },
        false,
    );
    let failed = failed.expect_err("bad chunk");
    assert_eq!(failed.report.result, Outcome::Failed);
    let results: Vec<Outcome> = kept.iter().map(|r| r.result).collect();
    assert_eq!(results, [Outcome::Pending, Outcome::Failed]);
    assert!(
        failed
            .report
            .error
            .as_deref()
            .is_some_and(|e| e.contains("chunk")),
        "{:?}",
        failed.report.error
    );

    let (cancelled, _) = install_on(
        dir.path(),
        &upg,
        &trust,
        "SN-CANCEL",
        &mut || file(&upg),
        true,
    );
    let cancelled = cancelled.expect_err("cancelled");
    assert!(matches!(cancelled.error, Error::Cancelled));
    assert_eq!(cancelled.report.result, Outcome::Cancelled);

    let on_dir = saved(dir.path());
    let mut by_serial: Vec<(String, Outcome)> = on_dir
        .iter()
        .map(|r| {
            let serial = r.machine.as_ref().and_then(|m| m.serial.clone());
            (serial.unwrap_or_default(), r.result)
        })
        .collect();
    by_serial.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        by_serial,
        [
            ("SN-BAD".to_string(), Outcome::Failed),
            ("SN-CANCEL".to_string(), Outcome::Cancelled),
            ("SN-OK".to_string(), Outcome::Success),
        ]
    );
}
