//! `media-builder iso`: the hybrid ISO, built in one sequential pass.
//!
//! Layout (2048-byte blocks): 0-15 system area (isohybrid MBR), 16 PVD,
//! 17 El Torito boot record, 18 terminator, 19 L path table, 20 M path
//! table, 21 boot catalog, then directories, small files, the EFI image,
//! and the payload last; zero padding to a whole MiB. The volume space
//! covers the padding. The checksum goes into the PVD's application-use
//! area at the end. See `docs/media.md`.

mod boot;
mod customize;
mod efi;
mod layout;
pub(crate) mod menu;
mod output;

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use medium::checksum::Sums;
use medium::{MediumInfo, PayloadFile};
use payload::Fingerprint;
use sha2::{Digest, Sha256};

use bootkit::Bootkit;

pub use customize::{customize, CustomizeSpec};
use layout::{DirNode, Source, BLOCK, MAX_VOLUME_BYTES};
use output::Output;

use crate::inputs::{build_time, read_answer, same_file};
use crate::payload_copy::{copy_from, copy_verified, PayloadHead, Sink};
use crate::payload_set::read_all;

/// Everything `iso` needs.
#[derive(Debug, Clone)]
pub struct IsoSpec {
    pub bootkit: PathBuf,
    /// The payloads to carry (releases and hotfixes of one product).
    pub payloads: Vec<PathBuf>,
    pub answer: Option<PathBuf>,
    pub out: PathBuf,
    /// Added to the boot kit's command line (after `ferry.medium=`).
    pub extra_cmdline: String,
    pub unsigned_ok: bool,
    /// Also implant an implantisomd5-compatible MD5.
    pub isomd5: bool,
}

/// What was built.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Built {
    pub path: PathBuf,
    pub bytes: u64,
    pub label: String,
    pub medium_id: String,
    /// The Ferry checksum (chunked BLAKE3).
    pub checksum: String,
    pub md5: Option<String>,
    /// Every payload's file name, the main one first.
    pub payloads: Vec<String>,
    pub payload_verified: bool,
    /// The published demo keys the installer on the ISO trusts (anyone can
    /// sign what it installs); `None` when not known: `customize` copies
    /// the ISO's initramfs as it is, without reading its keys.
    pub demo_keys: Option<Vec<Fingerprint>>,
}

impl Built {
    /// The smallest disc the ISO fits on.
    pub fn disc_fit(&self) -> crate::capacity::DiscFit {
        crate::capacity::DiscFit::of(self.bytes)
    }
}

/// Build a hybrid ISO. `progress(done, total)` follows the payload copy.
pub fn build(spec: &IsoSpec, progress: impl FnMut(u64, u64)) -> Result<Built> {
    let kit = Bootkit::load(&spec.bootkit)?;
    for input in spec.payloads.iter().chain(spec.answer.as_ref()) {
        if same_file(input, &spec.out) {
            bail!(
                "the output {} is an input; choose another --out",
                spec.out.display()
            );
        }
    }
    if kit.files().any(|f| same_file(f, &spec.out)) {
        bail!("the output {} is a boot kit file", spec.out.display());
    }
    let answer = match &spec.answer {
        Some(p) => Some(read_answer(p)?),
        None => None,
    };
    let payloads = read_all(&spec.payloads, &kit, spec.unsigned_ok)?
        .into_iter()
        .map(|c| OnMedium {
            source: Source::Payload(c.path),
            head: c.head,
        })
        .collect();
    let demo_keys = kit.trust.demo_keys();
    let mut files: Vec<(String, Source)> = vec![(
        "isolinux/isolinux.bin".into(),
        Source::File(kit.isolinux.clone()),
    )];
    for (name, path) in &kit.isolinux_extra {
        files.push((format!("isolinux/{name}"), Source::File(path.clone())));
    }
    files.push(("boot/vmlinuz".into(), Source::File(kit.kernel.clone())));
    files.push(("boot/initrd.img".into(), Source::File(kit.initrd.clone())));
    let inputs = IsoInputs {
        efi_boot: crate::efi_boot_files(&kit),
        kit,
        files,
        answer,
        payloads,
        extra_cmdline: spec.extra_cmdline.clone(),
        isomd5: spec.isomd5,
    };
    Ok(Built {
        demo_keys: Some(demo_keys),
        ..write_iso(inputs, &spec.out, progress)?
    })
}

/// Everything that goes on an ISO, wherever it comes from (a boot kit,
/// or an existing ISO for `customize`).
pub(crate) struct IsoInputs {
    pub kit: Bootkit,
    /// Boot files other than the EFI image: (ISO path, source).
    pub files: Vec<(String, Source)>,
    /// The EFI image's `EFI/BOOT/` files: (path in the image, source).
    pub efi_boot: Vec<(String, PathBuf)>,
    pub answer: Option<Vec<u8>>,
    /// The payloads, the main one first ([`read_all`]'s order).
    pub payloads: Vec<OnMedium>,
    pub extra_cmdline: String,
    pub isomd5: bool,
}

