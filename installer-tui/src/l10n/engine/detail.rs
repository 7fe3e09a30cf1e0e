//! What the engine's sentences nest after their own words: why a
//! configuration cannot be migrated, why a state record is refused, what
//! is wrong with a FAT file system, a write refused outside its
//! partition, why the installer's own medium cannot be read, why the
//! check of the medium failed. Each is a typed error of its own crate;
//! here it is said in the screens' language, and in English exactly as
//! its `Display` (the log's words), which the tests check.
//!
//! A few facts are text made by a parser (the TOML parser's account of a
//! document, after its line and column) or an operating system message:
//! those are shown as they are, as a detail.

use std::path::Path;

use crate::boot_medium::{CheckError, ReadError};
use crate::l10n::{os_error, t};

mod migration;

pub use migration::migrate;

/// Why a state record is refused (`detect::state::StateError`).
pub fn state(e: &detect::state::StateError) -> String {
    use detect::state::StateError as S;
    match e {
        S::TooLarge(size) => t!(
            "state-too-large",
            size = size.to_string(),
            max = detect::state::MAX_STATE_SIZE.to_string()
        ),
        S::NotText => t!("state-not-text"),
        S::UnsupportedFormat { found } => t!(
            "state-unsupported-format",
            found = found.to_string(),
            known = detect::state::STATE_FORMAT.to_string()
        ),
        S::Malformed(syntax) => t!("state-malformed", syntax = toml_syntax(syntax)),
        S::NoFormat => t!("state-no-format"),
        S::FormatNotNumber => t!("state-format-not-number"),
        S::Invalid(rule) => t!("state-invalid", rule = state_rule(rule)),
        // The serializer's own account is the log's, as the error's source.
        S::Unwritable(_) => t!("state-unwritable"),
    }
}

/// The rule of the state record a record breaks.
fn state_rule(r: &detect::state::Rule) -> String {
    use detect::state::Rule as R;
    let quoted = |s: &str| format!("{s:?}");
    let slot_state = |s: detect::SlotState| t!("engine-slot-state", state = s.name());
    match r {
        R::ProductId(id) => t!("state-rule-product-id", id = quoted(id)),
        R::MachineId(id) => t!("state-rule-machine-id", id = quoted(id)),
        R::NoTrustedKey => t!("state-rule-no-trusted-key"),
        R::TooManyTrustedKeys { count, max } => t!(
            "state-rule-too-many-trusted-keys",
            count = count.to_string(),
            max = max.to_string()
        ),
        R::TrustedKey(k) => t!("state-rule-trusted-key", key = quoted(k)),
        R::TooManyRevokedKeys { count, max } => t!(
            "state-rule-too-many-revoked-keys",
            count = count.to_string(),
            max = max.to_string()
        ),
        R::RevokedKey(k) => t!("state-rule-revoked-key", key = quoted(k)),
        R::TrustedAndRevoked(k) => t!("state-rule-trusted-and-revoked", key = k.as_str()),
        R::NoRelease { slot, state } => t!(
            "state-rule-no-release",
            slot = slot.to_string(),
            state = slot_state(*state)
        ),
        R::NoConfigSchema { slot, state } => t!(
            "state-rule-no-config-schema",
            slot = slot.to_string(),
            state = slot_state(*state)
        ),
        R::EmptyWithRelease { slot } => {
            t!("state-rule-empty-with-release", slot = slot.to_string())
        }
        R::TooManyHotfixes { slot, max } => t!(
            "state-rule-too-many-hotfixes",
            slot = slot.to_string(),
            max = max.to_string()
        ),
        R::HotfixId { slot, id } => t!(
            "state-rule-hotfix-id",
            slot = slot.to_string(),
            id = quoted(id)
        ),
        R::AnswerDigest(d) => t!("state-rule-answer-digest", digest = quoted(d)),
        R::MediumId(id) => t!("state-rule-medium-id", id = quoted(id)),
        R::ActiveNotBootable { slot, state } => t!(
            "state-rule-active-not-bootable",
            slot = slot.to_string(),
            state = slot_state(*state)
        ),
        // The field's name in the record, in every language.
        R::Time { field } => t!("state-rule-time", field = field.to_string()),
    }
}

