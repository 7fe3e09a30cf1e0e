//! Writing the GPT of a new layout with the `gpt` crate, every GUID set
//! explicitly from the plan.

use std::collections::BTreeMap;
use std::io;

use detect::layout::Role;
use gpt::partition_types;

use crate::device::Device;
use crate::error::{Act, Error, Object, Refusal};
use crate::plan::PlannedPartition;
use crate::window::WindowError;

fn type_of(role: Role) -> partition_types::Type {
    match role {
        Role::Esp => partition_types::EFI,
        Role::Root(_) => partition_types::LINUX_ROOT_X64,
        Role::Config => partition_types::BASIC,
        Role::Data => partition_types::LINUX_FS,
    }
}

fn uuid(text: &str) -> Result<uuid::Uuid, Error> {
    uuid::Uuid::parse_str(text).map_err(|_| Error::BadGuid {
        guid: text.to_string(),
    })
}

/// A failure writing the table: the system's error when the disk refused
/// a write (said in the technician's language), the `gpt` crate's own
/// otherwise (a value out of range, which the checked plan rules out).
fn gpt_err(e: gpt::GptError) -> Error {
    use gpt::header::HeaderError;
    let source = match e {
        gpt::GptError::Io(e) | gpt::GptError::Header(HeaderError::Io(e)) => e,
        other => io::Error::other(other.to_string()),
    };
    Error::io(Act::Writing.on(Object::PartitionTable), source)
}

/// Write a protective MBR and both GPT copies listing `parts`, in the
/// disk's logical sectors of `sector_size` bytes: the header at LBA 1 of
/// that size, as the kernel and the firmware look for it.
pub fn write<D: Device>(
    dev: &mut D,
    disk_guid: &str,
    parts: &[PlannedPartition],
    sector_size: u64,
) -> Result<(), Error> {
    let block = match sector_size {
        512 => gpt::disk::LogicalBlockSize::Lb512,
        4096 => gpt::disk::LogicalBlockSize::Lb4096,
        _ => return Err(Refusal::UnsupportedSectorSize { sector_size }.into()),
    };
    let lbas = dev.size() / sector_size;
    let mut disk = gpt::GptConfig::new()
        .writable(true)
        .logical_block_size(block)
        .create_from_device(&mut *dev, Some(uuid(disk_guid)?))
        .map_err(gpt_err)?;
    let mut table = BTreeMap::new();
    for p in parts {
        // Apply checked every partition (whole sectors, on the disk) before
        // the first write; the arithmetic stays checked all the same.
        let end = p.start.checked_add(p.size).ok_or(WindowError::Overflow {
            partition: p.role.partition_name(),
            start: p.start,
            size: p.size,
        })?;
        table.insert(
            p.index,
            gpt::partition::Partition {
                part_type_guid: type_of(p.role),
                part_guid: uuid(&p.part_guid)?,
                first_lba: p.start / sector_size,
                last_lba: (end / sector_size).saturating_sub(1),
                flags: 0,
                name: p.role.partition_name().to_string(),
            },
        );
    }
    disk.update_partitions(table).map_err(gpt_err)?;
    let dev = disk.write().map_err(gpt_err)?;
    let mbr_size = u32::try_from(lbas.saturating_sub(1)).unwrap_or(u32::MAX);
    gpt::mbr::ProtectiveMBR::with_lb_size(mbr_size)
        .overwrite_lba0(dev)
        .map_err(|e| {
            let source = match e {
                gpt::mbr::MBRError::Io(e) => e,
                other => io::Error::other(other.to_string()),
            };
            Error::io(Act::Writing.on(Object::ProtectiveMbr), source)
        })?;
    Ok(())
}
