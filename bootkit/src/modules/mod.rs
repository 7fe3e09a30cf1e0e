//! Kernel modules: which `.ko` files an initramfs needs, in load order.
//!
//! Debian's kernel package ships no `modules.dep`: `depmod` makes it in the
//! package's postinst, which we never run. So we read each module's
//! `.modinfo` section (`depends=`, `softdep=`, `alias=`), as depmod does
//! for the dependency part, and write `modules.dep` ourselves. It is a few
//! dozen lines of ELF reading and saves needing kmod on the build machine
//! and root for `depmod -b`.
//!
//! The modules may be spread over several packages (Ubuntu:
//! `linux-modules-RELEASE` and `linux-modules-extra-RELEASE`), under
//! `lib/modules` or `usr/lib/modules`, and compressed (`.ko.zst` on
//! Ubuntu, `.ko.xz` on Debian 13). They are decompressed here, so the
//! initramfs holds plain `.ko` files that busybox `insmod` loads as they
//! are. A module the kernel has built in (`modules.builtin`) has no file
//! and needs none.

mod compress;
mod modinfo;
#[cfg(test)]
mod testdata;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};

pub use compress::{decompress, Compression};

/// `/bin/ferry-load-modules`, which both initramfs' init run: the boot
/// list, then coldplug by `modalias`.
pub const LOAD_SCRIPT: &str = include_str!("load-modules.sh");
pub use modinfo::modinfo;

/// Disk drivers both initramfs (the installer's and the Demo Engine's)
/// load at boot, whatever the machine: the controllers of QEMU and most
/// PCs, the disk classes, and the USB and MMC stacks (whose disks appear
/// later than boot: a stick found by the USB host, a card by its slot).
/// Dependencies are added.
pub const DISK_MODULES: &[&str] = &[
    // SATA/AHCI (q35, most PCs), old IDE (QEMU pc, PIIX), NVMe
    "ahci",
    "ata_piix",
    "ata_generic",
    "nvme",
    // virtio (QEMU, KVM clouds)
    "virtio_pci",
    "virtio_blk",
    "virtio_scsi",
    // SCSI disks (SATA, SAS, RAID logical drives, USB and virtio-scsi
    // disks are all SCSI disks to the kernel)
    "sd_mod",
    // USB host controllers, mass storage, UAS
    "xhci_pci",
    "ehci_pci",
    "uhci_hcd",
    "ohci_pci",
    "usb_storage",
    "uas",
    // eMMC and SD cards, whatever host controller finds them
    "mmc_block",
];

/// Disk controllers loaded only on a machine that has one: at boot, init
/// offers every device's `modalias` to `modprobe`, which loads the module
/// whose alias matches (as udev would; `modules.alias` in the initramfs
/// lists the aliases of these modules). Server RAID controllers and SAS
/// HBAs, Intel VMD (NVMe behind it on many laptops and workstations),
/// eMMC/SD host controllers, VMware's paravirtual SCSI. Dependencies are
/// added.
pub const CONTROLLER_MODULES: &[&str] = &[
    // Intel Volume Management Device: NVMe and SATA behind it
    "vmd",
    // eMMC/SD host controllers on PCI and ACPI (tablets, thin clients,
    // small appliances)
    "sdhci_pci",
    "sdhci_acpi",
    // Broadcom/LSI/Avago: MegaRAID, SAS 2/3 HBAs, SAS 4 (mpi3mr), and
    // the older Fusion-MPT SAS
    "megaraid_sas",
    "mpt3sas",
    "mpi3mr",
    "mptsas",
    // HPE Smart Array (hpsa) and Microchip/Adaptec SmartPQI (newer HPE
    // Smart Array, Adaptec SmartRAID), Adaptec (aacraid)
    "hpsa",
    "smartpqi",
    "aacraid",
    // Areca, Intel C600 SAS (isci), PMC-Sierra/Microchip SAS, Marvell SAS,
    // 3ware, HighPoint
    "arcmsr",
    "isci",
    "pm80xx",
    "mvsas",
    "3w_9xxx",
    "3w_sas",
    "hptiop",
    // VMware paravirtual SCSI
    "vmw_pvscsi",
];

