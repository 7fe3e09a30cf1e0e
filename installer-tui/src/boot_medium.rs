//! The medium the installer runs from: a directory (simulation, or a
//! medium some other program unpacked), a Ferry ISO (image file or DVD
//! drive) or a Ferry USB stick. Everything the installer needs from it
//! goes through [`BootMedium`]: the payload as a stream, the answer file,
//! where reports go, and the full check.

use crate::l10n::t;
use std::fs::{File, OpenOptions};
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::bail;

use detect::io::Slice;
use medium::iso::{Iso, IsoFile};
use medium::stick::{self, Stick};
use medium::{MediumInfo, ANSWER_PATH, PAYLOAD_DIR, REPORTS_DIR};

use crate::l10n::Lang;

/// Why a file on the medium could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{} carries no payload {name}", medium.display())]
    NoPayload { medium: PathBuf, name: String },
    #[error("opening {}: {source}", path.display())]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("reading {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The ISO's reader, or the stick's (its partition table, its FAT
    /// file system).
    #[error(transparent)]
    Medium(#[from] medium::Error),
    #[error("no such file on the medium or in the initramfs")]
    Missing { file: String },
    #[error("{file} is larger than {max} bytes")]
    TooLarge { file: String, max: u64 },
    #[error("{file} is not UTF-8 text")]
    NotText { file: String },
}

/// Largest answer file read.
const MAX_ANSWER: u64 = 1 << 20;

/// What kind of medium.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A directory holding `ferry/*.upg` (one or more).
    Dir,
    /// An ISO 9660 image or disc.
    Iso,
    /// A Ferry USB stick (GPT with a FAT partition named `FERRY`).
    Stick,
}

/// The installer's own medium.
#[derive(Debug, Clone)]
pub struct BootMedium {
    /// Directory, image file or device.
    pub path: PathBuf,
    /// What it is.
    pub kind: Kind,
    /// `ferry/medium.toml`, when the medium has one.
    pub info: Option<MediumInfo>,
    /// The payloads' names on the medium (`ferry/NAME.upg`), the main
    /// one (the newest release) first; never empty.
    pub payloads: Vec<String>,
}

/// Progress of a medium check: (bytes done, bytes in all).
pub type CheckProgress<'a> = &'a mut dyn FnMut(u64, u64);

