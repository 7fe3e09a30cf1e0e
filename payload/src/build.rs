//! Building a payload: hash every component, write and sign the manifest,
//! write the container, then read the result back and verify it before it
//! takes its final name.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use semver::{Version, VersionReq};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::chunks::for_each_chunk;
use crate::compress::{compress_component, Storing, DEFAULT_ZSTD_LEVEL};
use crate::container::{header_for, member_mtime, Source, MANIFEST_NAME, SIGNATURE_NAME};
use crate::keys::SecretKey;
use crate::manifest::{
    check_component_name, Component, HashAlgorithm, Kind, Manifest, Sha256Digest, TrustUpdate,
    DEFAULT_CHUNK_SIZE, FORMAT_1,
};
use crate::product::{self, InstallDefinition};
use crate::reader::{PayloadReader, Verified};
use crate::signature::{SignatureFile, TrustStore};
use crate::upgrade::default_upgrades_from;
use crate::Error;

/// Everything a payload is made of, before hashing.
#[derive(Debug, Clone)]
pub struct BuildSpec {
    pub product: String,
    pub version: Version,
    pub kind: Kind,
    /// Release only. `None` takes the default rule, one release back.
    pub upgrades_from: Option<VersionReq>,
    /// Release only: the product's first release, which upgrades nothing
    /// (`upgrades_from` must then be `None`).
    pub first_release: bool,
    /// Release only: how the product installs.
    pub install: Option<InstallDefinition>,
    /// Hotfix only.
    pub hotfix_id: Option<String>,
    /// Hotfix only: the other hotfixes its image holds.
    pub includes_hotfixes: Vec<String>,
    pub min_installer: Version,
    /// Recorded in the manifest and as every member's mtime; callers take it
    /// from `SOURCE_DATE_EPOCH` for reproducible builds.
    pub created: OffsetDateTime,
    pub config_schema: Option<u32>,
    pub trust: Option<TrustUpdate>,
    pub chunk_size: u64,
    /// How image components (names ending in `.img`) are stored; the
    /// others (kernel, initrd, small files) are stored as they are.
    pub compression: Storing,
    /// Component name and the file it comes from, in payload order.
    pub components: Vec<(String, PathBuf)>,
}

impl BuildSpec {
    pub fn new(product: &str, version: Version, kind: Kind) -> BuildSpec {
        BuildSpec {
            product: product.to_string(),
            version,
            kind,
            upgrades_from: None,
            first_release: false,
            install: None,
            hotfix_id: None,
            includes_hotfixes: Vec::new(),
            min_installer: Version::new(0, 1, 0),
            created: OffsetDateTime::UNIX_EPOCH,
            config_schema: None,
            trust: None,
            chunk_size: DEFAULT_CHUNK_SIZE,
            compression: Storing::Zstd {
                level: DEFAULT_ZSTD_LEVEL,
            },
            components: Vec::new(),
        }
    }

    /// How component `name` is stored: [`BuildSpec::compression`] for
    /// image components, as it is for the rest. The initrd, though named
    /// `.img`, is an archive compressed already: zstd would gain nothing
    /// and cost the installer a decompression, so it is stored as it is.
    pub fn storing(&self, name: &str) -> Storing {
        if name.ends_with(".img") && name != product::INITRD {
            self.compression
        } else {
            Storing::Raw
        }
    }
}

/// Where a build is, for progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildPhase {
    /// Hashing the component files.
    Hashing,
    /// Writing the payload file.
    Writing,
    /// Reading the written payload back and checking its stored bytes
    /// (progress in stored bytes).
    Checking,
}

