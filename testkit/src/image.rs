//! Image files and their bytes: temporary directories, sparse images,
//! copies, patches and hashes of a range.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use sha2::{Digest, Sha256};

/// A temporary directory, removed at the end of the test.
pub fn tmp() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("ferry-install-")
        .tempdir()
        .expect("temporary directory")
}

/// A sparse image file of `size` bytes.
pub fn sparse(path: &Path, size: u64) {
    let f = File::create(path).expect("image");
    f.set_len(size).expect("size");
}

/// Copy an image (sparse files stay sparse enough for these sizes).
pub fn copy(from: &Path, to: &Path) {
    std::fs::copy(from, to).expect("copy image");
}

/// Overwrite bytes of an image in place, from `offset`.
pub fn write_at(path: &Path, offset: u64, bytes: &[u8]) {
    let mut f = OpenOptions::new().write(true).open(path).expect("open");
    f.seek(SeekFrom::Start(offset)).expect("seek");
    f.write_all(bytes).expect("write");
}

/// SHA-256 of `len` bytes of the image from `start`.
pub fn hash_range(disk: &Path, start: u64, len: u64) -> String {
    let mut f = File::open(disk).expect("open");
    f.seek(SeekFrom::Start(start)).expect("seek");
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut left = len;
    while left > 0 {
        let n = left.min(buf.len() as u64) as usize;
        f.read_exact(&mut buf[..n]).expect("read");
        h.update(&buf[..n]);
        left -= n as u64;
    }
    hex::encode(h.finalize())
}
