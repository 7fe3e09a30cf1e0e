//! `media-builder usb-image`: GPT, protective MBR, one FAT32 partition
//! (type ESP, legacy-BIOS-bootable attribute) holding the boot chain
//! (shim, systemd-boot, MokManager), the kernel, the initrd and `ferry/`
//! with the payload. UEFI only: BIOS machines boot the hybrid ISO written
//! to a stick. Built for sticks of 512-byte logical sectors, or of 4096
//! ([`UsbSpec::sector_size`]): the firmware finds the GPT only at LBA 1 of
//! the stick's own sector size.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use fat::{FixedTime, FormatOptions, SharedDisk, Volume};
use medium::stick::PARTITION_NAME;
use medium::{MediumInfo, PayloadFile, ANSWER_PATH, INFO_PATH, PAYLOAD_DIR, REPORTS_DIR};
use payload::Fingerprint;
use sha2::{Digest, Sha256};

use bootkit::Bootkit;

use crate::inputs::{build_time, read_answer, same_file};
use crate::payload_copy::{copy_verified, Sink};
use crate::payload_set::read_all;

const MIB: u64 = 1 << 20;
/// Payload parts stay under FAT's 4 GiB - 1 file limit.
pub const PART_SIZE: u64 = 4 * 1024 * MIB - MIB;

#[derive(Debug, Clone)]
pub struct UsbSpec {
    pub bootkit: PathBuf,
    /// The payloads to carry (releases and hotfixes of one product).
    pub payloads: Vec<PathBuf>,
    pub answer: Option<PathBuf>,
    pub extra_cmdline: String,
    pub size: Option<u64>,
    pub unsigned_ok: bool,
    pub out: PathBuf,
    /// Bytes per payload part (tests use small ones).
    pub part_size: u64,
    /// Logical sector size of the sticks the image is for: 512 (most
    /// sticks) or 4096 (some USB-NVMe enclosures). The GPT and the FAT
    /// volume are in that unit; a stick of the other size does not boot it.
    pub sector_size: u64,
}

/// Logical sector sizes a USB image can be built for.
pub const SECTOR_SIZES: [u64; 2] = [512, 4096];

#[derive(Debug, Clone, serde::Serialize)]
pub struct UsbBuilt {
    pub path: PathBuf,
    pub bytes: u64,
    pub label: String,
    pub medium_id: String,
    /// The main payload's files (its parts, or the payload itself).
    pub payload_parts: Vec<String>,
    /// Every payload's file name, the main one first.
    pub payloads: Vec<String>,
    pub payload_verified: bool,
    /// Logical sector size the image is built for.
    pub sector_size: u64,
    /// The published demo keys the installer on the image trusts: anyone
    /// can sign what it installs.
    pub demo_keys: Vec<Fingerprint>,
}

struct FatSink<'a, D: std::io::Read + std::io::Write + std::io::Seek> {
    volume: &'a Volume<D>,
    parts: Vec<String>,
    part_size: u64,
    index: usize,
    in_part: u64,
    out: PathBuf,
    file: Option<fat::fatfs::File<'a, SharedDisk<D>>>,
}

impl<D: std::io::Read + std::io::Write + std::io::Seek> Sink for FatSink<'_, D> {
    fn take(&mut self, mut data: &[u8]) -> Result<()> {
        use std::io::Write;
        while !data.is_empty() {
            if self.file.is_none() || self.in_part == self.part_size {
                let name = self
                    .parts
                    .get(self.index)
                    .ok_or_else(|| anyhow!("the payload grew while the image was built"))?;
                let path = format!("{PAYLOAD_DIR}/{name}");
                self.file = Some(
                    self.volume
                        .root_dir()
                        .create_file(&path)
                        .with_context(|| format!("creating {path} in the image"))?,
                );
                self.index += 1;
                self.in_part = 0;
            }
            let n = (self.part_size - self.in_part).min(data.len() as u64) as usize;
            if let Some(f) = &mut self.file {
                f.write_all(&data[..n]).map_err(|e| {
                    if e.raw_os_error() == Some(28) {
                        anyhow!(
                            "the disk holding {} is full; nothing was left under the final name",
                            self.out.display()
                        )
                    } else {
                        anyhow::Error::new(e)
                            .context("writing the payload into the image (is --size large enough?)")
                    }
                })?;
            }
            self.in_part += n as u64;
            data = &data[n..];
        }
        Ok(())
    }
}