/// A payload going onto the ISO: its head and where its bytes come from.
pub(crate) struct OnMedium {
    pub head: PayloadHead,
    pub source: Source,
}

impl OnMedium {
    fn size(&self) -> Result<u64> {
        match &self.source {
            Source::PayloadRange(..) => Ok(self.head.size),
            other => source_len(other),
        }
    }
}

fn source_len(s: &Source) -> Result<u64> {
    Ok(match s {
        Source::Bytes(b) => b.len() as u64,
        Source::Range(_, _, len) => *len,
        Source::PayloadRange(_, _) => bail!("internal: payload range without a size"),
        Source::File(p) | Source::Payload(p) => std::fs::metadata(p)
            .with_context(|| format!("reading {}", p.display()))?
            .len(),
    })
}

fn hash_source(h: &mut Sha256, s: &Source) -> Result<()> {
    match s {
        Source::Bytes(b) => h.update(b),
        Source::File(p) => {
            let mut f = File::open(p).with_context(|| format!("reading {}", p.display()))?;
            io::copy(&mut f, h).with_context(|| format!("reading {}", p.display()))?;
        }
        Source::Range(p, off, len) => {
            let mut f = File::open(p).with_context(|| format!("reading {}", p.display()))?;
            f.seek(SeekFrom::Start(*off))
                .with_context(|| format!("reading {}", p.display()))?;
            io::copy(&mut (&mut f).take(*len), h)
                .with_context(|| format!("reading {}", p.display()))?;
        }
        Source::Payload(_) | Source::PayloadRange(..) => {}
    }
    Ok(())
}

