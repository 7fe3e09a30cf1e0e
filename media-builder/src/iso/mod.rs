//! `media-builder iso`: the hybrid ISO, built in one sequential pass.
//!
//! Layout (2048-byte blocks): 0-15 system area (isohybrid MBR), 16 PVD,
//! 17 El Torito boot record, 18 terminator, 19 L path table, 20 M path
//! table, 21 boot catalog, then directories, small files, the EFI image,
//! and the payload last; zero padding to a whole MiB. The volume space
//! covers the padding. The checksum goes into the PVD's application-use
//! area at the end. See `docs/media.md`.

mod boot;
pub mod bootkit;
mod customize;
mod efi;
mod layout;
mod output;

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use medium::checksum::Sums;
use medium::MediumInfo;
use sha2::{Digest, Sha256};

pub use bootkit::Bootkit;
pub use customize::{customize, CustomizeSpec};
use layout::{DirNode, Source, BLOCK};
use output::Output;

/// Largest volume ISO 9660 can describe (u32 blocks of 2048 bytes).
pub const MAX_VOLUME_BYTES: u64 = u32::MAX as u64 * BLOCK;

/// Everything `iso` needs.
#[derive(Debug, Clone)]
pub struct IsoSpec {
    pub bootkit: PathBuf,
    pub payload: PathBuf,
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
    pub payload_verified: bool,
}

/// Seconds since the epoch for every time stamp: SOURCE_DATE_EPOCH, else
/// the payload's own creation time.
fn build_time(created: &str) -> i64 {
    fat::source_date_epoch().unwrap_or_else(|| {
        time::OffsetDateTime::parse(created, &time::format_description::well_known::Rfc3339)
            .map(|t| t.unix_timestamp())
            .unwrap_or(315_532_800)
    })
}

/// Whether two paths name the same file (the second may not exist yet).
pub fn same_file(a: &Path, b: &Path) -> bool {
    let canon = |p: &Path| -> Option<PathBuf> {
        p.canonicalize().ok().or_else(|| {
            let parent = p
                .parent()
                .filter(|x| !x.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            Some(parent.canonicalize().ok()?.join(p.file_name()?))
        })
    };
    matches!((canon(a), canon(b)), (Some(x), Some(y)) if x == y)
}

/// Build a hybrid ISO. `progress(done, total)` follows the payload copy.
pub fn build(spec: &IsoSpec, progress: impl FnMut(u64, u64)) -> Result<Built> {
    let kit = Bootkit::load(&spec.bootkit)?;
    for input in [Some(&spec.payload), spec.answer.as_ref()]
        .into_iter()
        .flatten()
    {
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
    let head = crate::media_payload::PayloadHead::read(&spec.payload, &kit, spec.unsigned_ok)?;
    let payload_name = head.file_name.clone();
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
        kit,
        files,
        answer,
        head,
        payload: Source::Payload(spec.payload.clone()),
        payload_name,
        extra_cmdline: spec.extra_cmdline.clone(),
        isomd5: spec.isomd5,
    };
    write_iso(inputs, &spec.out, progress)
}

pub(crate) fn read_answer(p: &Path) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(p).with_context(|| format!("reading {}", p.display()))?;
    if meta.len() > medium::stick::MAX_ANSWER_BYTES {
        bail!(
            "{} is larger than 1 MiB; an answer file is small TOML",
            p.display()
        );
    }
    let bytes = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
    let text =
        std::str::from_utf8(&bytes).map_err(|_| anyhow!("{} is not UTF-8 text", p.display()))?;
    toml::from_str::<toml::Table>(text)
        .map_err(|e| anyhow!("{} is not valid TOML: {}", p.display(), e.message()))?;
    Ok(bytes)
}

