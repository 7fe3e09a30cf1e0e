//! Loop devices over image files, with the logical sector size a test
//! asks for (`losetup -b 4096` makes a 4Kn disk), partitions scanned, and
//! the real tools' verdict on what was written there. Needs root and loop
//! devices: [`Loop::attach`] says so and returns `None` where they are
//! missing, and the test stops there.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A loop device, detached (and its mounts unmounted) when dropped.
#[derive(Debug)]
pub struct Loop {
    /// `/dev/loopN`.
    pub dev: PathBuf,
    mounts: Vec<PathBuf>,
    /// Where partition nodes are made when no udev makes them.
    nodes: tempfile::TempDir,
    image: PathBuf,
    sector_size: u64,
    /// Loop devices over single partitions, where the kernel does not
    /// scan partitions.
    parts: Vec<PathBuf>,
}

impl Loop {
    /// Attach `image` with logical sectors of `sector_size` bytes and
    /// partition scanning (`/dev/loopNpM`).
    pub fn attach(image: &Path, sector_size: u64) -> Option<Loop> {
        let out = Command::new("losetup")
            .args(["-P", "-b", &sector_size.to_string(), "-f", "--show"])
            .arg(image)
            .output()
            .ok()?;
        if !out.status.success() {
            eprintln!(
                "skipped: no loop device here ({})",
                String::from_utf8_lossy(&out.stderr).trim()
            );
            return None;
        }
        let dev = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        Some(Loop {
            dev,
            mounts: Vec::new(),
            nodes: tempfile::tempdir().expect("tmp"),
            image: image.to_path_buf(),
            sector_size,
            parts: Vec::new(),
        })
    }

    /// The device of partition `n`: the kernel's (`loopNpM`, with a
    /// node made for it in a directory of the test's own where no udev
    /// makes one). Where the kernel does not scan partitions (some
    /// container kernels have no partition support), a loop device of the
    /// same sector size over the bytes `sgdisk -i`, reading the disk in
    /// its own sectors, gives for the partition.
    pub fn partition(&mut self, n: u32) -> PathBuf {
        let name = format!(
            "{}p{n}",
            self.dev.file_name().expect("name").to_string_lossy()
        );
        let dev = PathBuf::from("/dev").join(&name);
        if dev.exists() {
            return dev;
        }
        let sys = Path::new("/sys/class/block").join(&name).join("dev");
        if let Ok(numbers) = std::fs::read_to_string(&sys) {
            let (major, minor) = numbers.trim().split_once(':').expect("major:minor");
            let node = self.nodes.path().join(&name);
            if !node.exists() {
                run(Command::new("mknod").arg(&node).args(["b", major, minor]));
            }
            return node;
        }
        let info = run(Command::new("sgdisk")
            .args(["-i", &n.to_string()])
            .arg(&self.dev));
        let sector = |what: &str| -> u64 {
            info.lines()
                .find_map(|l| l.strip_prefix(what))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("sgdisk -i {n}: no {what}\n{info}"))
        };
        let (first, last) = (sector("First sector: "), sector("Last sector: "));
        let ss = self.sector_size;
        let out = run(Command::new("losetup")
            .args(["-b", &ss.to_string(), "-f", "--show"])
            .args(["-o", &(first * ss).to_string()])
            .args(["--sizelimit", &((last - first + 1) * ss).to_string()])
            .arg(&self.image));
        let part = PathBuf::from(out.trim());
        self.parts.push(part.clone());
        part
    }

    /// Mount partition `n` read-only at `at` (a FAT volume: the kernel
    /// checks its sector size against the device's). Returns `false`, and
    /// says so, where the kernel has no vfat (some containers' kernels).
    pub fn mount_ro(&mut self, n: u32, at: &Path) -> bool {
        if !kernel_has_vfat() {
            eprintln!("not mounted: the kernel here has no vfat");
            return false;
        }
        std::fs::create_dir_all(at).expect("mount point");
        run(Command::new("mount")
            .args(["-t", "vfat", "-o", "ro"])
            .arg(self.partition(n))
            .arg(at));
        self.mounts.push(at.to_path_buf());
        true
    }

    /// Unmount everything mounted through [`Loop::mount_ro`].
    pub fn unmount_all(&mut self) {
        for m in self.mounts.drain(..).rev() {
            let _ = Command::new("umount").arg(&m).status();
        }
    }
}

impl Drop for Loop {
    fn drop(&mut self) {
        self.unmount_all();
        for p in self.parts.drain(..) {
            let _ = Command::new("losetup").arg("-d").arg(&p).status();
        }
        let _ = Command::new("losetup").arg("-d").arg(&self.dev).status();
    }
}

/// Whether the running kernel mounts FAT volumes (`vfat` in
/// `/proc/filesystems`).
pub fn kernel_has_vfat() -> bool {
    std::fs::read_to_string("/proc/filesystems").is_ok_and(|t| {
        t.lines()
            .any(|l| l.split_whitespace().last() == Some("vfat"))
    })
}

/// Run `cmd`; panics with its output unless it succeeds. Returns stdout
/// and stderr.
pub fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{cmd:?} failed:\n{text}");
    text
}

/// `sgdisk -v` finds no problem in the disk's GPT (read in the disk's own
/// sectors).
pub fn sgdisk_clean(disk: &Path) {
    let text = run(Command::new("sgdisk").arg("-v").arg(disk));
    assert!(
        text.contains("No problems found"),
        "sgdisk -v {}:\n{text}",
        disk.display()
    );
}

/// `blkid -p`'s `NAME=value` pairs of a device.
pub fn blkid(dev: &Path) -> String {
    run(Command::new("blkid").args(["-p", "-o", "export"]).arg(dev))
}

/// `fsck.fat -n` finds nothing to repair on a FAT volume.
pub fn fsck_fat_clean(dev: &Path) {
    let text = run(Command::new("fsck.fat").arg("-n").arg(dev));
    let complaints: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("fsck.fat ") && !l.contains("files, ") && !l.trim().is_empty())
        .collect();
    assert!(
        complaints.is_empty(),
        "fsck.fat -n {}: {complaints:?}\n{text}",
        dev.display()
    );
}