impl BootMedium {
    /// Open the medium at `path`: a directory, an ISO or a stick.
    pub fn open(path: &Path) -> Result<BootMedium, OpenError> {
        if path.is_dir() {
            return open_dir(path);
        }
        let mut f = File::open(path).map_err(|source| OpenError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        if let Ok(mut iso) = Iso::open(&mut f) {
            let info = iso.medium_info().map_err(|source| OpenError::Description {
                path: path.to_path_buf(),
                source,
            })?;
            return Ok(BootMedium {
                path: path.to_path_buf(),
                kind: Kind::Iso,
                payloads: info.payloads().into_iter().map(|p| p.name).collect(),
                info: Some(info),
            });
        }
        let info = with_stick(path, Stick::info).map_err(|error| OpenError::NotFerry {
            path: path.to_path_buf(),
            error,
        })?;
        Ok(BootMedium {
            path: path.to_path_buf(),
            kind: Kind::Stick,
            payloads: info.payloads().into_iter().map(|p| p.name).collect(),
            info: Some(info),
        })
    }

    /// The boot medium among the machine's drives `devices`: the one whose
    /// `medium.toml` has the id `id` (from `ferry.medium=`), or with no id
    /// the only Ferry medium. Drives that hold no Ferry medium are passed
    /// over; two candidates are refused, both named
    /// ([`medium::choose_boot_medium`]).
    pub fn find(devices: &[PathBuf], id: Option<&str>) -> Result<BootMedium, medium::Error> {
        let mut found: Vec<BootMedium> = devices
            .iter()
            .filter_map(|d| BootMedium::open(d).ok())
            .collect();
        let keys: Vec<(&Path, Option<&str>)> =
            found.iter().map(|m| (m.path.as_path(), m.id())).collect();
        let chosen = medium::choose_boot_medium(id, &keys)?;
        Ok(found.swap_remove(chosen))
    }

    /// The medium id (`ferry.medium=` on the kernel command line), if known.
    pub fn id(&self) -> Option<&str> {
        self.info.as_ref().map(|i| i.id.as_str())
    }

    /// The path `plan` and reports show for the payload file `name`.
    pub fn payload_path(&self, name: &str) -> PathBuf {
        self.path.join(PAYLOAD_DIR).join(name)
    }

    /// The payload file a path from [`Self::payload_path`] names, if it is
    /// one of this medium's.
    pub fn payload_at(&self, path: &Path) -> Option<&str> {
        let name = path.file_name()?.to_str()?;
        self.payloads
            .iter()
            .find(|n| *n == name)
            .map(String::as_str)
    }

    /// Where the medium is: its directory, image file or device.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the medium is still there: a directory or an image file
    /// that still exists, a device that can still be opened and read.
    pub fn present(&self) -> bool {
        if self.kind == Kind::Dir {
            return self.path.is_dir();
        }
        let mut first = [0u8; 512];
        File::open(&self.path).is_ok_and(|mut f| f.read_exact(&mut first).is_ok())
    }

    /// The block device (or image) to leave out of the disk list: `None`
    /// for a directory.
    pub fn device(&self) -> Option<&Path> {
        (self.kind != Kind::Dir).then_some(self.path.as_path())
    }

    /// Run `f` on the payload file `name` as a stream.
    pub fn with_payload<T>(
        &self,
        name: &str,
        f: impl FnOnce(&mut dyn Read) -> T,
    ) -> Result<T, ReadError> {
        if !self.payloads.iter().any(|n| n == name) {
            return Err(ReadError::NoPayload {
                medium: self.path.clone(),
                name: name.to_string(),
            });
        }
        let open = |path: &Path| {
            File::open(path).map_err(|source| ReadError::Open {
                path: path.to_path_buf(),
                source,
            })
        };
        match self.kind {
            Kind::Dir => {
                let file = open(&self.payload_path(name))?;
                Ok(f(&mut BufReader::with_capacity(1 << 20, file)))
            }
            Kind::Iso => {
                let mut iso = Iso::open(open(&self.path)?)?;
                let entry = iso.find(&format!("{PAYLOAD_DIR}/{name}"))?;
                let file = IsoFile::new(iso.into_inner(), &entry);
                Ok(f(&mut BufReader::with_capacity(1 << 20, file)))
            }
            Kind::Stick => with_stick(&self.path, |s| {
                let (mut stream, _) = s.payload_named(name)?;
                Ok(f(&mut BufReader::with_capacity(1 << 20, &mut stream)))
            }),
        }
    }

    /// The answer file the medium carries, if any.
    pub fn answer(&self) -> Result<Option<String>, ReadError> {
        self.read_file(ANSWER_PATH)
    }

    /// A small text file on the medium, by its path from the medium's root.
    pub fn read_file(&self, rel: &str) -> Result<Option<String>, ReadError> {
        let bytes = match self.kind {
            Kind::Dir => {
                let p = self.path.join(rel);
                if !p.exists() {
                    return Ok(None);
                }
                let mut buf = Vec::new();
                File::open(&p)
                    .and_then(|f| f.take(MAX_ANSWER + 1).read_to_end(&mut buf))
                    .map_err(|source| ReadError::Read { path: p, source })?;
                buf
            }
            Kind::Iso => {
                let file = File::open(&self.path).map_err(|source| ReadError::Open {
                    path: self.path.clone(),
                    source,
                })?;
                match Iso::open(file)?.read(rel, MAX_ANSWER) {
                    Ok(b) => b,
                    Err(medium::Error::NotFound(_)) => return Ok(None),
                    Err(e) => return Err(e.into()),
                }
            }
            Kind::Stick => {
                let rel = rel.to_string();
                match with_stick(&self.path, |s| {
                    if !s.volume().exists(&rel) {
                        return Ok(None);
                    }
                    Ok(Some(s.volume().read(&rel, MAX_ANSWER)?))
                })? {
                    Some(b) => b,
                    None => return Ok(None),
                }
            }
        };
        if bytes.len() as u64 > MAX_ANSWER {
            return Err(ReadError::TooLarge {
                file: rel.to_string(),
                max: MAX_ANSWER,
            });
        }
        String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| ReadError::NotText {
                file: rel.to_string(),
            })
    }

    /// Directories the engine copies the report into: only a directory
    /// medium has one; a stick gets its copy through [`Self::save_report`].
    pub fn report_dirs(&self) -> Vec<PathBuf> {
        match self.kind {
            Kind::Dir => vec![self.path.join(REPORTS_DIR)],
            _ => Vec::new(),
        }
    }