/// Builds the payload described by `spec`, signed by every key in `keys`,
/// at `out`. The file appears under its final name only once it has been
/// read back and verified; on any error nothing is left at `out`.
pub fn build(
    spec: &BuildSpec,
    keys: &[&SecretKey],
    out: &Path,
    progress: &mut dyn FnMut(BuildPhase, u64, u64),
) -> Result<Verified, Error> {
    if keys.is_empty() {
        return Err(Error::Build("no signing key given".into()));
    }
    // Everything that can be checked without the data is checked before an
    // hour of hashing: an empty component list stands in for the real one.
    manifest_for(spec, Vec::new())
        .map(drop)
        .or_else(|e| match e {
            Error::Manifest(m) if m.contains("no components") => Ok(()),
            other => Err(other),
        })?;
    let mut files = Vec::with_capacity(spec.components.len());
    for (name, path) in &spec.components {
        check_component_name(name)?;
        refuse_same_file(path, out)?;
        let file =
            File::open(path).map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
        let size = file
            .metadata()
            .map_err(|e| Error::io(format!("reading {}", path.display()), e))?
            .len();
        files.push((name.clone(), path.clone(), size));
    }
    let total: u64 = files.iter().map(|f| f.2).sum();
    if let Some(def) = &spec.install {
        let size_of = |name: &str| files.iter().find(|f| f.0 == name).map_or(0, |f| f.2);
        let missing = product::missing_for_install(files.iter().map(|f| f.0.as_str()));
        if !missing.is_empty() {
            return Err(Error::Build(format!(
                "the release cannot be installed: it has no {}",
                missing.join(", ")
            )));
        }
        let boot = size_of(product::KERNEL).saturating_add(size_of(product::INITRD));
        product::check_fits(def, size_of(product::ROOTFS), boot)
            .map_err(|e| Error::Build(format!("the release does not fit its layout: {e}")))?;
    }

    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // Compressed components are read once: their frames wait in the spool
    // (beside the output, so on the same disk) until the manifest is signed.
    let mut spool: Option<File> = None;
    let mut spooled = Vec::with_capacity(files.len());
    let mut components = Vec::with_capacity(files.len());
    let mut done = 0u64;
    for (name, path, size) in &files {
        let file =
            File::open(path).map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
        let mut step = |n| {
            done += n;
            progress(BuildPhase::Hashing, done, total);
        };
        let component = match spec.storing(name) {
            Storing::Raw => {
                spooled.push(None);
                hash_component(name, file, *size, spec.chunk_size, &mut step)?
            }
            Storing::Zstd { level } => {
                let spool = match &mut spool {
                    Some(f) => f,
                    None => spool.insert(tempfile::tempfile_in(&dir).map_err(|e| {
                        Error::io(format!("creating a file in {}", dir.display()), e)
                    })?),
                };
                let mut w = std::io::BufWriter::with_capacity(1 << 20, &mut *spool);
                let c = compress_component(
                    name,
                    std::io::BufReader::with_capacity(1 << 20, file),
                    *size,
                    spec.chunk_size,
                    level,
                    &mut w,
                    &mut step,
                )?;
                w.flush()
                    .map_err(|e| Error::io(format!("spooling the compressed {name}"), e))?;
                spooled.push(Some(c.stored_size()));
                c
            }
        };
        components.push(component);
    }
    if let Some(f) = &mut spool {
        use std::io::Seek;
        f.rewind()
            .map_err(|e| Error::io("reading the compressed components back", e))?;
    }

    let manifest = manifest_for(spec, components)?;
    let manifest_text = manifest.to_toml()?;
    let signatures = SignatureFile::sign(manifest_text.as_bytes(), keys).to_toml();

    let mut tmp = tempfile::Builder::new()
        .prefix(".ferry-payload-")
        .suffix(".partial")
        .tempfile_in(&dir)
        .map_err(|e| Error::io(format!("creating a file in {}", dir.display()), e))?;
    let mtime = member_mtime(spec.created);
    {
        let file = tmp.as_file_mut();
        let mut builder = tar::Builder::new(file);
        let wrote = |e| Error::io(format!("writing {}", out.display()), e);
        builder
            .append(
                &header_for(MANIFEST_NAME, manifest_text.len() as u64, mtime)?,
                manifest_text.as_bytes(),
            )
            .map_err(wrote)?;
        builder
            .append(
                &header_for(SIGNATURE_NAME, signatures.len() as u64, mtime)?,
                signatures.as_bytes(),
            )
            .map_err(wrote)?;
        let mut done = 0u64;
        for ((name, path, size), stored) in files.iter().zip(&spooled) {
            match (stored, &mut spool) {
                (Some(stored), Some(spool)) => {
                    builder
                        .append(
                            &header_for(name, *stored, mtime)?,
                            (&mut *spool).take(*stored),
                        )
                        .map_err(wrote)?;
                }
                _ => {
                    let file = File::open(path)
                        .map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
                    builder
                        .append(&header_for(name, *size, mtime)?, file.take(*size))
                        .map_err(wrote)?;
                }
            }
            done += size;
            progress(BuildPhase::Writing, done, total);
        }
        builder
            .into_inner()
            .map_err(wrote)?
            .flush()
            .map_err(wrote)?;
    }
    tmp.as_file()
        .sync_all()
        .map_err(|e| Error::io(format!("writing {}", out.display()), e))?;

    // Read back what was written: catches a component file that changed
    // between hashing and copying, and a disk that lost a write. The
    // stored bytes are checked against the signed digests; the frames were
    // made from the input in this process, so they are not decompressed
    // again (`payload verify` does that).
    let trust = TrustStore::with_keys(keys.iter().map(|k| k.public()));
    let reopened =
        File::open(tmp.path()).map_err(|e| Error::io("reading the new payload back", e))?;
    let stored_total: u64 = manifest
        .components
        .iter()
        .map(Component::stored_size)
        .fold(0, u64::saturating_add);
    let mut done = 0u64;
    let verified =
        PayloadReader::open(std::io::BufReader::with_capacity(1 << 20, reopened), &trust)?
            .check_stored_rest(|n| {
                done += n;
                progress(BuildPhase::Checking, done, stored_total);
            })
            .map_err(|e| {
                Error::Build(format!(
            "the payload written does not verify ({e}); did an input file change while building?"
        ))
            })?;
    if verified.manifest != manifest {
        return Err(Error::Build(
            "the payload read back differs from the one written".into(),
        ));
    }
    tmp.persist(out).map_err(|e| {
        Error::io(
            format!("renaming the new payload to {}", out.display()),
            e.error,
        )
    })?;
    if let Ok(d) = File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(verified)
}

