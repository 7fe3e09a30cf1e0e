//! An access Ferry refused because it falls outside what a disk or a part
//! of it holds, or a disk that does not behave as one: carried inside the
//! [`io::Error`] the device's reader or writer returns, so the code above
//! sees an ordinary I/O error while the installer's screens can say its
//! facts in the technician's language (they look for this type in the
//! error).

use std::io;

/// What was refused, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Bound {
    /// A part of a disk whose end is past the largest byte offset.
    #[error("the range of {len} bytes at byte {start} ends past the largest byte offset")]
    RangeOverflow { start: u64, len: u64 },
    /// A seek to before the first byte of a disk or a part of it.
    #[error("a seek before the start of the device or partition")]
    SeekBeforeStart,
    /// A write at or past the end of a partition.
    #[error("a write past the end of the partition (at byte {at} of {len})")]
    WritePastPartitionEnd { at: u64, len: u64 },
    /// A range to clear that runs past the end of the disk.
    #[error("bytes {start}..{end} are past the end of the disk")]
    PastDiskEnd { start: u64, end: u64 },
    /// The disk ended before a range being read back: it shrank or went
    /// away.
    #[error("the disk ended at byte {at}, before the range {start}..{end} read back")]
    EndedEarly { at: u64, start: u64, end: u64 },
    /// The disk reports a logical sector size that is not a power of two.
    #[error("the device reports sectors of {size} bytes")]
    SectorSize { size: i64 },
    /// A write to a disk opened only to be read (detection reads disks
    /// through a wrapper that refuses every write, even a library's).
    #[error("the disk is opened read-only for detection; nothing was written")]
    ReadOnly,
}

impl Bound {
    /// The error an I/O call returns for it.
    pub fn into_io(self) -> io::Error {
        let kind = match self {
            Bound::RangeOverflow { .. }
            | Bound::SeekBeforeStart
            | Bound::PastDiskEnd { .. }
            | Bound::SectorSize { .. } => io::ErrorKind::InvalidInput,
            Bound::WritePastPartitionEnd { .. } => io::ErrorKind::WriteZero,
            Bound::EndedEarly { .. } => io::ErrorKind::UnexpectedEof,
            Bound::ReadOnly => io::ErrorKind::PermissionDenied,
        };
        io::Error::new(kind, self)
    }
}

impl From<Bound> for io::Error {
    fn from(b: Bound) -> io::Error {
        b.into_io()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_io_error_carries_the_facts_and_says_them() {
        let e = io::Error::from(Bound::EndedEarly {
            at: 4096,
            start: 0,
            end: 8192,
        });
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
        assert_eq!(
            e.get_ref().and_then(|i| i.downcast_ref::<Bound>()),
            Some(&Bound::EndedEarly {
                at: 4096,
                start: 0,
                end: 8192
            })
        );
        assert_eq!(
            e.to_string(),
            "the disk ended at byte 4096, before the range 0..8192 read back"
        );
    }
}