pub fn build(spec: &UsbSpec, mut progress: impl FnMut(u64, u64)) -> Result<UsbBuilt> {
    let ss = spec.sector_size;
    if !SECTOR_SIZES.contains(&ss) {
        bail!("--sector-size {ss}: a USB image has sectors of 512 or 4096 bytes");
    }
    let kit = Bootkit::load(&spec.bootkit)?;
    for input in spec
        .payloads
        .iter()
        .chain(spec.answer.as_ref())
        .chain(kit.files())
    {
        if same_file(input, &spec.out) {
            bail!(
                "the output {} is an input; choose another --out",
                spec.out.display()
            );
        }
    }
    let answer = match &spec.answer {
        Some(p) => Some(read_answer(p)?),
        None => None,
    };
    let carried = read_all(&spec.payloads, &kit, spec.unsigned_ok)?;
    let head = &carried[0].head;
    let manifest = &head.manifest;
    let part_size = spec.part_size.clamp(MIB, PART_SIZE);
    let mut files = Vec::with_capacity(carried.len());
    for c in &carried {
        let size = std::fs::metadata(&c.path)
            .with_context(|| format!("reading {}", c.path.display()))?
            .len();
        let parts: Vec<String> = if size > part_size {
            (0..size.div_ceil(part_size))
                .map(|i| format!("{}.{i:03}", c.head.file_name))
                .collect()
        } else {
            Vec::new()
        };
        files.push(PayloadFile {
            name: c.head.file_name.clone(),
            version: c.head.manifest.version.to_string(),
            size,
            parts,
        });
    }
    let payload_bytes: u64 = files.iter().map(|f| f.size).sum();

    let len = |p: &Path| -> Result<u64> {
        Ok(std::fs::metadata(p)
            .with_context(|| format!("reading {}", p.display()))?
            .len())
    };
    let boot = crate::efi_boot_files(&kit);
    // The payloads as stored (compressed components stay compressed on the
    // medium), beside the boot files.
    let mut stored = vec![len(&kit.kernel)?, len(&kit.initrd)?];
    stored.extend(files.iter().map(|f| f.size));
    for (_, p) in &boot {
        stored.push(len(p)?);
    }
    let needed = crate::capacity::usb_image_size(&stored)
        .ok_or_else(|| anyhow!("the files do not fit in any USB image"))?;
    let size = match spec.size {
        Some(s) if s < needed => bail!(
            "--size {} is too small: the files need about {}",
            units::size(s),
            units::size(needed)
        ),
        Some(s) => s / MIB * MIB,
        None => needed,
    };

    // Medium id: the signed manifest, the boot files, the command line and
    // the answer file.
    let mut h = Sha256::new();
    h.update(b"usb");
    if ss != 512 {
        // Images for other sectors are other media; 512 keeps the ids of
        // the images built before sector sizes were chosen.
        h.update(ss.to_le_bytes());
    }
    for c in &carried {
        h.update(&c.head.manifest_bytes);
        h.update(c.head.file_name.as_bytes());
    }
    for p in [&kit.kernel, &kit.initrd]
        .into_iter()
        .chain(boot.iter().map(|(_, p)| p))
    {
        let mut f = File::open(p).with_context(|| format!("reading {}", p.display()))?;
        std::io::copy(&mut f, &mut h).with_context(|| format!("reading {}", p.display()))?;
    }
    h.update(kit.cmdline.as_bytes());
    h.update(spec.extra_cmdline.as_bytes());
    if let Some(a) = &answer {
        h.update(a);
    }
    let id_bytes = h.finalize();
    let medium_id = hex::encode(&id_bytes[..8]);
    let mut cmdline = format!("{} ferry.medium={medium_id}", kit.cmdline.trim());
    if !spec.extra_cmdline.trim().is_empty() {
        cmdline.push(' ');
        cmdline.push_str(spec.extra_cmdline.trim());
    }
    let now = build_time(&manifest.created)?;
    let epoch = now.unix_timestamp();
    let label = "FERRY".to_string();
    let info = MediumInfo {
        format: 1,
        id: medium_id.clone(),
        label: label.clone(),
        kind: "usb".into(),
        product: manifest.product.clone(),
        version: manifest.version.to_string(),
        payload: files[0].name.clone(),
        payload_size: files[0].size,
        payload_parts: files[0].parts.clone(),
        cmdline: cmdline.clone(),
        created: now
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        more_payloads: files[1..].to_vec(),
    };

    // Write beside the destination, rename when complete.
    let dir = spec
        .out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = TempFile(dir.join(format!(
        ".{}.part-{}",
        spec.out.file_name().map(|n| n.to_string_lossy()).unwrap_or_default(),
        std::process::id()
    )));
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&tmp.0)
        .with_context(|| format!("creating {}", tmp.0.display()))?;
    file.set_len(size)
        .with_context(|| format!("sizing {} to {size} bytes", tmp.0.display()))?;

    // The partition from 1 MiB to the last MiB, which holds the backup GPT.
    let lbas = size / ss;
    let first = MIB / ss;
    let last = lbas - MIB / ss - 1;
    write_gpt(&mut file, &id_bytes, first, last, lbas, ss)?;

    let part = detect::io::Slice::new(&mut file, first * ss, (last - first + 1) * ss)?;
    let part_bytes = (last - first + 1) * ss;
    let mut opts = FormatOptions::new(&label);
    // Larger clusters write faster; up to 32 KiB. FAT32 but for a small
    // image of 4096-byte sectors (FAT16 then, see `fat::kind_and_cluster`).
    let (kind, cluster) = fat::kind_and_cluster(part_bytes, ss as u32, 32 << 10);
    opts.kind = Some(kind);
    opts.cluster_size = Some(cluster);
    opts.sector_size = ss as u16;
    opts.time = FixedTime::from_unix(epoch);
    opts.volume_id = Some(u32::from_le_bytes([
        id_bytes[0],
        id_bytes[1],
        id_bytes[2],
        id_bytes[3],
    ]));
    let v = fat::format(part, &opts).context("formatting the USB partition")?;
    let copy = |dest: &str, src: &Path| -> Result<()> {
        let f = File::open(src).with_context(|| format!("reading {}", src.display()))?;
        v.write_file(dest, f)
            .with_context(|| format!("copying {} into the image", src.display()))?;
        Ok(())
    };
    for (at, p) in &boot {
        copy(at, p)?;
    }
    copy("vmlinuz", &kit.kernel)?;
    copy("initrd.img", &kit.initrd)?;
    for (at, text) in
        crate::iso::menu::loader_files(&manifest.product, &manifest.version.to_string(), &cmdline)
    {
        v.write(&at, &text)?;
    }
    v.create_dir(REPORTS_DIR)?;
    v.write(INFO_PATH, info.to_toml().as_bytes())?;
    if let Some(a) = &answer {
        v.write(ANSWER_PATH, a)?;
    }
    let mut copied = 0u64;
    for (c, file) in carried.iter().zip(&files) {
        let mut sink = FatSink {
            volume: &v,
            parts: file.files(),
            part_size,
            index: 0,
            in_part: 0,
            out: spec.out.clone(),
            file: None,
        };
        copy_verified(&mut sink, &c.path, &c.head, file.size, &mut |done, _| {
            progress(copied + done, payload_bytes)
        })?;
        copied += file.size;
    }
    v.close().context("closing the USB partition")?;
    std::io::Write::flush(&mut file).with_context(|| format!("writing {}", tmp.0.display()))?;
    drop(file);
    std::fs::rename(&tmp.0, &spec.out)
        .with_context(|| format!("renaming {} to {}", tmp.0.display(), spec.out.display()))?;
    std::mem::forget(tmp);
    Ok(UsbBuilt {
        path: spec.out.clone(),
        bytes: size,
        label,
        medium_id,
        payload_parts: if files[0].parts.is_empty() {
            vec![files[0].name.clone()]
        } else {
            files[0].parts.clone()
        },
        payloads: files.iter().map(|f| f.name.clone()).collect(),
        payload_verified: carried.iter().all(|c| c.head.verified),
        sector_size: ss,
        demo_keys: kit.trust.demo_keys(),
    })
}

