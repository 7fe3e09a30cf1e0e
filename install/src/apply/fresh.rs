//! The steps of a new layout: erase the data, write the partition table,
//! format the ESP and the config partition, install the boot loader.

use std::io::SeekFrom;

use detect::layout::Role;

use super::{metered, on_volume, Progress, Run};
use crate::device::Device;
use crate::error::{Act, Error, IoContext, Object, Refusal};
use crate::fatvol;
use crate::plan::{StepKind, ESP_BOOT_LOADER};
use crate::table;
use crate::window;
use detect::layout::{ESP_MOK_MANAGER, ESP_SHIM_LOADER};

impl<D: Device + Send> Run<'_, D> {
    pub(super) fn discard(&mut self, progress: &mut dyn FnMut(&Progress)) -> Result<(), Error> {
        let ranges = self.plan.discard.clone();
        let total = ranges.iter().map(|r| r.1).sum();
        let mut report = metered(StepKind::DiscardData, total, progress);
        for (start, len) in ranges {
            let end = window::inside_disk(start, len, self.dev.size())?;
            let discarded = self
                .dev
                .discard(start, len)
                .ctx(|| Act::Discarding.on(Object::Bytes { start, end }))?;
            if discarded {
                report(len);
                continue;
            }
            let zeros = vec![0u8; 1 << 20];
            self.dev
                .seek(SeekFrom::Start(start))
                .ctx(|| Act::Zeroing.on(Object::Bytes { start, end }))?;
            let mut left = len;
            while left > 0 {
                let n = left.min(zeros.len() as u64);
                self.dev
                    .write_all(&zeros[..n as usize])
                    .ctx(|| Act::Zeroing.on(Object::Bytes { start, end }))?;
                left -= n;
                report(n);
            }
        }
        Ok(())
    }

    pub(super) fn write_table(&mut self) -> Result<(), Error> {
        let guid = self
            .plan
            .disk_guid
            .clone()
            .ok_or_else(|| Error::PlanIncomplete("disk GUID".into()))?;
        table::write(
            self.dev,
            &guid,
            &self.plan.partitions,
            self.plan.sector_size,
        )?;
        self.dev
            .sync()
            .ctx(|| Act::Flushing.on(Object::Disk(self.plan.disk.clone())))?;
        // The kernel learns the new partitions; nothing of ours needs it,
        // since every write goes through the whole disk.
        let _ = self.dev.reread_partitions();
        Ok(())
    }

    /// Format the partition of `role` as FAT (in the disk's sectors, see
    /// [`fatvol::layout`]) with `label` and create `dirs` on it.
    pub(super) fn format(&mut self, role: Role, label: &str, dirs: &[&str]) -> Result<(), Error> {
        let part = self.part(role)?;
        let len = part.len();
        let partition = role.partition_name();
        let fat_error = |source| Error::Fat { partition, source };
        let slice = part
            .slice(&mut *self.dev)
            .ctx(|| Act::Formatting.on(Object::Partition(partition)))?;
        let mut options = fat::FormatOptions::new(label);
        let (kind, cluster, sector) =
            fatvol::layout(len, self.plan.sector_size).ok_or(Refusal::UnsupportedSectorSize {
                sector_size: self.plan.sector_size,
            })?;
        options.kind = Some(kind);
        options.cluster_size = Some(cluster);
        options.sector_size = sector;
        let volume = fat::format(slice, &options).map_err(fat_error)?;
        for d in dirs {
            volume.create_dir(d).map_err(fat_error)?;
        }
        volume.close().map_err(fat_error)?;
        Ok(())
    }

    /// systemd-boot as `BOOTX64.EFI`; or, with a shim, the Secure Boot
    /// chain: the shim as `BOOTX64.EFI`, systemd-boot as `grubx64.efi`,
    /// MokManager. An upgrade adds the chain to an ESP written before it
    /// and brings an ESP that has one up to the medium's, each file
    /// replaced whole ([`replace_boot_file`]) and in an order where every
    /// state between boots: systemd-boot and MokManager before the shim
    /// that starts them.
    pub(super) fn install_boot_loader(&mut self) -> Result<(), Error> {
        let part = self.part(Role::Esp)?;
        let Some(shim) = &self.shim else {
            return on_volume(
                self.dev,
                part,
                || Act::Writing.on(Object::EspFile(ESP_BOOT_LOADER.to_string())),
                |fs| fatvol::write_file(fs, ESP_BOOT_LOADER, &self.boot_loader),
            );
        };
        for (file, bytes) in [
            (&CHAIN[0], &self.boot_loader[..]),
            (&CHAIN[1], &shim.mok_manager[..]),
            (&CHAIN[2], &shim.shim[..]),
        ] {
            if !replace_boot_file(self.dev, part, file, bytes)? {
                // The rest stays as it was, and boots as it did.
                break;
            }
        }
        Ok(())
    }
}