    /// Where a report copy named `name` goes on a medium the installer
    /// writes it to itself (a stick); `None` for a read-only medium and a
    /// directory, whose copy the engine writes (see [`Self::report_dirs`]).
    pub fn report_location(&self, name: &str) -> Option<String> {
        (self.kind == Kind::Stick).then(|| format!("{}: {REPORTS_DIR}/{name}", self.path.display()))
    }

    /// Copy a report onto a stick (see [`Self::report_location`]).
    pub fn save_report(&self, name: &str, json: &[u8]) -> anyhow::Result<()> {
        if self.kind != Kind::Stick {
            bail!("{} is not written to", self.path.display());
        }
        let s = open_stick(&self.path, true)?;
        s.write_report(name, json)?;
        // Closing writes (and tidies) the file system. What was written is
        // flushed to the stick at once: a report must be there even if the
        // stick is pulled or the power cut a moment later.
        s.close()?.into_inner().sync_all()?;
        Ok(())
    }

    /// Open the tray when the medium is a disc in a CD/DVD drive, so that
    /// the machine starts from its disk next: `Ok(false)` for any other
    /// medium (a stick, an image file, a directory).
    pub fn eject(&self) -> std::io::Result<bool> {
        let sys = Path::new(detect::device::SYS_BLOCK);
        let optical = blockdev::DiskFacts::of_path(sys, &self.path).is_some_and(|f| f.optical);
        if self.kind != Kind::Iso || !optical {
            return Ok(false);
        }
        blockdev::eject(&self.path).map(|()| true)
    }

    /// Read the whole medium and check it: an ISO against its embedded
    /// checksum, otherwise the payload against its signed hashes.
    pub fn check(
        &self,
        trust: &payload::TrustStore,
        progress: CheckProgress<'_>,
    ) -> Result<Checked, CheckError> {
        if self.kind == Kind::Iso {
            let f = File::open(&self.path).map_err(|source| CheckError::Open {
                path: self.path.clone(),
                source,
            })?;
            let report = medium::checksum::check(BufReader::with_capacity(1 << 20, f), progress)?;
            if !report.ok() {
                return Err(CheckError::ChecksumMismatch);
            }
            return Ok(Checked::Iso {
                bytes: report.bytes,
            });
        }
        let size = |name: &str| {
            self.info
                .as_ref()
                .and_then(|i| i.payload_file(name))
                .map(|p| p.size)
                .or_else(|| {
                    std::fs::metadata(self.payload_path(name))
                        .ok()
                        .map(|m| m.len())
                })
                .unwrap_or(0)
        };
        let total: u64 = self.payloads.iter().map(|n| size(n)).sum();
        let mut done = 0u64;
        let several = self.payloads.len() > 1;
        for name in &self.payloads {
            let named = || several.then(|| name.clone());
            done = self
                .with_payload(name, |r| -> Result<u64, payload::Error> {
                    let mut counted = Counted {
                        inner: r,
                        done,
                        total,
                        progress: &mut *progress,
                    };
                    payload::PayloadReader::open(&mut counted, trust)
                        .and_then(|p| p.verify_rest(|_| {}))?;
                    Ok(counted.done)
                })
                .map_err(|error| CheckError::Unreadable {
                    name: named(),
                    error,
                })?
                .map_err(|source| CheckError::Payload {
                    name: named(),
                    source: Box::new(install::Error::Payload(source)),
                })?;
        }
        Ok(Checked::Payloads {
            count: self.payloads.len(),
            bytes: done,
        })
    }
}

/// Why a check of the whole medium failed: the medium cannot be used. The
/// English `Display` is the log's; the Check screen says it in its
/// language ([`CheckError::sentence`]).
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// The image or drive could not be opened.
    #[error("opening {}: {source}", path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The ISO could not be read through (no volume descriptor, a read
    /// error, shorter than its volume).
    #[error(transparent)]
    Iso(#[from] medium::Error),
    /// The ISO was read whole and its embedded checksum does not match.
    #[error("the medium's checksum does not match: it is damaged or was written badly")]
    ChecksumMismatch,
    /// A payload file could not be opened on the medium.
    #[error("{}{error:#}", name.as_deref().map(|n| format!("checking {n}: ")).unwrap_or_default())]
    Unreadable {
        /// The payload's name, when the medium has several.
        name: Option<String>,
        error: ReadError,
    },
    /// A payload does not verify: its signature, a chunk's digest, its
    /// container.
    #[error("{}{source}", name.as_deref().map(|n| format!("checking {n}: ")).unwrap_or_default())]
    Payload {
        /// The payload's name, when the medium has several.
        name: Option<String>,
        /// Always [`install::Error::Payload`]: the engine's words for it.
        source: Box<install::Error>,
    },
}