/// Modules only the installer needs besides [`DISK_MODULES`]: CD/DVD
/// drives and keyboards, loaded at boot.
pub const INSTALLER_MODULES: &[&str] = &[
    "sr_mod",
    // USB keyboards
    "usbhid",
    "hid_generic",
    // FAT, for the rescue shell only: the installer reads disks with its
    // own code, but a technician copies the log and the reports from the
    // config partition onto a stick with busybox `mount` (the technician
    // guide), and the kernel cannot load a missing file system or charset
    // by itself (there is no /sbin/modprobe). The code page and the
    // charsets the FAT driver takes when the mount names none (cp437;
    // ascii and utf8 in Debian's kernel, iso8859-1 in Ubuntu's).
    "vfat",
    "nls_cp437",
    "nls_ascii",
    "nls_utf8",
    "nls_iso8859_1",
    // UEFI variables: the installer reads the Secure Boot state.
    "efivarfs",
];

/// Modules the Demo Engine initrd loads besides [`DISK_MODULES`] to mount
/// its ext4 root and the FAT ESP and config partitions.
pub const DEMO_MODULES: &[&str] = &[
    "ext4",
    "crc32c_generic",
    "vfat",
    "nls_cp437",
    "nls_ascii",
    "nls_utf8",
    // The charset the FAT driver uses when the mount names none: ascii in
    // Debian's kernel, iso8859-1 in Ubuntu's.
    "nls_iso8859_1",
];

/// What an initramfs holds: modules loaded at boot, in order, and modules
/// loaded by `modalias` where the machine has the hardware.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// `(name, path)` in an order `insmod` can load them: the wanted
    /// modules, their dependencies, and the `softdep pre:` modules of the
    /// coldplug ones (busybox `modprobe` does not read soft dependencies).
    pub load: Vec<(String, String)>,
    /// `(name, path)` of the coldplug modules and their dependencies not
    /// already in `load`.
    pub coldplug: Vec<(String, String)>,
}

impl Selection {
    /// Every module's name, both lists.
    pub fn names(&self) -> BTreeSet<String> {
        self.load
            .iter()
            .chain(&self.coldplug)
            .map(|(n, _)| n.clone())
            .collect()
    }
}

/// The module names in a `modules.builtin` (one path a line,
/// `kernel/drivers/ata/ata_piix.ko`).
pub fn parse_builtin(text: &str) -> BTreeSet<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| module_name(l.rsplit('/').next().unwrap_or(l)))
        .collect()
}

/// One module found in the tree.
#[derive(Debug, Clone)]
pub struct Module {
    /// Path relative to `lib/modules/VERSION/`, always ending in `.ko`
    /// (the path in the initramfs, after decompression).
    pub path: String,
    /// The file in the unpacked package.
    source: PathBuf,
    compression: Compression,
    depends: Vec<String>,
    softdep_pre: Vec<String>,
    aliases: Vec<String>,
}

/// Every module of one kernel, by name (`-` written as `_`).
#[derive(Debug, Clone)]
pub struct ModuleTree {
    /// The `lib/modules/VERSION` directories the modules come from, one
    /// per package that has some.
    pub roots: Vec<PathBuf>,
    modules: BTreeMap<String, Module>,
    /// Modules built into the kernel (`modules.builtin`).
    builtin: BTreeSet<String>,
}

/// Module name from a file name: `xhci-pci.ko` → `xhci_pci`
/// (`.ko.zst`, `.ko.xz`, `.ko.gz` too).
fn module_name(file: &str) -> String {
    let plain = Compression::of(file).map_or(file, |(_, p)| p);
    plain.trim_end_matches(".ko").replace('-', "_")
}