/// What is wrong with a FAT file system (`fat::Error`).
pub fn fat(e: &::fat::Error) -> String {
    use ::fat::Error as F;
    match e {
        // What the volume code was reading, and the system's message.
        F::Io { what, source } => t!("fat-io", what = fat_access(what), detail = os_error(source)),
        F::BadLabel(label) => t!("fat-bad-label", label = format!("{label:?}")),
        F::FileTooLarge { path, size } => t!(
            "fat-file-too-large",
            path = path.as_str(),
            size = size.to_string()
        ),
        F::NotFat(why) => t!("fat-not-fat", reason = boot_sector(why)),
        F::BadPath(path) => t!("fat-bad-path", path = path.as_str()),
        F::NoDirectory { dir, part } => {
            t!("fat-no-directory", dir = dir.as_str(), part = part.as_str())
        }
        F::NotADirectory { dir, part } => t!(
            "fat-not-a-directory",
            dir = dir.as_str(),
            part = part.as_str()
        ),
        F::NoFile { path } => t!("fat-no-file", path = path.as_str()),
        F::BadSectorSize(size) => t!("fat-bad-sector-size", size = size.to_string()),
        F::ChainLoop { cluster, next } => t!(
            "fat-chain-loop",
            cluster = cluster.to_string(),
            next = next.to_string()
        ),
        F::BadLink { cluster, next, why } => t!(
            "fat-bad-link",
            cluster = cluster.to_string(),
            next = next.to_string(),
            why = match why {
                ::fat::LinkProblem::Outside => "outside",
                ::fat::LinkProblem::Free => "free",
            }
        ),
        F::TooManyClusters { clusters, max } => t!(
            "fat-too-many-clusters",
            clusters = clusters.to_string(),
            max = max.to_string()
        ),
        F::BadStart {
            name: Some(name),
            cluster,
        } => t!(
            "fat-bad-start-entry",
            name = format!("{name:?}"),
            cluster = cluster.to_string()
        ),
        F::BadStart {
            name: None,
            cluster,
        } => t!("fat-bad-start-root", cluster = cluster.to_string()),
        F::TooManyDirectories { max } => {
            t!("fat-too-many-directories", max = max.to_string())
        }
        F::InUse => t!("fat-in-use"),
        F::FileExists { path } => t!("fat-file-exists", path = path.as_str()),
        F::SeekBeforeStart => t!("fat-seek-before-start"),
    }
}

/// What the FAT volume code was reading or writing (`fat::Access`).
pub(super) fn fat_access(a: &::fat::Access) -> String {
    use ::fat::Access as A;
    match a {
        A::Measure => t!("fat-access-measure"),
        A::Rewind => t!("fat-access-rewind"),
        A::Format { size, label } => t!(
            "fat-access-format",
            size = size.to_string(),
            label = format!("{label:?}")
        ),
        A::Mount => t!("fat-access-mount"),
        A::BootSector => t!("fat-access-boot-sector"),
        A::Table => t!("fat-access-table"),
        A::ReadFsInfo => t!("fat-access-read-fsinfo"),
        A::WriteFsInfo => t!("fat-access-write-fsinfo"),
        A::ReadDirectory => t!("fat-access-read-directory"),
        A::WriteDirectory => t!("fat-access-write-directory"),
        A::FreeSpace => t!("fat-access-free-space"),
        A::CreateDirectory { path } => t!("fat-access-create-directory", path = path.as_str()),
        A::OpenDirectory { path } => t!("fat-access-open-directory", path = path.as_str()),
        A::List { path } => t!("fat-access-list", path = path.as_str()),
        A::CreateFile { path } => t!("fat-access-create-file", path = path.as_str()),
        A::Truncate { path } => t!("fat-access-truncate", path = path.as_str()),
        A::ReadSource { path } => t!("fat-access-read-source", path = path.as_str()),
        A::WriteFile { path } => t!("fat-access-write-file", path = path.as_str()),
        A::OpenFile { path } => t!("fat-access-open-file", path = path.as_str()),
        A::ReadFile { path } => t!("fat-access-read-file", path = path.as_str()),
        A::Remove { path } => t!("fat-access-remove", path = path.as_str()),
        A::Close => t!("fat-access-close"),
        A::Flush => t!("fat-access-flush"),
    }
}

/// Why a volume's first sector is not a FAT boot sector
/// (`fat::BootSector`).
fn boot_sector(b: &::fat::BootSector) -> String {
    use ::fat::BootSector as B;
    match b {
        B::NoSignature => t!("fat-boot-no-signature"),
        B::SectorSize { bytes } => t!("fat-boot-sector-size", bytes = bytes.to_string()),
        B::ClusterSize { sectors } => {
            t!("fat-boot-cluster-size", sectors = sectors.to_string())
        }
        B::NoReservedSectors => t!("fat-boot-no-reserved-sectors"),
        B::NoTables => t!("fat-boot-no-tables"),
        B::EmptyTables => t!("fat-boot-empty-tables"),
        B::AreasOverflow => t!("fat-boot-areas-overflow"),
        B::DataPastEnd { data, total } => t!(
            "fat-boot-data-past-end",
            data = data.to_string(),
            total = total.to_string()
        ),
        B::TableTooLarge { bytes } => {
            t!("fat-boot-table-too-large", bytes = bytes.to_string())
        }
    }
}