pub(crate) fn write_iso(
    inputs: IsoInputs,
    out: &Path,
    mut progress: impl FnMut(u64, u64),
) -> Result<Built> {
    let IsoInputs {
        kit,
        efi_boot,
        mut files,
        answer,
        payloads,
        extra_cmdline,
        isomd5,
    } = inputs;
    let Some(main) = payloads.first() else {
        bail!("internal: an ISO without a payload");
    };
    let head = &main.head;
    let manifest = &head.manifest;
    let now = build_time(&manifest.created)?;
    let epoch = now.unix_timestamp();

    // The medium id: a hash of the signed manifest (which binds every
    // payload byte), the boot files, the command line and the answer file.
    let mut h = Sha256::new();
    for p in &payloads {
        h.update(&p.head.manifest_bytes);
        h.update(p.head.file_name.as_bytes());
    }
    for (path, src) in &files {
        h.update(path.as_bytes());
        hash_source(&mut h, src)?;
    }
    h.update(kit.cmdline.as_bytes());
    h.update(extra_cmdline.as_bytes());
    if let Some(a) = &answer {
        h.update(a);
    }
    let medium_id = hex::encode(&h.finalize()[..8]);
    let label = volume_label(&manifest.product, &manifest.version.to_string());
    let mut cmdline = format!("{} ferry.medium={medium_id}", kit.cmdline.trim());
    if !extra_cmdline.trim().is_empty() {
        cmdline.push(' ');
        cmdline.push_str(extra_cmdline.trim());
    }

    let payload_size = main.size()?;
    let mut all_payload_bytes = 0u64;
    for p in &payloads {
        all_payload_bytes += p.size()?;
    }
    // Progress over every payload: bytes copied before the current one.
    let mut copied = 0u64;
    let mut more_payloads = Vec::new();
    for p in &payloads[1..] {
        more_payloads.push(PayloadFile {
            name: p.head.file_name.clone(),
            version: p.head.manifest.version.to_string(),
            size: p.size()?,
            parts: Vec::new(),
        });
    }
    let info = MediumInfo {
        format: 1,
        id: medium_id.clone(),
        label: label.clone(),
        kind: "iso".into(),
        product: manifest.product.clone(),
        version: manifest.version.to_string(),
        payload: head.file_name.clone(),
        payload_size,
        payload_parts: Vec::new(),
        cmdline: cmdline.clone(),
        created: now
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        more_payloads,
    };
    let version = manifest.version.to_string();
    let has_menu = menu::MENU_MODULES
        .iter()
        .all(|m| files.iter().any(|(p, _)| *p == format!("isolinux/{m}")));
    files.push((
        "isolinux/isolinux.cfg".into(),
        Source::Bytes(menu::isolinux_cfg(
            &manifest.product,
            &version,
            &cmdline,
            has_menu,
        )),
    ));
    files.push((
        medium::INFO_PATH.into(),
        Source::Bytes(info.to_toml().into_bytes()),
    ));
    if let Some(a) = answer {
        files.push((medium::ANSWER_PATH.into(), Source::Bytes(a)));
    }

    // The EFI image, built beside the output and removed afterwards.
    let efi_tmp = TempPath(out.with_file_name(format!(
        ".{}.efi-{}",
        out.file_name().map(|n| n.to_string_lossy()).unwrap_or_default(),
        std::process::id()
    )));
    let kernel_src = find_source(&files, "boot/vmlinuz")?;
    let initrd_src = find_source(&files, "boot/initrd.img")?;
    let efi_size = efi::build(
        &efi_tmp.0,
        &efi::EfiFiles {
            boot: efi_boot,
            kernel: &kernel_src,
            initrd: &initrd_src,
            loader: menu::loader_files(&manifest.product, &version, &cmdline),
        },
        "FERRY-EFI",
        fat::FixedTime::from_unix(epoch),
    )?;
    files.push(("boot/efiboot.img".into(), Source::File(efi_tmp.0.clone())));

    // Tree and sizes.
    let mut root = DirNode::default();
    for (path, src) in &files {
        root.add_file(path, source_len(src)?, src.clone());
    }
    let mut payload_paths = Vec::new();
    for p in &payloads {
        let at = format!("{}/{}", medium::PAYLOAD_DIR, p.head.file_name);
        root.add_file(&at, p.size()?, p.source.clone());
        payload_paths.push(at);
    }

    // Number directories and size them (sizes do not depend on LBAs).
    let date = layout::record_date(&now);
    layout::assign_dirs(&mut root, &date);
    let l_table = layout::path_table(&root, false);
    if l_table.len() > BLOCK as usize {
        bail!("too many directories for one path table block");
    }
    let mut next = 22u32; // after descriptors, path tables, catalog
    layout::assign_dir_lbas(&mut root, &mut next);
    // Files: everything but the EFI image and payloads, then those.
    let mut order: Vec<String> = files.iter().map(|(p, _)| p.clone()).collect();
    order.retain(|p| p != "boot/efiboot.img");
    order.push("boot/efiboot.img".into());
    order.extend(payload_paths.iter().cloned());
    let mut data_blocks = 0u64;
    for p in &order {
        let f = layout::file_mut(&mut root, p).ok_or_else(|| anyhow!("internal: {p} missing"))?;
        f.lba = u32::try_from(u64::from(next) + data_blocks).map_err(|_| {
            anyhow!("the image would exceed the {MAX_VOLUME_BYTES} bytes ISO 9660 can address")
        })?;
        data_blocks += f.size.div_ceil(BLOCK);
        if u64::from(next) + data_blocks > u64::from(u32::MAX) {
            bail!(
                "the image would exceed the {} bytes ISO 9660 can address",
                MAX_VOLUME_BYTES
            );
        }
    }
    let content_end = (u64::from(next) + data_blocks) * BLOCK;
    let image_bytes = content_end.div_ceil(1 << 20) << 20;
    if image_bytes > MAX_VOLUME_BYTES {
        bail!("the image would exceed the {MAX_VOLUME_BYTES} bytes ISO 9660 can address");
    }
    let isolinux_lba = layout::file_ref(&root, "isolinux/isolinux.bin")
        .map(|f| f.lba)
        .unwrap_or(0);
    let efi_lba = layout::file_ref(&root, "boot/efiboot.img")
        .map(|f| f.lba)
        .unwrap_or(0);
    // Re-serialise directories now that LBAs are known.
    let dirs = layout::collect_dirs(&root, &date);
    let l_table = layout::path_table(&root, false);
    let m_table = layout::path_table(&root, true);

    let mut outw = Output::create(out, image_bytes, isomd5)?;
    // System area.
    let signature = u32::from_le_bytes(
        hex::decode(&medium_id[..8])
            .ok()
            .and_then(|b| b.try_into().ok())
            .unwrap_or([0; 4]),
    );
    let mbr = boot::hybrid_mbr(
        &kit.isohdpfx,
        isolinux_lba,
        signature,
        image_bytes,
        efi_lba,
        efi_size,
    );
    outw.write_all(&mbr)?;
    outw.zeros(16 * BLOCK - 512)?;
    // Volume descriptors.
    let pvd = layout::primary_descriptor(
        &label,
        image_bytes,
        &l_table,
        &root,
        &now,
        &manifest.product,
    );
    outw.write_all(&pvd)?;
    outw.write_all(&boot::boot_record(21))?;
    let mut term = [0u8; 2048];
    term[0] = 255;
    term[1..6].copy_from_slice(b"CD001");
    term[6] = 1;
    outw.write_all(&term)?;
    let mut block = vec![0u8; BLOCK as usize];
    block[..l_table.len()].copy_from_slice(&l_table);
    outw.write_all(&block)?;
    block.fill(0);
    block[..m_table.len()].copy_from_slice(&m_table);
    outw.write_all(&block)?;
    outw.write_all(&boot::catalog(isolinux_lba, efi_lba, efi_size))?;
    for d in &dirs {
        outw.write_all(d)?;
    }
    // File data.
    for p in &order {
        let f = layout::file_ref(&root, p).ok_or_else(|| anyhow!("internal: {p} missing"))?;
        let head = payload_paths
            .iter()
            .position(|at| at == p)
            .and_then(|i| payloads.get(i))
            .map_or(head, |c| &c.head);
        debug_assert_eq!(outw.position(), u64::from(f.lba) * BLOCK);
        match &f.source {
            Source::Bytes(b) => outw.write_all(b)?,
            Source::File(path) if p == "isolinux/isolinux.bin" => {
                let mut b =
                    std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
                boot::patch_boot_info(&mut b, f.lba);
                outw.write_all(&b)?;
            }
            Source::File(path) => copy_into(&mut outw, path, 0, f.size)?,
            Source::Range(path, off, len) if p == "isolinux/isolinux.bin" => {
                let mut b = vec![0u8; *len as usize];
                let mut src =
                    File::open(path).with_context(|| format!("reading {}", path.display()))?;
                src.seek(SeekFrom::Start(*off))
                    .and_then(|_| src.read_exact(&mut b))
                    .with_context(|| format!("reading {}", path.display()))?;
                boot::patch_boot_info(&mut b, f.lba);
                outw.write_all(&b)?;
            }
            Source::Range(path, off, len) => copy_into(&mut outw, path, *off, *len)?,
            Source::Payload(path) => copy_verified(
                &mut OutputSink(&mut outw),
                path,
                head,
                f.size,
                &mut |done, _| progress(copied + done, all_payload_bytes),
            )?,
            Source::PayloadRange(path, off) => {
                let mut src =
                    File::open(path).with_context(|| format!("reading {}", path.display()))?;
                src.seek(SeekFrom::Start(*off))
                    .with_context(|| format!("reading {}", path.display()))?;
                copy_from(
                    &mut OutputSink(&mut outw),
                    Box::new(src.take(f.size)),
                    path,
                    head,
                    f.size,
                    &mut |done, _| progress(copied + done, all_payload_bytes),
                )?
            }
        }
        if matches!(f.source, Source::Payload(_) | Source::PayloadRange(..)) {
            copied += f.size;
        }
        outw.pad_to(BLOCK)?;
    }
    outw.pad_to(1 << 20)?;
    debug_assert_eq!(outw.position(), image_bytes);
    let sums: Sums = outw.finish()?;
    drop(efi_tmp);
    Ok(Built {
        path: out.to_path_buf(),
        bytes: image_bytes,
        label,
        medium_id,
        checksum: hex::encode(sums.ferry),
        md5: sums.md5.map(|m| m.0),
        payloads: payloads.iter().map(|p| p.head.file_name.clone()).collect(),
        payload_verified: payloads.iter().all(|p| p.head.verified),
        demo_keys: None,
    })
}