impl CheckError {
    /// The sentence the Check screen shows, in this thread's language.
    pub fn sentence(&self) -> String {
        crate::l10n::engine::check_error(self)
    }
}

/// What a check of the whole medium found: it is intact. Shown by the
/// Check screen in its language; the English `Display` is the log's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checked {
    /// An ISO read whole, its embedded checksum correct.
    Iso { bytes: u64 },
    /// The medium's payloads read whole, their signed hashes correct.
    Payloads { count: usize, bytes: u64 },
}

impl std::fmt::Display for Checked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::l10n::in_english(|| self.sentence()))
    }
}

impl Checked {
    /// The sentence the Check screen shows, in this thread's language.
    pub fn sentence(&self) -> String {
        match *self {
            Checked::Iso { bytes } => t!("check-intact-iso", bytes = bytes),
            Checked::Payloads { count, bytes } => {
                t!("check-intact-payloads", count = count, bytes = bytes)
            }
        }
    }
}

fn open_dir(path: &Path) -> Result<BootMedium, OpenError> {
    let dir = path.join(PAYLOAD_DIR);
    let info = match std::fs::read_to_string(path.join(medium::INFO_PATH)) {
        Ok(text) => Some(
            MediumInfo::parse(&text).map_err(|source| OpenError::Description {
                path: path.to_path_buf(),
                source,
            })?,
        ),
        Err(_) => None,
    };
    let payloads = match &info {
        Some(i) => i.payloads().into_iter().map(|p| p.name).collect(),
        None => {
            // Every `*.upg`: which is for what is read from their signed
            // manifests when they are loaded.
            let mut upg: Vec<String> = std::fs::read_dir(&dir)
                .map_err(|source| OpenError::Open {
                    path: dir.clone(),
                    source,
                })?
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".upg"))
                .take(medium::MAX_PAYLOADS + 1)
                .collect();
            upg.sort();
            if upg.is_empty() {
                return Err(OpenError::NoPayload { dir });
            }
            if upg.len() > medium::MAX_PAYLOADS {
                return Err(OpenError::TooManyPayloads {
                    dir,
                    max: medium::MAX_PAYLOADS,
                });
            }
            upg
        }
    };
    Ok(BootMedium {
        path: path.to_path_buf(),
        kind: Kind::Dir,
        info,
        payloads,
    })
}

/// Why a medium cannot be opened: the English `Display` is the log's; the
/// console says it in the chosen language ([`OpenError::sentence`]).
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The image, device or directory could not be opened.
    #[error("opening {}: {source}", path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Its `ferry/medium.toml` cannot be read.
    #[error("reading the medium description on {}: {source}", path.display())]
    Description {
        path: PathBuf,
        #[source]
        source: medium::Error,
    },
    /// Neither an ISO nor a stick: what reading it as a stick found.
    #[error("{} is neither a Ferry ISO nor a Ferry stick: {error}", path.display())]
    NotFerry {
        path: PathBuf,
        #[source]
        error: ReadError,
    },
    /// A directory without a payload.
    #[error("{} holds no payload (*.upg)", dir.display())]
    NoPayload { dir: PathBuf },
    /// A directory with more payloads than a medium carries.
    #[error("{} holds more than {max} payloads", dir.display())]
    TooManyPayloads { dir: PathBuf, max: usize },
}

impl OpenError {
    /// The sentence the console shows, in this thread's language.
    pub fn sentence(&self) -> String {
        let shown = |p: &Path| p.display().to_string();
        match self {
            OpenError::Open { path, source } => t!(
                "medium-open-failed",
                path = shown(path),
                detail = crate::l10n::os_error(source)
            ),
            OpenError::Description { path, source } => t!(
                "medium-open-description",
                path = shown(path),
                detail = crate::l10n::engine::medium(source)
            ),
            // What reading it as a stick found.
            OpenError::NotFerry { path, error } => t!(
                "medium-open-not-ferry",
                path = shown(path),
                reason = crate::l10n::engine::read_error(error)
            ),
            OpenError::NoPayload { dir } => t!("medium-open-no-payload", dir = shown(dir)),
            OpenError::TooManyPayloads { dir, max } => t!(
                "medium-open-too-many-payloads",
                dir = shown(dir),
                max = max.to_string()
            ),
        }
    }
}

