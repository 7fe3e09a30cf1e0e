//! A GPT whose checksums are right but whose entries are damaged or
//! hostile: root a reaching into root b, a partition past the end of the
//! disk, one starting at sector 2^55, one ending before it starts, one on
//! the GPT itself. An upgrade is refused with the partitions and sectors
//! named, a plan made before the damage is not applied, and not one byte of
//! the image changes; wipe and reinstall still works. A plan altered by
//! hand so that partitions overlap or leave the disk writes nothing.

use std::path::Path;

use detect::gpt::EntryProblem;
use detect::layout::{Role, Slot};
use install::{Action, Error, Refusal, WindowError};
use testkit::gpt::{lbas, sectors, set_lbas};
use testkit::{engine::*, image::*, release::*};

const ESP: u32 = 1;
const ROOT_A: u32 = 2;
const ROOT_B: u32 = 3;
const DATA: u32 = 5;

/// One way to damage the table, and what detection must say about it.
struct Damage {
    what: &'static str,
    edit: fn(&Path),
    found: fn(&[EntryProblem]) -> bool,
}

fn damages() -> Vec<Damage> {
    vec![
        Damage {
            what: "root a reaches into root b",
            edit: |p| {
                let (a, b) = (lbas(p, ROOT_A), lbas(p, ROOT_B));
                set_lbas(p, ROOT_A, a.0, b.0 + 100);
            },
            found: |probs| {
                probs.iter().any(|e| {
                    matches!(e, EntryProblem::Overlap { a, b }
                        if a.index == ROOT_A && b.index == ROOT_B && a.last_lba == b.first_lba + 100)
                })
            },
        },
        Damage {
            what: "the data partition runs past the end of the disk",
            edit: |p| {
                let d = lbas(p, DATA);
                set_lbas(p, DATA, d.0, sectors(p) + 2048);
            },
            found: |probs| {
                probs.iter().any(|e| {
                    matches!(e, EntryProblem::PastEnd { part, disk_sectors }
                        if part.index == DATA && *disk_sectors == DISK_SIZE / 512)
                })
            },
        },
        Damage {
            what: "root b starts at sector 2^55",
            edit: |p| set_lbas(p, ROOT_B, 1 << 55, (1 << 55) + 16383),
            found: |probs| {
                probs.iter().any(|e| {
                    matches!(e, EntryProblem::PastEnd { part, .. }
                        if part.index == ROOT_B && part.first_lba == 1 << 55)
                })
            },
        },
        Damage {
            what: "root b ends before it starts",
            edit: |p| {
                let b = lbas(p, ROOT_B);
                set_lbas(p, ROOT_B, b.0, b.0 - 1);
            },
            found: |probs| {
                probs.iter().any(
                    |e| matches!(e, EntryProblem::EndsBeforeStart { part } if part.index == ROOT_B),
                )
            },
        },
        Damage {
            what: "root b starts on the GPT's entry array",
            edit: |p| {
                let b = lbas(p, ROOT_B);
                set_lbas(p, ROOT_B, 2, b.1);
            },
            found: |probs| {
                let outside = probs.iter().any(|e| {
                    matches!(e, EntryProblem::OutsideUsable { part, first_usable, .. }
                        if part.index == ROOT_B && part.first_lba == 2 && *first_usable == 34)
                });
                let over_esp = probs.iter().any(|e| {
                    matches!(e, EntryProblem::Overlap { a, b } if a.index == ESP && b.index == ROOT_B)
                });
                outside && over_esp
            },
        },
    ]
}

fn sha(path: &Path) -> String {
    hash_range(path, 0, std::fs::metadata(path).expect("image").len())
}

#[test]
fn upgrade_of_a_damaged_table_is_refused_and_nothing_is_written() {
    let s = upgradable();
    for d in damages() {
        copy(&s.base, &s.work);
        // Planned while the table was sound, applied after the damage.
        let stale = plan_for(&s.work, &s.upg, &s.trust, Action::Upgrade);
        (d.edit)(&s.work);
        let image = sha(&s.work);

        let t = inspect(&s.work);
        assert!(
            t.report.table_damaged(),
            "{}: {:#?}",
            d.what,
            t.report.issues
        );
        assert!(t.report.ferry().is_some(), "{}: still Ferry", d.what);
        let e =
            install::plan(&t, &open(&s.upg, &s.trust), &choice(Action::Upgrade)).expect_err(d.what);
        let Refusal::DamagedPartitionTable { disk, problems } = &e else {
            panic!("{}: refused otherwise: {e}", d.what)
        };
        assert_eq!(disk, &s.work);
        assert!((d.found)(problems), "{}: {problems:#?}", d.what);
        assert!(e.to_string().contains("wipe and reinstall"), "{e}");

        let failure = install::apply(&stale, &mut |_| {}).expect_err(d.what);
        assert!(
            matches!(
                failure.error,
                Error::Refused(Refusal::DamagedPartitionTable { .. })
            ),
            "{}: {}",
            d.what,
            failure.error
        );
        assert!(
            failure
                .report
                .saved_to
                .iter()
                .all(|p| !p.starts_with("ferry-")),
            "{}: a report went to the disk: {:?}",
            d.what,
            failure.report.saved_to
        );
        assert_eq!(sha(&s.work), image, "{}: the image changed", d.what);
    }
}

