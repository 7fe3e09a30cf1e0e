//! The steps of a new layout: erase the data, write the partition table,
//! format the ESP and the config partition, install the boot loader.

use std::io::SeekFrom;

use detect::layout::Role;

use super::{metered, on_volume, Progress, Run};
use crate::device::Device;
use crate::error::{Error, IoContext, Refusal};
use crate::fatvol;
use crate::plan::{StepKind, ESP_BOOT_LOADER};
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
        table::write(
            self.dev,
            &guid,
            &self.plan.partitions,
            self.plan.sector_size,
        )?;
        self.dev
            .sync()
            .ctx(|| format!("flushing {}", self.plan.disk.display()))?;
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
            .ctx(|| format!("formatting {partition}"))?;
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

    pub(super) fn install_boot_loader(&mut self) -> Result<(), Error> {
        let part = self.part(Role::Esp)?;
        on_volume(
            self.dev,
            part,
            || format!("writing {ESP_BOOT_LOADER} on the ESP"),
            |fs| fatvol::write_file(fs, ESP_BOOT_LOADER, &self.boot_loader),
        )
    }
}
