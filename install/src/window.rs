//! Where `apply` may write: one partition of the plan at a time.
//!
//! Every write of a step goes through the [`PartitionWindow`] of the
//! partition the step names. A window is handed out only after its
//! partition was checked, with checked arithmetic, against the disk, the
//! area the partition table leaves for partitions and every other
//! partition of the plan; it then refuses any write that would leave it.
//! So a plan made from a damaged or hostile table, or altered by hand,
//! cannot make the engine write over the running slot, the ESP or the
//! table. Only the partition table step and the discard of a wipe write
//! outside partitions, and the discard checks its ranges with
//! [`inside_disk`].

use std::io::{self, Seek};

use detect::io::Slice;
use detect::layout::Role;

use crate::device::Device;
use crate::error::{Act, Error, IoContext, Object};
use crate::plan::{Plan, PlannedPartition};

/// Why a write was refused before it reached the disk.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WindowError {
    /// The partition's end does not fit in a byte offset.
    #[error(
        "partition {partition} starts at byte {start} and has {size} bytes: it ends past the \
         largest byte offset"
    )]
    Overflow {
        partition: &'static str,
        start: u64,
        size: u64,
    },
    /// The partition is empty or not made of whole sectors of the disk.
    #[error(
        "partition {partition} (from byte {start}, {size} bytes) is not a whole, non-zero \
         number of {sector_size}-byte sectors"
    )]
    Unaligned {
        partition: &'static str,
        start: u64,
        size: u64,
        sector_size: u64,
    },
    /// The partition leaves the area the partition table leaves for
    /// partitions (the table and the protective MBR lie outside it).
    #[error(
        "partition {partition} (bytes {start}..{end}) lies outside bytes \
         {area_start}..{area_end}, where partitions may lie on this disk"
    )]
    Outside {
        partition: &'static str,
        start: u64,
        end: u64,
        area_start: u64,
        area_end: u64,
    },
    /// Two partitions of the plan share bytes.
    #[error(
        "partitions {partition} (bytes {start}..{end}) and {other} (bytes \
         {other_start}..{other_end}) overlap"
    )]
    Overlap {
        partition: &'static str,
        start: u64,
        end: u64,
        other: &'static str,
        other_start: u64,
        other_end: u64,
    },
    /// A write would end past the end of its partition.
    #[error(
        "a write of {len} bytes at byte {offset} of partition {partition} would end past its \
         end ({size} bytes)"
    )]
    PastPartitionEnd {
        partition: &'static str,
        offset: u64,
        len: u64,
        size: u64,
    },
    /// A range to discard lies past the end of the disk.
    #[error("{len} bytes from byte {start} run past the end of the disk ({disk_size} bytes)")]
    PastDiskEnd {
        start: u64,
        len: u64,
        disk_size: u64,
    },
}

/// The one partition a step may write, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PartitionWindow {
    role: Role,
    start: u64,
    len: u64,
}

impl PartitionWindow {
    /// A window without a plan, for tests of the writers.
    #[cfg(test)]
    pub(crate) fn for_test(role: Role, start: u64, len: u64) -> PartitionWindow {
        PartitionWindow { role, start, len }
    }

    /// The window of `role`'s partition in `plan`.
    pub(crate) fn of(plan: &Plan, role: Role) -> Result<PartitionWindow, Error> {
        let p = plan
            .partition(role)
            .ok_or_else(|| Error::PlanIncomplete(role.partition_name().to_string()))?;
        Ok(check(&plan.partitions, area(plan), plan.sector_size, p)?)
    }

    /// First byte of the partition on the disk.
    pub(crate) fn start(&self) -> u64 {
        self.start
    }

    /// Length of the partition in bytes.
    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    /// The partition as a device of its own, addressed from 0: reads and
    /// writes through it stay inside the partition.
    pub(crate) fn slice<D: Seek>(&self, dev: D) -> io::Result<Slice<D>> {
        Slice::new(dev, self.start, self.len)
    }

