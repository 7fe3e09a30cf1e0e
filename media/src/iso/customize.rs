//! `media-builder iso customize`: a new ISO from an existing one with
//! another answer file or boot parameters. Every file is taken from the
//! old ISO; the payload is copied once, straight across; the EFI image is
//! rebuilt (its loader entry holds the command line), and the checksum and
//! medium id are new.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use medium::iso::Iso;
use payload::TrustStore;

use bootkit::Bootkit;

use super::layout::{Source, BLOCK};
use super::{write_iso, Built, IsoInputs, OnMedium};
use crate::inputs::{read_answer, same_file};
use crate::payload_copy::PayloadHead;

#[derive(Debug, Clone)]
pub struct CustomizeSpec {
    pub iso: PathBuf,
    pub answer: Option<PathBuf>,
    /// Replaces the kernel command line added at build time.
    pub cmdline: Option<String>,
    pub isomd5: bool,
    pub out: PathBuf,
}

fn extract(iso: &mut Iso<File>, path: &str, to: &Path) -> Result<()> {
    let mut f = iso.open_file(path)?;
    let mut out = File::create(to).with_context(|| format!("creating {}", to.display()))?;
    std::io::copy(&mut f, &mut out).with_context(|| format!("extracting {path}"))?;
    Ok(())
}

