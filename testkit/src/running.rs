//! What the running system is made of, and the check that a failed or
//! interrupted run left it as it was and still the boot default.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;

use detect::layout::{self, Role, Slot};

use crate::engine::inspect;
use crate::image::hash_range;
use crate::release::ROOTFS_SIZE;

/// Files of a FAT partition of the image: path → bytes.
pub fn fat_files(disk: &Path, role: Role) -> BTreeMap<String, Vec<u8>> {
    let t = inspect(disk);
    let p = t.partition(role).expect("partition").clone();
    let mut f = File::open(disk).expect("open");
    let fs = detect::fat::open(&mut f, p.start, p.size).expect("fat");
    let mut out = BTreeMap::new();
    let mut stack = vec![String::new()];
    while let Some(dir) = stack.pop() {
        let names: Vec<String> = if dir.is_empty() {
            fs.root_dir()
                .iter()
                .map(|e| e.expect("entry").file_name())
                .filter(|n| n != "." && n != "..")
                .collect()
        } else {
            detect::fat::list_dir(&fs, &dir)
                .expect("list")
                .unwrap_or_default()
        };
        for n in names {
            let path = if dir.is_empty() {
                n.clone()
            } else {
                format!("{dir}/{n}")
            };
            if fs.root_dir().open_dir(&path).is_ok() {
                stack.push(path);
            } else {
                let bytes = detect::fat::read_file(&fs, &path, 64 << 20)
                    .expect("read")
                    .expect("exists");
                out.insert(path, bytes);
            }
        }
    }
    out
}

/// What the running system is made of: it must come through any failed or
/// interrupted run unchanged.
#[derive(Debug, PartialEq, Eq)]
pub struct RunningSystem {
    pub slot: Slot,
    pub root: String,
    pub kernel: Vec<u8>,
    pub initrd: Vec<u8>,
    pub entry: Vec<u8>,
    pub config: BTreeMap<String, Vec<u8>>,
}

/// What the running system of the image is made of now.
pub fn running_system(disk: &Path) -> RunningSystem {
    let t = inspect(disk);
    let ferry = t.report.ferry().expect("a Ferry install");
    let slot = install::running_slot(ferry).expect("running slot");
    let root = t.partition(Role::Root(slot)).expect("root");
    let esp = fat_files(disk, Role::Esp);
    let entry_name = ferry
        .slot(slot)
        .and_then(|s| s.boot_entry.clone())
        .expect("entry of the running slot");
    let prefix = format!("{}/", slot.config_dir());
    RunningSystem {
        slot,
        root: hash_range(disk, root.start, ROOTFS_SIZE),
        kernel: esp[&format!("{slot}/vmlinuz")].clone(),
        initrd: esp[&format!("{slot}/initrd.img")].clone(),
        entry: esp[&format!("{}/{entry_name}", layout::LOADER_ENTRIES_DIR)].clone(),
        config: fat_files(disk, Role::Config)
            .into_iter()
            .filter(|(k, _)| k.starts_with(&prefix))
            .collect(),
    }
}

/// After a failed or interrupted run: detection tells the truth, the old
/// slot is still the default and everything it needs is as it was.
pub fn assert_still_boots(disk: &Path, before: &RunningSystem) {
    let t = inspect(disk);
    let ferry = t.report.ferry().expect("still a Ferry install");
    assert_eq!(
        ferry.boot_default,
        Some(before.slot),
        "the boot default moved: {:?}",
        t.report.issues
    );
    let now = running_system(disk);
    assert_eq!(&now, before, "the running system changed");
    let rec = ferry.record.as_ref().expect("state record");
    assert!(
        matches!(
            rec.slots.get(before.slot).state,
            detect::SlotState::Good | detect::SlotState::New
        ),
        "running slot recorded as {:?}",
        rec.slots.get(before.slot).state
    );
}

/// `fsck.fat -n` finds nothing to complain about on the ESP and the config
/// partition (dosfstools).
pub fn fsck_clean(disk: &Path, t: &install::Target) {
    fsck_partitions(disk, t, &[Role::Esp, Role::Config]);
}

/// [`fsck_clean`] on the partitions of `roles` only, each copied out of
/// the disk (`fsck.fat` has no offset option) and judged by
/// [`crate::loopdev::fsck_fat_clean`].
pub fn fsck_partitions(disk: &Path, t: &install::Target, roles: &[Role]) {
    let data = std::fs::read(disk).expect("read");
    for &role in roles {
        let p = t.partition(role).expect("partition");
        let img = disk.with_extension(format!("{}.fat", role.partition_name()));
        std::fs::write(&img, &data[p.start as usize..(p.start + p.size) as usize]).expect("write");
        crate::loopdev::fsck_fat_clean(&img);
        let _ = std::fs::remove_file(img);
    }
}
