//! The UEFI boot chain that boots with Secure Boot on: a shim signed by
//! Microsoft (so the firmware's stock keys accept it), then systemd-boot
//! and the kernel, both signed by the distribution whose certificate the
//! shim carries. Debian 12 has a signed shim and signed kernels but no
//! signed systemd-boot; Debian 13 has all three, so the chain's packages
//! come from Debian 13 through a private apt configuration (the machine's
//! own sources stay as they are). See `docs/bootkit.md`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::debs::{self, Apt, LockedPackage};

/// Where the chain's packages come from: Debian 13 (trixie), whose shim
/// trusts the Debian Secure Boot CA that also signs Debian 12's kernels.
pub const SIGNED_SOURCES: &str = "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] \
     http://deb.debian.org/debian trixie main";

/// The package and file of each part of the chain.
pub const SHIM: (&str, &str) = ("shim-signed", "usr/lib/shim/shimx64.efi.signed");
pub const MOK_MANAGER: (&str, &str) =
    ("shim-helpers-amd64-signed", "usr/lib/shim/mmx64.efi.signed");
pub const SYSTEMD_BOOT: (&str, &str) = (
    "systemd-boot-efi-amd64-signed",
    "usr/lib/systemd/boot/efi/systemd-bootx64.efi.signed",
);

/// The product's own files instead of Debian's (`media-builder bootkit
/// --shim/--mok-manager/--boot-loader`), for a product that signs its own
/// kernel (see `docs/bootkit.md`).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub shim: Option<PathBuf>,
    pub mok_manager: Option<PathBuf>,
    pub boot_loader: Option<PathBuf>,
}

impl Overrides {
    fn all(&self) -> bool {
        self.shim.is_some() && self.mok_manager.is_some() && self.boot_loader.is_some()
    }
}

/// The chain's files, and the packages they came from.
#[derive(Debug, Clone)]
pub struct Chain {
    pub shim: PathBuf,
    pub mok_manager: PathBuf,
    pub systemd_boot: PathBuf,
    pub packages: BTreeMap<String, LockedPackage>,
}

/// Fetches the chain's packages into `cache` (unless every file is
/// overridden) and picks each file.
pub fn fetch(cache: &Path, overrides: &Overrides) -> Result<Chain> {
    let mut packages = BTreeMap::new();
    let mut dirs = BTreeMap::new();
    if !overrides.all() {
        let apt = Apt::private(&cache.join("apt-secureboot"), SIGNED_SOURCES)?;
        for (name, _) in [SHIM, MOK_MANAGER, SYSTEMD_BOOT] {
            let (u, _) = debs::fetch_from(&apt, cache, name)?;
            packages.insert(name.to_string(), u.locked);
            dirs.insert(name, u.dir);
        }
    }
    let pick = |given: &Option<PathBuf>, (name, file): (&str, &str)| -> Result<PathBuf> {
        let p = match given {
            Some(p) => p.clone(),
            None => dirs.get(name).map(|d| d.join(file)).unwrap_or_default(),
        };
        check_efi(&p)?;
        Ok(p)
    };
    Ok(Chain {
        shim: pick(&overrides.shim, SHIM)?,
        mok_manager: pick(&overrides.mok_manager, MOK_MANAGER)?,
        systemd_boot: pick(&overrides.boot_loader, SYSTEMD_BOOT)?,
        packages,
    })
}

/// Refuses a file that is not an x86-64 EFI program (PE32+).
pub fn check_efi(path: &Path) -> Result<()> {
    let data = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    if !is_x64_efi(&data) {
        bail!("{} is not an x86-64 EFI program", path.display());
    }
    Ok(())
}

/// A PE32+ image for x86-64: `MZ`, the PE header at `e_lfanew`, machine
/// 0x8664, optional header magic 0x20b.
pub fn is_x64_efi(data: &[u8]) -> bool {
    let u16_at = |o: usize| data.get(o..o + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    let Some(pe) = data
        .get(0x3c..0x40)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    else {
        return false;
    };
    data.starts_with(b"MZ")
        && pe.checked_add(26).is_some_and(|end| end <= data.len())
        && data.get(pe..pe + 4) == Some(b"PE\0\0")
        && u16_at(pe + 4) == Some(0x8664)
        && u16_at(pe + 24) == Some(0x20b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_x64_pe_images_are_efi_programs() {
        let mut pe = vec![0u8; 0x100];
        pe[..2].copy_from_slice(b"MZ");
        pe[0x3c] = 0x80;
        pe[0x80..0x84].copy_from_slice(b"PE\0\0");
        pe[0x84..0x86].copy_from_slice(&0x8664u16.to_le_bytes());
        pe[0x98..0x9a].copy_from_slice(&0x20bu16.to_le_bytes());
        assert!(is_x64_efi(&pe));
        let mut i386 = pe.clone();
        i386[0x84..0x86].copy_from_slice(&0x14cu16.to_le_bytes());
        assert!(!is_x64_efi(&i386));
        let mut far = pe.clone();
        far[0x3c..0x40].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(!is_x64_efi(&far));
        assert!(!is_x64_efi(b"MZ"));
        assert!(!is_x64_efi(b"\x7fELF"));
        assert!(!is_x64_efi(&[]));
    }
}
