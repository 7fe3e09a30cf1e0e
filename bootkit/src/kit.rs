//! The boot kit directory: where [`crate::build`] puts each file, and
//! [`Bootkit::load`], which reads a kit back and checks it before media
//! are made from it.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use payload::TrustStore;

/// The kernel.
pub const KERNEL: &str = "vmlinuz";
/// The installer initramfs (gzip).
pub const INITRD: &str = "initrd.img";
/// isolinux, BIOS boot from CD and (hybrid) stick.
pub const ISOLINUX: &str = "isolinux/isolinux.bin";
/// isolinux's library module; other files of `isolinux/` go on media too.
pub const LDLINUX: &str = "isolinux/ldlinux.c32";
/// isolinux's menu module and the library it needs (in `isolinux/`):
/// the ISO's boot menu offers the installer's languages with them.
pub const MENU_MODULES: [&str; 2] = ["menu.c32", "libutil.c32"];
/// The isohybrid MBR (432 bytes).
pub const ISOHDPFX: &str = "isohdpfx.bin";
/// systemd-boot (signed by the distribution), which the shim starts.
pub const SYSTEMD_BOOT: &str = "efi/systemd-bootx64.efi";
/// The shim signed by Microsoft: `\EFI\BOOT\BOOTX64.EFI` of every medium
/// and installed ESP (`crate::secureboot`).
pub const SHIM: &str = "efi/shimx64.efi";
/// MokManager, which the shim starts to enroll a Machine Owner Key.
pub const MOK_MANAGER: &str = "efi/mmx64.efi";
/// The default kernel command line, one line.
pub const CMDLINE: &str = "cmdline";
/// The public keys the installer trusts (`NAME.pub`).
pub const KEYS: &str = "keys";
/// What the kit was built from ([`crate::Lock`]).
pub const LOCK: &str = "bootkit.lock";

/// isolinux.bin carries this at byte 0x40; isohybrid MBRs expect it.
const ISOLINUX_MAGIC: u32 = 0x7078_C0FB;

/// A boot kit read back: the paths of its files, the small ones read.
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
    pub shim: PathBuf,
    pub mok_manager: PathBuf,
    pub cmdline: String,
    /// The keys of `keys/*.pub`, none when the kit has no `keys/`.
    pub trust: TrustStore,
}

impl Bootkit {
    /// Reads the kit in `dir`, refusing a missing, empty or wrong file.
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
        let kernel = need(KERNEL)?;
        let initrd = need(INITRD)?;
        let isolinux = need(ISOLINUX)?;
        need(LDLINUX)?;
        let isohdpfx_path = need(ISOHDPFX)?;
        let systemd_boot = need(SYSTEMD_BOOT)?;
        let shim = need(SHIM)?;
        let mok_manager = need(MOK_MANAGER)?;
        let cmdline_path = need(CMDLINE)?;

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
        for p in [&systemd_boot, &shim, &mok_manager] {
            crate::secureboot::check_efi(p)?;
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

        let trust = TrustStore::load_dir(&dir.join(KEYS))?;
        Ok(Bootkit {
            dir: dir.to_path_buf(),
            kernel,
            initrd,
            isolinux,
            isolinux_extra,
            isohdpfx,
            systemd_boot,
            shim,
            mok_manager,
            cmdline,
            trust,
        })
    }

    /// Every input file, to refuse an output that would overwrite one.
    pub fn files(&self) -> impl Iterator<Item = &PathBuf> {
        [
            &self.kernel,
            &self.initrd,
            &self.isolinux,
            &self.systemd_boot,
            &self.shim,
            &self.mok_manager,
        ]
        .into_iter()
        .chain(self.isolinux_extra.iter().map(|(_, p)| p))
    }
}
