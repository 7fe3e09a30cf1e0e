//! Bypassing the page cache: aligned buffers for `O_DIRECT`, a second
//! `O_DIRECT` handle on a disk already open, and dropping cached pages so
//! a read-back reads the device.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Alignment of O_DIRECT buffers, offsets and lengths: the largest logical
/// block size of disks in use.
pub const ALIGN: usize = 4096;

/// An owned byte buffer whose bytes start on an O_DIRECT boundary, so
/// bytes read into it can be written with O_DIRECT as they are: an
/// aligned window into an over-allocated vector (when the allocator gives
/// no room for one, the window starts at 0 and the bytes are written
/// through the cache).
#[derive(Debug, Default)]
pub struct AlignedBuf {
    raw: Vec<u8>,
    len: usize,
}

impl AlignedBuf {
    /// A buffer of `len` zero bytes.
    pub fn new(len: usize) -> AlignedBuf {
        AlignedBuf {
            raw: vec![0u8; len + ALIGN],
            len,
        }
    }

    fn skew(&self) -> usize {
        let skew = self.raw.as_ptr().align_offset(ALIGN);
        if skew.saturating_add(self.len) <= self.raw.len() {
            skew
        } else {
            0
        }
    }
}

impl AsRef<[u8]> for AlignedBuf {
    fn as_ref(&self) -> &[u8] {
        let skew = self.skew();
        &self.raw[skew..skew + self.len]
    }
}

impl AsMut<[u8]> for AlignedBuf {
    fn as_mut(&mut self) -> &mut [u8] {
        let skew = self.skew();
        &mut self.raw[skew..skew + self.len]
    }
}

/// Whether `buf` can be written with O_DIRECT: aligned start and length.
pub fn is_aligned(buf: &[u8]) -> bool {
    buf.as_ptr().align_offset(ALIGN) == 0 && buf.len().is_multiple_of(ALIGN) && !buf.is_empty()
}

/// Whether an O_DIRECT read or write failed only because the device or
/// file system wants another alignment (EINVAL): then the same bytes go
/// through the page cache instead.
pub fn direct_refused(e: &io::Error) -> bool {
    e.raw_os_error() == Some(nix::libc::EINVAL)
}

/// The disk `file` opened from `path` again with O_DIRECT, for reading or
/// for writing: through `/proc/self/fd`, so it cannot be another file;
/// `None` where O_DIRECT is refused.
pub fn reopen_direct(file: &File, path: &Path, write: bool) -> Option<File> {
    use std::os::fd::AsRawFd;
    let open = |p: &Path| {
        OpenOptions::new()
            .read(!write)
            .write(write)
            .custom_flags(nix::libc::O_DIRECT)
            .open(p)
    };
    let same = PathBuf::from(format!("/proc/self/fd/{}", file.as_raw_fd()));
    open(&same).or_else(|_| open(path)).ok()
}

/// Clears O_DIRECT on an open file: what follows goes through the cache
/// (a tail that is not whole sectors), on the same handle.
pub fn stop_direct(file: &File) -> io::Result<()> {
    use nix::fcntl::{fcntl, FcntlArg, OFlag};
    let flags = OFlag::from_bits_truncate(fcntl(file, FcntlArg::F_GETFL)?);
    fcntl(file, FcntlArg::F_SETFL(flags & !OFlag::O_DIRECT))?;
    Ok(())
}

/// POSIX_FADV_DONTNEED: the kernel forgets the clean cached pages of the
/// range (of a block device or an image file alike); `len` 0 is "to the
/// end". Call after a sync: pages not yet written stay.
pub fn drop_cache(file: &File, offset: u64, len: u64) -> io::Result<()> {
    use nix::fcntl::{posix_fadvise, PosixFadviseAdvice};
    let (Ok(off), Ok(n)) = (i64::try_from(offset), i64::try_from(len)) else {
        return Ok(());
    };
    posix_fadvise(file, off, n, PosixFadviseAdvice::POSIX_FADV_DONTNEED).map_err(io::Error::from)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn aligned_buffers_are_aligned_and_sized() {
        for len in [ALIGN, 1 << 20, 12345] {
            let mut b = AlignedBuf::new(len);
            assert_eq!(b.as_ref().len(), len);
            assert_eq!(b.as_ref().as_ptr().align_offset(ALIGN), 0);
            b.as_mut()[len - 1] = 9;
            assert_eq!(b.as_ref()[len - 1], 9);
            assert_eq!(is_aligned(b.as_ref()), len % ALIGN == 0);
        }
        assert!(!is_aligned(&[]));
    }
}