pub fn customize(spec: &CustomizeSpec, progress: impl FnMut(u64, u64)) -> Result<Built> {
    if same_file(&spec.iso, &spec.out) {
        bail!(
            "--out {} is the ISO being customised; choose a new file",
            spec.out.display()
        );
    }
    if let Some(a) = &spec.answer {
        if same_file(a, &spec.out) {
            bail!("the output {} is the answer file", spec.out.display());
        }
    }
    let file = File::open(&spec.iso).with_context(|| format!("opening {}", spec.iso.display()))?;
    let mut iso = Iso::open(file).with_context(|| format!("reading {}", spec.iso.display()))?;
    let info = iso
        .medium_info()
        .with_context(|| format!("{} is not a Ferry ISO", spec.iso.display()))?;

    // Each payload must lie in one contiguous run, as media-builder
    // writes it.
    let mut payloads = Vec::new();
    for file in info.payloads() {
        let payload_path = format!("{}/{}", medium::PAYLOAD_DIR, file.name);
        let entry = iso.find(&payload_path)?;
        let mut next = entry.extents.first().map(|e| e.0).unwrap_or(0);
        for &(lba, len) in &entry.extents {
            if lba != next {
                bail!("{payload_path} is fragmented on {}", spec.iso.display());
            }
            next = lba + (u64::from(len) / BLOCK) as u32;
        }
        let offset = u64::from(entry.extents.first().map(|e| e.0).unwrap_or(0)) * BLOCK;
        let unverified = payload::read_unverified(iso.open_file(&payload_path)?)
            .with_context(|| format!("reading {payload_path} on {}", spec.iso.display()))?;
        let manifest = unverified
            .manifest
            .map_err(|e| anyhow!("{payload_path} on {}: {e}", spec.iso.display()))?;
        let head = PayloadHead {
            manifest,
            manifest_bytes: unverified.manifest_bytes,
            file_name: file.name.clone(),
            // Copied byte for byte; the installer verifies it on every use.
            verified: false,
            size: entry.size,
            trust: TrustStore::new(),
        };
        payloads.push(OnMedium {
            head,
            source: Source::PayloadRange(spec.iso.clone(), offset),
        });
    }

    let dir = spec
        .out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = tempfile::Builder::new()
        .prefix(".ferry-customize-")
        .tempdir_in(dir)
        .with_context(|| format!("creating a work directory in {}", dir.display()))?;
    let kernel = tmp.path().join("vmlinuz");
    let initrd = tmp.path().join("initrd.img");
    let efi_img = tmp.path().join("efiboot.img");
    extract(&mut iso, "boot/vmlinuz", &kernel)?;
    extract(&mut iso, "boot/initrd.img", &initrd)?;
    extract(&mut iso, "boot/efiboot.img", &efi_img)?;
    // The boot chain as the ISO has it: every file of `EFI/BOOT/` (the
    // shim, systemd-boot and MokManager; systemd-boot alone on ISOs made
    // before the Secure Boot chain).
    let mut boot = Vec::new();
    {
        let f = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&efi_img)
            .with_context(|| format!("opening {}", efi_img.display()))?;
        let v = fat::Volume::open(f, fat::FixedTime::from_unix(0))
            .context("reading the ISO's EFI image")?;
        for (name, is_dir, _) in v.list("EFI/BOOT")? {
            if is_dir {
                continue;
            }
            let at = format!("EFI/BOOT/{name}");
            let mut src = v.open_file(&at)?;
            let mut buf = Vec::new();
            src.read_to_end(&mut buf)
                .with_context(|| format!("reading {at} of the ISO's EFI image"))?;
            let local = tmp.path().join(format!("efi-{name}"));
            File::create(&local)
                .and_then(|mut out| out.write_all(&buf))
                .with_context(|| format!("writing {}", local.display()))?;
            boot.push((at, local));
        }
    }
    if !boot
        .iter()
        .any(|(at, _)| at == detect::layout::ESP_BOOT_LOADER)
    {
        bail!(
            "{} has no {} in its EFI image",
            spec.iso.display(),
            detect::layout::ESP_BOOT_LOADER
        );
    }
    let mut isohdpfx = vec![0u8; 432];
    {
        use std::io::Seek;
        let dev = iso.device();
        dev.seek(std::io::SeekFrom::Start(0))?;
        dev.read_exact(&mut isohdpfx)
            .with_context(|| format!("reading {}", spec.iso.display()))?;
    }

    let mut files: Vec<(String, Source)> = Vec::new();
    for e in iso.read_dir("isolinux")? {
        if e.is_dir || e.name == "isolinux.cfg" || e.extents.len() != 1 {
            continue;
        }
        let off = u64::from(e.extents[0].0) * BLOCK;
        files.push((
            format!("isolinux/{}", e.name),
            Source::Range(spec.iso.clone(), off, e.size),
        ));
    }
    if !files.iter().any(|(p, _)| p == "isolinux/isolinux.bin") {
        bail!("{} has no isolinux/isolinux.bin", spec.iso.display());
    }
    files.push(("boot/vmlinuz".into(), Source::File(kernel.clone())));
    files.push(("boot/initrd.img".into(), Source::File(initrd.clone())));

    let marker = format!("ferry.medium={}", info.id);
    let (base, old_extra) = match info.cmdline.split_once(&marker) {
        Some((b, e)) => (b.trim().to_string(), e.trim().to_string()),
        None => (info.cmdline.clone(), String::new()),
    };
    let answer = match &spec.answer {
        Some(p) => Some(read_answer(p)?),
        None => match iso.read(medium::ANSWER_PATH, medium::stick::MAX_ANSWER_BYTES) {
            Ok(a) => Some(a),
            Err(medium::Error::NotFound(_)) => None,
            Err(e) => return Err(e.into()),
        },
    };
    let kit = Bootkit {
        dir: spec.iso.clone(),
        kernel,
        initrd,
        isolinux: PathBuf::new(),
        isolinux_extra: Vec::new(),
        isohdpfx,
        systemd_boot: PathBuf::new(),
        shim: PathBuf::new(),
        mok_manager: PathBuf::new(),
        cmdline: base,
        trust: TrustStore::new(),
    };
    let inputs = IsoInputs {
        efi_boot: boot,
        kit,
        files,
        answer,
        payloads,
        extra_cmdline: spec.cmdline.clone().unwrap_or(old_extra),
        isomd5: spec.isomd5,
    };
    drop(iso);
    write_iso(inputs, &spec.out, progress)
}