/// The FAT file system of the stick at `path`, opened (read-write with
/// `write`).
fn open_stick(path: &Path, write: bool) -> Result<Stick<Slice<File>>, ReadError> {
    let mut file = OpenOptions::new()
        .read(true)
        .write(write)
        .open(path)
        .map_err(|source| ReadError::Open {
            path: path.to_path_buf(),
            source,
        })?;
    let (start, len) = stick::find_partition(&mut file)?;
    // `find_partition` checked that the range fits: this cannot fail.
    let partition = Slice::new(file, start, len).map_err(|source| ReadError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(Stick::open(partition)?)
}

/// `f` on the stick at `path`, opened for reading. A stick only read from
/// is left as it is (not closed, which writes), so a stick pulled out
/// while the payload was read reports the read that failed.
fn with_stick<T>(
    path: &Path,
    f: impl FnOnce(&Stick<Slice<File>>) -> Result<T, medium::Error>,
) -> Result<T, ReadError> {
    Ok(f(&open_stick(path, false)?)?)
}

struct Counted<'a, R: ?Sized> {
    inner: &'a mut R,
    done: u64,
    total: u64,
    progress: CheckProgress<'a>,
}

impl<R: Read + ?Sized> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.done += n as u64;
        (self.progress)(self.done, self.total.max(self.done));
        Ok(n)
    }
}

/// The language `ferry.lang=CODE` on the kernel command line `cmdline`
/// asks for (the last one given wins); none when it is absent or names a
/// language the installer does not speak.
pub fn lang_from_cmdline(cmdline: &str) -> Option<Lang> {
    let params = crate::tui_cmd::cmdline_params(cmdline);
    crate::tui_cmd::param(&params, "ferry.lang").and_then(Lang::from_code)
}

/// The language the boot medium was started in: `ferry.lang=` of
/// `/proc/cmdline`, English without it.
pub fn boot_lang() -> Lang {
    std::fs::read_to_string("/proc/cmdline")
        .ok()
        .and_then(|c| lang_from_cmdline(&c))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use testkit::sticks;

    #[test]
    fn the_stick_with_the_boot_id_is_found_among_other_drives() {
        let dir = tempfile::tempdir().unwrap();
        let other = sticks::stick(dir.path(), "other.img", "fedcba9876543210");
        let real = sticks::stick(dir.path(), "real.img", "0123456789abcdef");
        let not_ferry = dir.path().join("blank.img");
        std::fs::write(&not_ferry, vec![0u8; 1 << 20]).unwrap();
        let devices = [not_ferry, other.clone(), real.clone()];
        let m = BootMedium::find(&devices, Some("0123456789abcdef")).unwrap();
        assert_eq!((m.path(), &m.kind), (real.as_path(), &Kind::Stick));
        match BootMedium::find(&devices, Some("0000000000000000")) {
            Err(medium::Error::BootMediumNotFound { others, .. }) => {
                assert_eq!(others, [other, real]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn two_sticks_with_the_boot_id_are_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let real = sticks::stick(dir.path(), "real.img", "0123456789abcdef");
        let copy = sticks::stick(dir.path(), "copy.img", "0123456789abcdef");
        let other = sticks::stick(dir.path(), "other.img", "fedcba9876543210");
        let devices = [real.clone(), other.clone(), copy.clone()];
        match BootMedium::find(&devices, Some("0123456789abcdef")) {
            Err(medium::Error::SeveralBootMedia { id, devices }) => {
                assert_eq!(id.as_deref(), Some("0123456789abcdef"));
                assert_eq!(devices, [real.clone(), copy.clone()]);
            }
            other => panic!("{other:?}"),
        }
        // Without an id on the command line, any two Ferry media are too many.
        match BootMedium::find(&devices[..2], None) {
            Err(medium::Error::SeveralBootMedia { id: None, devices }) => {
                assert_eq!(devices, [real, other]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_language_comes_from_ferry_lang() {
        assert_eq!(lang_from_cmdline("quiet ferry.lang=fr ro"), Some(Lang::Fr));
        assert_eq!(
            lang_from_cmdline("ferry.lang=fr ferry.lang=en"),
            Some(Lang::En)
        );
        assert_eq!(lang_from_cmdline("ferry.lang=fr_FR.UTF-8"), Some(Lang::Fr));
        assert_eq!(lang_from_cmdline("ferry.lang=de"), None);
        assert_eq!(lang_from_cmdline("ferry.language=fr lang=fr"), None);
        assert_eq!(lang_from_cmdline(""), None);
    }
}
