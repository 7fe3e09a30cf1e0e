//! Disk images for detection tests: Ferry installs built by our own code
//! (gpt crate + fatfs) and by the real tools (sgdisk, mkfs.fat, mtools).
#![allow(dead_code)]

use detect::io::Slice;
use detect::layout::{self, Role, Slot};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

pub const MIB: u64 = 1024 * 1024;

/// A valid state record: slot a good and active, slot b empty.
pub const STATE_A_GOOD: &str = r#"format = 1
product = "engine"
machine_id = "0123456789abcdef0123456789abcdef"
installed_at = "2025-03-01T10:00:00Z"
active = "a"
trusted_keys = ["2b1e0c4e9d1c3b5a7f6e8d9c0b1a2f3e4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a"]

[slots.a]
state = "good"
release = "4.2.0"
hotfixes = ["hf-2025-001", "hf-2025-007"]
config_schema = 3

[slots.b]
state = "empty"
"#;

/// What to put on a Ferry test image.
#[derive(Debug, Clone)]
pub struct FerrySetup {
    /// Partition sizes in MiB, in layout order; `None` leaves it out.
    pub sizes: Vec<(Role, Option<u64>)>,
    /// `state.toml` content; `None` writes none.
    pub state: Option<String>,
    /// Loader entry file names in `loader/entries/`.
    pub entries: Vec<String>,
    /// `default` line of `loader/loader.conf`.
    pub loader_default: Option<String>,
    /// Slots that get a `config/<slot>/` directory.
    pub config_dirs: Vec<Slot>,
}

impl Default for FerrySetup {
    fn default() -> Self {
        FerrySetup {
            sizes: vec![
                (Role::Esp, Some(8)),
                (Role::Root(Slot::A), Some(2)),
                (Role::Root(Slot::B), Some(2)),
                (Role::Config, Some(4)),
                (Role::Data, Some(2)),
            ],
            state: Some(STATE_A_GOOD.to_string()),
            entries: vec!["ferry-1-a.conf".into()],
            loader_default: Some(layout::LOADER_DEFAULT.into()),
            config_dirs: vec![Slot::A],
        }
    }
}

impl FerrySetup {
    /// Total image size: 1 MiB head, partitions, 1 MiB tail.
    pub fn disk_size(&self) -> u64 {
        let parts: u64 = self.sizes.iter().filter_map(|(_, s)| *s).sum();
        (parts + 2) * MIB
    }
}

/// Build a Ferry image with the `gpt` crate and `fatfs`, the way the
/// install engine will.
pub fn build_ferry_image(path: &Path, setup: &FerrySetup) {
    let file = create_sparse(path, setup.disk_size());
    let mut disk = gpt::GptConfig::new()
        .writable(true)
        .create_from_device(file, None)
        .expect("create GPT");
    for (role, size) in &setup.sizes {
        let Some(size) = size else { continue };
        let ty = match role {
            Role::Esp => gpt::partition_types::EFI,
            Role::Root(_) => gpt::partition_types::LINUX_ROOT_X64,
            Role::Config => gpt::partition_types::BASIC,
            Role::Data => gpt::partition_types::LINUX_FS,
        };
        assert_eq!(ty.guid.to_string().to_uppercase(), role.type_guid());
        disk.add_partition(role.partition_name(), size * MIB, ty, 0, Some(2048))
            .expect("add partition");
    }
    let parts: Vec<(String, u64, u64)> = disk
        .partitions()
        .values()
        .map(|p| {
            (
                p.name.clone(),
                p.first_lba * 512,
                (p.last_lba - p.first_lba + 1) * 512,
            )
        })
        .collect();
    let mut file = disk.write().expect("write GPT");
    let lbas = setup.disk_size() / 512;
    gpt::mbr::ProtectiveMBR::with_lb_size(u32::try_from(lbas - 1).expect("small disk"))
        .overwrite_lba0(&mut file)
        .expect("protective MBR");
    for (name, start, len) in parts {
        if name == layout::ESP_NAME {
            let mut fs_files = vec![];
            for e in &setup.entries {
                fs_files.push((format!("{}/{e}", layout::LOADER_ENTRIES_DIR), entry_text(e)));
            }
            if let Some(d) = &setup.loader_default {
                fs_files.push((
                    layout::LOADER_CONF_PATH.into(),
                    format!("timeout 3\ndefault {d}\n"),
                ));
            }
            format_fat(
                &mut file,
                start,
                len,
                layout::ESP_LABEL,
                &["loader", "loader/entries"],
                &fs_files,
            );
        } else if name == layout::CONFIG_NAME {
            let mut dirs: Vec<String> = vec!["config".into(), "reports".into()];
            dirs.extend(setup.config_dirs.iter().map(|s| s.config_dir()));
            let dirs: Vec<&str> = dirs.iter().map(String::as_str).collect();
            let mut fs_files = vec![];
            if let Some(s) = &setup.state {
                fs_files.push((layout::STATE_PATH.to_string(), s.clone()));
            }
            format_fat(
                &mut file,
                start,
                len,
                layout::CONFIG_LABEL,
                &dirs,
                &fs_files,
            );
        }
    }
}