impl ModuleTree {
    /// Reads every module under `roots` (each a `lib/modules/VERSION` of
    /// one package; where two have the same module, the first wins) and
    /// their `modules.builtin`.
    pub fn scan(roots: &[PathBuf]) -> Result<ModuleTree> {
        use rayon::prelude::*;
        let where_ = || {
            roots
                .iter()
                .map(|r| r.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut files = Vec::new();
        let mut builtin = BTreeSet::new();
        for root in roots {
            let kernel = root.join("kernel");
            if kernel.is_dir() {
                let mut found = Vec::new();
                walk(&kernel, &mut found)?;
                files.extend(found.into_iter().map(|f| (root, f)));
            }
            let list = root.join("modules.builtin");
            if list.is_file() {
                let text = std::fs::read_to_string(&list)
                    .with_context(|| format!("reading {}", list.display()))?;
                builtin.extend(parse_builtin(&text));
            }
        }
        if files.is_empty() {
            bail!("{} holds no kernel modules", where_());
        }
        // Decompressing thousands of modules (Ubuntu) is worth the cores.
        let found: Vec<(String, Module)> = files
            .par_iter()
            .map(|(root, f)| Self::read_module(root, f))
            .collect::<Result<_>>()?;
        let mut modules = BTreeMap::new();
        for (name, m) in found {
            modules.entry(name).or_insert(m);
        }
        Ok(ModuleTree {
            roots: roots.to_vec(),
            modules,
            builtin,
        })
    }

    fn read_module(root: &Path, f: &Path) -> Result<(String, Module)> {
        let file_name = f.file_name().unwrap_or_default().to_string_lossy();
        let (compression, _) = Compression::of(&file_name)
            .ok_or_else(|| anyhow!("{} is not a kernel module", f.display()))?;
        let data = std::fs::read(f).with_context(|| format!("reading {}", f.display()))?;
        let data = decompress(data, compression, f)?;
        let info = modinfo(&data).with_context(|| format!("reading {}", f.display()))?;
        let rel = f
            .strip_prefix(root)
            .map_err(|_| anyhow!("{} is outside {}", f.display(), root.display()))?
            .to_string_lossy()
            .into_owned();
        let rel = Compression::of(&rel).map_or(rel.clone(), |(_, p)| p.to_string());
        let mut m = Module {
            path: rel,
            source: f.to_path_buf(),
            compression,
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
        Ok((module_name(&file_name), m))
    }

    /// The module `name` as the initramfs holds it: decompressed.
    pub fn read(&self, name: &str) -> Result<Vec<u8>> {
        let m = self
            .modules
            .get(name)
            .ok_or_else(|| anyhow!("no module {name} in the kernel's module tree"))?;
        let data =
            std::fs::read(&m.source).with_context(|| format!("reading {}", m.source.display()))?;
        decompress(data, m.compression, &m.source)
    }

    /// Whether the kernel has `name` built in (no file needed).
    pub fn is_builtin(&self, name: &str) -> bool {
        self.builtin.contains(&name.replace('-', "_"))
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
    /// `softdep pre:` modules), in an order `insmod` can load them. A
    /// wanted module the kernel has built in is there already: skipped.
    pub fn resolve(&self, wanted: &[&str]) -> Result<Vec<(String, String)>> {
        self.resolve_with(wanted, true)
    }

    /// The modules an initramfs needs: `load` at boot, `coldplug` where
    /// the machine has the hardware (see [`Selection`]). A module in both
    /// is loaded at boot.
    pub fn select(&self, load: &[&str], coldplug: &[&str]) -> Result<Selection> {
        let hard: BTreeSet<String> = self
            .resolve_with(coldplug, false)?
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        let soft_only: Vec<String> = self
            .resolve(coldplug)?
            .into_iter()
            .map(|(n, _)| n)
            .filter(|n| !hard.contains(n))
            .collect();
        let mut wanted: Vec<&str> = load.to_vec();
        wanted.extend(soft_only.iter().map(String::as_str));
        let load = self.resolve(&wanted)?;
        let loaded: BTreeSet<&str> = load.iter().map(|(n, _)| n.as_str()).collect();
        let coldplug = self
            .resolve_with(coldplug, false)?
            .into_iter()
            .filter(|(n, _)| !loaded.contains(n.as_str()))
            .collect();
        Ok(Selection { load, coldplug })
    }

    /// `modules.alias` in depmod's format (`alias PATTERN MODULE`) for the
    /// modules in `only`: what busybox `modprobe` matches a device's
    /// `modalias` against.
    pub fn modules_alias(&self, only: &BTreeSet<String>) -> String {
        let mut out = String::new();
        for (name, m) in &self.modules {
            if !only.contains(name) {
                continue;
            }
            for a in &m.aliases {
                // An alias is one word; a stray space would split the line.
                if !a.is_empty() && !a.contains(char::is_whitespace) {
                    out.push_str(&format!("alias {a} {name}\n"));
                }
            }
        }
        out
    }

    fn resolve_with(&self, wanted: &[&str], soft: bool) -> Result<Vec<(String, String)>> {
        let mut seen = BTreeSet::new();
        let mut order = Vec::new();
        for w in wanted {
            if self.lookup(w).is_none() {
                if self.is_builtin(w) {
                    continue;
                }
                bail!(
                    "the kernel has no module {w}: no {w}.ko in {} and not built in \
                     (modules.builtin); this kernel cannot drive that hardware",
                    self.roots
                        .iter()
                        .map(|r| r.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            self.visit(w, &mut seen, &mut order, soft);
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
        } else if Compression::of(&e.file_name().to_string_lossy()).is_some() {
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

#[cfg(test)]
mod tests {
    use super::*;
    use testdata::{fake_module, xz, zstd};

    #[test]
    fn softdeps_keep_only_pre() {
        assert_eq!(softdep_pre("pre: crc32c post: foo"), vec!["crc32c"]);
        assert!(softdep_pre("post: x").is_empty());
    }

    #[test]
    fn names_use_underscores() {
        assert_eq!(module_name("xhci-pci.ko"), "xhci_pci");
        assert_eq!(module_name("xhci-pci.ko.zst"), "xhci_pci");
        assert_eq!(module_name("nls_utf8.ko.xz"), "nls_utf8");
    }

    #[test]
    fn builtin_list_gives_module_names() {
        let list = "kernel/drivers/ata/ata_piix.ko\nkernel/drivers/usb/host/ehci-pci.ko\n\n";
        let b = parse_builtin(list);
        assert!(b.contains("ata_piix"));
        assert!(b.contains("ehci_pci"));
        assert_eq!(b.len(), 2);
    }

    /// Ubuntu's layout: two packages' module directories, compressed
    /// modules, some wanted modules built in.
    #[test]
    fn modules_from_several_packages_and_builtins() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("linux-modules/lib/modules/6.8.0-1-generic");
        let extra = dir
            .path()
            .join("linux-modules-extra/usr/lib/modules/6.8.0-1-generic");
        let put = |root: &Path, rel: &str, data: Vec<u8>| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, data).unwrap();
        };
        let libahci = fake_module(&["depends="]);
        let ahci = fake_module(&["depends=libahci"]);
        let megaraid = fake_module(&["depends=", "softdep=pre: crc32c"]);
        put(&base, "kernel/drivers/ata/libahci.ko.zst", zstd(&libahci));
        put(&base, "kernel/drivers/ata/ahci.ko.zst", zstd(&ahci));
        put(
            &extra,
            "kernel/drivers/scsi/megaraid_sas.ko.xz",
            xz(&megaraid),
        );
        put(
            &base,
            "modules.builtin",
            b"kernel/drivers/ata/ata_piix.ko\nkernel/crypto/crc32c_generic.ko\n".to_vec(),
        );

        let tree = ModuleTree::scan(&[base.clone(), extra.clone()]).unwrap();
        assert!(tree.is_builtin("ata_piix"));
        assert!(tree.is_builtin("crc32c-generic"));
        assert!(!tree.is_builtin("ahci"));
        let order = tree
            .resolve(&["ata_piix", "ahci", "megaraid_sas", "crc32c_generic"])
            .unwrap();
        assert_eq!(
            order,
            vec![
                (
                    "libahci".to_string(),
                    "kernel/drivers/ata/libahci.ko".to_string()
                ),
                ("ahci".to_string(), "kernel/drivers/ata/ahci.ko".to_string()),
                (
                    "megaraid_sas".to_string(),
                    "kernel/drivers/scsi/megaraid_sas.ko".to_string()
                ),
            ]
        );
        assert_eq!(tree.read("ahci").unwrap(), ahci);
        assert_eq!(tree.read("megaraid_sas").unwrap(), megaraid);
        assert_eq!(
            tree.modules_dep(None),
            "kernel/drivers/ata/ahci.ko: kernel/drivers/ata/libahci.ko\n\
             kernel/drivers/ata/libahci.ko:\n\
             kernel/drivers/scsi/megaraid_sas.ko:\n"
        );

        // Neither a file nor built in: the technician is told which.
        let err = tree.resolve(&["nvme"]).unwrap_err().to_string();
        assert!(err.contains("no module nvme"), "{err}");
        assert!(err.contains("modules.builtin"), "{err}");

        // A damaged module in the cache stops the scan, naming it.
        put(
            &base,
            "kernel/drivers/nvme/nvme.ko.zst",
            b"\x28\xb5\x2f\xfdjunk".to_vec(),
        );
        let err = format!(
            "{:#}",
            ModuleTree::scan(&[base.clone(), extra.clone()]).unwrap_err()
        );
        assert!(err.contains("nvme.ko.zst"), "{err}");
        assert!(err.contains("zstd"), "{err}");
    }

    /// The boot list, the coldplug list and the aliases: dependencies
    /// shared with the boot list are loaded at boot, a coldplug module's
    /// `softdep pre:` too (busybox `modprobe` ignores soft dependencies),
    /// and only the initramfs' modules have aliases.
    #[test]
    fn selection_splits_boot_and_coldplug_modules() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("lib/modules/6.1.0-1-amd64");
        let put = |rel: &str, info: &[&str]| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, fake_module(info)).unwrap();
        };
        put("kernel/drivers/scsi/scsi_mod.ko", &["depends="]);
        put(
            "kernel/drivers/scsi/sd_mod.ko",
            &["depends=scsi_mod", "alias=scsi:t-0x00*"],
        );
        put("kernel/drivers/scsi/raid_class.ko", &["depends="]);
        put("kernel/crypto/crc32c_generic.ko", &["alias=crypto-crc32c"]);
        put(
            "kernel/drivers/scsi/megaraid/megaraid_sas.ko",
            &[
                "depends=scsi_mod,raid_class",
                "softdep=pre: crc32c",
                "alias=pci:v00001000d00000060sv*sd*bc*sc*i*",
                "alias=pci:v00001000d00000078sv*sd*bc*sc*i*",
            ],
        );
        put(
            "kernel/drivers/pci/controller/vmd.ko",
            &["alias=pci:v00008086d0000467Fsv*sd*bc*sc*i*"],
        );
        put(
            "kernel/drivers/net/unused.ko",
            &["alias=pci:v0000FFFFd*sv*sd*bc*sc*i*"],
        );
        let tree = ModuleTree::scan(&[root]).unwrap();

        let sel = tree.select(&["sd_mod"], &["megaraid_sas", "vmd"]).unwrap();
        let names = |l: &[(String, String)]| l.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        assert_eq!(names(&sel.load), ["scsi_mod", "sd_mod", "crc32c_generic"]);
        assert_eq!(names(&sel.coldplug), ["raid_class", "megaraid_sas", "vmd"]);
        assert_eq!(
            tree.modules_alias(&sel.names()),
            "alias crypto-crc32c crc32c_generic\n\
             alias pci:v00001000d00000060sv*sd*bc*sc*i* megaraid_sas\n\
             alias pci:v00001000d00000078sv*sd*bc*sc*i* megaraid_sas\n\
             alias scsi:t-0x00* sd_mod\n\
             alias pci:v00008086d0000467Fsv*sd*bc*sc*i* vmd\n"
        );
        // modprobe loads a coldplugged module's dependencies from here.
        assert!(tree
            .modules_dep(Some(&sel.names()))
            .contains("kernel/drivers/scsi/megaraid/megaraid_sas.ko: kernel/drivers/scsi/raid_class.ko kernel/drivers/scsi/scsi_mod.ko\n"));

        // A controller the kernel lacks stops the build, naming it.
        let err = tree
            .select(&["sd_mod"], &["smartpqi"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("no module smartpqi"), "{err}");
    }
}
