//! What Ferry's tests and benchmarks share, one idea per module:
//!
//! - [`release`]: Demo Engine payloads built from small synthetic
//!   components and the real demo-engine configuration, and test keys;
//! - [`image`]: sparse image files, their bytes and temporary directories;
//! - [`engine`]: the install engine on those images (small partitions,
//!   plan and apply in one call, the boot loader blessing a slot);
//! - [`running`]: what an interrupted or failed run must leave of the
//!   running system;
//! - [`fixture`]: the installer's medium directory and disk images, built
//!   once per test binary ([`cache`]) under the target directory;
//! - [`fault`]: a disk and a medium that fail on purpose;
//! - [`gpt`]: GPT edits as damage or a hostile writer leave them;
//! - [`fat_loop`]: FAT32 images whose cluster chains loop;
//! - [`loopdev`]: loop devices of 512- or 4096-byte sectors over images,
//!   and the real tools' verdict on them;
//! - [`sticks`]: Ferry USB sticks as image files;
//! - [`bench`](mod@bench): timing and peak memory of benchmark commands;
//! - [`rootfs`]: a realistic ext4 root image of this machine's system
//!   files, for the benchmarks.
//!
//! A dev-dependency only (`publish = false`): nothing a machine runs links
//! it. The power-cut hook stays in the engine, behind `install`'s
//! `fault-injection` feature, since `apply` itself calls it.
//!
//! Helpers panic instead of returning errors: a failing fixture is a
//! failing test, and the message says which step failed.

pub mod bench;
pub mod cache;
pub mod engine;
pub mod fat_loop;
pub mod fault;
pub mod fixture;
pub mod gpt;
pub mod image;
pub mod loopdev;
pub mod release;
pub mod rootfs;
pub mod running;
pub mod sticks;

/// One mebibyte.
pub const MIB: u64 = 1024 * 1024;

/// The workspace's target directory: `CARGO_TARGET_DIR` when set, else
/// `target/` at the workspace root. Benchmarks and fixtures built once
/// keep their files there, never in `/tmp`.
pub fn target_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
}