/// The shim and MokManager read from the installer medium.
pub(super) struct ShimBytes {
    pub shim: Vec<u8>,
    pub mok_manager: Vec<u8>,
}

/// A file of the chain: where it goes, its 8.3 name in `EFI/BOOT/` and the
/// name its new content is written under first.
struct BootFile {
    path: &'static str,
    name: &'static str,
    new_name: &'static str,
}

const BOOT_DIR: &str = "EFI/BOOT";

/// In the order they are written: what the shim starts, then the shim.
const CHAIN: [BootFile; 3] = [
    BootFile {
        path: ESP_SHIM_LOADER,
        name: "GRUBX64.EFI",
        new_name: "GRUBX64.NEW",
    },
    BootFile {
        path: ESP_MOK_MANAGER,
        name: "MMX64.EFI",
        new_name: "MMX64.NEW",
    },
    BootFile {
        path: ESP_BOOT_LOADER,
        name: "BOOTX64.EFI",
        new_name: "BOOTX64.NEW",
    },
];

/// Puts `bytes` at `file.path` so that a power cut at any moment leaves
/// there the old content or the new one, whole: a file that is not there
/// is written under its name; one that differs gets the new content under
/// `file.new_name` first, flushed, then the two trade contents with one
/// sector write (`fat::swap_files`) and the old content goes; one that is
/// the same stays. Returns `false`, with the old file in place, when the
/// two directory entries do not share a sector (a directory with many
/// deleted entries), where the trade would take two writes.
fn replace_boot_file<D: Device + Send>(
    dev: &mut D,
    part: crate::window::PartitionWindow,
    file: &BootFile,
    bytes: &[u8],
) -> Result<bool, Error> {
    let new_path = format!("{BOOT_DIR}/{}", file.new_name);
    let what = || Act::Writing.on(Object::EspFile(file.path.to_string()));
    let old = on_volume(dev, part, what, |fs| {
        // What an interrupted run left; nothing starts it.
        fatvol::remove_all(fs, &new_path)?;
        read_bounded(fs, file.path)
    })?;
    match old {
        Some(old) if old == bytes => return Ok(true),
        None => {
            on_volume(dev, part, what, |fs| {
                fatvol::write_file(fs, file.path, bytes)
            })?;
            dev.sync().ctx(what)?;
            return Ok(true);
        }
        Some(_) => {}
    }
    on_volume(dev, part, what, |fs| {
        fatvol::write_file(fs, &new_path, bytes)
    })?;
    dev.sync().ctx(what)?;
    let partition = Role::Esp.partition_name();
    let mut slice = part.slice(&mut *dev).ctx(what)?;
    let swapped = fat::swap_files(&mut slice, BOOT_DIR, file.name, file.new_name)
        .map_err(|source| Error::Fat { partition, source })?;
    dev.sync().ctx(what)?;
    on_volume(dev, part, what, |fs| fatvol::remove_all(fs, &new_path))?;
    dev.sync().ctx(what)?;
    Ok(swapped)
}

/// A file of the volume, at most [`super::MAX_BOOT_LOADER`] bytes of it;
/// `None` when it is not there.
fn read_bounded<D: std::io::Read + std::io::Write + std::io::Seek>(
    fs: &fatvol::Volume<'_, D>,
    path: &str,
) -> std::io::Result<Option<Vec<u8>>> {
    match fs.root_dir().open_file(path) {
        Ok(f) => {
            let mut data = Vec::new();
            std::io::Read::read_to_end(
                &mut std::io::Read::take(f, super::MAX_BOOT_LOADER),
                &mut data,
            )?;
            Ok(Some(data))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}