/// Everything that goes on an ISO, wherever it comes from (a boot kit,
/// or an existing ISO for `customize`).
pub(crate) struct IsoInputs {
    pub kit: Bootkit,
    /// Boot files other than the EFI image: (ISO path, source).
    pub files: Vec<(String, Source)>,
    pub answer: Option<Vec<u8>>,
    pub head: crate::media_payload::PayloadHead,
    pub payload: Source,
    pub payload_name: String,
    pub extra_cmdline: String,
    pub isomd5: bool,
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
        mut files,
        answer,
        head,
        payload,
        payload_name,
        extra_cmdline,
        isomd5,
    } = inputs;
    let manifest = &head.manifest;
    let epoch = build_time(&manifest.created);
    let now = time::OffsetDateTime::from_unix_timestamp(epoch)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);

    // The medium id: a hash of the signed manifest (which binds every
    // payload byte), the boot files, the command line and the answer file.
    let mut h = Sha256::new();
    h.update(&head.manifest_bytes);
    h.update(head.file_name.as_bytes());
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
    let title = format!(
        "Install or upgrade {} {}",
        manifest.product, manifest.version
    );

    let payload_size = match &payload {
        Source::PayloadRange(..) => head.size,
        other => source_len(other)?,
    };
    let info = MediumInfo {
        format: 1,
        id: medium_id.clone(),
        label: label.clone(),
        kind: "iso".into(),
        product: manifest.product.clone(),
        version: manifest.version.to_string(),
        payload: payload_name.clone(),
        payload_size,
        payload_parts: Vec::new(),
        cmdline: cmdline.clone(),
        created: now
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
    };
    files.push((
        "isolinux/isolinux.cfg".into(),
        Source::Bytes(
            format!(
                "DEFAULT ferry\nPROMPT 0\nTIMEOUT 30\nLABEL ferry\n  KERNEL /boot/vmlinuz\n  \
                 APPEND initrd=/boot/initrd.img {cmdline}\n"
            )
            .into_bytes(),
        ),
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
            systemd_boot: &kit.systemd_boot,
            kernel: &kernel_src,
            initrd: &initrd_src,
            title,
            cmdline: cmdline.clone(),
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
    let payload_path = format!("{}/{payload_name}", medium::PAYLOAD_DIR);
    root.add_file(&payload_path, payload_size, payload.clone());

    // Number directories and size them (sizes do not depend on LBAs).
    let date = layout::record_date(&now);
    assign_dirs(&mut root, &date);
    let l_table = layout::path_table(&root, false);
    if l_table.len() > BLOCK as usize {
        bail!("too many directories for one path table block");
    }
    let mut next = 22u32; // after descriptors, path tables, catalog
    assign_dir_lbas(&mut root, &mut next);
    // Files: everything but the EFI image and payload, then those two.
    let mut order: Vec<String> = files.iter().map(|(p, _)| p.clone()).collect();
    order.retain(|p| p != "boot/efiboot.img");
    order.push("boot/efiboot.img".into());
    order.push(payload_path.clone());
    let mut data_blocks = 0u64;
    for p in &order {
        let f = file_mut(&mut root, p).ok_or_else(|| anyhow!("internal: {p} missing"))?;
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
    let isolinux_lba = file_ref(&root, "isolinux/isolinux.bin")
        .map(|f| f.lba)
        .unwrap_or(0);
    let efi_lba = file_ref(&root, "boot/efiboot.img")
        .map(|f| f.lba)
        .unwrap_or(0);
    // Re-serialise directories now that LBAs are known.
    let dirs = collect_dirs(&root, &date);
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
    let pvd = primary_descriptor(
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
        let f = file_ref(&root, p).ok_or_else(|| anyhow!("internal: {p} missing"))?;
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
            Source::Payload(path) => crate::media_payload::copy_verified(
                &mut OutputSink(&mut outw),
                path,
                &head,
                f.size,
                &mut progress,
            )?,
            Source::PayloadRange(path, off) => {
                let mut src =
                    File::open(path).with_context(|| format!("reading {}", path.display()))?;
                src.seek(SeekFrom::Start(*off))
                    .with_context(|| format!("reading {}", path.display()))?;
                crate::media_payload::copy_from(
                    &mut OutputSink(&mut outw),
                    Box::new(src.take(f.size)),
                    path,
                    &head,
                    f.size,
                    &mut progress,
                )?
            }
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
        payload_verified: head.verified,
    })
}

/// The ISO being written, as a payload sink.
pub(crate) struct OutputSink<'a>(pub(crate) &'a mut Output);

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

pub(crate) fn copy_into(out: &mut Output, path: &Path, offset: u64, len: u64) -> Result<()> {
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
pub fn volume_label(product: &str, version: &str) -> String {
    let mut s: String = format!("FERRY_{product}_{version}")
        .chars()
        .map(|c| c.to_ascii_uppercase())
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    s.truncate(32);
    s
}

/// Every directory's path, breadth-first with children in identifier
/// order (the order the path table lists them), with the index of its
/// parent in the list (the root is its own parent).
fn breadth_first(root: &DirNode) -> Vec<(Vec<String>, usize)> {
    let mut out = vec![(Vec::new(), 0)];
    let mut i = 0;
    while i < out.len() {
        let mut d = root;
        for p in &out[i].0 {
            d = &d.dirs[p];
        }
        let mut subs: Vec<(Vec<u8>, String)> = layout::children(d)
            .into_iter()
            .filter(|(_, _, c)| matches!(c, layout::Child::Dir(_)))
            .map(|(id, long, _)| (id, long))
            .collect();
        subs.sort();
        for (_, long) in subs {
            let mut p = out[i].0.clone();
            p.push(long);
            out.push((p, i));
        }
        i += 1;
    }
    out
}

/// Directory numbers (from 1, breadth-first), parents and sizes.
fn assign_dirs(root: &mut DirNode, date: &[u8; 7]) {
    for (i, (path, parent)) in breadth_first(root).into_iter().enumerate() {
        let d = dir_at(root, &path);
        d.number = (i + 1) as u16;
        d.parent_number = (parent + 1) as u16;
        d.size = layout::dir_bytes(d, (0, 0), path.is_empty(), date).len() as u32;
    }
}

fn dir_at<'a>(root: &'a mut DirNode, path: &[String]) -> &'a mut DirNode {
    let mut d = root;
    for p in path {
        d = d.dirs.get_mut(p).expect("directory in the tree");
    }
    d
}

