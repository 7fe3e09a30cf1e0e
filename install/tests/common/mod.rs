//! Test fixtures for the install engine: Demo Engine payloads built from
//! small synthetic components and the real demo-engine configuration, test
//! keys, sparse disk images, and checks of what an interruption must leave.
#![allow(dead_code)]

#[path = "../../../detect/tests/common/gpt_edit.rs"]
pub mod gpt_edit;

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use detect::layout::{self, Role, Slot};
use install::{Action, Choice, PartitionSizes, PayloadInfo, Plan, Target};
use payload::{BuildSpec, Kind, SecretKey, TrustStore, TrustUpdate, Version, VersionReq};
use sha2::{Digest, Sha256};

pub const MIB: u64 = 1024 * 1024;
/// Root image size of the test payloads.
pub const ROOTFS_SIZE: u64 = 3 * MIB + 12345;
/// Chunk size of the test payloads: many chunks in a small image.
pub const CHUNK: u64 = 64 * 1024;
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

/// A temporary directory, removed at the end of the test.
pub fn tmp() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("ferry-install-")
        .tempdir()
        .expect("temporary directory")
}

/// Deterministic pseudo-random bytes.
pub fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 32);
    let mut counter = 0u64;
    while out.len() < len {
        let d = Sha256::digest(format!("{seed}:{counter}").as_bytes());
        out.extend_from_slice(&d);
        counter += 1;
    }
    out.truncate(len);
    out
}

/// Keys of the tests.
pub struct Keys {
    pub vendor: SecretKey,
    pub other: SecretKey,
}

pub fn keys() -> Keys {
    Keys {
        vendor: SecretKey::generate().expect("key"),
        other: SecretKey::generate().expect("key"),
    }
}

pub fn trust(keys: &[&SecretKey]) -> TrustStore {
    TrustStore::with_keys(keys.iter().map(|k| k.public()))
}

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../demo-engine")
}

/// What a test payload is.
#[derive(Debug, Clone)]
pub struct Release {
    pub product: &'static str,
    pub version: &'static str,
    pub kind: Kind,
    pub hotfix_id: Option<&'static str>,
    pub upgrades_from: Option<&'static str>,
    pub schema: u32,
    pub seed: u64,
    /// The `[trust]` update it carries.
    pub trust: Option<TrustUpdate>,
    /// Hotfix only: the other hotfixes its image holds.
    pub includes: Vec<&'static str>,
}

impl Release {
    pub fn new(version: &'static str) -> Release {
        let schema = match version {
            "1.0.0" => 1,
            "1.1.0" => 2,
            _ => 3,
        };
        Release {
            product: "demo-engine",
            version,
            kind: Kind::Release,
            hotfix_id: None,
            upgrades_from: Some(">=0.1.0"),
            schema,
            seed: version.bytes().map(u64::from).sum(),
            trust: None,
            includes: Vec::new(),
        }
    }

    pub fn hotfix(version: &'static str, id: &'static str) -> Release {
        Release {
            kind: Kind::Hotfix,
            hotfix_id: Some(id),
            upgrades_from: None,
            seed: 1000 + id.len() as u64,
            ..Release::new(version)
        }
    }

    /// The root image it carries.
    pub fn rootfs(&self) -> Vec<u8> {
        noise(self.seed, ROOTFS_SIZE as usize)
    }

    /// Build it into `dir`, signed by `key`.
    pub fn build(&self, dir: &Path, key: &SecretKey) -> PathBuf {
        self.build_by(dir, &[key])
    }

    /// Build it into `dir`, signed by each of `keys` in this order.
    pub fn build_by(&self, dir: &Path, keys: &[&SecretKey]) -> PathBuf {
        let parts = dir.join(format!("parts-{}-{}", self.version, self.seed));
        std::fs::create_dir_all(&parts).expect("parts dir");
        let mut spec = BuildSpec::new(
            self.product,
            Version::parse(self.version).expect("version"),
            self.kind,
        );
        spec.chunk_size = CHUNK;
        spec.hotfix_id = self.hotfix_id.map(String::from);
        spec.upgrades_from = self
            .upgrades_from
            .map(|r| VersionReq::parse(r).expect("requirement"));
        spec.config_schema = Some(self.schema);
        spec.trust = self.trust.clone();
        spec.includes_hotfixes = self.includes.iter().map(|s| s.to_string()).collect();
        let schema_dir = demo().join(format!("config/schema-{}", self.schema));
        if self.kind == Kind::Release {
            for doc in ["engine.toml", "ferry.toml", "vms.toml"] {
                spec.components
                    .push((format!("config-{doc}"), schema_dir.join(doc)));
            }
            let migrations = demo().join(format!("migrations/release-{}.toml", self.version));
            if migrations.exists() {
                spec.components.push(("migrations.toml".into(), migrations));
            }
        }
        for (name, len) in [("vmlinuz", 70_000usize), ("initrd.img", 150_000)] {
            let p = parts.join(name);
            std::fs::write(&p, noise(self.seed + len as u64, len)).expect("component");
            spec.components.push((name.into(), p));
        }
        let rootfs = parts.join("rootfs.img");
        std::fs::write(&rootfs, self.rootfs()).expect("rootfs");
        spec.components.push(("rootfs.img".into(), rootfs));
        let out = dir.join(format!(
            "{}-{}{}.upg",
            self.product,
            self.version,
            self.hotfix_id.map(|h| format!("-{h}")).unwrap_or_default()
        ));
        payload::build(&spec, keys, &out, &mut |_, _, _| {}).expect("build payload");
        out
    }
}

