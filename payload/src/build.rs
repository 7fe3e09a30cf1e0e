//! Building a payload: every component is read once, hashed (and
//! compressed) and written into the container behind the space kept for
//! the manifest; then the manifest is signed and written in front, and the
//! result read back and checked before it takes its final name.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use semver::{Version, VersionReq};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::chunks::for_each_chunk;
use crate::compress::{compress_component, Storing, DEFAULT_ZSTD_LEVEL};
use crate::container::{header_for, member_mtime, Source, MANIFEST_NAME, SIGNATURE_NAME};
use crate::keys::SecretKey;
use crate::manifest::{
    check_component_name, max_stored_len, Chunk, Component, Compression, HashAlgorithm, Kind,
    Manifest, Sha256Digest, TrustUpdate, DEFAULT_CHUNK_SIZE, FORMAT_1, MAX_MANIFEST_BYTES,
};
use crate::product::{self, InstallDefinition};
use crate::reader::{PayloadReader, Verified};
use crate::signature::{SignatureFile, TrustStore};
use crate::upgrade::default_upgrades_from;
use crate::{BuildProblem, Error, IoContext, ManifestProblem, Section};

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
    /// Reading the component files: hashing, compressing and writing them
    /// into the payload (progress in component bytes).
    Hashing,
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
        return Err(Error::Build(BuildProblem::NoKey));
    }
    // Everything that can be checked without the data is checked before an
    // hour of hashing: an empty component list stands in for the real one.
    manifest_for(spec, Vec::new())
        .map(drop)
        .or_else(|e| match e {
            Error::Manifest(ManifestProblem::NoComponents) => Ok(()),
            other => Err(other),
        })?;
    let mut files = Vec::with_capacity(spec.components.len());
    for (name, path) in &spec.components {
        check_component_name(name)?;
        refuse_same_file(path, out)?;
        let file = File::open(path).map_err(|e| Error::io(IoContext::Opening(path.clone()), e))?;
        let size = file
            .metadata()
            .map_err(|e| Error::io(IoContext::Reading(path.clone()), e))?
            .len();
        files.push((name.clone(), path.clone(), size));
    }
    let total: u64 = files.iter().map(|f| f.2).sum();
    if let Some(def) = &spec.install {
        let size_of = |name: &str| files.iter().find(|f| f.0 == name).map_or(0, |f| f.2);
        let missing = product::missing_for_install(files.iter().map(|f| f.0.as_str()));
        if !missing.is_empty() {
            return Err(Error::Build(BuildProblem::NotInstallable { missing }));
        }
        let boot = size_of(product::KERNEL).saturating_add(size_of(product::INITRD));
        product::check_fits(def, size_of(product::ROOTFS), boot)
            .map_err(|e| Error::Build(BuildProblem::DoesNotFit(e)))?;
    }

    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let head = Head::reserve(spec, &files, keys)?;
    // Readable by all, as other tools' outputs are (the umask applies);
    // a temporary file's 0600 would follow the payload onto the media.
    let mut tmp = tempfile::Builder::new()
        .prefix(".ferry-payload-")
        .suffix(".partial")
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644))
        .tempfile_in(&dir)
        .map_err(|e| Error::io(IoContext::Creating { dir: dir.clone() }, e))?;
    let mtime = member_mtime(spec.created);
    let wrote = |e: std::io::Error| {
        Error::io(
            IoContext::Writing {
                out: out.to_path_buf(),
            },
            e,
        )
    };

    // Every component is read once, hashed (and compressed) and written
    // straight behind the space kept for the manifest and the signatures;
    // each member's header is written once its stored size is known.
    let mut components = Vec::with_capacity(files.len());
    let mut at = head.len();
    let mut done = 0u64;
    for (name, path, size) in &files {
        let input = File::open(path).map_err(|e| Error::io(IoContext::Opening(path.clone()), e))?;
        let mut step = |n| {
            done += n;
            progress(BuildPhase::Hashing, done, total);
        };
        let data_at = at + BLOCK;
        let file = tmp.as_file_mut();
        file.seek(SeekFrom::Start(data_at)).map_err(wrote)?;
        let mut w = std::io::BufWriter::with_capacity(1 << 20, &mut *file);
        let component = match spec.storing(name) {
            Storing::Raw => copy_component(name, input, *size, spec.chunk_size, &mut w, &mut step)?,
            Storing::Zstd { level } => compress_component(
                name,
                std::io::BufReader::with_capacity(1 << 20, input),
                *size,
                spec.chunk_size,
                level,
                &mut w,
                &mut step,
            )?,
        };
        let stored = component.stored_size();
        w.write_all(&ZEROS[..padding(stored)]).map_err(wrote)?;
        w.flush().map_err(wrote)?;
        drop(w);
        file.write_all_at(header_for(name, stored, mtime)?.as_bytes(), at)
            .map_err(wrote)?;
        at = data_at + stored + padding(stored) as u64;
        components.push(component);
    }
    // The end of the archive: two blocks of zeros.
    tmp.as_file()
        .write_all_at(&ZEROS[..2 * BLOCK as usize], at)
        .map_err(wrote)?;

    let manifest = manifest_for(spec, components)?;
    head.write(tmp.as_file(), &manifest, keys, mtime)?;

    // Read back what was written while the kernel writes it out: catches a
    // component file that changed between hashing and copying, and a
    // member the container does not hold as the manifest says. The stored
    // bytes are checked against the signed digests; the frames were made
    // from the input in this process, so they are not decompressed again
    // (`payload verify` does that). The file takes its name only once both
    // the read-back and the flush to the disk have succeeded.
    let trust = TrustStore::with_keys(keys.iter().map(|k| k.public()));
    let reopened = File::open(tmp.path()).map_err(|e| Error::io(IoContext::ReadingBack, e))?;
    let stored_total: u64 = manifest
        .components
        .iter()
        .map(Component::stored_size)
        .fold(0, u64::saturating_add);
    let mut done = 0u64;
    let reader = PayloadReader::open(std::io::BufReader::with_capacity(1 << 20, reopened), &trust)?;
    let (synced, verified) = std::thread::scope(|scope| {
        let syncing = scope.spawn(|| tmp.as_file().sync_all());
        let verified = reader.check_stored_rest(|n| {
            done += n;
            progress(BuildPhase::Checking, done, stored_total);
        });
        let synced = syncing
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the flushing thread stopped")));
        (synced, verified)
    });
    synced.map_err(wrote)?;
    let verified =
        verified.map_err(|e| Error::Build(BuildProblem::WrittenDoesNotVerify(Box::new(e))))?;
    if verified.manifest != manifest {
        return Err(Error::Build(BuildProblem::ReadBackDiffers));
    }
    tmp.persist(out).map_err(|e| {
        Error::io(
            IoContext::Renaming {
                out: out.to_path_buf(),
            },
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
        .map_err(|_| {
            Error::Build(BuildProblem::CreationTime {
                year: spec.created.to_offset(time::UtcOffset::UTC).year(),
            })
        })?;
    let (upgrades_from, applies_to) = match spec.kind {
        Kind::Release => {
            let req = match &spec.upgrades_from {
                Some(_) if spec.first_release => {
                    return Err(Error::Build(BuildProblem::FirstReleaseUpgrades))
                }
                _ if spec.first_release => None,
                Some(r) => Some(r.clone()),
                None => default_upgrades_from(&spec.version)
                    .ok_or_else(|| {
                        Error::Build(BuildProblem::NoDefaultUpgrades {
                            version: spec.version.clone(),
                        })
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
    copy_component(name, src, size, chunk_size, &mut std::io::sink(), progress)
}

/// [`hash_component`] writing the bytes to `out` as they are read, so a
/// component stored as it is gets read once.
fn copy_component<R: Read>(
    name: &str,
    src: R,
    size: u64,
    chunk_size: u64,
    out: &mut dyn Write,
    progress: &mut dyn FnMut(u64),
) -> Result<Component, Error> {
    let mut src = Source::new(src);
    let mut whole = Sha256::new();
    let mut chunks = Vec::with_capacity(size.div_ceil(chunk_size.max(1)) as usize);
    for_each_chunk(&mut src, name, size, chunk_size, |_, bytes, digest| {
        out.write_all(bytes).map_err(|e| {
            Error::io(
                IoContext::WritingComponent {
                    component: name.to_string(),
                },
                e,
            )
        })?;
        whole.update(bytes);
        chunks.push(Chunk::Raw(Sha256Digest(digest)));
        progress(bytes.len() as u64);
        Ok(())
    })?;
    src.expect_end(name)?;
    Ok(Component {
        name: name.to_string(),
        size,
        sha256: Sha256Digest(whole.finalize().into()),
        chunk_size,
        compression: Compression::None,
        chunks,
    })
}

/// A tar block.
const BLOCK: u64 = 512;
static ZEROS: [u8; 2 * BLOCK as usize] = [0; 2 * BLOCK as usize];

/// Zeros that fill a member of `len` bytes up to its last block.
fn padding(len: u64) -> usize {
    ((BLOCK - len % BLOCK) % BLOCK) as usize
}

/// The start of the container, the manifest and the signatures: they come
/// first but are known last, so their space is kept before the components
/// are read, and each member is padded to the length kept for it.
struct Head {
    manifest: u64,
    signatures: u64,
}

impl Head {
    /// The longest manifest these components can have (every chunk a frame
    /// of the largest length a chunk may take, or its raw digest; a zero
    /// chunk's `"zero"` is shorter), and the signatures' length, which
    /// depends only on the keys.
    fn reserve(
        spec: &BuildSpec,
        files: &[(String, PathBuf, u64)],
        keys: &[&SecretKey],
    ) -> Result<Head, Error> {
        let longest = files
            .iter()
            .map(|(name, _, size)| {
                let storing = spec.storing(name);
                let mut c = Component {
                    name: name.clone(),
                    size: *size,
                    sha256: Sha256Digest([0; 32]),
                    chunk_size: spec.chunk_size,
                    compression: match storing {
                        Storing::Raw => Compression::None,
                        Storing::Zstd { .. } => Compression::Zstd,
                    },
                    chunks: Vec::new(),
                };
                c.chunks = (0..size.div_ceil(spec.chunk_size.max(1)))
                    .map(|i| {
                        let (start, end) = c.chunk_range(i);
                        match storing {
                            Storing::Raw => Chunk::Raw(Sha256Digest([0; 32])),
                            Storing::Zstd { .. } => Chunk::Frame {
                                sha256: Sha256Digest([0; 32]),
                                stored: max_stored_len(end - start),
                            },
                        }
                    })
                    .collect();
                c
            })
            .collect();
        let manifest = manifest_for(spec, longest)?.to_toml()?.len() as u64;
        if manifest > MAX_MANIFEST_BYTES {
            return Err(Error::ManifestTooLarge {
                size: manifest,
                max: MAX_MANIFEST_BYTES,
            });
        }
        let signatures = SignatureFile::sign(b"", keys).to_toml().len() as u64;
        Ok(Head {
            manifest,
            signatures,
        })
    }

    /// Bytes of the container before the first component's header.
    fn len(&self) -> u64 {
        2 * BLOCK
            + self.manifest
            + padding(self.manifest) as u64
            + self.signatures
            + padding(self.signatures) as u64
    }

    /// Writes the manifest, signed by `keys`, and the signatures at the
    /// start of `file`.
    fn write(
        &self,
        file: &File,
        manifest: &Manifest,
        keys: &[&SecretKey],
        mtime: u64,
    ) -> Result<(), Error> {
        let text = padded(manifest.to_toml()?, self.manifest, Section::Manifest)?;
        let signatures = padded(
            SignatureFile::sign(text.as_bytes(), keys).to_toml(),
            self.signatures,
            Section::Signature,
        )?;
        let mut head = Vec::with_capacity(self.len() as usize);
        for (name, text) in [(MANIFEST_NAME, &text), (SIGNATURE_NAME, &signatures)] {
            head.extend_from_slice(header_for(name, text.len() as u64, mtime)?.as_bytes());
            head.extend_from_slice(text.as_bytes());
            head.extend_from_slice(&ZEROS[..padding(text.len() as u64)]);
        }
        file.write_all_at(&head, 0)
            .map_err(|e| Error::io(IoContext::WritingManifest, e))
    }
}

/// `text` grown to `len` bytes with line ends, which TOML ignores.
fn padded(mut text: String, len: u64, what: Section) -> Result<String, Error> {
    let short = len
        .checked_sub(text.len() as u64)
        .ok_or(Error::Build(BuildProblem::Outgrew(what)))?;
    text.extend(std::iter::repeat_n('\n', short as usize));
    Ok(text)
}

fn refuse_same_file(input: &Path, out: &Path) -> Result<(), Error> {
    use std::os::unix::fs::MetadataExt;
    if let (Ok(a), Ok(b)) = (std::fs::metadata(input), std::fs::metadata(out)) {
        if a.dev() == b.dev() && a.ino() == b.ino() {
            return Err(Error::Build(BuildProblem::OutputIsInput {
                out: out.to_path_buf(),
            }));
        }
    }
    Ok(())
}
