//! The steps of a new layout: erase the data, write the partition table,
//! format the ESP and the config partition, install the boot loader.

use std::io::SeekFrom;

use detect::layout::Role;

use super::{metered, on_volume, Progress, Run};
use crate::device::Device;
use crate::error::{Error, IoContext};
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
                .ctx(|| format!("discarding bytes {start}..{end}"))?;
            if discarded {
                report(len);
                continue;
            }
            let zeros = vec![0u8; 1 << 20];
            self.dev
                .seek(SeekFrom::Start(start))
                .ctx(|| format!("zeroing bytes {start}..{end}"))?;
            let mut left = len;
            while left > 0 {
                let n = left.min(zeros.len() as u64);
                self.dev
                    .write_all(&zeros[..n as usize])
                    .ctx(|| format!("zeroing bytes {start}..{end}"))?;
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
        table::write(self.dev, &guid, &self.plan.partitions)?;
        self.dev
            .sync()
            .ctx(|| format!("flushing {}", self.plan.disk.display()))?;
        // The kernel learns the new partitions; nothing of ours needs it,
        // since every write goes through the whole disk.
        let _ = self.dev.reread_partitions();
        Ok(())
    }

    /// Format the partition of `role` as FAT32 with `label` and create
    /// `dirs` on it.
    pub(super) fn format(&mut self, role: Role, label: &str, dirs: &[&str]) -> Result<(), Error> {
        let part = self.part(role)?;
        let len = part.len();
        let partition = role.partition_name();
        let fat_error = |source| Error::Fat { partition, source };
        let slice = part
            .slice(&mut *self.dev)
            .ctx(|| format!("formatting {partition}"))?;
        let mut options = fat::FormatOptions::new(label);
        options.kind = Some(fat::FatKind::Fat32);
        options.cluster_size = Some(fat::fat32_cluster_size(len, 4096));
        let volume = fat::format(slice, &options).map_err(fat_error)?;
        for d in dirs {
            volume.create_dir(d).map_err(fat_error)?;
        }
        volume.close().map_err(fat_error)?;
        Ok(())
    }

    /// systemd-boot as `BOOTX64.EFI`; or, with a shim, the Secure Boot
    /// chain (see [`install_chain`]). An upgrade adds the chain to an ESP
    /// that has none and leaves one that has it as it is: the shim starts
    /// `grubx64.efi` at every boot, and replacing that file in place cannot
    /// be made safe against a power cut.
    pub(super) fn install_boot_loader(&mut self) -> Result<(), Error> {
        let part = self.part(Role::Esp)?;
        let Some(shim) = &self.shim else {
            return on_volume(
                self.dev,
                part,
                || format!("writing {ESP_BOOT_LOADER} on the ESP"),
                |fs| fatvol::write_file(fs, ESP_BOOT_LOADER, &self.boot_loader),
            );
        };
        let what = || "reading the boot chain on the ESP".to_string();
        let found = on_volume(self.dev, part, what, |fs| {
            let found = EspBoot::read(fs)?;
            if found.chain {
                // A switch done whose leftover was not removed yet.
                fatvol::remove_all(fs, NEW_BOOT_LOADER)?;
            }
            Ok::<_, std::io::Error>(found)
        })?;
        if found.chain {
            return self.dev.sync().ctx(|| "flushing the ESP".into());
        }
        install_chain(self.dev, part, shim, &self.boot_loader, found.boot_loader)
    }
}

/// The shim and MokManager read from the installer medium.
pub(super) struct ShimBytes {
    pub shim: Vec<u8>,
    pub mok_manager: Vec<u8>,
}

/// What systemd-boot carries in its binary (and the shim does not).
const SYSTEMD_BOOT_MARK: &[u8] = b"#### LoaderInfo: systemd-boot";

/// The directory and the names of the switch of `BOOTX64.EFI`: the new one
/// is written as `BOOTX64.NEW` first.
const BOOT_DIR: &str = "EFI/BOOT";
const BOOT_NAME: &str = "BOOTX64.EFI";
const NEW_NAME: &str = "BOOTX64.NEW";
const NEW_BOOT_LOADER: &str = "EFI/BOOT/BOOTX64.NEW";

/// The boot files an ESP has.
struct EspBoot {
    /// There is a `BOOTX64.EFI`.
    boot_loader: bool,
    /// It boots through a shim: `BOOTX64.EFI` is not systemd-boot, and
    /// systemd-boot is beside it under the name the shim starts.
    chain: bool,
}

impl EspBoot {
    fn read<D: std::io::Read + std::io::Write + std::io::Seek>(
        fs: &fatvol::Volume<'_, D>,
    ) -> std::io::Result<EspBoot> {
        let read = |path: &str| -> std::io::Result<Option<Vec<u8>>> {
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
        };
        let is_sdboot = |d: &[u8]| {
            d.windows(SYSTEMD_BOOT_MARK.len())
                .any(|w| w == SYSTEMD_BOOT_MARK)
        };
        let first = read(ESP_BOOT_LOADER)?;
        let second = read(ESP_SHIM_LOADER)?;
        Ok(EspBoot {
            boot_loader: first.is_some(),
            chain: match (&first, &second) {
                (Some(first), Some(second)) => !is_sdboot(first) && is_sdboot(second),
                _ => false,
            },
        })
    }
}

/// Writes the chain so that a power cut at any moment leaves an ESP that
/// boots: first the files nothing starts yet (systemd-boot as
/// `grubx64.efi`, MokManager) and the shim as `BOOTX64.NEW`, flushed; then
/// `BOOTX64.EFI` and `BOOTX64.NEW` trade contents with one sector write
/// (`fat::swap_files`), so `BOOTX64.EFI` is the old systemd-boot or the
/// shim, whole; then the old one goes. On a fresh ESP (no `BOOTX64.EFI`)
/// the shim is written in place last. Should the two directory entries
/// not share a sector (a directory with many deleted entries), the old
/// systemd-boot stays and boots the machine as before, without Secure Boot.
fn install_chain<D: Device + Send>(
    dev: &mut D,
    part: crate::window::PartitionWindow,
    shim: &ShimBytes,
    systemd_boot: &[u8],
    replace: bool,
) -> Result<(), Error> {
    let last = if replace {
        NEW_BOOT_LOADER
    } else {
        ESP_BOOT_LOADER
    };
    for (path, bytes) in [
        (ESP_SHIM_LOADER, systemd_boot),
        (ESP_MOK_MANAGER, &shim.mok_manager[..]),
        (last, &shim.shim[..]),
    ] {
        on_volume(
            dev,
            part,
            || format!("writing {path} on the ESP"),
            |fs| fatvol::write_file(fs, path, bytes),
        )?;
        dev.sync().ctx(|| "flushing the ESP".into())?;
    }
    if !replace {
        return Ok(());
    }
    let partition = Role::Esp.partition_name();
    let mut slice = part
        .slice(&mut *dev)
        .ctx(|| format!("replacing {ESP_BOOT_LOADER} with the shim"))?;
    fat::swap_files(&mut slice, BOOT_DIR, BOOT_NAME, NEW_NAME)
        .map_err(|source| Error::Fat { partition, source })?;
    dev.sync().ctx(|| "flushing the ESP".into())?;
    on_volume(
        dev,
        part,
        || format!("removing {NEW_BOOT_LOADER} from the ESP"),
        |fs| fatvol::remove_all(fs, NEW_BOOT_LOADER),
    )?;
    dev.sync().ctx(|| "flushing the ESP".into())
}
