//! Small I/O adapters of the write path, each one idea: reading a written
//! range back against the manifest's chunk hashes, caching blocks, and
//! measuring progress.

mod cache;
mod rate;
mod readback;

pub use cache::BlockCache;
pub use rate::Meter;
pub use readback::{verify_range, verify_stream, BackgroundCheck, Written};
