//! The boot kit directory `media-builder bootkit` makes, checked before
//! anything is written.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use payload::{PublicKey, TrustStore};

use super::boot::ISOLINUX_MAGIC;

#[derive(Debug, Clone)]
pub struct Bootkit {
    pub dir: PathBuf,
    pub kernel: PathBuf,
    pub initrd: PathBuf,
    pub isolinux: PathBuf,
    /// Other files of `isolinux/` (ldlinux.c32 and modules), by name.
    pub isolinux_extra: Vec<(String, PathBuf)>,
    pub isohdpfx: Vec<u8>,
    pub systemd_boot: PathBuf,
    pub cmdline: String,
    pub trust: TrustStore,
    pub keys: usize,
}

impl Bootkit {
    pub fn load(dir: &Path) -> Result<Bootkit> {
        let need = |rel: &str| -> Result<PathBuf> {
            let p = dir.join(rel);
            let meta = std::fs::metadata(&p).map_err(|_| {
                anyhow!(
                    "the boot kit {} has no {rel}; rebuild it with `media-builder bootkit`",
                    dir.display()
                )
            })?;
            if !meta.is_file() || meta.len() == 0 {
                bail!("{} is empty or not a file", p.display());
            }
            Ok(p)
        };
        let kernel = need("vmlinuz")?;
        let initrd = need("initrd.img")?;
        let isolinux = need("isolinux/isolinux.bin")?;
        need("isolinux/ldlinux.c32")?;
        let isohdpfx_path = need("isohdpfx.bin")?;
        let systemd_boot = need("efi/systemd-bootx64.efi")?;
        let cmdline_path = need("cmdline")?;

        let head =
            std::fs::read(&isolinux).with_context(|| format!("reading {}", isolinux.display()))?;
        if head.len() < 2048 || head.get(0x40..0x44) != Some(&ISOLINUX_MAGIC.to_le_bytes()[..]) {
            bail!(
                "{} is not an isolinux.bin that supports hybrid boot (no magic at 0x40)",
                isolinux.display()
            );
        }
        let isohdpfx = std::fs::read(&isohdpfx_path)
            .with_context(|| format!("reading {}", isohdpfx_path.display()))?;
        if isohdpfx.len() != 432 {
            bail!(
                "{} is {} bytes; an isohybrid MBR (isohdpfx.bin) is 432",
                isohdpfx_path.display(),
                isohdpfx.len()
            );
        }
        let efi_head = std::fs::read(&systemd_boot)
            .with_context(|| format!("reading {}", systemd_boot.display()))?;
        if !efi_head.starts_with(b"MZ") {
            bail!("{} is not an EFI program", systemd_boot.display());
        }
        let cmdline = std::fs::read_to_string(&cmdline_path)
            .with_context(|| format!("reading {}", cmdline_path.display()))?
            .trim()
            .to_string();
        if cmdline.contains('\n') {
            bail!("{} should hold one line", cmdline_path.display());
        }

        let mut isolinux_extra = Vec::new();
        let idir = dir.join("isolinux");
        let mut names: Vec<_> = std::fs::read_dir(&idir)
            .with_context(|| format!("listing {}", idir.display()))?
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n != "isolinux.bin" && n != "isolinux.cfg" && n != "boot.cat")
            .collect();
        names.sort();
        for n in names {
            isolinux_extra.push((n.clone(), idir.join(&n)));
        }

        let mut trust = TrustStore::new();
        let mut keys = 0;
        if let Ok(rd) = std::fs::read_dir(dir.join("keys")) {
            let mut paths: Vec<PathBuf> = rd
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "pub"))
                .collect();
            paths.sort();
            for p in paths {
                trust.trust(
                    PublicKey::load(&p).with_context(|| format!("loading {}", p.display()))?,
                );
                keys += 1;
            }
        }
        Ok(Bootkit {
            dir: dir.to_path_buf(),
            kernel,
            initrd,
            isolinux,
            isolinux_extra,
            isohdpfx,
            systemd_boot,
            cmdline,
            trust,
            keys,
        })
    }

    /// Every input file, to refuse an output that would overwrite one.
    pub fn files(&self) -> impl Iterator<Item = &PathBuf> {
        [
            &self.kernel,
            &self.initrd,
            &self.isolinux,
            &self.systemd_boot,
        ]
        .into_iter()
        .chain(self.isolinux_extra.iter().map(|(_, p)| p))
    }
}