fn assign_dir_lbas(root: &mut DirNode, next: &mut u32) {
    // In the same order as the numbers.
    for (path, _) in breadth_first(root) {
        let d = dir_at(root, &path);
        d.lba = *next;
        *next += d.size / BLOCK as u32;
    }
}

fn collect_dirs(root: &DirNode, date: &[u8; 7]) -> Vec<Vec<u8>> {
    let order = layout::dirs_in_order(root);
    let mut parents = std::collections::HashMap::new();
    parents.insert(1u16, (root.lba, root.size));
    for d in &order {
        parents.insert(d.number, (d.lba, d.size));
    }
    order
        .iter()
        .map(|d| {
            let parent = parents
                .get(&d.parent_number)
                .copied()
                .unwrap_or((root.lba, root.size));
            layout::dir_bytes(d, parent, d.number == 1, date)
        })
        .collect()
}

fn file_mut<'a>(root: &'a mut DirNode, path: &str) -> Option<&'a mut layout::FileNode> {
    let mut parts: Vec<&str> = path.split('/').collect();
    let name = parts.pop()?;
    let mut d = root;
    for p in parts {
        d = d.dirs.get_mut(p)?;
    }
    d.files.get_mut(name)
}

fn file_ref<'a>(root: &'a DirNode, path: &str) -> Option<&'a layout::FileNode> {
    let mut parts: Vec<&str> = path.split('/').collect();
    let name = parts.pop()?;
    let mut d = root;
    for p in parts {
        d = d.dirs.get(p)?;
    }
    d.files.get(name)
}

fn pad_str(dst: &mut [u8], s: &str) {
    dst.fill(b' ');
    let n = s.len().min(dst.len());
    dst[..n].copy_from_slice(&s.as_bytes()[..n]);
}

fn primary_descriptor(
    label: &str,
    image_bytes: u64,
    l_table: &[u8],
    root: &DirNode,
    now: &time::OffsetDateTime,
    product: &str,
) -> [u8; 2048] {
    let mut p = [0u8; 2048];
    p[0] = 1;
    p[1..6].copy_from_slice(b"CD001");
    p[6] = 1;
    pad_str(&mut p[8..40], "LINUX");
    pad_str(&mut p[40..72], label);
    p[80..88].copy_from_slice(&layout::both32((image_bytes / BLOCK) as u32));
    p[120..124].copy_from_slice(&[1, 0, 0, 1]);
    p[124..128].copy_from_slice(&[1, 0, 0, 1]);
    p[128..132].copy_from_slice(&[0x00, 0x08, 0x08, 0x00]);
    p[132..140].copy_from_slice(&layout::both32(l_table.len() as u32));
    p[140..144].copy_from_slice(&19u32.to_le_bytes());
    p[148..152].copy_from_slice(&20u32.to_be_bytes());
    let date = layout::record_date(now);
    let root_rec = layout::record(&[0], root.lba, root.size, 0x02, &date, &[]);
    p[156..190].copy_from_slice(&root_rec[..34]);
    pad_str(
        &mut p[190..318],
        &format!("FERRY_{}", product.to_ascii_uppercase()),
    );
    pad_str(&mut p[318..446], "");
    pad_str(&mut p[446..574], "");
    pad_str(&mut p[574..702], "FERRY MEDIA-BUILDER");
    pad_str(&mut p[702..813], "");
    let vd = layout::volume_date(now);
    p[813..830].copy_from_slice(&vd);
    p[830..847].copy_from_slice(&vd);
    p[847..863].copy_from_slice(b"0000000000000000");
    p[864..880].copy_from_slice(b"0000000000000000");
    p[881] = 1;
    p[883..883 + 512].fill(b' ');
    p
}