    /// Write `bufs` one after the other from byte `offset` of the
    /// partition, with [`Device::write_run`]; refused unless every byte
    /// lands inside the partition. Returns whether O_DIRECT was used. An
    /// I/O error says it was writing `what`.
    pub(crate) fn write_run<D: Device>(
        &self,
        dev: &mut D,
        offset: u64,
        bufs: &[&[u8]],
        what: &Object,
    ) -> Result<bool, Error> {
        let len = bufs
            .iter()
            .try_fold(0u64, |n, b| n.checked_add(b.len() as u64));
        let past = || WindowError::PastPartitionEnd {
            partition: self.role.partition_name(),
            offset,
            len: len.unwrap_or(u64::MAX),
            size: self.len,
        };
        let end = len
            .and_then(|len| offset.checked_add(len))
            .ok_or_else(past)?;
        if end > self.len {
            return Err(past().into());
        }
        // start + end <= start + len, which `check` proved fits.
        let at = self.start + offset;
        dev.write_run(at, bufs)
            .ctx(|| Act::Writing.on(what.clone()).at(offset))
    }

    /// Make `len` bytes from `offset` of the partition read as zeros, with
    /// [`Device::zero`] (the cheapest way the device has); refused unless
    /// every byte lies inside the partition.
    pub(crate) fn zero_run<D: Device>(
        &self,
        dev: &mut D,
        offset: u64,
        len: u64,
        what: &Object,
    ) -> Result<(), Error> {
        let past = || WindowError::PastPartitionEnd {
            partition: self.role.partition_name(),
            offset,
            len,
            size: self.len,
        };
        let end = offset.checked_add(len).ok_or_else(past)?;
        if end > self.len {
            return Err(past().into());
        }
        dev.zero(self.start + offset, len)
            .ctx(|| Act::Zeroing.on(what.clone()).at(offset))
    }
}

/// Bytes `[start, end)` of the plan's partition area that lie on the disk.
fn area(plan: &Plan) -> (u64, u64) {
    let (start, end) = plan.partition_area;
    (start, end.min(plan.disk_size))
}

/// Partition `p` of `parts` checked: whole sectors of `sector_size`
/// bytes, inside `area` (which lies inside the disk), sharing no byte with
/// another partition.
fn check(
    parts: &[PlannedPartition],
    (area_start, area_end): (u64, u64),
    sector_size: u64,
    p: &PlannedPartition,
) -> Result<PartitionWindow, WindowError> {
    let partition = p.role.partition_name();
    let (start, end) = bounds(p)?;
    let whole = |n: u64| sector_size != 0 && n.is_multiple_of(sector_size);
    if p.size == 0 || !whole(start) || !whole(p.size) {
        return Err(WindowError::Unaligned {
            partition,
            start,
            size: p.size,
            sector_size,
        });
    }
    if start < area_start || end > area_end {
        return Err(WindowError::Outside {
            partition,
            start,
            end,
            area_start,
            area_end,
        });
    }
    for other in parts.iter().filter(|o| o.role != p.role) {
        let (other_start, other_end) = bounds(other)?;
        if start < other_end && other_start < end {
            return Err(WindowError::Overlap {
                partition,
                start,
                end,
                other: other.role.partition_name(),
                other_start,
                other_end,
            });
        }
    }
    Ok(PartitionWindow {
        role: p.role,
        start,
        len: p.size,
    })
}

/// First byte and the byte after the last of a planned partition.
fn bounds(p: &PlannedPartition) -> Result<(u64, u64), WindowError> {
    let end = p.start.checked_add(p.size).ok_or(WindowError::Overflow {
        partition: p.role.partition_name(),
        start: p.start,
        size: p.size,
    })?;
    Ok((p.start, end))
}

/// Check every partition of `plan` before the first write: a plan whose
/// partitions overlap or leave the disk is not started at all.
pub(crate) fn check_plan(plan: &Plan) -> Result<(), WindowError> {
    for p in &plan.partitions {
        check(&plan.partitions, area(plan), plan.sector_size, p)?;
    }
    Ok(())
}

