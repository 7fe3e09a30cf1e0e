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
use crate::l10n::t;

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

/// What a TOML parser found wrong in a document: where, in the
/// technician's language, and the parser's own words.
fn toml_syntax(e: &toml_syntax::SyntaxError) -> String {
    match e.at {
        Some(at) => t!(
            "toml-syntax-at",
            line = at.line.to_string(),
            column = at.column.to_string(),
            detail = e.message.as_str()
        ),
        None => e.message.clone(),
    }
}

/// What is wrong with a FAT file system (`fat::Error`).
pub fn fat(e: &::fat::Error) -> String {
    use ::fat::Error as F;
    match e {
        // What the volume code was reading, and the system's message.
        F::Io { what, source } => t!("fat-io", what = what.as_str(), detail = source.to_string()),
        F::BadLabel(label) => t!("fat-bad-label", label = format!("{label:?}")),
        F::FileTooLarge { path, size } => t!(
            "fat-file-too-large",
            path = path.as_str(),
            size = size.to_string()
        ),
        // The boot sector's fields found wrong, in the volume code's words.
        F::NotFat(detail) => t!("fat-not-fat", detail = detail.as_str()),
        F::BadPath(path) => t!("fat-bad-path", path = path.as_str()),
        F::BadSectorSize(size) => t!("fat-bad-sector-size", size = size.to_string()),
        F::ChainLoop { cluster, next } => t!(
            "fat-chain-loop",
            cluster = cluster.to_string(),
            next = next.to_string()
        ),
        // `why` is one of a few fixed phrases of the chain check.
        F::BadLink { cluster, next, why } => t!(
            "fat-bad-link",
            cluster = cluster.to_string(),
            next = next.to_string(),
            why = *why
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
            what = what.as_str(),
            detail = source.to_string()
        ),
        // The volume descriptor's or directory's fields found wrong.
        M::NotIso(detail) => t!("medium-not-iso", detail = detail.as_str()),
        M::Damaged(detail) => t!("medium-damaged", detail = detail.as_str()),
        M::NotFound(path) => t!("medium-not-found", path = path.as_str()),
        M::TooLarge { path, size, max } => t!(
            "medium-too-large",
            path = path.as_str(),
            size = size.to_string(),
            max = max.to_string()
        ),
        M::NoChecksum => t!("medium-no-checksum"),
        // `medium.toml`'s parser's account.
        M::Invalid(detail) => t!("medium-invalid", detail = detail.as_str()),
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

/// Why the check of the whole medium failed.
pub fn check_error(e: &CheckError) -> String {
    match e {
        CheckError::Open { path, source } => t!(
            "check-error-open",
            path = shown(path),
            detail = source.to_string()
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

/// Why a file on the installer's medium could not be read. A stick's
/// partition and file system readers speak in their own (English) words.
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
            detail = source.to_string()
        ),
        ReadError::Read { path, source } => t!(
            "read-read",
            path = path.display().to_string(),
            detail = source.to_string()
        ),
        ReadError::Iso(m) => medium(m),
        ReadError::Stick(e) => format!("{e:#}"),
        ReadError::Missing { .. } => t!("read-missing"),
        ReadError::TooLarge { file, max } => t!(
            "read-too-large",
            file = file.as_str(),
            max = max.to_string()
        ),
        ReadError::NotText { file } => t!("read-not-text", file = file.as_str()),
    }
}
