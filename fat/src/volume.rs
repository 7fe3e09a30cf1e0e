//! Format, open, write and read a FAT volume.

use std::io::{self, Read, Seek, SeekFrom, Write};

use fatfs::{FileSystem, FormatVolumeOptions, FsOptions};

use crate::{repair, Access, Error, FixedTime, SharedDisk};

/// The largest file FAT can hold: 4 GiB - 1 bytes.
pub const MAX_FILE_SIZE: u64 = u32::MAX as u64;

/// Which FAT to format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FatKind {
    Fat12,
    Fat16,
    Fat32,
}

impl From<FatKind> for fatfs::FatType {
    fn from(k: FatKind) -> Self {
        match k {
            FatKind::Fat12 => fatfs::FatType::Fat12,
            FatKind::Fat16 => fatfs::FatType::Fat16,
            FatKind::Fat32 => fatfs::FatType::Fat32,
        }
    }
}

/// How to format a volume.
#[derive(Debug, Clone)]
pub struct FormatOptions {
    /// 1-11 characters of A-Z, 0-9, space, `-`, `_` (lower case is raised).
    pub label: String,
    /// Serial number; default: derived from the label and the size, so
    /// the same inputs give the same bytes.
    pub volume_id: Option<u32>,
    /// FAT type; default: what fits the size (FAT32 needs at least ~33 MiB
    /// with 512-byte clusters, 260 MiB with 4 KiB ones).
    pub kind: Option<FatKind>,
    /// Cluster size in bytes; default: `fatfs`'s choice for the size.
    pub cluster_size: Option<u32>,
    /// Bytes per logical sector: 512, or the logical sector size of the
    /// disk the volume lies on (4096 on a 4Kn disk; Linux refuses a FAT
    /// volume whose sectors are smaller than the device's, and UEFI
    /// firmware reads it in the disk's blocks).
    pub sector_size: u16,
    /// Every time stamp on the volume.
    pub time: FixedTime,
}

impl FormatOptions {
    /// A label, every time stamp [`FixedTime::default`] (1980-01-01),
    /// everything else default.
    pub fn new(label: &str) -> FormatOptions {
        FormatOptions {
            label: label.to_string(),
            volume_id: None,
            kind: None,
            cluster_size: None,
            sector_size: 512,
            time: FixedTime::default(),
        }
    }
}

fn label_bytes(label: &str) -> Result<[u8; 11], Error> {
    let up = label.to_ascii_uppercase();
    if up.is_empty()
        || up.len() > 11
        || !up
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b" -_".contains(&b))
    {
        return Err(Error::BadLabel(label.to_string()));
    }
    let mut out = [b' '; 11];
    out[..up.len()].copy_from_slice(up.as_bytes());
    Ok(out)
}

/// Clusters FAT32 needs at least (65525), with a margin for the sectors
/// the FATs themselves take from the volume.
const FAT32_MIN_CLUSTERS: u64 = 66_000;

/// Clusters FAT16 may have at most (65524), with a margin.
const FAT16_MAX_CLUSTERS: u64 = 65_000;

/// The FAT type and cluster size of a volume of `size` bytes in sectors of
/// `sector_size` bytes: FAT32 with the largest cluster from one sector up
/// to `max` (a power of two) that leaves it the clusters FAT32 needs.
/// Where even clusters of one sector leave too few (a 256 MiB volume of
/// 4096-byte sectors has 65,536 sectors in all), FAT16 with the smallest
/// cluster of at least one sector that FAT16 can count. A size too small
/// for either gets FAT32 of one-sector clusters, which [`format`] refuses.
pub fn kind_and_cluster(size: u64, sector_size: u32, max: u32) -> (FatKind, u32) {
    let mut cluster = max.max(sector_size);
    while cluster > sector_size && size / u64::from(cluster) < FAT32_MIN_CLUSTERS {
        cluster /= 2;
    }
    if size / u64::from(cluster) >= FAT32_MIN_CLUSTERS {
        return (FatKind::Fat32, cluster);
    }
    let mut cluster = sector_size;
    while cluster < 32 << 10 && size / u64::from(cluster) > FAT16_MAX_CLUSTERS {
        cluster *= 2;
    }
    if size / u64::from(cluster) > 4200 {
        return (FatKind::Fat16, cluster);
    }
    (FatKind::Fat32, sector_size)
}

