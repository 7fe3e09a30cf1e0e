//! What a path names, for writing an image to it: a regular file, a
//! partition, or a whole disk with its [`DiskFacts`] and everything that
//! uses it (mounts of it, its partitions or devices built on them; swap;
//! device mapper and RAID holders). Read from sysfs and procfs under
//! [`Roots`]; never opens the target itself.

use std::collections::BTreeSet;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use crate::mounts::{mount_table, swap_files};
use crate::sysfs::{dev_path, list, partitions, read_dev, read_text, DevNum, DiskFacts, Roots};

/// What makes two paths the same target: the device number of a block
/// device, the file system and inode of anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity {
    Block(DevNum),
    Inode { dev: u64, ino: u64 },
}

/// The identity of what `path` names (following symbolic links), if it
/// exists.
pub fn identity(path: &Path) -> Option<Identity> {
    let m = std::fs::metadata(path).ok()?;
    Some(if m.file_type().is_block_device() {
        Identity::Block(DevNum::from_rdev(m.rdev()))
    } else {
        Identity::Inode {
            dev: m.dev(),
            ino: m.ino(),
        }
    })
}

/// What a path names, as far as writing a whole disk to it goes.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    /// As the admin named it.
    pub path: PathBuf,
    pub id: Option<Identity>,
    pub kind: Kind,
}

/// What kind of thing a path names.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// Nothing at that path.
    Missing,
    /// The path could not be examined (permissions, a file in the middle
    /// of the path).
    Unreadable { error: String },
    /// A regular file.
    File { size: u64 },
    /// A directory, character device, pipe or socket.
    Other,
    /// A block device that sysfs does not list under `block/`.
    UnknownBlock { dev: DevNum },
    /// A partition `name` of the disk `disk` (kernel names).
    Partition {
        dev: DevNum,
        name: String,
        disk: String,
    },
    /// A whole disk.
    Disk(Disk),
}

/// A whole disk, as sysfs and procfs describe it: what it is and what
/// uses it.
#[derive(Debug, Clone, PartialEq)]
pub struct Disk {
    pub dev: DevNum,
    pub facts: DiskFacts,
    /// Mounts of the disk, its partitions, or devices built on them.
    pub mounts: Vec<Mount>,
    /// The same, in use as swap (kernel names).
    pub swaps: Vec<String>,
    /// Devices built on the disk or its partitions.
    pub holders: Vec<Holder>,
    /// What could not be checked, e.g. an unreadable mount table.
    pub unchecked: Vec<String>,
}

/// A mounted device of a disk.
#[derive(Debug, Clone, PartialEq)]
pub struct Mount {
    /// Kernel name of the mounted device: the disk, a partition, `dm-0`.
    pub device: String,
    pub mount_point: String,
}

/// A device built on a disk or one of its partitions.
#[derive(Debug, Clone, PartialEq)]
pub struct Holder {
    /// The disk or partition held.
    pub device: String,
    /// What holds it: `dm-0` (LVM, encryption), `md127` (RAID).
    pub holder: String,
}

/// Gather the facts about `path`, reading sysfs and procfs under `roots`.
/// Never writes, never opens the target itself.
pub fn inspect(path: &Path, roots: &Roots) -> Facts {
    let kind = match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Kind::Missing,
        Err(e) => Kind::Unreadable {
            error: e.to_string(),
        },
        Ok(m) if m.file_type().is_block_device() => block_facts(DevNum::from_rdev(m.rdev()), roots),
        Ok(m) if m.is_file() => Kind::File { size: m.len() },
        Ok(_) => Kind::Other,
    };
    Facts {
        path: path.to_path_buf(),
        id: identity(path),
        kind,
    }
}

/// What sysfs and procfs under `roots` say about the block device `dev`.
pub fn block_facts(dev: DevNum, roots: &Roots) -> Kind {
    let block = roots.sys_block();
    for name in list(&block) {
        let dir = block.join(&name);
        if read_dev(&dir) == Some(dev) {
            return Kind::Disk(read_disk(dev, &name, roots));
        }
        for (part, part_dev) in partitions(&dir) {
            if part_dev == dev {
                return Kind::Partition {
                    dev,
                    name: part,
                    disk: name,
                };
            }
        }
    }
    Kind::UnknownBlock { dev }
}

/// The disk, its partitions and what is built on them.
#[derive(Debug)]
struct Member {
    name: String,
    dev: Option<DevNum>,
    dm_name: Option<String>,
}

impl Member {
    /// Whether a mount source or swap file name (`/dev/sdb1`,
    /// `/dev/mapper/vg-home`) names this device.
    fn named_by(&self, source: &str) -> bool {
        if let Some(n) = source.strip_prefix("/dev/mapper/") {
            return self.dm_name.as_deref() == Some(n);
        }
        source
            .strip_prefix("/dev/")
            .is_some_and(|n| n == dev_path(&self.name))
    }
}

fn read_disk(dev: DevNum, name: &str, roots: &Roots) -> Disk {
    let block = roots.sys_block();
    let dir = block.join(name);
    let mut members = Vec::new();
    let mut holders = Vec::new();
    let mut seen = BTreeSet::new();
    let mut queue = vec![(name.to_string(), dir.clone())];
    while let Some((n, d)) = queue.pop() {
        if !seen.insert(n.clone()) {
            continue;
        }
        for (p, _) in partitions(&d) {
            queue.push((p.clone(), d.join(&p)));
        }
        for h in list(&d.join("holders")) {
            holders.push(Holder {
                device: n.clone(),
                holder: h.clone(),
            });
            queue.push((h.clone(), block.join(&h)));
        }
        members.push(Member {
            dev: read_dev(&d),
            dm_name: read_text(&d.join("dm/name")),
            name: n,
        });
    }
    holders.sort_by(|a, b| (&a.device, &a.holder).cmp(&(&b.device, &b.holder)));

    let mut unchecked = Vec::new();
    let mut mounts = Vec::new();
    match mount_table(&roots.proc) {
        Ok(table) => {
            for e in table {
                let by_dev = |m: &&Member| e.dev.is_some() && m.dev == e.dev;
                let by_name = |m: &&Member| m.named_by(&e.source);
                if let Some(m) = members.iter().find(by_dev).or(members.iter().find(by_name)) {
                    let mount = Mount {
                        device: m.name.clone(),
                        mount_point: e.mount_point,
                    };
                    if !mounts.contains(&mount) {
                        mounts.push(mount);
                    }
                }
            }
        }
        Err(what) => unchecked.push(what),
    }
    let mut swaps = Vec::new();
    for file in swap_files(&roots.proc) {
        if let Some(m) = members.iter().find(|m| m.named_by(&file)) {
            if !swaps.contains(&m.name) {
                swaps.push(m.name.clone());
            }
        }
    }

    Disk {
        dev,
        facts: DiskFacts::read(&dir),
        mounts,
        swaps,
        holders,
        unchecked,
    }
}