/// The end of `len` bytes from `start`, if they lie inside a disk of
/// `disk_size` bytes.
pub(crate) fn inside_disk(start: u64, len: u64, disk_size: u64) -> Result<u64, WindowError> {
    start
        .checked_add(len)
        .filter(|end| *end <= disk_size)
        .ok_or(WindowError::PastDiskEnd {
            start,
            len,
            disk_size,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::DiskFile;
    use detect::layout::{Slot, MIB};

    fn part(role: Role, start: u64, size: u64) -> PlannedPartition {
        PlannedPartition {
            role,
            index: 1,
            start,
            size,
            part_guid: String::new(),
        }
    }

    fn layout() -> Vec<PlannedPartition> {
        vec![
            part(Role::Esp, MIB, 4 * MIB),
            part(Role::Root(Slot::A), 5 * MIB, 2 * MIB),
            part(Role::Root(Slot::B), 7 * MIB, 2 * MIB),
        ]
    }

    const AREA: (u64, u64) = (MIB, 10 * MIB);

    #[test]
    fn a_sound_layout_gives_windows() {
        let parts = layout();
        for p in &parts {
            let w = check(&parts, AREA, 512, p).expect("window");
            assert_eq!((w.start(), w.len()), (p.start, p.size));
        }
    }

    #[test]
    fn overlap_overflow_and_outside_are_refused() {
        let mut parts = layout();
        parts[2].start = 6 * MIB;
        assert!(matches!(
            check(&parts, AREA, 512, &parts[2]),
            Err(WindowError::Overlap {
                partition: "ferry-root-b",
                other: "ferry-root-a",
                ..
            })
        ));
        parts[2].start = u64::MAX - 4095;
        let err = check(&parts, AREA, 512, &parts[2]).expect_err("overflow");
        assert!(matches!(err, WindowError::Overflow { .. }), "{err}");
        // Another partition's overflow refuses this one's window too.
        assert!(check(&parts, AREA, 512, &parts[0]).is_err());
        parts[2].start = 1 << 55;
        assert!(matches!(
            check(&parts, AREA, 512, &parts[2]),
            Err(WindowError::Outside { .. })
        ));
        parts[2].start = 0;
        assert!(matches!(
            check(&parts, AREA, 512, &parts[2]),
            Err(WindowError::Outside { .. })
        ));
        parts[2].start = 9 * MIB;
        assert!(matches!(
            check(&parts, AREA, 512, &parts[2]),
            Err(WindowError::Outside { end, .. }) if end == 11 * MIB
        ));
        parts[2].start = 7 * MIB + 1;
        assert!(matches!(
            check(&parts, AREA, 512, &parts[2]),
            Err(WindowError::Unaligned { .. })
        ));
    }

    #[test]
    fn partitions_are_whole_sectors_of_the_disk() {
        let mut parts = layout();
        for p in &parts {
            check(&parts, AREA, 4096, p).expect("1 MiB bounds are whole 4 KiB sectors");
        }
        parts[2].start = 7 * MIB + 512;
        parts[2].size = 2 * MIB - 512;
        check(&parts, AREA, 512, &parts[2]).expect("whole 512-byte sectors");
        let err = check(&parts, AREA, 4096, &parts[2]).expect_err("not 4 KiB sectors");
        assert!(
            matches!(
                err,
                WindowError::Unaligned {
                    sector_size: 4096,
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("4096-byte sectors"), "{err}");
    }

    #[test]
    fn writes_stay_inside_the_window() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("disk.img");
        std::fs::File::create(&path)
            .and_then(|f| f.set_len(10 * MIB))
            .expect("image");
        let mut disk = DiskFile::open(&path).expect("open");
        let parts = layout();
        let b = check(&parts, AREA, 512, &parts[2]).expect("window");
        let block = vec![7u8; 4096];
        b.write_run(&mut disk, 2 * MIB - 4096, &[&block], &Object::Slot(Slot::B))
            .expect("last block of root b");
        for offset in [2 * MIB - 4095, 2 * MIB, u64::MAX - 10] {
            let err = b
                .write_run(&mut disk, offset, &[&block], &Object::Slot(Slot::B))
                .expect_err("past the end");
            assert!(
                matches!(err, Error::Window(WindowError::PastPartitionEnd { .. })),
                "{err}"
            );
        }
        drop(disk);
        let bytes = std::fs::read(&path).expect("read");
        let written: Vec<usize> = (0..bytes.len()).filter(|&i| bytes[i] != 0).collect();
        assert_eq!(written.len(), 4096);
        assert_eq!(written[0] as u64, 9 * MIB - 4096);
    }

    #[test]
    fn discard_ranges_stay_on_the_disk() {
        assert_eq!(inside_disk(MIB, MIB, 2 * MIB), Ok(2 * MIB));
        assert!(inside_disk(MIB, MIB + 1, 2 * MIB).is_err());
        assert!(inside_disk(u64::MAX, 2, u64::MAX).is_err());
    }
}
