//! `media-builder reports` on a stick after several runs of the engine:
//! an install, a failure, a run cut short (its pending report only), and
//! a second run of a machine; then on a directory of copies with a report
//! that is not one.

use std::fs::{File, OpenOptions};
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::Command;

use detect::MachineIdentity;
use install::{Action, DiskFile, Error, PayloadSource, Report};
use medium::stick::{self, Stick};
use testkit::fault::{FaultyMedium, MediumFault};
use testkit::{engine::*, image::*, release::*};

/// The stick as the installer writes reports to it; `keep` says how many
/// of a run's reports reach it (1: only the pending one, as when the power
/// went off).
struct OnStick<'s, S> {
    inner: S,
    stick: &'s Path,
    keep: usize,
}

impl<S: PayloadSource> PayloadSource for OnStick<'_, S> {
    fn pass(
        &mut self,
        pass: &mut dyn FnMut(&mut dyn Read) -> Result<(), Error>,
    ) -> Result<(), Error> {
        self.inner.pass(pass)
    }

    fn keep_report(&mut self, report: &mut Report) {
        if self.keep == 0 {
            return;
        }
        self.keep -= 1;
        let name = report.medium_file_name();
        let stick = self.stick;
        report.save_copy(format!("stick:{name}"), |json| {
            let mut f = OpenOptions::new().read(true).write(true).open(stick)?;
            let (start, len) = stick::find_partition(&mut f).map_err(std::io::Error::other)?;
            let s = Stick::open(detect::io::Slice::new(f, start, len)?)
                .map_err(std::io::Error::other)?;
            s.write_report(&name, json).map_err(std::io::Error::other)?;
            s.close().map(drop).map_err(std::io::Error::other)
        });
    }
}

struct Site {
    dir: tempfile::TempDir,
    upg: PathBuf,
    trust: payload::TrustStore,
    stick: PathBuf,
}

impl Site {
    /// Install 1.0.0 on the blank disk of machine `serial`.
    fn run(&self, serial: &str, fault: Option<MediumFault>, keep: usize) -> Option<Report> {
        let disk = self.dir.path().join(format!("{serial}.img"));
        sparse(&disk, DISK_SIZE);
        let mut c = choice(Action::Install);
        c.machine_id = Some(install::derived_guid(serial, "id").replace('-', ""));
        c.machine = Some(MachineIdentity {
            serial: Some(serial.into()),
            uuid: None,
            vendor: Some("QEMU".into()),
            model: Some("Standard PC".into()),
        });
        let mut plan =
            install::plan(&inspect(&disk), &open(&self.upg, &self.trust), &c).expect("plan");
        // The installer records the language of its screens; SN-2's
        // technician read French.
        plan.report_context.language = (serial == "SN-2").then(|| "fr".to_string());
        let mut dev = DiskFile::open(&disk).expect("disk");
        let upg = self.upg.clone();
        let file = move || {
            File::open(&upg).map(|f| match fault {
                Some(m) => Box::new(FaultyMedium::new(BufReader::new(f), m)) as Box<dyn Read>,
                None => Box::new(BufReader::new(f)),
            })
        };
        let source = OnStick {
            inner: file,
            stick: &self.stick,
            keep,
        };
        match install::apply_on(&plan, &mut dev, source, &mut |_| {}) {
            Ok(r) => Some(r),
            Err(f) => Some(f.report),
        }
    }
}

