//! Faults during an upgrade: a disk that stops taking writes at any point,
//! a bad chunk on the medium, the medium gone at 0, 50 and 99 %, a block
//! corrupted on the target after it was written. Every one must leave the
//! old system the default, bootable and with its configuration, be reported
//! truthfully by detection, and a second run must succeed.

use std::fs::File;
use std::io::BufReader;

use detect::layout::{Role, Slot};
use detect::IssueKind;
use install::{Action, DiskFile, Plan, StepKind, StepResult};
use testkit::fault::{DiskFault, FaultyDisk, FaultyMedium, MediumFault};
use testkit::{engine::*, image::*, release::*, running::*, MIB};

/// The upgrade runs these tests make, with faults.
trait Faulty {
    fn fresh_copy(&self) -> Plan;
    fn apply_with(
        &self,
        plan: &Plan,
        disk: DiskFault,
        medium: Option<MediumFault>,
    ) -> Result<install::Report, Box<install::Failure>>;
    fn check_and_rerun(&self, before: &RunningSystem, what: &str);
}

impl Faulty for Upgradable {
    fn fresh_copy(&self) -> Plan {
        copy(&self.base, &self.work);
        plan_for(&self.work, &self.upg, &self.trust, Action::Upgrade)
    }

    fn apply_with(
        &self,
        plan: &Plan,
        disk: DiskFault,
        medium: Option<MediumFault>,
    ) -> Result<install::Report, Box<install::Failure>> {
        let mut dev = FaultyDisk::new(DiskFile::open(&self.work).expect("disk"), disk);
        let file = || File::open(&self.upg).map(BufReader::new);
        match medium {
            Some(m) => install::apply_on(
                plan,
                &mut dev,
                || file().map(|f| FaultyMedium::new(f, m)),
                &mut |_| {},
            ),
            None => install::apply_on(plan, &mut dev, file, &mut |_| {}),
        }
    }

    /// The run failed: check what is left, then upgrade again for real.
    fn check_and_rerun(&self, before: &RunningSystem, what: &str) {
        assert_still_boots(&self.work, before);
        let plan = plan_for(&self.work, &self.upg, &self.trust, Action::Upgrade);
        assert_eq!(plan.slot, Slot::B, "{what}");
        install::apply(&plan, &mut |_| {}).unwrap_or_else(|f| panic!("{what}: rerun: {}", f.error));
        let t = inspect(&self.work);
        let ferry = t.report.ferry().expect("ferry");
        assert_eq!(ferry.boot_default, Some(Slot::B), "{what}");
        assert_eq!(t.report.issues, vec![], "{what}");
    }
}

fn no_fault() -> DiskFault {
    DiskFault::FailAfterBytes(u64::MAX)
}

#[test]
fn a_disk_that_stops_writing_at_any_point_leaves_the_old_system() {
    let s = upgradable();
    let plan = s.fresh_copy();
    let before = running_system(&s.work);
    // How much an upgrade writes, measured on a good run.
    let mut dev = FaultyDisk::new(DiskFile::open(&s.work).expect("disk"), no_fault());
    let file = || File::open(&s.upg).map(BufReader::new);
    install::apply_on(&plan, &mut dev, file, &mut |_| {}).expect("upgrade");
    let total = dev.written();
    assert!(total > ROOTFS_SIZE, "{total}");

    let mut points: Vec<u64> = vec![0, 1, 600, 4096, 70_000, CHUNK, 3 * CHUNK + 5];
    points.extend((1..=9).map(|i| total * i / 10));
    points.extend([
        total - ROOTFS_SIZE / 2,
        total - 5000,
        total - 600,
        total - 1,
    ]);
    for at in points {
        let plan = s.fresh_copy();
        match s.apply_with(&plan, DiskFault::FailAfterBytes(at), None) {
            Err(err) => {
                assert!(
                    err.error.to_string().contains("injected write error"),
                    "{at}: {}",
                    err.error
                );
                assert_eq!(err.report.result, install::Outcome::Failed);
                s.check_and_rerun(&before, &format!("write fault after {at} of {total} bytes"));
            }
            Ok(report) => {
                // Only the report was left to write (its length varies
                // with the times it records): the upgrade is complete.
                assert!(at > total - 64 * 1024, "{at} of {total}: succeeded");
                let _ = report;
                let t = inspect(&s.work);
                assert_eq!(t.report.ferry().and_then(|f| f.boot_default), Some(Slot::B));
                assert_eq!(t.report.issues, vec![]);
            }
        }
    }
}

