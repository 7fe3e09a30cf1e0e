//! Read-only access to a FAT partition through `fatfs`, with limits so a
//! corrupt file system cannot make detection read forever: the boot
//! sector's areas must fit the partition, and no cluster chain may loop
//! ([`::fat::check_chains`]).

use crate::io::{ReadOnly, Slice};
use std::io::{self, Read, Seek, SeekFrom};

/// A FAT volume on a partition of a device, opened read-only.
pub type FatVolume<'a, D> = fatfs::FileSystem<ReadOnly<Slice<&'a mut D>>>;

/// Most directory entries we look at in one directory.
const MAX_DIR_ENTRIES: usize = 4096;

/// Open the FAT file system in bytes `[start, start + len)` of `dev`.
/// Errors are one-line explanations.
pub fn open<D: Read + Seek>(dev: &mut D, start: u64, len: u64) -> Result<FatVolume<'_, D>, String> {
    let mut boot = [0u8; 512];
    crate::io::read_at(dev, start, &mut boot)
        .map_err(|e| format!("cannot read the boot sector: {e}"))?;
    check_boot_sector(&boot, len)?;
    let mut slice = Slice::new(dev, start, len).map_err(|e| e.to_string())?;
    // `fatfs` follows cluster chains without a bound, so one loop on one
    // disk would stop detection for good: refuse the volume before anything
    // walks it. Its message says the file system is damaged.
    ::fat::check_chains(&mut slice).map_err(|e| e.to_string())?;
    slice
        .seek(SeekFrom::Start(0))
        .map_err(|e| format!("cannot rewind the partition: {e}"))?;
    fatfs::FileSystem::new(ReadOnly(slice), fatfs::FsOptions::new())
        .map_err(|e| format!("not a readable FAT file system: {e}"))
}

/// Checks `fatfs` leaves to arithmetic: a boot sector whose geometry does
/// not fit the partition is refused here rather than read from.
pub fn check_boot_sector(b: &[u8; 512], partition_len: u64) -> Result<(), String> {
    if b[510..512] != [0x55, 0xAA] {
        return Err("no FAT boot sector (signature missing)".into());
    }
    let bytes_per_sector = u64::from(u16::from_le_bytes([b[11], b[12]]));
    if !matches!(bytes_per_sector, 512 | 1024 | 2048 | 4096) {
        return Err(format!("FAT sector size {bytes_per_sector} is invalid"));
    }
    let sectors_per_cluster = b[13];
    if !sectors_per_cluster.is_power_of_two() {
        return Err(format!(
            "FAT cluster size of {sectors_per_cluster} sectors is invalid"
        ));
    }
    let reserved = u64::from(u16::from_le_bytes([b[14], b[15]]));
    let fats = u64::from(b[16]);
    let root_entries = u64::from(u16::from_le_bytes([b[17], b[18]]));
    let total16 = u64::from(u16::from_le_bytes([b[19], b[20]]));
    let fat16_size = u64::from(u16::from_le_bytes([b[22], b[23]]));
    let total32 = u64::from(u32::from_le_bytes([b[32], b[33], b[34], b[35]]));
    let fat32_size = u64::from(u32::from_le_bytes([b[36], b[37], b[38], b[39]]));
    let total = if total16 != 0 { total16 } else { total32 };
    let fat_size = if fat16_size != 0 {
        fat16_size
    } else {
        fat32_size
    };
    if reserved == 0 || fats == 0 || total == 0 || fat_size == 0 {
        return Err("FAT boot sector has zero-sized areas".into());
    }
    let root_sectors = (root_entries * 32).div_ceil(bytes_per_sector);
    let meta = reserved + fats * fat_size + root_sectors;
    if meta >= total {
        return Err("FAT areas are larger than the file system".into());
    }
    if total * bytes_per_sector > partition_len {
        return Err(format!(
            "FAT file system claims {} bytes but its partition has {partition_len}",
            total * bytes_per_sector
        ));
    }
    Ok(())
}

/// Read a whole file of at most `cap` bytes. `Ok(None)` if it does not exist.
pub fn read_file<D: Read + Seek>(
    fs: &FatVolume<'_, D>,
    path: &str,
    cap: usize,
) -> Result<Option<Vec<u8>>, String> {
    let file = match fs.root_dir().open_file(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot open {path}: {e}")),
    };
    let mut data = Vec::new();
    file.take(cap as u64 + 1)
        .read_to_end(&mut data)
        .map_err(|e| format!("cannot read {path}: {e}"))?;
    if data.len() > cap {
        return Err(format!("{path} is larger than {cap} bytes"));
    }
    Ok(Some(data))
}

/// Names of the entries of a directory (without `.` and `..`), or `Ok(None)`
/// if it does not exist.
pub fn list_dir<D: Read + Seek>(
    fs: &FatVolume<'_, D>,
    path: &str,
) -> Result<Option<Vec<String>>, String> {
    let dir = match fs.root_dir().open_dir(path) {
        Ok(d) => d,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot open directory {path}: {e}")),
    };
    let mut names = Vec::new();
    for entry in dir.iter().take(MAX_DIR_ENTRIES) {
        let entry = entry.map_err(|e| format!("cannot list {path}: {e}"))?;
        let name = entry.file_name();
        if name != "." && name != ".." {
            names.push(name);
        }
    }
    Ok(Some(names))
}

/// Whether a directory exists.
pub fn dir_exists<D: Read + Seek>(fs: &FatVolume<'_, D>, path: &str) -> bool {
    fs.root_dir().open_dir(path).is_ok()
}
