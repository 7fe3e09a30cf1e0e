//! The install engine on sparse image files: partitions small enough for
//! tests, the choice every test starts from, inspect, plan and apply in one
//! call each, and what the boot loader does to a slot that started.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};

use detect::layout::{self, Role};
use install::{Action, Choice, PartitionSizes, PayloadInfo, Plan, Target};
use payload::TrustStore;

use crate::MIB;

/// Machine id of every test install.
pub const MACHINE_ID: &str = "0123456789abcdef0123456789abcdef";

/// Small partitions so images stay small: FAT32 needs 33 MiB or more.
pub fn sizes() -> PartitionSizes {
    PartitionSizes {
        esp: 40 * MIB,
        root: 8 * MIB,
        config: 36 * MIB,
        min_data: 4 * MIB,
    }
}

/// Disk size for [`sizes`] with a few MiB of data partition.
pub const DISK_SIZE: u64 = 104 * MIB;

/// systemd-boot's EFI binary; the tests use the real one.
pub fn boot_loader() -> PathBuf {
    let p = PathBuf::from(install::SYSTEMD_BOOT_EFI);
    assert!(
        p.exists(),
        "{} is needed by this test: install the Debian package systemd-boot-efi",
        p.display()
    );
    p
}

/// The choice of every test: small partitions, a fixed machine id, the
/// real boot loader.
pub fn choice(action: Action) -> Choice {
    let mut c = Choice::new(action);
    c.sizes = Some(sizes());
    c.machine_id = Some(MACHINE_ID.into());
    c.boot_loader = boot_loader();
    c
}

/// Open and verify a payload.
pub fn open(path: &Path, trust: &TrustStore) -> PayloadInfo {
    install::open_payload(path, trust).expect("open payload")
}

/// Inspect a disk image.
pub fn inspect(disk: &Path) -> Target {
    install::inspect(disk).expect("inspect")
}

/// Plan `action` for the image with the payload; panics on a refusal.
pub fn plan_for(disk: &Path, payload: &Path, trust: &TrustStore, action: Action) -> Plan {
    install::plan(&inspect(disk), &open(payload, trust), &choice(action))
        .unwrap_or_else(|e| panic!("plan {action}: {e}"))
}

/// Plan and apply; panics on failure.
pub fn run(disk: &Path, payload: &Path, trust: &TrustStore, action: Action) -> install::Report {
    let plan = plan_for(disk, payload, trust, action);
    install::apply(&plan, &mut |_| {}).unwrap_or_else(|f| panic!("apply {action}: {}", f.error))
}

/// Change the loader entries (`loader/entries/` on the ESP) of the
/// installation on `disk`: `f` gets the directory and the entries' names.
pub fn edit_loader_entries(
    disk: &Path,
    f: impl FnOnce(&fatfs::Dir<'_, detect::io::Slice<&mut std::fs::File>>, Vec<String>),
) {
    let t = inspect(disk);
    let esp = t.partition(Role::Esp).expect("esp").clone();
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(disk)
        .expect("open");
    let slice = detect::io::Slice::new(&mut file, esp.start, esp.size).expect("slice");
    let fs = fatfs::FileSystem::new(slice, fatfs::FsOptions::new()).expect("esp");
    let dir = fs
        .root_dir()
        .open_dir(layout::LOADER_ENTRIES_DIR)
        .expect("entries");
    let names: Vec<String> = dir.iter().map(|e| e.expect("entry").file_name()).collect();
    f(&dir, names);
    drop(dir);
    fs.unmount().expect("unmount");
}

/// What the boot loader does once a new slot started good: it drops the
/// counter from the entry's name (systemd-bless-boot).
pub fn bless(disk: &Path) {
    edit_loader_entries(disk, |dir, names| {
        for n in names.iter().filter(|n| n.contains('+')) {
            let e = detect::boot::parse_entry_file_name(n).expect("entry name");
            dir.rename(n, dir, &format!("{}.conf", e.id))
                .expect("bless");
        }
    });
}

/// 1.0.0 installed in slot a of `base` and started good, the 1.1.0
/// payload beside it, and `work`, where a test copies `base` to change it.
#[derive(Debug)]
pub struct Upgradable {
    pub base: PathBuf,
    pub upg: PathBuf,
    pub trust: TrustStore,
    /// The key `trust` holds, as a file for the binaries' `--trust`.
    pub key: PathBuf,
    pub work: PathBuf,
    pub dir: tempfile::TempDir,
}

/// See [`Upgradable`].
pub fn upgradable() -> Upgradable {
    use crate::image::{sparse, tmp};
    use crate::release::{keys, trust, Release};
    let dir = tmp();
    let k = keys();
    let trust = trust(&[&k.vendor]);
    let key = dir.path().join("vendor.pub");
    std::fs::write(&key, k.vendor.public().to_pem()).expect("key file");
    let base = dir.path().join("base.img");
    sparse(&base, DISK_SIZE);
    run(
        &base,
        &Release::new("1.0.0").build(dir.path(), &k.vendor),
        &trust,
        Action::Install,
    );
    bless(&base);
    let upg = Release::new("1.1.0").build(dir.path(), &k.vendor);
    let work = dir.path().join("work.img");
    Upgradable {
        base,
        upg,
        trust,
        key,
        work,
        dir,
    }
}
