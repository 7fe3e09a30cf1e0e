//! The block device ioctls Ferry needs (and CDROMEJECT, for the
//! installer's own disc), declared once.
//!
//! nix's ioctl macros generate `unsafe fn`s (the kernel cannot check the
//! argument types for us). The workspace denies `unsafe_code`; this module
//! is the one place allowed to call them, each call with a correctly typed
//! argument and an open file descriptor.
#![allow(unsafe_code)]

use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;

nix::ioctl_read!(blk_getsize64, 0x12, 114, u64);
nix::ioctl_read_bad!(
    blk_sszget,
    nix::request_code_none!(0x12, 104),
    nix::libc::c_int
);
nix::ioctl_write_ptr_bad!(blk_discard, nix::request_code_none!(0x12, 119), [u64; 2]);
nix::ioctl_write_ptr_bad!(blk_zeroout, nix::request_code_none!(0x12, 127), [u64; 2]);
nix::ioctl_none!(blk_rrpart, 0x12, 95);
nix::ioctl_none_bad!(cdrom_eject, 0x5309);

/// Size in bytes of a block device (BLKGETSIZE64); [`crate::size`] also
/// takes image files.
pub fn device_size(file: &File) -> io::Result<u64> {
    let mut size: u64 = 0;
    // SAFETY: the fd is open for the lifetime of `file`; `size` is a u64 as
    // BLKGETSIZE64 expects.
    unsafe { blk_getsize64(file.as_raw_fd(), &mut size) }.map_err(io::Error::from)?;
    Ok(size)
}

/// Logical sector size in bytes of a block device (BLKSSZGET): the unit
/// of its LBAs, 512 or 4096; [`crate::sector_size`] also takes image files.
pub fn logical_block_size(file: &File) -> io::Result<u64> {
    let mut size: nix::libc::c_int = 0;
    // SAFETY: the fd is open for the lifetime of `file`; BLKSSZGET writes
    // an int.
    unsafe { blk_sszget(file.as_raw_fd(), &mut size) }.map_err(io::Error::from)?;
    u64::try_from(size)
        .ok()
        .filter(|s| s.is_power_of_two())
        .ok_or_else(|| crate::Bound::SectorSize { size: size.into() }.into_io())
}

/// Tell the device the byte range holds nothing (BLKDISCARD).
pub fn discard(file: &File, offset: u64, len: u64) -> io::Result<()> {
    let range = [offset, len];
    // SAFETY: BLKDISCARD reads two u64 (start, length) from the pointer.
    unsafe { blk_discard(file.as_raw_fd(), &range) }.map_err(io::Error::from)?;
    Ok(())
}

/// Make the byte range read back as zeros (BLKZEROOUT): the kernel asks
/// the device to write zeros or to unmap where it promises zeros after,
/// and writes zeros itself where the device offers neither. Offset and
/// length must be multiples of the logical sector size (EINVAL otherwise).
pub fn zero_out(file: &File, offset: u64, len: u64) -> io::Result<()> {
    let range = [offset, len];
    // SAFETY: BLKZEROOUT reads two u64 (start, length) from the pointer.
    unsafe { blk_zeroout(file.as_raw_fd(), &range) }.map_err(io::Error::from)?;
    Ok(())
}

/// Ask the kernel to re-read the partition table (BLKRRPART). Fails with
/// EBUSY while a partition of the disk is mounted or held.
pub fn reread_partitions(file: &File) -> io::Result<()> {
    // SAFETY: BLKRRPART takes no argument.
    unsafe { blk_rrpart(file.as_raw_fd()) }.map_err(io::Error::from)?;
    Ok(())
}

/// Open the tray of a CD/DVD drive (CDROMEJECT). Fails with EBUSY while
/// another program holds the drive open.
pub fn eject(file: &File) -> io::Result<()> {
    // SAFETY: CDROMEJECT takes no argument.
    unsafe { cdrom_eject(file.as_raw_fd()) }.map_err(io::Error::from)?;
    Ok(())
}
