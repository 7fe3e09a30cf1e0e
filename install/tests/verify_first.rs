//! Install and wipe read the whole payload before they erase or write
//! anything, unless it was verified in this boot already: a damaged chunk
//! on the medium leaves the disk exactly as it was. Upgrades, which never
//! touch the running slot, keep their single pass.

use std::cell::Cell;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use install::{Action, DiskFile, Plan, StepKind, StepResult};
use testkit::fault::{FaultyMedium, MediumFault};
use testkit::{engine::*, image::*, release::*, running::*};

/// The byte of the payload file that starts chunk `index` of the root
/// image of `release` (a 64-byte run of noise occurs once).
fn rootfs_chunk_offset(payload: &Path, release: &Release, index: u64) -> u64 {
    let bytes = std::fs::read(payload).expect("payload");
    let start = (index * CHUNK) as usize;
    let needle = &release.rootfs()[start..start + 64];
    bytes
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("chunk in the payload") as u64
}

/// SHA-256 of the whole image.
fn image_hash(disk: &Path) -> String {
    hash_range(disk, 0, DISK_SIZE)
}

/// The payload file with the byte at `at` read wrong.
fn damaged(
    payload: PathBuf,
    at: u64,
) -> impl FnMut() -> std::io::Result<FaultyMedium<BufReader<File>>> {
    move || {
        File::open(&payload).map(|f| FaultyMedium::new(BufReader::new(f), MediumFault::BadByte(at)))
    }
}

fn steps(report: &install::Report) -> Vec<(StepKind, StepResult)> {
    report.steps.iter().map(|s| (s.step, s.result)).collect()
}

fn apply_damaged(plan: &Plan, disk: &Path, payload: &Path, at: u64) -> Box<install::Failure> {
    let mut dev = DiskFile::open(disk).expect("disk");
    install::apply_on(
        plan,
        &mut dev,
        damaged(payload.to_path_buf(), at),
        &mut |_| {},
    )
    .expect_err("a damaged chunk")
}

#[test]
fn a_damaged_chunk_stops_a_wipe_before_anything_is_erased() {
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
    bless(&disk);
    let data = inspect(&disk)
        .partition(detect::layout::Role::Data)
        .expect("data")
        .clone();
    write_at(&disk, data.start + 4096, b"customer data");
    let release = Release::new("1.1.0");
    let upg = release.build(dir.path(), &k.vendor);
    let before = image_hash(&disk);

    let plan = plan_for(&disk, &upg, &trust, Action::Wipe);
    assert_eq!(plan.steps[0].kind, StepKind::VerifyPayload);
    assert_eq!(plan.steps[1].kind, StepKind::DiscardData);
    assert!(
        plan.to_string().contains("before erasing anything"),
        "{plan}"
    );
    let err = apply_damaged(
        &plan,
        &disk,
        &upg,
        rootfs_chunk_offset(&upg, &release, 3) + 100,
    );
    assert!(
        matches!(
            err.error,
            install::Error::Payload(payload::Error::ChunkMismatch { chunk: 3, .. })
        ),
        "{}",
        err.error
    );
    assert_eq!(
        steps(&err.report),
        vec![(StepKind::VerifyPayload, StepResult::Failed)]
    );
    assert_eq!(image_hash(&disk), before, "the disk changed");
    // The installation is still there, and the same wipe from a good
    // medium goes through.
    assert_still_boots(&disk, &running_system(&disk));
    let report = install::apply(&plan, &mut |_| {}).expect("wipe");
    assert_eq!(report.steps[0].step, StepKind::VerifyPayload);
    let mut left = [0u8; 13];
    let mut f = File::open(&disk).expect("disk");
    std::io::Seek::seek(&mut f, std::io::SeekFrom::Start(data.start + 4096)).expect("seek");
    f.read_exact(&mut left).expect("read");
    assert_ne!(&left, b"customer data", "the data was not erased");
}

#[test]
fn a_damaged_chunk_stops_an_install_before_anything_is_written() {
    let dir = tmp();
    let k = keys();
    let trust = trust(&[&k.vendor]);
    let disk = dir.path().join("disk.img");
    sparse(&disk, DISK_SIZE);
    let release = Release::new("1.0.0");
    let upg = release.build(dir.path(), &k.vendor);
    let plan = plan_for(&disk, &upg, &trust, Action::Install);
    assert_eq!(plan.steps[0].kind, StepKind::VerifyPayload);
    assert!(
        plan.to_string().contains("before writing anything"),
        "{plan}"
    );
    let err = apply_damaged(&plan, &disk, &upg, rootfs_chunk_offset(&upg, &release, 0));
    assert_eq!(
        steps(&err.report),
        vec![(StepKind::VerifyPayload, StepResult::Failed)]
    );
    assert!(matches!(
        detect::detect_path(&disk).content,
        detect::Content::Blank
    ));
}

/// Bytes read from the medium by one run of `plan`.
fn medium_bytes(plan: &Plan, disk: &Path, payload: &Path) -> u64 {
    struct Counting<'a>(BufReader<File>, &'a Cell<u64>);
    impl Read for Counting<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.read(buf)?;
            self.1.set(self.1.get() + n as u64);
            Ok(n)
        }
    }
    let read = Cell::new(0);
    let mut dev = DiskFile::open(disk).expect("disk");
    install::apply_on(
        plan,
        &mut dev,
        || File::open(payload).map(|f| Counting(BufReader::new(f), &read)),
        &mut |_| {},
    )
    .unwrap_or_else(|f| panic!("{}", f.error));
    read.get()
}

#[test]
fn a_payload_verified_already_and_an_upgrade_are_read_once() {
    let dir = tmp();
    let k = keys();
    let trust = trust(&[&k.vendor]);
    let disk = dir.path().join("disk.img");
    sparse(&disk, DISK_SIZE);
    let old = Release::new("1.0.0").build(dir.path(), &k.vendor);
    let new = Release::new("1.1.0").build(dir.path(), &k.vendor);
    let len = std::fs::metadata(&old).expect("payload").len();

    let plan = plan_for(&disk, &old, &trust, Action::Install);
    let read = medium_bytes(&plan, &disk, &old);
    assert!(read >= 2 * (len - 10240), "{read} of {len}");

    let mut choice = choice(Action::Wipe);
    choice.payload_verified = true;
    let plan = install::plan(&inspect(&disk), &open(&old, &trust), &choice).expect("plan");
    assert_eq!(plan.steps[0].kind, StepKind::DiscardData);
    let read = medium_bytes(&plan, &disk, &old);
    assert!(read <= len, "{read} of {len}");
    bless(&disk);

    let plan = plan_for(&disk, &new, &trust, Action::Upgrade);
    assert!(plan.steps.iter().all(|s| s.kind != StepKind::VerifyPayload));
    let read = medium_bytes(&plan, &disk, &new);
    assert!(
        read <= std::fs::metadata(&new).expect("payload").len(),
        "{read}"
    );
}