/// Format the whole of `disk` as a FAT volume and open it.
pub fn format<D: Read + Write + Seek>(
    disk: D,
    options: &FormatOptions,
) -> Result<Volume<D>, Error> {
    let label = label_bytes(&options.label)?;
    let mut shared = SharedDisk::new(disk);
    let size = shared
        .seek(SeekFrom::End(0))
        .map_err(Error::io(Access::Measure))?;
    shared
        .seek(SeekFrom::Start(0))
        .map_err(Error::io(Access::Rewind))?;
    let volume_id = options.volume_id.unwrap_or_else(|| {
        let mut h = crc32fast::Hasher::new();
        h.update(&label);
        h.update(&size.to_le_bytes());
        h.finalize()
    });
    if !options.sector_size.is_power_of_two() || !(512..=4096).contains(&options.sector_size) {
        return Err(Error::BadSectorSize(options.sector_size));
    }
    let mut fo = FormatVolumeOptions::new()
        .volume_label(label)
        .volume_id(volume_id)
        .bytes_per_sector(options.sector_size);
    if let Some(kind) = options.kind {
        fo = fo.fat_type(kind.into());
    }
    if let Some(c) = options.cluster_size {
        fo = fo.bytes_per_cluster(c);
    }
    fatfs::format_volume(&mut shared, fo).map_err(Error::io(Access::Format {
        size,
        label: options.label.clone(),
    }))?;
    Volume::from_shared(shared, options.time)
}

/// An open FAT volume. Directories made through it are fsck-clean; so are
/// those made through [`Volume::fs`] once [`Volume::close`] (or
/// [`crate::repair`]) has run.
pub struct Volume<D: Read + Write + Seek> {
    fs: FileSystem<SharedDisk<D>>,
    disk: SharedDisk<D>,
}

impl<D: Read + Write + Seek> std::fmt::Debug for Volume<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Volume")
            .field("label", &self.label())
            .field("volume_id", &self.volume_id())
            .finish_non_exhaustive()
    }
}

impl<D: Read + Write + Seek> Volume<D> {
    /// Open an existing FAT volume that starts at byte 0 of `disk`; new time
    /// stamps are `time`.
    pub fn open(disk: D, time: FixedTime) -> Result<Volume<D>, Error> {
        Volume::from_shared(SharedDisk::new(disk), time)
    }

    fn from_shared(mut disk: SharedDisk<D>, time: FixedTime) -> Result<Volume<D>, Error> {
        // The boot sector's fields first, in this crate's terms: a disk
        // that holds no FAT at all is said so, with the field that shows it.
        crate::repair::Geometry::read(&mut disk)?;
        disk.seek(SeekFrom::Start(0))
            .map_err(Error::io(Access::Rewind))?;
        let options = FsOptions::new()
            .update_accessed_date(false)
            .time_provider(time.provider());
        let fs = FileSystem::new(disk.clone(), options).map_err(Error::io(Access::Mount))?;
        // `fatfs` follows chains without a bound: refuse a volume where one
        // loops before anything walks it (see `chain.rs`).
        crate::check_chains(&mut disk.clone())?;
        Ok(Volume { fs, disk })
    }

    /// The `fatfs` file system, for anything this type does not wrap.
    pub fn fs(&self) -> &FileSystem<SharedDisk<D>> {
        &self.fs
    }

