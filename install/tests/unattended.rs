//! An unattended wipe is done once: the state record keeps the medium and
//! the answer file that installed the system, and the same pair does not
//! erase the disk again while it holds their result.

use std::path::Path;

use install::{Action, AnswerFile, Refusal};
use testkit::{engine::*, image::*, release::*};

const MEDIUM: &str = "edfe51ecd7cef88c";
const ANSWER: &str = "[install]\naction = \"wipe\"\ndisk = \"only\"\nconfirm-erase = \"ERASE\"\n\
                      [finish]\naction = \"reboot\"\n";

fn unattended(answer: &str, medium: Option<&str>) -> install::Choice {
    let mut c = choice(Action::Wipe);
    let file = AnswerFile::parse("answer.toml", answer).expect("answer file");
    c.unattended = Some(file.run_from(medium));
    c
}

fn plan(
    disk: &Path,
    payload: &Path,
    trust: &payload::TrustStore,
    c: &install::Choice,
) -> Result<install::Plan, Refusal> {
    install::plan(&inspect(disk), &open(payload, trust), c)
}

/// Remove every loader entry from the ESP: an install that stopped before
/// its boot entry was written.
fn remove_entries(disk: &Path) {
    edit_loader_entries(disk, |dir, names| {
        for n in names.iter().filter(|n| n.ends_with(".conf")) {
            dir.remove(n).expect("remove entry");
        }
    });
}

#[test]
fn the_same_medium_and_answer_file_do_not_wipe_their_own_result() {
    let dir = tmp();
    let k = keys();
    let trust = trust(&[&k.vendor]);
    let disk = dir.path().join("disk.img");
    sparse(&disk, DISK_SIZE);
    run(
        &disk,
        &Release::new("1.0.0").build(dir.path(), &k.vendor),
        &trust,
        Action::Install,
    );
    let upg = Release::new("1.1.0").build(dir.path(), &k.vendor);
    let c = unattended(ANSWER, Some(MEDIUM));

    // The first boot wipes and records the run.
    let first = plan(&disk, &upg, &trust, &c).expect("first wipe");
    install::apply(&first, &mut |_| {}).unwrap_or_else(|f| panic!("{}", f.error));
    let t = inspect(&disk);
    let record = t
        .report
        .ferry()
        .and_then(|f| f.record.clone())
        .expect("record");
    assert_eq!(record.unattended, c.unattended);

    // The second boot from the same medium does not.
    let before = hash_range(&disk, 0, DISK_SIZE);
    match plan(&disk, &upg, &trust, &c) {
        Err(Refusal::AlreadyDone {
            product,
            version,
            medium,
            ..
        }) => {
            assert_eq!(product, "demo-engine");
            assert_eq!(version.to_string(), "1.1.0");
            assert_eq!(medium.as_deref(), Some(MEDIUM));
        }
        other => panic!("a second wipe: {other:?}"),
    }
    let e = plan(&disk, &upg, &trust, &c).expect_err("refused");
    let text = e.to_string();
    assert!(text.contains("already holds demo-engine 1.1.0"), "{text}");
    assert!(text.contains(&format!("from medium {MEDIUM}")), "{text}");
    assert!(text.contains("start the machine from the disk"), "{text}");
    assert_eq!(hash_range(&disk, 0, DISK_SIZE), before);

    // Another answer file, another medium, the technician: they may.
    let changed = format!("{ANSWER}delay = 30\n");
    for other in [
        unattended(&changed, Some(MEDIUM)),
        unattended(ANSWER, Some("0123456789abcdef")),
        unattended(ANSWER, None),
        choice(Action::Wipe),
    ] {
        plan(&disk, &upg, &trust, &other).expect("another run wipes");
    }
    // A release other than the one the run installed: it may too.
    let older = Release::new("1.0.0").build(dir.path(), &k.vendor);
    plan(&disk, &older, &trust, &c).expect("another release");

    // An install that stopped before its boot entry holds no result: the
    // run goes on.
    remove_entries(&disk);
    plan(&disk, &upg, &trust, &c).expect("an unfinished run is repeated");
}

#[test]
fn an_interactive_wipe_records_no_run() {
    let dir = tmp();
    let k = keys();
    let trust = trust(&[&k.vendor]);
    let disk = dir.path().join("disk.img");
    sparse(&disk, DISK_SIZE);
    let upg = Release::new("1.0.0").build(dir.path(), &k.vendor);
    run(&disk, &upg, &trust, Action::Install);
    let record = inspect(&disk)
        .report
        .ferry()
        .and_then(|f| f.record.clone())
        .expect("record");
    assert_eq!(record.unattended, None);
}