fn write_gpt(
    file: &mut File,
    id: &[u8],
    first: u64,
    last: u64,
    lbas: u64,
    sector_size: u64,
) -> Result<()> {
    let guid = |salt: u8| {
        let mut b = [0u8; 16];
        b.copy_from_slice(&Sha256::digest([id, &[salt]].concat())[..16]);
        // RFC 4122 version 4 / variant bits, so tools show a normal GUID.
        b[6] = (b[6] & 0x0F) | 0x40;
        b[8] = (b[8] & 0x3F) | 0x80;
        uuid::Uuid::from_bytes(b)
    };
    let gpt_err = |e: gpt::GptError| anyhow!("writing the partition table: {e}");
    let mut disk = gpt::GptConfig::new()
        .writable(true)
        .logical_block_size(if sector_size == 4096 {
            gpt::disk::LogicalBlockSize::Lb4096
        } else {
            gpt::disk::LogicalBlockSize::Lb512
        })
        .create_from_device(&mut *file, Some(guid(0)))
        .map_err(gpt_err)?;
    let mut table = BTreeMap::new();
    table.insert(
        1,
        gpt::partition::Partition {
            part_type_guid: gpt::partition_types::EFI,
            part_guid: guid(1),
            first_lba: first,
            last_lba: last,
            // Legacy BIOS bootable: some firmware only boots USB ESPs
            // carrying it.
            flags: 1 << 2,
            name: PARTITION_NAME.to_string(),
        },
    );
    disk.update_partitions(table).map_err(gpt_err)?;
    let dev = disk.write().map_err(gpt_err)?;
    gpt::mbr::ProtectiveMBR::with_lb_size(u32::try_from(lbas - 1).unwrap_or(u32::MAX))
        .overwrite_lba0(dev)
        .map_err(|e| anyhow!("writing the protective MBR: {e}"))?;
    Ok(())
}

struct TempFile(PathBuf);
impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