/// The ISO being written, as a payload sink.
struct OutputSink<'a>(&'a mut Output);

impl Sink for OutputSink<'_> {
    fn take(&mut self, data: &[u8]) -> Result<()> {
        self.0.write_all(data)
    }
}

struct TempPath(PathBuf);
impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn find_source(files: &[(String, Source)], path: &str) -> Result<PathBuf> {
    match files.iter().find(|(p, _)| p == path).map(|(_, s)| s) {
        Some(Source::File(p)) => Ok(p.clone()),
        _ => bail!("no {path} among the boot files"),
    }
}

fn copy_into(out: &mut Output, path: &Path, offset: u64, len: u64) -> Result<()> {
    let mut f = File::open(path).with_context(|| format!("reading {}", path.display()))?;
    f.seek(SeekFrom::Start(offset))
        .with_context(|| format!("reading {}", path.display()))?;
    let mut buf = vec![0u8; 1 << 20];
    let mut left = len;
    while left > 0 {
        let n = left.min(buf.len() as u64) as usize;
        f.read_exact(&mut buf[..n]).with_context(|| {
            format!(
                "reading {} (did it change while the image was built?)",
                path.display()
            )
        })?;
        out.write_all(&buf[..n])?;
        left -= n as u64;
    }
    Ok(())
}

/// `FERRY_<PRODUCT>_<VERSION>`, d-characters, at most 32.
fn volume_label(product: &str, version: &str) -> String {
    let mut s: String = format!("FERRY_{product}_{version}")
        .chars()
        .map(|c| c.to_ascii_uppercase())
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    s.truncate(32);
    s
}