#[test]
fn a_bad_chunk_on_the_medium_stops_before_it_reaches_the_disk() {
    let s = upgradable();
    let len = std::fs::metadata(&s.upg).expect("payload").len();
    let plan = s.fresh_copy();
    let before = running_system(&s.work);
    let err = s
        .apply_with(&plan, no_fault(), Some(MediumFault::BadByte(len - 2 * MIB)))
        .expect_err("bad chunk");
    assert!(err.error.to_string().contains("chunk"), "{}", err.error);
    // The report says so, on the config partition.
    let config = fat_files(&s.work, Role::Config);
    let saved: Vec<install::Report> = config
        .iter()
        .filter(|(k, _)| k.starts_with("reports/"))
        .map(|(_, v)| install::Report::parse(v).expect("report"))
        .filter(|r| r.action == install::Action::Upgrade)
        .collect();
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].result, install::Outcome::Failed);
    assert!(saved[0]
        .error
        .as_deref()
        .unwrap_or_default()
        .contains("chunk"));
    assert!(inspect(&s.work)
        .report
        .issues
        .iter()
        .any(|i| i.kind == IssueKind::HalfWrittenSlot));
    s.check_and_rerun(&before, "bad chunk");
}

#[test]
fn the_medium_disappearing_at_0_50_and_99_percent_leaves_the_old_system() {
    let s = upgradable();
    let len = std::fs::metadata(&s.upg).expect("payload").len();
    for percent in [0, 50, 99] {
        let plan = s.fresh_copy();
        let before = running_system(&s.work);
        let config = plan.partition(Role::Config).expect("config").clone();
        let outside_config = || {
            (
                hash_range(&s.work, 0, config.start),
                hash_range(
                    &s.work,
                    config.start + config.size,
                    DISK_SIZE - config.start - config.size,
                ),
            )
        };
        let image = outside_config();
        let err = s
            .apply_with(
                &plan,
                no_fault(),
                Some(MediumFault::GoneAt(len * percent / 100)),
            )
            .expect_err("medium gone");
        assert!(
            err.error.to_string().contains("no medium"),
            "{percent}%: {}",
            err.error
        );
        if percent == 0 {
            // Nothing before trust: not a byte changed outside the config
            // partition, which got the report.
            assert_eq!(outside_config(), image);
            assert_eq!(err.report.steps, vec![]);
            assert!(err
                .report
                .saved_to
                .iter()
                .any(|p| p.starts_with("ferry-config:reports/")));
        }
        s.check_and_rerun(&before, &format!("medium gone at {percent}%"));
    }
}

#[test]
fn a_block_corrupted_on_the_target_is_caught_by_the_read_back() {
    let s = upgradable();
    let plan = s.fresh_copy();
    let before = running_system(&s.work);
    let slot_b = plan.partition(Role::Root(Slot::B)).expect("b").start;
    let err = s
        .apply_with(
            &plan,
            DiskFault::CorruptByte(slot_b + ROOTFS_SIZE / 2),
            None,
        )
        .expect_err("read-back");
    assert!(
        matches!(err.error, install::Error::ReadBack { .. }),
        "{}",
        err.error
    );
    let steps: Vec<(StepKind, StepResult)> = err
        .report
        .steps
        .iter()
        .map(|s| (s.step, s.result))
        .collect();
    assert_eq!(
        steps,
        vec![
            (StepKind::MarkSlotWriting, StepResult::Done),
            (StepKind::WriteSlot, StepResult::Done),
            (StepKind::ReadBack, StepResult::Failed)
        ]
    );
    s.check_and_rerun(&before, "corrupted block");
}

#[test]
fn a_plan_for_another_disk_state_is_not_applied() {
    let s = upgradable();
    let plan = s.fresh_copy();
    // Something changed the disk after planning: a completed upgrade.
    install::apply(&plan, &mut |_| {}).expect("upgrade");
    let err = install::apply(&plan, &mut |_| {}).expect_err("stale plan");
    assert!(
        err.error.to_string().contains("changed since the plan"),
        "{}",
        err.error
    );
}