fn reports(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_media-builder"))
        .arg("reports")
        .args(args)
        .output()
        .expect("media-builder");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn a_stick_after_several_runs_shows_each_machine_once() {
    let dir = tmp();
    let k = keys();
    let upg = Release::new("1.0.0").build(dir.path(), &k.vendor);
    let len = std::fs::metadata(&upg).expect("payload").len();
    let stick = testkit::sticks::stick(dir.path(), "stick.img", "0123456789abcdef");
    let site = Site {
        upg,
        trust: trust(&[&k.vendor]),
        stick: stick.clone(),
        dir,
    };
    // SN-1 fails first, then installs: a second run, a second later
    // (reports are named to the second).
    site.run("SN-1", Some(MediumFault::BadByte(len / 2)), 2);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    site.run("SN-1", None, 2);
    site.run("SN-2", Some(MediumFault::BadByte(len / 2)), 2);
    site.run("SN-3", None, 1);

    let text = reports(&[stick.to_str().expect("path")]);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("MACHINE "), "{text}");
    let row = |serial: &str| {
        lines
            .iter()
            .find(|l| l.starts_with(serial))
            .unwrap_or_else(|| panic!("{serial} in {text}"))
            .to_string()
    };
    assert!(row("SN-1").contains("Installed"), "{text}");
    assert!(row("SN-1").contains("-> 1.0.0"), "{text}");
    assert!(row("SN-2").contains("Failed"), "{text}");
    assert!(row("SN-2").contains("the payload"), "{text}");
    assert!(row("SN-3").contains("Pending"), "{text}");
    assert!(row("SN-3").contains("never finished"), "{text}");
    // The failure's code in its column, a dash where there is none.
    let code = lines[0].find("CODE").expect("CODE");
    assert!(row("SN-2")[code..].starts_with("payload-"), "{text}");
    assert!(row("SN-3")[code..].starts_with("- "), "{text}");
    assert!(
        text.contains("3 machines: 1 Installed, 1 Failed, 1 Pending"),
        "{text}"
    );
    // Columns line up: STATUS starts at the same place on every line.
    let at = lines[0].find("STATUS").expect("STATUS");
    for l in &lines[1..4] {
        let status = &l[at..];
        assert!(
            ["Installed", "Failed", "Pending"]
                .iter()
                .any(|s| status.starts_with(s)),
            "{l}"
        );
    }

    let csv = reports(&["--csv", stick.to_str().expect("path")]);
    let rows: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(rows.len(), 4, "{csv}");
    assert!(
        rows[0].starts_with("machine,known_by,vendor,model,serial,"),
        "{csv}"
    );
    assert!(
        rows[1].starts_with("SN-1,serial,QEMU,Standard PC,SN-1,"),
        "{csv}"
    );
    assert!(rows[1].contains(",2,"), "two runs of SN-1: {csv}");
    assert!(
        rows[0].contains(",status,when,reason,error_code,language,medium,"),
        "{csv}"
    );
    assert!(rows[2].contains(",payload-"), "{csv}");
    assert!(rows[2].contains(",fr,"), "{csv}");

    let json: serde_json::Value =
        serde_json::from_str(&reports(&["--json", stick.to_str().expect("path")])).expect("JSON");
    let statuses: Vec<&str> = json["machines"]
        .as_array()
        .expect("machines")
        .iter()
        .map(|m| m["status"].as_str().expect("status"))
        .collect();
    assert_eq!(statuses, ["Installed", "Failed", "Pending"]);
    let machines = json["machines"].as_array().expect("machines");
    assert_eq!(machines[0]["error_code"], serde_json::Value::Null);
    assert!(machines[1]["error_code"]
        .as_str()
        .is_some_and(|c| c.starts_with("payload-")));
    assert_eq!(machines[1]["language"], "fr");

    // A directory of copies: the stick's reports, one that is not a
    // report, and the stick itself beside them, read together.
    let copies = site.dir.path().join("copies/site-a");
    std::fs::create_dir_all(&copies).expect("dir");
    std::fs::write(copies.join("broken.json"), b"{\"format\": 2,").expect("junk");
    let out = Command::new(env!("CARGO_BIN_EXE_media-builder"))
        .args(["reports", "--json"])
        .arg(site.dir.path().join("copies"))
        .arg(&stick)
        .output()
        .expect("media-builder");
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["machines"].as_array().map(Vec::len), Some(3));
    assert_eq!(json["unreadable"].as_array().map(Vec::len), Some(1));
}