fn entry_text(file: &str) -> String {
    format!("title Engine\nlinux /{file}/vmlinuz\ninitrd /{file}/initrd.img\n")
}

/// Format `[start, start+len)` as FAT with fatfs and write directories and files.
pub fn format_fat(
    file: &mut File,
    start: u64,
    len: u64,
    label: &str,
    dirs: &[&str],
    files: &[(String, String)],
) {
    let mut vol_label = [b' '; 11];
    vol_label[..label.len()].copy_from_slice(label.as_bytes());
    let mut slice = Slice::new(&mut *file, start, len).expect("slice");
    fatfs::format_volume(
        &mut slice,
        fatfs::FormatVolumeOptions::new().volume_label(vol_label),
    )
    .expect("format FAT");
    slice.seek(SeekFrom::Start(0)).expect("rewind");
    let fs = fatfs::FileSystem::new(slice, fatfs::FsOptions::new()).expect("open FAT");
    for d in dirs {
        fs.root_dir().create_dir(d).expect("mkdir");
    }
    for (path, text) in files {
        let mut f = fs.root_dir().create_file(path).expect("create file");
        f.write_all(text.as_bytes()).expect("write file");
    }
    fs.unmount().expect("unmount");
}

pub fn create_sparse(path: &Path, size: u64) -> File {
    let f = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
        .expect("create image");
    f.set_len(size).expect("size image");
    f
}

/// Find a tool or fail saying which Debian package provides it.
pub fn tool(name: &str, package: &str) -> PathBuf {
    for dir in [
        "/usr/sbin",
        "/sbin",
        "/usr/bin",
        "/bin",
        "/usr/local/bin",
        "/usr/local/sbin",
    ] {
        let p = Path::new(dir).join(name);
        if p.exists() {
            return p;
        }
    }
    panic!("{name} is needed by this test: install the Debian package {package} (apt-get install {package})");
}

pub fn run(tool_name: &str, package: &str, args: &[&str]) {
    let out = Command::new(tool(tool_name, package))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {tool_name}: {e}"));
    assert!(
        out.status.success(),
        "{tool_name} {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn sgdisk(img: &Path, args: &[&str]) {
    let mut all: Vec<&str> = args.to_vec();
    let p = img.to_str().expect("utf-8 path");
    all.push(p);
    run("sgdisk", "gdisk", &all);
}

/// Make a FAT file system image of `mib` MiB with mkfs.fat and fill it
/// with mtools. `fat32` asks for FAT32 (needs 33 MiB or more).
pub fn mkfs_fat_image(
    path: &Path,
    mib: u64,
    label: &str,
    fat32: bool,
    dirs: &[&str],
    files: &[(&str, &str)],
) {
    drop(create_sparse(path, mib * MIB));
    let p = path.to_str().expect("utf-8 path");
    let mut args = vec!["-n", label];
    if fat32 {
        args.extend(["-F", "32", "-s", "1"]);
    }
    args.push(p);
    run("mkfs.fat", "dosfstools", &args);
    for d in dirs {
        run("mmd", "mtools", &["-i", p, &format!("::/{d}")]);
    }
    let tmp = tempfile::tempdir().expect("tmp");
    for (dest, text) in files {
        let src = tmp.path().join("f");
        std::fs::write(&src, text).expect("write");
        run(
            "mcopy",
            "mtools",
            &["-i", p, src.to_str().expect("utf-8"), &format!("::/{dest}")],
        );
    }
}

/// Copy a partition image into a disk image at byte `offset`.
pub fn splice(img: &Path, offset: u64, part: &Path) {
    let mut data = Vec::new();
    File::open(part)
        .expect("open part")
        .read_to_end(&mut data)
        .expect("read part");
    let mut f = OpenOptions::new()
        .write(true)
        .open(img)
        .expect("open image");
    f.seek(SeekFrom::Start(offset)).expect("seek");
    f.write_all(&data).expect("write");
}

/// Overwrite bytes of an image.
pub fn poke(img: &Path, offset: u64, bytes: &[u8]) {
    let mut f = OpenOptions::new()
        .write(true)
        .open(img)
        .expect("open image");
    f.seek(SeekFrom::Start(offset)).expect("seek");
    f.write_all(bytes).expect("write");
}

/// Byte offset of a named partition, from our own reader.
pub fn partition_start(report: &detect::DiskReport, name: &str) -> u64 {
    report
        .partitions
        .iter()
        .find(|p| p.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no partition {name}"))
        .start
}

pub fn kinds(report: &detect::DiskReport) -> Vec<detect::IssueKind> {
    report.issues.iter().map(|i| i.kind).collect()
}