/// A sparse image file of `size` bytes.
pub fn sparse(path: &Path, size: u64) {
    let f = File::create(path).expect("image");
    f.set_len(size).expect("size");
}

pub fn choice(action: Action) -> Choice {
    let mut c = Choice::new(action);
    c.sizes = sizes();
    c.machine_id = Some(MACHINE_ID.into());
    c.boot_loader = boot_loader();
    c
}

pub fn open(path: &Path, trust: &TrustStore) -> PayloadInfo {
    install::open_payload(path, trust).expect("open payload")
}

pub fn inspect(disk: &Path) -> Target {
    install::inspect(disk).expect("inspect")
}

pub fn plan_for(disk: &Path, payload: &Path, trust: &TrustStore, action: Action) -> Plan {
    install::plan(&inspect(disk), &open(payload, trust), &choice(action))
        .unwrap_or_else(|e| panic!("plan {action}: {e}"))
}

/// Plan and apply; panics on failure.
pub fn run(disk: &Path, payload: &Path, trust: &TrustStore, action: Action) -> install::Report {
    let plan = plan_for(disk, payload, trust, action);
    install::apply(&plan, &mut |_| {}).unwrap_or_else(|f| panic!("apply {action}: {}", f.error))
}

/// What the boot loader does once a new slot started good: it drops the
/// counter from the entry's name (systemd-bless-boot).
pub fn bless(disk: &Path) {
    let t = inspect(disk);
    let esp = t.partition(Role::Esp).expect("esp").clone();
    let mut f = OpenOptions::new()
        .read(true)
        .write(true)
        .open(disk)
        .expect("open");
    let slice = detect::io::Slice::new(&mut f, esp.start, esp.size).expect("slice");
    let fs = fatfs::FileSystem::new(slice, fatfs::FsOptions::new()).expect("esp");
    let dir = fs
        .root_dir()
        .open_dir(layout::LOADER_ENTRIES_DIR)
        .expect("entries");
    let names: Vec<String> = dir
        .iter()
        .map(|e| e.expect("entry").file_name())
        .filter(|n| n.contains('+'))
        .collect();
    for n in names {
        let e = detect::boot::parse_entry_file_name(&n).expect("entry name");
        dir.rename(&n, &dir, &format!("{}.conf", e.id))
            .expect("bless");
    }
    drop(dir);
    fs.unmount().expect("unmount");
}

/// Files of a FAT partition of the image: path → bytes.
pub fn fat_files(disk: &Path, role: Role) -> std::collections::BTreeMap<String, Vec<u8>> {
    let t = inspect(disk);
    let p = t.partition(role).expect("partition").clone();
    let mut f = File::open(disk).expect("open");
    let fs = detect::fat::open(&mut f, p.start, p.size).expect("fat");
    let mut out = std::collections::BTreeMap::new();
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

/// SHA-256 of `len` bytes of the image from `start`.
pub fn hash_range(disk: &Path, start: u64, len: u64) -> String {
    let mut f = File::open(disk).expect("open");
    f.seek(SeekFrom::Start(start)).expect("seek");
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut left = len;
    while left > 0 {
        let n = left.min(buf.len() as u64) as usize;
        f.read_exact(&mut buf[..n]).expect("read");
        h.update(&buf[..n]);
        left -= n as u64;
    }
    hex::encode(h.finalize())
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
    pub config: std::collections::BTreeMap<String, Vec<u8>>,
}

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

/// Copy an image (sparse files stay sparse enough for these sizes).
pub fn copy(from: &Path, to: &Path) {
    std::fs::copy(from, to).expect("copy image");
}

pub fn write_at(path: &Path, offset: u64, bytes: &[u8]) {
    let mut f = OpenOptions::new().write(true).open(path).expect("open");
    f.seek(SeekFrom::Start(offset)).expect("seek");
    f.write_all(bytes).expect("write");
}
