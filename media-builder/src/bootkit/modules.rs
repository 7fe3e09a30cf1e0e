//! Kernel modules: which `.ko` files an initramfs needs, in load order.
//!
//! Debian's kernel package ships no `modules.dep`: `depmod` makes it in the
//! package's postinst, which we never run. So we read each module's
//! `.modinfo` section (`depends=`, `softdep=`, `alias=`), as depmod does
//! for the dependency part, and write `modules.dep` ourselves. It is a few
//! dozen lines of ELF reading and saves needing kmod on the build machine
//! and root for `depmod -b`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};

/// Modules the installer needs to see disks, optical drives, USB sticks
/// and keyboards on common hardware and in QEMU. Dependencies are added.
pub const INSTALLER_MODULES: &[&str] = &[
    // SATA/AHCI (q35, most PCs), old IDE (QEMU pc, PIIX), NVMe
    "ahci",
    "ata_piix",
    "ata_generic",
    "nvme",
    // virtio (QEMU, KVM clouds)
    "virtio_pci",
    "virtio_blk",
    "virtio_scsi",
    // SCSI disks and CD/DVD drives
    "sd_mod",
    "sr_mod",
    // server RAID controllers and SAS HBAs often found in hypervisor hosts
    "megaraid_sas",
    "mpt3sas",
    "hpsa",
    "smartpqi",
    // USB host controllers, mass storage, UAS
    "xhci_pci",
    "ehci_pci",
    "uhci_hcd",
    "ohci_pci",
    "usb_storage",
    "uas",
    // USB keyboards
    "usbhid",
    "hid_generic",
];

/// Modules the Demo Engine initrd loads to find and mount its ext4 root
/// and the FAT ESP and config partitions.
pub const DEMO_MODULES: &[&str] = &[
    "ahci",
    "ata_piix",
    "nvme",
    "virtio_pci",
    "virtio_blk",
    "virtio_scsi",
    "sd_mod",
    "ext4",
    "crc32c_generic",
    "vfat",
    "nls_cp437",
    "nls_ascii",
    "nls_utf8",
];

/// One module found in the tree.
#[derive(Debug, Clone)]
pub struct Module {
    /// Path relative to `lib/modules/VERSION/`.
    pub path: String,
    depends: Vec<String>,
    softdep_pre: Vec<String>,
    aliases: Vec<String>,
}

/// Every module of one kernel, by name (`-` written as `_`).
#[derive(Debug, Clone)]
pub struct ModuleTree {
    /// `lib/modules/VERSION`.
    pub root: PathBuf,
    modules: BTreeMap<String, Module>,
}

/// Module name from a file name: `xhci-pci.ko` → `xhci_pci`.
fn module_name(file: &str) -> String {
    file.trim_end_matches(".ko").replace('-', "_")
}

impl ModuleTree {
    /// Reads every module under `root` (`lib/modules/VERSION`).
    pub fn scan(root: &Path) -> Result<ModuleTree> {
        let mut files = Vec::new();
        walk(&root.join("kernel"), &mut files)?;
        if files.is_empty() {
            bail!("{} holds no kernel modules", root.display());
        }
        let mut modules = BTreeMap::new();
        for f in files {
            let data = std::fs::read(&f).with_context(|| format!("reading {}", f.display()))?;
            let info = modinfo(&data).with_context(|| format!("reading {}", f.display()))?;
            let rel = f
                .strip_prefix(root)
                .map_err(|_| anyhow!("{} is outside {}", f.display(), root.display()))?
                .to_string_lossy()
                .into_owned();
            let name = module_name(&f.file_name().unwrap_or_default().to_string_lossy());
            let mut m = Module {
                path: rel,
                depends: Vec::new(),
                softdep_pre: Vec::new(),
                aliases: Vec::new(),
            };
            for (k, v) in info {
                match k.as_str() {
                    "depends" => m.depends.extend(
                        v.split(',')
                            .filter(|s| !s.is_empty())
                            .map(|s| s.replace('-', "_")),
                    ),
                    "softdep" => m.softdep_pre.extend(softdep_pre(&v)),
                    "alias" => m.aliases.push(v),
                    _ => {}
                }
            }
            modules.insert(name, m);
        }
        Ok(ModuleTree {
            root: root.to_path_buf(),
            modules,
        })
    }

    /// The module called `name`, or one that declares it as an alias (how
    /// softdeps such as `crc32c` name crypto drivers).
    fn lookup(&self, name: &str) -> Option<&str> {
        let n = name.replace('-', "_");
        if let Some((k, _)) = self.modules.get_key_value(&n) {
            return Some(k);
        }
        let crypto = format!("crypto-{name}");
        self.modules
            .iter()
            .find(|(_, m)| m.aliases.iter().any(|a| a == name || *a == crypto))
            .map(|(k, _)| k.as_str())
    }