#[test]
fn wipe_and_reinstall_replaces_a_damaged_table() {
    let s = upgradable();
    copy(&s.base, &s.work);
    set_lbas(&s.work, ROOT_B, 1 << 55, (1 << 55) + 16383);
    let plan = plan_for(&s.work, &s.upg, &s.trust, Action::Wipe);
    assert!(
        plan.notes
            .iter()
            .any(|n| n.to_string().contains("partition table is damaged")),
        "{:?}",
        plan.notes
    );
    install::apply(&plan, &mut |_| {}).unwrap_or_else(|f| panic!("wipe: {}", f.error));
    let t = inspect(&s.work);
    assert_eq!(t.report.issues, vec![]);
    assert!(!t.report.table_damaged());
    let ferry = t.report.ferry().expect("ferry");
    assert_eq!(
        ferry
            .slot(Slot::A)
            .and_then(|s| s.release.clone())
            .map(|v| v.to_string())
            .as_deref(),
        Some("1.1.0")
    );
}

/// A plan whose partitions were changed by hand (plans are plain data):
/// apply checks every partition before the first write and writes
/// nothing.
#[test]
fn apply_refuses_a_plan_whose_partitions_overlap_or_leave_the_disk() {
    let dir = tmp();
    let k = keys();
    let trust = trust(&[&k.vendor]);
    let upg = Release::new("1.0.0").build(dir.path(), &k.vendor);
    let disk = dir.path().join("blank.img");
    sparse(&disk, DISK_SIZE);
    let zeros = sha(&disk);
    let good = plan_for(&disk, &upg, &trust, Action::Install);
    let a = good.partition(Role::Root(Slot::A)).expect("a").clone();

    let mut cases: Vec<(&str, install::Plan)> = Vec::new();
    let mut p = good.clone();
    set_part(&mut p, Role::Root(Slot::B), a.start + 4096, None);
    cases.push(("root b on root a", p));
    let mut p = good.clone();
    set_part(&mut p, Role::Root(Slot::B), 1 << 55, None);
    cases.push(("root b at 2^55 bytes", p));
    let mut p = good.clone();
    set_part(&mut p, Role::Root(Slot::B), u64::MAX - 4095, None);
    cases.push(("root b at the end of 64 bits", p));
    let mut p = good.clone();
    set_part(&mut p, Role::Esp, 0, None);
    cases.push(("the ESP on the partition table", p));
    let mut p = good.clone();
    set_part(&mut p, Role::Data, a.start, Some(DISK_SIZE));
    cases.push(("data past the end", p));

    for (what, plan) in cases {
        let failure = install::apply(&plan, &mut |_| {}).expect_err(what);
        assert!(
            matches!(failure.error, Error::Window(_)),
            "{what}: {}",
            failure.error
        );
        assert_eq!(failure.report.steps, vec![], "{what}");
        assert_eq!(sha(&disk), zeros, "{what}: the disk was written");
    }
    let failure = {
        let mut p = good.clone();
        set_part(&mut p, Role::Root(Slot::B), a.start, None);
        install::apply(&p, &mut |_| {}).expect_err("overlap")
    };
    let Error::Window(WindowError::Overlap {
        partition, other, ..
    }) = &failure.error
    else {
        panic!("{}", failure.error)
    };
    assert_eq!(
        [*partition, *other],
        ["ferry-root-a", "ferry-root-b"],
        "{}",
        failure.error
    );
}

fn set_part(plan: &mut install::Plan, role: Role, start: u64, size: Option<u64>) {
    let p = plan
        .partitions
        .iter_mut()
        .find(|p| p.role == role)
        .expect("partition");
    p.start = start;
    if let Some(size) = size {
        p.size = size;
    }
}
