//! The El Torito EFI image: a FAT file holding the boot chain (shim,
//! systemd-boot, MokManager), systemd-boot's loader entries, the kernel
//! and the initrd (systemd-boot reads only the FAT image it started from).

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use fat::{FixedTime, FormatOptions};

pub struct EfiFiles<'a> {
    /// `EFI/BOOT/…` files and where to read them ([`crate::efi_boot_files`]).
    pub boot: Vec<(String, PathBuf)>,
    pub kernel: &'a Path,
    pub initrd: &'a Path,
    /// systemd-boot's configuration and entries ([`super::menu::loader_files`]).
    pub loader: Vec<(String, Vec<u8>)>,
}

/// Write the image to `path`; returns its size.
pub fn build(path: &Path, files: &EfiFiles<'_>, label: &str, time: FixedTime) -> Result<u64> {
    let len = |p: &Path| -> Result<u64> {
        Ok(std::fs::metadata(p)
            .with_context(|| format!("reading {}", p.display()))?
            .len())
    };
    let mut content = len(files.kernel)? + len(files.initrd)?;
    for (_, p) in &files.boot {
        content += len(p)?;
    }
    // Room for FATs, directories and cluster slack; whole MiBs.
    let size = (content + content / 16 + (2 << 20)).div_ceil(1 << 20) << 20;
    let f = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    f.set_len(size)
        .with_context(|| format!("sizing {}", path.display()))?;
    let mut opts = FormatOptions::new(label);
    opts.time = time;
    let v = fat::format(f, &opts).context("formatting the EFI image")?;
    let copy = |dest: &str, src: &Path| -> Result<()> {
        let f = File::open(src).with_context(|| format!("reading {}", src.display()))?;
        v.write_file(dest, f).map_err(|e| match &e {
            fat::Error::Io { source, .. } if source.raw_os_error() == Some(28) => anyhow::anyhow!(
                "the disk holding {} is full; nothing was left under the final name",
                path.display()
            ),
            _ => anyhow::Error::new(e)
                .context(format!("copying {} into the EFI image", src.display())),
        })?;
        Ok(())
    };
    for (at, p) in &files.boot {
        copy(at, p)?;
    }
    copy("vmlinuz", files.kernel)?;
    copy("initrd.img", files.initrd)?;
    for (at, text) in &files.loader {
        v.write(at, text)?;
    }
    v.close().context("closing the EFI image")?;
    Ok(size)
}
