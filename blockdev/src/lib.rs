//! Disks as the installer and `media-builder usb write` both see them:
//! opening one to write it (exclusively, with `O_DIRECT` where allowed),
//! the block device ioctls, and what sysfs and procfs say about a disk
//! ([`DiskFacts`]: the one way Ferry names a disk; [`inspect()`]: whether
//! anything uses it).

mod bound;
mod direct;
pub mod inspect;
mod ioctl;
mod mounts;
mod open;
pub mod sysfs;

pub use bound::Bound;
pub use direct::{
    direct_refused, drop_cache, is_aligned, reopen_direct, stop_direct, AlignedBuf, ALIGN,
};
pub use inspect::inspect;
pub use ioctl::{discard, reread_partitions, zero_out};
pub use open::{eject, open, open_direct, sector_size, size, Access, InUse, DEFAULT_SECTOR_SIZE};
pub use sysfs::{Bus, DevNum, DiskFacts, Roots};
