//! The two FAT volumes the engine writes, the ESP and the config partition,
//! opened in place on the disk through [`detect::io::Slice`] and a block
//! cache. Formatting them is `fat::format`'s.

use std::io::{self, Read, Seek, SeekFrom, Write};

use detect::io::Slice;
use fatfs::{FileSystem, FsOptions};

use crate::io::BlockCache;

/// Blocks of 4 KiB the cache of an open volume holds (1 MiB).
const CACHE_BLOCKS: usize = 256;

/// A FAT volume on a partition of the disk.
pub type Volume<'a, D> = FileSystem<BlockCache<Slice<&'a mut D>>>;

/// How the engine formats a FAT partition of `len` bytes on a disk of
/// `sector_size`-byte logical sectors: the FAT type, the cluster size (4
/// KiB at most, so small files stay small) and the FAT's own sector size,
/// which is the disk's (Linux refuses a FAT volume of smaller sectors than
/// the device's, and UEFI firmware reads it in the disk's blocks). FAT32,
/// except where 4096-byte sectors leave too few clusters for it (a 256
/// MiB config partition): FAT16 then. `None` for a sector size a FAT
/// volume cannot have.
pub fn layout(len: u64, sector_size: u64) -> Option<(fat::FatKind, u32, u16)> {
    let sector = u16::try_from(sector_size)
        .ok()
        .filter(|s| s.is_power_of_two() && (512..=4096).contains(s))?;
    let (kind, cluster) = fat::kind_and_cluster(len, u32::from(sector), 4096);
    Some((kind, cluster, sector))
}

/// Open the FAT volume on a partition (a window's slice of the disk).
pub fn open<D: Read + Write + Seek>(slice: Slice<&mut D>) -> io::Result<Volume<'_, D>> {
    let len = slice.len();
    let mut cached = BlockCache::new(slice, len, CACHE_BLOCKS);
    // `fatfs` follows cluster chains without a bound: a loop left on the
    // target's ESP or config partition would hang the install in the
    // middle of writing. Refuse the volume before anything walks it.
    fat::check_chains(&mut cached).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    cached.seek(SeekFrom::Start(0))?;
    FileSystem::new(cached, FsOptions::new())
}

/// Create every directory of `path` that does not exist.
pub fn create_dirs<D: Read + Write + Seek>(fs: &Volume<'_, D>, path: &str) -> io::Result<()> {
    let mut dir = fs.root_dir();
    for part in path.split('/').filter(|p| !p.is_empty()) {
        dir = dir.create_dir(part)?;
    }
    Ok(())
}

fn parent(path: &str) -> Option<&str> {
    path.rsplit_once('/').map(|(p, _)| p)
}

/// Write a whole file, creating its directories, replacing what was there.
pub fn write_file<D: Read + Write + Seek>(
    fs: &Volume<'_, D>,
    path: &str,
    bytes: &[u8],
) -> io::Result<()> {
    if let Some(p) = parent(path) {
        create_dirs(fs, p)?;
    }
    let mut f = fs.root_dir().create_file(path)?;
    f.truncate()?;
    f.write_all(bytes)?;
    f.flush()
}

/// Give a file another name in the same volume, replacing nothing: an
/// existing file at `to` is an error.
pub fn rename<D: Read + Write + Seek>(fs: &Volume<'_, D>, from: &str, to: &str) -> io::Result<()> {
    let root = fs.root_dir();
    if root.open_file(to).is_ok() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            fat::Error::FileExists { path: to.into() },
        ));
    }
    root.rename(from, &root, to)
}

/// Replace a file's content without changing its length when `bytes` is
/// as long as the file: the directory entry and cluster chain stay as they
/// are, so an interruption leaves the old or the new bytes of each cluster,
/// never an empty or unlinked file. Otherwise a plain [`write_file`].
pub fn overwrite_file<D: Read + Write + Seek>(
    fs: &Volume<'_, D>,
    path: &str,
    bytes: &[u8],
) -> io::Result<()> {
    let existing = match fs.root_dir().open_file(path) {
        Ok(mut f) => {
            let len = f.seek(SeekFrom::End(0))?;
            Some((f, len))
        }
        Err(_) => None,
    };
    match existing {
        Some((mut f, len)) if len == bytes.len() as u64 => {
            f.seek(SeekFrom::Start(0))?;
            f.write_all(bytes)?;
            f.flush()
        }
        _ => write_file(fs, path, bytes),
    }
}

/// Names of the files and directories in `path` (without `.` and `..`);
/// empty if it does not exist.
pub fn list_dir<D: Read + Write + Seek>(fs: &Volume<'_, D>, path: &str) -> io::Result<Vec<String>> {
    let dir = match fs.root_dir().open_dir(path) {
        Ok(d) => d,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut names = Vec::new();
    for entry in dir.iter() {
        let name = entry?.file_name();
        if name != "." && name != ".." {
            names.push(name);
        }
    }
    Ok(names)
}

/// Remove a file or a directory with everything in it; nothing if absent.
pub fn remove_all<D: Read + Write + Seek>(fs: &Volume<'_, D>, path: &str) -> io::Result<()> {
    let root = fs.root_dir();
    match root.open_dir(path) {
        Ok(_) => {
            for name in list_dir(fs, path)? {
                remove_all(fs, &format!("{path}/{name}"))?;
            }
            root.remove(path)
        }
        Err(_) => match root.remove(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        },
    }
}