    /// The root directory.
    pub fn root_dir(&self) -> fatfs::Dir<'_, SharedDisk<D>> {
        self.fs.root_dir()
    }

    /// The label in the boot sector.
    pub fn label(&self) -> String {
        self.fs.volume_label().trim_end().to_string()
    }

    pub fn volume_id(&self) -> u32 {
        self.fs.volume_id()
    }

    pub fn kind(&self) -> FatKind {
        match self.fs.fat_type() {
            fatfs::FatType::Fat12 => FatKind::Fat12,
            fatfs::FatType::Fat16 => FatKind::Fat16,
            fatfs::FatType::Fat32 => FatKind::Fat32,
        }
    }

    /// Bytes still free.
    pub fn free_bytes(&self) -> Result<u64, Error> {
        let s = self.fs.stats().map_err(Error::io(Access::FreeSpace))?;
        Ok(u64::from(s.free_clusters()) * u64::from(s.cluster_size()))
    }

    /// Create a directory and its missing parents (`a/b/c`), fsck-clean.
    pub fn create_dir(&self, path: &str) -> Result<(), Error> {
        let parts = split(path)?;
        let mut dir = self.fs.root_dir();
        for p in &parts {
            dir = dir
                .create_dir(p)
                .map_err(Error::io(Access::CreateDirectory { path: path.into() }))?;
        }
        repair(&mut self.disk.clone())?;
        Ok(())
    }

    /// Write a whole file from a reader (parents made as needed), replacing
    /// any file of that name. Streams: memory use is one 256 KiB buffer.
    /// Returns the number of bytes written.
    pub fn write_file(&self, path: &str, mut src: impl Read) -> Result<u64, Error> {
        let parts = split(path)?;
        let (name, parents) = parts
            .split_last()
            .ok_or_else(|| Error::BadPath(path.into()))?;
        if !parents.is_empty() {
            self.create_dir(&parents.join("/"))?;
        }
        let dir = if parents.is_empty() {
            self.fs.root_dir()
        } else {
            self.fs
                .root_dir()
                .open_dir(&parents.join("/"))
                .map_err(Error::io(Access::OpenDirectory {
                    path: parents.join("/"),
                }))?
        };
        let mut file = dir
            .create_file(name)
            .map_err(Error::io(Access::CreateFile { path: path.into() }))?;
        file.truncate()
            .map_err(Error::io(Access::Truncate { path: path.into() }))?;
        let mut buf = vec![0u8; 256 << 10];
        let mut total = 0u64;
        loop {
            let n = match src.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::io(Access::ReadSource { path: path.into() })(e)),
            };
            total += n as u64;
            if total > MAX_FILE_SIZE {
                return Err(Error::FileTooLarge {
                    path: path.into(),
                    size: total,
                });
            }
            file.write_all(&buf[..n])
                .map_err(Error::io(Access::WriteFile { path: path.into() }))?;
        }
        file.flush()
            .map_err(Error::io(Access::WriteFile { path: path.into() }))?;
        Ok(total)
    }

    /// Write a small file from memory.
    pub fn write(&self, path: &str, data: &[u8]) -> Result<(), Error> {
        self.write_file(path, data).map(|_| ())
    }

    /// Open a file for reading (and writing) through `fatfs`.
    pub fn open_file(&self, path: &str) -> Result<fatfs::File<'_, SharedDisk<D>>, Error> {
        split(path)?;
        self.fs
            .root_dir()
            .open_file(path.trim_start_matches('/'))
            .map_err(Error::io(Access::OpenFile { path: path.into() }))
    }

    /// Read a whole file, refusing one larger than `max` bytes.
    pub fn read(&self, path: &str, max: u64) -> Result<Vec<u8>, Error> {
        let mut f = self.open_file(path)?;
        let mut out = Vec::new();
        (&mut f)
            .take(max + 1)
            .read_to_end(&mut out)
            .map_err(Error::io(Access::ReadFile { path: path.into() }))?;
        if out.len() as u64 > max {
            return Err(Error::FileTooLarge {
                path: path.into(),
                size: out.len() as u64,
            });
        }
        Ok(out)
    }

    /// Whether a file or directory exists.
    pub fn exists(&self, path: &str) -> bool {
        let Ok(parts) = split(path) else {
            return false;
        };
        let (name, parents) = match parts.split_last() {
            Some(x) => x,
            None => return true,
        };
        let dir = if parents.is_empty() {
            Ok(self.fs.root_dir())
        } else {
            self.fs.root_dir().open_dir(&parents.join("/"))
        };
        let Ok(dir) = dir else { return false };
        dir.iter()
            .filter_map(Result::ok)
            .any(|e| e.file_name().eq_ignore_ascii_case(name))
    }

    /// Names in a directory (`""` for the root): (name, is directory, size).
    pub fn list(&self, path: &str) -> Result<Vec<(String, bool, u64)>, Error> {
        let parts = split(path)?;
        let dir = if parts.is_empty() {
            self.fs.root_dir()
        } else {
            self.fs
                .root_dir()
                .open_dir(&parts.join("/"))
                .map_err(Error::io(Access::OpenDirectory { path: path.into() }))?
        };
        let mut out = Vec::new();
        for e in dir.iter() {
            let e = e.map_err(Error::io(Access::List { path: path.into() }))?;
            let name = e.file_name();
            if name == "." || name == ".." {
                continue;
            }
            out.push((name, e.is_dir(), e.len()));
        }
        Ok(out)
    }

    /// Remove a file or an empty directory.
    pub fn remove(&self, path: &str) -> Result<(), Error> {
        split(path)?;
        self.fs
            .root_dir()
            .remove(path.trim_start_matches('/'))
            .map_err(Error::io(Access::Remove { path: path.into() }))
    }

    /// Repair directories, write the free-space record, and give the disk
    /// back. Every volume should be closed this way.
    pub fn close(self) -> Result<D, Error> {
        let Volume { fs, mut disk } = self;
        fs.unmount().map_err(Error::io(Access::Close))?;
        repair(&mut disk)?;
        disk.flush().map_err(Error::io(Access::Flush))?;
        let mut d = disk.into_inner().map_err(|_| Error::InUse)?;
        d.seek(SeekFrom::Start(0))
            .map_err(Error::io(Access::Rewind))?;
        Ok(d)
    }
}