/// A write the engine refused because it would leave its partition, or a
/// plan whose partitions do not fit the disk (`install::WindowError`),
/// for `install::Error::Window`'s sentence.
pub fn window(e: &install::WindowError) -> String {
    use install::WindowError as W;
    match e {
        W::Overflow {
            partition,
            start,
            size,
        } => t!(
            "window-overflow",
            partition = *partition,
            start = start.to_string(),
            size = size.to_string()
        ),
        W::Unaligned {
            partition,
            start,
            size,
            sector_size,
        } => t!(
            "window-unaligned",
            partition = *partition,
            start = start.to_string(),
            size = size.to_string(),
            sector_size = sector_size.to_string()
        ),
        W::Outside {
            partition,
            start,
            end,
            area_start,
            area_end,
        } => t!(
            "window-outside",
            partition = *partition,
            start = start.to_string(),
            end = end.to_string(),
            area_start = area_start.to_string(),
            area_end = area_end.to_string()
        ),
        W::Overlap {
            partition,
            start,
            end,
            other,
            other_start,
            other_end,
        } => t!(
            "window-overlap",
            partition = *partition,
            start = start.to_string(),
            end = end.to_string(),
            other = *other,
            other_start = other_start.to_string(),
            other_end = other_end.to_string()
        ),
        W::PastPartitionEnd {
            partition,
            offset,
            len,
            size,
        } => t!(
            "window-past-partition-end",
            partition = *partition,
            offset = offset.to_string(),
            len = len.to_string(),
            size = size.to_string()
        ),
        W::PastDiskEnd {
            start,
            len,
            disk_size,
        } => t!(
            "window-past-disk-end",
            start = start.to_string(),
            len = len.to_string(),
            disk_size = disk_size.to_string()
        ),
    }
}

/// Why the installer's own medium cannot be read or found
/// (`medium::Error`).
pub fn medium(e: &medium::Error) -> String {
    use medium::Error as M;
    match e {
        // What the reader was reading, and the system's message.
        M::Io { what, source } => t!(
            "medium-io",
            what = medium_access(what),
            detail = os_error(source)
        ),
        M::NotIso(why) => t!("medium-not-iso", reason = not_iso(why)),
        M::Damaged(d) => t!("medium-damaged", reason = damage(d)),
        M::NotFound(path) => t!("medium-not-found", path = path.as_str()),
        M::TooLarge { path, size, max } => t!(
            "medium-too-large",
            path = path.as_str(),
            size = size.to_string(),
            max = max.to_string()
        ),
        M::NoChecksum => t!("medium-no-checksum"),
        M::Invalid(p) => t!(
            "medium-invalid",
            path = medium::INFO_PATH,
            reason = info_problem(p)
        ),
        M::NotText { path } => t!("read-not-text", file = path.as_str()),
        M::NotADirectory { path } => t!("medium-not-a-directory", path = path.as_str()),
        M::IsADirectory { path } => t!("medium-is-a-directory", path = path.as_str()),
        M::NoGpt => t!("medium-no-gpt"),
        M::NoPartition => t!("medium-no-partition", name = medium::stick::PARTITION_NAME),
        M::SeekBeforeStart => t!("medium-seek-before-start"),
        M::BadReportName { name } => {
            t!("medium-bad-report-name", name = format!("{name:?}"))
        }
        M::Fat(e) => fat(e),
        M::BootMediumNotFound { id, others } => match (id, others.is_empty()) {
            (None, true) => t!("medium-boot-not-found"),
            (Some(id), true) => t!("medium-boot-not-found-id", id = id.as_str()),
            (None, false) => t!("medium-boot-not-found-others", others = list(others)),
            (Some(id), false) => t!(
                "medium-boot-not-found-id-others",
                id = id.as_str(),
                others = list(others)
            ),
        },
        M::SeveralBootMedia { id, devices } => match id {
            Some(id) => t!(
                "medium-several-id",
                devices = list(devices),
                id = id.as_str()
            ),
            None => t!("medium-several", devices = list(devices)),
        },
    }
}

/// What the medium's reader was reading (`medium::Access`).
fn medium_access(a: &medium::Access) -> String {
    use medium::Access as A;
    match a {
        A::Rewind => t!("medium-access-rewind"),
        A::VolumeDescriptor { block } => {
            t!("medium-access-volume-descriptor", block = block.to_string())
        }
        A::Directory { block } => t!("medium-access-directory", block = block.to_string()),
        A::File { path } => t!("medium-access-file", path = path.as_str()),
        A::At { offset } => t!("medium-access-at", offset = offset.to_string()),
        A::GptHeader => t!("medium-access-gpt-header"),
        A::GptEntries => t!("medium-access-gpt-entries"),
    }
}

