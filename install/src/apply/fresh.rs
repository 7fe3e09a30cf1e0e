//! The steps of a new layout: erase the data, write the partition table,
//! format the ESP and the config partition, install the boot loader.

use std::io::SeekFrom;

use detect::layout::Role;

use super::{metered, on_volume, Progress, Run};
use crate::device::Device;
use crate::error::{Error, IoContext};
use crate::fatvol;
use crate::plan::{StepKind, ESP_BOOT_LOADER};
use detect::layout::{ESP_MOK_MANAGER, ESP_SHIM_LOADER};
use crate::table;
use crate::window;

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
    /// that has none and leaves one that has it as it is: replacing the
    /// shim or systemd-boot of a working chain cannot be made safe against
    /// a power cut on FAT.
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
        let has_chain = on_volume(self.dev, part, what, |fs| has_chain(fs))?;
        if has_chain && !self.plan.new_table {
            return Ok(());
        }
        install_chain(self.dev, part, shim, &self.boot_loader)
    }
}

/// The shim and MokManager read from the installer medium.
pub(super) struct ShimBytes {
    pub shim: Vec<u8>,
    pub mok_manager: Vec<u8>,
}

/// What systemd-boot carries in its binary (and the shim does not).
const SYSTEMD_BOOT_MARK: &[u8] = b"#### LoaderInfo: systemd-boot";

/// The temporary name of the new `BOOTX64.EFI` before the switch.
const NEW_BOOT_LOADER: &str = "EFI/BOOT/BOOTX64.NEW";

/// Whether the ESP boots through a shim: `BOOTX64.EFI` is not systemd-boot
/// and systemd-boot is next to it under the name the shim starts, and no
/// switch was left half done.
fn has_chain<D: std::io::Read + std::io::Write + std::io::Seek>(
    fs: &fatvol::Volume<'_, D>,
) -> std::io::Result<bool> {
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
    let is_sdboot = |d: &[u8]| d.windows(SYSTEMD_BOOT_MARK.len()).any(|w| w == SYSTEMD_BOOT_MARK);
    Ok(match (read(ESP_BOOT_LOADER)?, read(ESP_SHIM_LOADER)?) {
        (Some(first), Some(second)) => {
            !is_sdboot(&first) && is_sdboot(&second) && read(NEW_BOOT_LOADER)?.is_none()
        }
        _ => false,
    })
}

/// Writes the chain so that a power cut leaves a bootable ESP: first the
/// files nothing starts yet (systemd-boot as `grubx64.efi`, MokManager),
/// then the shim under a temporary name, each flushed; only then the
/// switch: the old `BOOTX64.EFI` (systemd-boot, which boots the machine
/// without Secure Boot until then) is removed and the shim renamed in its
/// place, two directory writes apart.
fn install_chain<D: Device + Send>(
    dev: &mut D,
    part: crate::window::PartitionWindow,
    shim: &ShimBytes,
    systemd_boot: &[u8],
) -> Result<(), Error> {
    for (path, bytes) in [
        (ESP_SHIM_LOADER, systemd_boot),
        (ESP_MOK_MANAGER, &shim.mok_manager[..]),
        (NEW_BOOT_LOADER, &shim.shim[..]),
    ] {
        on_volume(
            dev,
            part,
            || format!("writing {path} on the ESP"),
            |fs| fatvol::write_file(fs, path, bytes),
        )?;
    }
    dev.sync().ctx(|| "flushing the ESP".into())?;
    on_volume(
        dev,
        part,
        || format!("replacing {ESP_BOOT_LOADER} on the ESP with the shim"),
        |fs| {
            fatvol::remove_all(fs, ESP_BOOT_LOADER)?;
            fatvol::rename(fs, NEW_BOOT_LOADER, ESP_BOOT_LOADER)
        },
    )?;
    dev.sync().ctx(|| "flushing the ESP".into())
}