fn manifest_for(spec: &BuildSpec, components: Vec<Component>) -> Result<Manifest, Error> {
    let created = spec
        .created
        .to_offset(time::UtcOffset::UTC)
        .format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| Error::Build(format!("the creation time cannot be written: {e}")))?;
    let (upgrades_from, applies_to) = match spec.kind {
        Kind::Release => {
            let req = match &spec.upgrades_from {
                Some(_) if spec.first_release => {
                    return Err(Error::Build(
                        "the product's first release upgrades nothing: give 'upgrades-from' \
                         or say it is the first, not both"
                            .into(),
                    ))
                }
                _ if spec.first_release => None,
                Some(r) => Some(r.clone()),
                None => default_upgrades_from(&spec.version)
                    .ok_or_else(|| {
                        Error::Build(format!(
                            "{} starts a new major version, so 'one release back' is not known: \
                         say which releases may upgrade to it (e.g. '>={}.N.0, <{}' \
                         with N the last minor release of {}), or, if it is the product's \
                         first release, say so (upgrades-from = \"none\")",
                            spec.version,
                            spec.version.major.saturating_sub(1),
                            spec.version,
                            spec.version.major.saturating_sub(1)
                        ))
                    })
                    .map(Some)?,
            };
            (req, None)
        }
        Kind::Hotfix => (None, Some(spec.version.clone())),
    };
    let mut manifest = Manifest {
        format: FORMAT_1,
        product: spec.product.clone(),
        version: spec.version.clone(),
        kind: spec.kind,
        upgrades_from,
        first_release: spec.first_release,
        applies_to,
        hotfix_id: spec.hotfix_id.clone(),
        includes_hotfixes: spec.includes_hotfixes.clone(),
        min_installer: spec.min_installer.clone(),
        created,
        config_schema: spec.config_schema,
        hash: HashAlgorithm::Sha256,
        trust: spec.trust.clone(),
        install: spec.install.clone(),
        components,
    };
    manifest.format = manifest.needed_format();
    manifest.validate()?;
    Ok(manifest)
}

/// Hashes one component: the whole-file SHA-256 (so admins can compare with
/// `sha256sum`) and the SHA-256 of every chunk (what verification checks).
pub fn hash_component<R: Read>(
    name: &str,
    src: R,
    size: u64,
    chunk_size: u64,
    progress: &mut dyn FnMut(u64),
) -> Result<Component, Error> {
    let mut src = Source::new(src);
    let mut whole = Sha256::new();
    let mut chunks = Vec::with_capacity(size.div_ceil(chunk_size.max(1)) as usize);
    for_each_chunk(&mut src, name, size, chunk_size, |_, bytes, digest| {
        whole.update(bytes);
        chunks.push(crate::manifest::Chunk::Raw(Sha256Digest(digest)));
        progress(bytes.len() as u64);
        Ok(())
    })?;
    src.expect_end(name)?;
    Ok(Component {
        name: name.to_string(),
        size,
        sha256: Sha256Digest(whole.finalize().into()),
        chunk_size,
        compression: crate::manifest::Compression::None,
        chunks,
    })
}

fn refuse_same_file(input: &Path, out: &Path) -> Result<(), Error> {
    use std::os::unix::fs::MetadataExt;
    if let (Ok(a), Ok(b)) = (std::fs::metadata(input), std::fs::metadata(out)) {
        if a.dev() == b.dev() && a.ino() == b.ino() {
            return Err(Error::Build(format!(
                "the output {} is also an input component",
                out.display()
            )));
        }
    }
    Ok(())
}