/// Why a medium is not an ISO 9660 volume.
fn not_iso(n: &medium::NotIso) -> String {
    use medium::NotIso as N;
    match n {
        N::NoCd001 { block } => t!("medium-not-iso-no-cd001", block = block.to_string()),
        N::NoPrimary => t!("medium-not-iso-no-primary"),
        N::BlockSize { size } => t!("medium-not-iso-block-size", size = size.to_string()),
    }
}

/// What is damaged on a medium.
fn damage(d: &medium::Damage) -> String {
    use medium::Damage as D;
    match d {
        D::DirectoryTooLarge { len, max } => t!(
            "medium-damage-directory-too-large",
            len = len.to_string(),
            max = max.to_string()
        ),
        D::DirectoryPastEnd { block } => t!(
            "medium-damage-directory-past-end",
            block = block.to_string()
        ),
        D::TooManyExtents { name, max } => t!(
            "medium-damage-too-many-extents",
            name = name.as_str(),
            max = max.to_string()
        ),
        D::FilePastEnd { name } => t!("medium-damage-file-past-end", name = name.as_str()),
        D::Short { read, total } => t!(
            "medium-damage-short",
            read = read.to_string(),
            total = total.to_string()
        ),
        D::GptHeader => t!("medium-damage-gpt-header"),
        D::PartitionRange { first, last } => t!(
            "medium-damage-partition-range",
            name = medium::stick::PARTITION_NAME,
            first = first.to_string(),
            last = last.to_string()
        ),
        D::PartsSize {
            name,
            total,
            expected,
        } => t!(
            "medium-damage-parts-size",
            name = name.as_str(),
            total = total.to_string(),
            expected = expected.to_string()
        ),
    }
}

/// What `medium.toml` says that the installer cannot take.
fn info_problem(p: &medium::InfoProblem) -> String {
    use medium::InfoProblem as I;
    match p {
        I::Syntax(s) => toml_syntax(s),
        I::Format { found } => t!("medium-info-format", found = found.to_string()),
        I::TooManyPayloads { max } => {
            t!("medium-info-too-many-payloads", max = max.to_string())
        }
        I::BadName { name } => t!("medium-info-bad-name", name = format!("{name:?}")),
        I::ListedTwice { name } => t!("medium-info-listed-twice", name = name.as_str()),
    }
}

/// What the TOML parser found wrong in a document: where, in the
/// screens' language, and the parser's own words.
pub fn toml_syntax(s: &toml_syntax::SyntaxError) -> String {
    match s.at {
        Some(at) => t!(
            "read-toml-syntax-at",
            line = at.line.to_string(),
            column = at.column.to_string(),
            message = s.message.as_str()
        ),
        None => t!("read-toml-syntax", message = s.message.as_str()),
    }
}

/// Why the check of the whole medium failed.
pub fn check_error(e: &CheckError) -> String {
    match e {
        CheckError::Open { path, source } => t!(
            "check-error-open",
            path = shown(path),
            detail = os_error(source)
        ),
        CheckError::Iso(e) => medium(e),
        CheckError::ChecksumMismatch => t!("check-error-checksum"),
        // The medium's reader's reason, as the medium code gives it (an
        // ISO's directory, a stick's file system, the system's message).
        CheckError::Unreadable { name, error } => match name {
            Some(name) => t!(
                "check-error-unreadable-named",
                name = name.as_str(),
                detail = read_error(error)
            ),
            None => t!("check-error-unreadable", detail = read_error(error)),
        },
        CheckError::Payload { name, source } => match name {
            Some(name) => t!(
                "check-error-payload-named",
                name = name.as_str(),
                error = super::failure::error(source)
            ),
            None => super::failure::error(source),
        },
    }
}

fn shown(p: &Path) -> String {
    p.display().to_string()
}

fn list(paths: &[std::path::PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests;

/// Why a file on the installer's medium could not be read.
pub fn read_error(e: &ReadError) -> String {
    match e {
        ReadError::NoPayload { medium, name } => t!(
            "read-no-payload",
            medium = medium.display().to_string(),
            name = name.as_str()
        ),
        ReadError::Open { path, source } => t!(
            "read-open",
            path = path.display().to_string(),
            detail = os_error(source)
        ),
        ReadError::Read { path, source } => t!(
            "read-read",
            path = path.display().to_string(),
            detail = os_error(source)
        ),
        ReadError::Medium(m) => medium(m),
        ReadError::Missing { .. } => t!("read-missing"),
        ReadError::TooLarge { file, max } => t!(
            "read-too-large",
            file = file.as_str(),
            max = max.to_string()
        ),
        ReadError::NotText { file } => t!("read-not-text", file = file.as_str()),
    }
}