fn split(path: &str) -> Result<Vec<&str>, Error> {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    if parts
        .iter()
        .any(|p| *p == "." || *p == ".." || p.contains('\\'))
    {
        return Err(Error::BadPath(path.into()));
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fat32_clusters_are_as_large_as_the_size_allows() {
        const MIB: u64 = 1 << 20;
        let fat32 = |c| (FatKind::Fat32, c);
        assert_eq!(kind_and_cluster(40 * MIB, 512, 4096), fat32(512));
        assert_eq!(kind_and_cluster(100 * MIB, 512, 4096), fat32(1024));
        assert_eq!(kind_and_cluster(512 * MIB, 512, 4096), fat32(4096));
        assert_eq!(kind_and_cluster(8 << 30, 512, 4096), fat32(4096));
        assert_eq!(kind_and_cluster(MIB, 512, 4096), fat32(512));
    }

    #[test]
    fn volumes_of_4096_byte_sectors_too_small_for_fat32_are_fat16() {
        const MIB: u64 = 1 << 20;
        assert_eq!(
            kind_and_cluster(512 * MIB, 4096, 4096),
            (FatKind::Fat32, 4096)
        );
        assert_eq!(
            kind_and_cluster(256 * MIB, 4096, 4096),
            (FatKind::Fat16, 8192)
        );
        assert_eq!(
            kind_and_cluster(64 * MIB, 4096, 4096),
            (FatKind::Fat16, 4096)
        );
        assert_eq!(kind_and_cluster(MIB, 4096, 4096), (FatKind::Fat32, 4096));
    }
}