    /// `modules.dep` in depmod's format: each module followed by every
    /// module it needs, nearest first.
    pub fn modules_dep(&self, only: Option<&BTreeSet<String>>) -> String {
        let mut out = String::new();
        for (name, m) in &self.modules {
            if only.is_some_and(|o| !o.contains(name)) {
                continue;
            }
            let mut order = Vec::new();
            let mut seen = BTreeSet::new();
            for d in &m.depends {
                self.visit(d, &mut seen, &mut order, false);
            }
            order.reverse();
            let deps: Vec<&str> = order
                .iter()
                .filter_map(|n| self.modules.get(n).map(|m| m.path.as_str()))
                .collect();
            out.push_str(&m.path);
            out.push(':');
            for d in deps {
                out.push(' ');
                out.push_str(d);
            }
            out.push('\n');
        }
        out
    }

    /// Depth-first: dependencies before the module itself.
    fn visit(&self, name: &str, seen: &mut BTreeSet<String>, order: &mut Vec<String>, soft: bool) {
        let Some(key) = self.lookup(name) else {
            return;
        };
        if !seen.insert(key.to_string()) {
            return;
        }
        let Some(m) = self.modules.get(key) else {
            return;
        };
        if soft {
            for d in &m.softdep_pre {
                self.visit(d, seen, order, soft);
            }
        }
        for d in &m.depends {
            self.visit(d, seen, order, soft);
        }
        order.push(key.to_string());
    }

    /// The wanted modules and everything they need (hard dependencies and
    /// `softdep pre:` modules), in an order `insmod` can load them.
    pub fn resolve(&self, wanted: &[&str]) -> Result<Vec<(String, String)>> {
        let mut seen = BTreeSet::new();
        let mut order = Vec::new();
        for w in wanted {
            if self.lookup(w).is_none() {
                bail!(
                    "the kernel in {} has no module {w}; is it built in?",
                    self.root.display()
                );
            }
            self.visit(w, &mut seen, &mut order, true);
        }
        Ok(order
            .into_iter()
            .filter_map(|n| {
                let p = self.modules.get(&n)?.path.clone();
                Some((n, p))
            })
            .collect())
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let rd = std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))?;
    let mut entries: Vec<_> = rd.filter_map(|e| e.ok()).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let p = e.path();
        let t = e
            .file_type()
            .with_context(|| format!("reading {}", p.display()))?;
        if t.is_dir() {
            walk(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "ko") {
            out.push(p);
        }
    }
    Ok(())
}

/// `softdep=pre: a b post: c` → `[a, b]`.
fn softdep_pre(v: &str) -> Vec<String> {
    let mut pre = false;
    let mut out = Vec::new();
    for w in v.split_whitespace() {
        match w {
            "pre:" => pre = true,
            "post:" => pre = false,
            _ if pre => out.push(w.to_string()),
            _ => {}
        }
    }
    out
}

/// The `key=value` strings of an ELF64 module's `.modinfo` section.
pub fn modinfo(elf: &[u8]) -> Result<Vec<(String, String)>> {
    let u16_at = |o: usize| -> Result<u64> {
        let b = elf.get(o..o + 2).ok_or_else(|| anyhow!("truncated ELF"))?;
        Ok(u64::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let u32_at = |o: usize| -> Result<u64> {
        let b = elf.get(o..o + 4).ok_or_else(|| anyhow!("truncated ELF"))?;
        Ok(u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
    };
    let u64_at = |o: usize| -> Result<u64> {
        let b = elf.get(o..o + 8).ok_or_else(|| anyhow!("truncated ELF"))?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    };
    if elf.get(..5) != Some(b"\x7fELF\x02") || elf.get(5) != Some(&1) {
        bail!("not a little-endian 64-bit ELF module");
    }
    let to = |v: u64| usize::try_from(v).map_err(|_| anyhow!("ELF offset too large"));
    let shoff = to(u64_at(0x28)?)?;
    let shentsize = to(u16_at(0x3a)?)?;
    let shnum = to(u16_at(0x3c)?)?;
    let shstrndx = to(u16_at(0x3e)?)?;
    let section = |i: usize| -> Result<(u64, usize, usize)> {
        let h = shoff + i * shentsize;
        Ok((u32_at(h)?, to(u64_at(h + 0x18)?)?, to(u64_at(h + 0x20)?)?))
    };
    let (_, str_off, str_size) = section(shstrndx)?;
    let names = elf
        .get(str_off..str_off + str_size)
        .ok_or_else(|| anyhow!("truncated section names"))?;
    for i in 0..shnum {
        let (name, off, size) = section(i)?;
        let name = names.get(to(name)?..).unwrap_or_default();
        if name.starts_with(b".modinfo\0") {
            let data = elf
                .get(off..off + size)
                .ok_or_else(|| anyhow!("truncated .modinfo"))?;
            return Ok(data
                .split(|b| *b == 0)
                .filter_map(|s| {
                    let s = std::str::from_utf8(s).ok()?;
                    let (k, v) = s.split_once('=')?;
                    Some((k.to_string(), v.to_string()))
                })
                .collect());
        }
    }
    bail!("no .modinfo section: not a kernel module")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softdeps_keep_only_pre() {
        assert_eq!(softdep_pre("pre: crc32c post: foo"), vec!["crc32c"]);
        assert!(softdep_pre("post: x").is_empty());
    }

    #[test]
    fn names_use_underscores() {
        assert_eq!(module_name("xhci-pci.ko"), "xhci_pci");
    }

    #[test]
    fn non_elf_is_refused() {
        assert!(modinfo(b"hello").is_err());
    }
}
