//! Why the engine, the medium or a run failed.

use install::doing::{Act, Object};
use install::{DiskChange, Doing};

use super::{detail, refusal};
use super::{io_error, keys};
use crate::l10n::t;
use crate::tui::failure::{InspectError, LoadError, RunError};

/// What the engine was doing when an I/O error came.
fn doing(d: &Doing) -> String {
    let object = object(&d.object);
    let act = match d.act {
        Act::Opening => t!("doing-opening", object = object),
        Act::OpeningToWrite => t!("doing-opening-to-write", object = object),
        Act::OpeningToReadBack => t!("doing-opening-to-read-back", object = object),
        Act::Reading => t!("doing-reading", object = object),
        Act::ReadingBack => t!("doing-reading-back", object = object),
        Act::Writing => t!("doing-writing", object = object),
        Act::Zeroing => t!("doing-zeroing", object = object),
        Act::Discarding => t!("doing-discarding", object = object),
        Act::Flushing => t!("doing-flushing", object = object),
        Act::Formatting => t!("doing-formatting", object = object),
        Act::Removing => t!("doing-removing", object = object),
    };
    match d.at {
        Some(at) => t!("doing-at", doing = act, offset = at.to_string()),
        None => act,
    }
}

/// What an act was on, as the act's message takes it (in French, with
/// its "de").
fn object(o: &Object) -> String {
    let path = |p: &std::path::Path| p.display().to_string();
    match o {
        Object::Disk(p) => t!("doing-object-disk", path = path(p)),
        Object::File(p) => t!("doing-object-file", path = path(p)),
        Object::Payload(Some(p)) => t!("doing-object-payload-file", path = path(p)),
        Object::Payload(None) => t!("doing-object-payload"),
        Object::BootFile { path: p, package } => t!(
            "doing-object-boot-file",
            path = path(p),
            package = package.as_str()
        ),
        Object::Slot(slot) => t!("doing-object-slot", slot = slot.to_string()),
        Object::Partition(name) => t!("doing-object-partition", partition = *name),
        Object::Esp => t!("doing-object-esp"),
        Object::EspFile(p) => t!("doing-object-esp-file", path = p.as_str()),
        Object::ConfigFile(p) => t!("doing-object-config-file", path = p.as_str()),
        Object::StateRecord => t!("doing-object-state-record"),
        Object::BootEntry(slot) => t!("doing-object-boot-entry", slot = slot.to_string()),
        Object::PartitionTable => t!("doing-object-partition-table"),
        Object::ProtectiveMbr => t!("doing-object-protective-mbr"),
        Object::EfiVariable(name) => t!("doing-object-efi-variable", name = name.as_str()),
        Object::Bytes { start, end } => t!(
            "doing-object-bytes",
            start = start.to_string(),
            end = end.to_string()
        ),
    }
}

/// Why a payload's signatures are refused.
fn untrusted(u: &payload::Untrusted) -> String {
    use payload::Untrusted as U;
    match u {
        U::Mismatch { key } => t!("untrusted-mismatch", key = key.short()),
        U::Revoked { key } => t!("untrusted-revoked", key = key.short()),
        U::NotTrusted { key, trusted } => {
            let trusted = if trusted.is_empty() {
                t!("untrusted-no-key-trusted")
            } else {
                keys(trusted.iter().map(payload::Fingerprint::short))
            };
            t!(
                "untrusted-not-trusted",
                key = key.short(),
                trusted = trusted
            )
        }
        U::Unsigned => t!("untrusted-unsigned"),
        U::NoKeyLeft => t!("untrusted-no-key-left"),
    }
}

/// What a newer payload has that this installer does not read.
fn newer(n: &payload::Newer) -> String {
    match n {
        payload::Newer::Format(format) => t!("newer-format", format = format.to_string()),
        payload::Newer::Compression {
            component,
            compression,
        } => t!(
            "newer-compression",
            component = component.escape_debug().to_string(),
            compression = compression.escape_debug().to_string()
        ),
    }
}

/// Why the payload did not verify or could not be read.
fn payload_error(e: &payload::Error) -> String {
    use payload::Error as P;
    match e {
        P::Io { context, source } => t!(
            "error-payload-io",
            context = context.as_str(),
            detail = io_error(source)
        ),
        P::Truncated { cut: c, at } => {
            t!("error-payload-truncated", cut = cut(c), at = at.to_string())
        }
        P::NotAPayload(d) => t!("error-payload-not-a-payload", detail = d.as_str()),
        P::Container { offset, reason } => t!(
            "error-payload-container",
            offset = offset.to_string(),
            reason = reason.as_str()
        ),
        P::NonCanonicalHeader {
            offset,
            member,
            field,
        } => t!(
            "error-payload-header",
            offset = offset.to_string(),
            member = member.escape_debug().to_string(),
            field = field.to_string()
        ),
        P::ManifestTooLarge { size, max } => t!(
            "error-payload-manifest-too-large",
            size = size.to_string(),
            max = max.to_string()
        ),
        P::Manifest(d) => t!("error-payload-manifest", detail = d.as_str()),
        P::NewerFormat {
            what,
            min_installer,
        } => match min_installer {
            Some(v) => t!(
                "error-payload-newer-format-version",
                what = newer(what),
                version = v.to_string()
            ),
            None => t!("error-payload-newer-format", what = newer(what)),
        },
        P::SignatureFormat(d) => t!("error-payload-signature-format", detail = d.as_str()),
        P::Untrusted(u) => t!("error-payload-signature", detail = untrusted(u)),
        P::Key(d) => t!("error-payload-key", detail = d.as_str()),
        P::ChunkMismatch {
            component,
            chunk,
            start,
            end,
        } => t!(
            "error-payload-digest",
            component = component.as_str(),
            chunk = chunk.to_string(),
            start = start.to_string(),
            end = end.to_string()
        ),
        P::Layout(d) => t!("error-payload-layout", detail = d.as_str()),
        P::BadFrame {
            component,
            chunk,
            start,
            end,
            reason,
        } => t!(
            "error-payload-frame",
            component = component.as_str(),
            chunk = chunk.to_string(),
            start = start.to_string(),
            end = end.to_string(),
            reason = reason.as_str()
        ),
        P::Build(d) => t!("error-payload-build", detail = d.as_str()),
    }
}

/// How the disk differs from the one the plan was made for.
fn disk_change(c: &DiskChange) -> String {
    match c {
        DiskChange::Size { found, planned } => t!(
            "engine-disk-change-size",
            found = found.to_string(),
            planned = planned.to_string()
        ),
        DiskChange::PartitionMoved { partition } => {
            t!("engine-disk-change-partition", partition = *partition)
        }
        DiskChange::StateRecord => t!("engine-disk-change-state-record"),
    }
}

/// Why the engine stopped.
pub fn error(e: &install::Error) -> String {
    use install::Error as E;
    match e {
        E::Io { what, source } if install::is_disk_full(source) => t!(
            "error-disk-full",
            what = doing(what),
            detail = source.to_string()
        ),
        E::Io { what, source } => t!("error-io", what = doing(what), detail = source.to_string()),
        E::Payload(p) => payload_error(p),
        E::Refused(r) => refusal(r),
        E::DiskChanged(c) => t!("error-disk-changed", change = disk_change(c)),
        E::Window(w) => t!("error-write-outside-partition", detail = detail::window(w)),
        E::PayloadChanged { planned, found } => t!(
            "error-payload-changed",
            planned = planned.as_str(),
            found = found.as_str()
        ),
        E::ReadBack { what, start, end } => t!(
            "error-read-back",
            what = object(what),
            start = start.to_string(),
            end = end.to_string()
        ),
        E::Migrations(m) => t!("error-payload-migrations", detail = detail::migrate(m)),
        E::DefaultConfig { component, source } => t!(
            "error-payload-default-config",
            component = component.as_str(),
            detail = detail::migrate(source)
        ),
        E::State(s) => t!("error-state-record", detail = detail::state(s)),
        E::Fat { partition, source } => t!(
            "error-file-system",
            partition = *partition,
            detail = detail::fat(source)
        ),
        E::ReadBackIncomplete { what, at } => t!(
            "error-read-back-incomplete",
            what = object(what),
            at = at.to_string()
        ),
        E::PayloadUsed => t!("error-payload-used"),
        E::BadGuid { guid } => t!("error-plan-guid", guid = format!("{guid:?}")),
        E::PlanIncomplete(what) => t!("error-plan-incomplete", what = what.as_str()),
        E::ThreadStopped(what) => t!("error-thread-stopped", what = *what),
        E::Medium(m) => t!("error-medium", detail = format!("{m:#}")),
        E::Cancelled => t!("error-cancelled"),
        E::NoFreeBootOption => t!("error-no-free-boot-option"),
    }
}

/// Why the medium cannot be used.
pub fn load_error(e: &LoadError) -> String {
    match e {
        LoadError::Medium(m) => t!("load-medium", detail = detail::read_error(m)),
        LoadError::Payload(e) => error(e),
        LoadError::OnePayload { name, source } => t!(
            "load-one-payload",
            name = name.as_str(),
            detail = error(source)
        ),
    }
}

/// Why the chosen disk could not be inspected.
pub fn inspect_error(e: &InspectError) -> String {
    match e {
        InspectError::Disk(e) => error(e),
        InspectError::MachineId(m) => t!("inspect-machine-id", detail = m.to_string()),
    }
}

/// Why a run failed.
pub fn run_error(e: &RunError) -> String {
    match e {
        RunError::Open { disk, source } => t!(
            "run-open",
            disk = disk.display().to_string(),
            detail = io_error(source)
        ),
        RunError::Engine(e) => error(e),
        RunError::MediumGone { medium, source } => t!(
            "run-medium-gone",
            medium = medium.display().to_string(),
            detail = error(source)
        ),
    }
}

/// Where a payload's file stops too early. The part is given to the
/// catalog as a selector, so each language says "the header of the
/// manifest" its own way (French contracts "de le" into "du").
fn cut(c: &payload::Cut) -> String {
    use payload::Cut;
    match c {
        Cut::Header(s) => {
            let (section, name) = section(s);
            t!("cut-header", section = section, name = name)
        }
        Cut::Whole(s) => {
            let (section, name) = section(s);
            t!("cut-whole", section = section, name = name)
        }
        Cut::Padding(s) => {
            let (section, name) = section(s);
            t!("cut-padding", section = section, name = name)
        }
        Cut::EndMarker => t!("cut-end-marker"),
        Cut::Bytes {
            component,
            chunk: None,
            start,
            end,
        } => t!(
            "cut-bytes",
            component = component.as_str(),
            start = start.to_string(),
            end = end.to_string()
        ),
        Cut::Bytes {
            component,
            chunk: Some(i),
            start,
            end,
        } => t!(
            "cut-chunk",
            component = component.as_str(),
            chunk = i.to_string(),
            start = start.to_string(),
            end = end.to_string()
        ),
    }
}

/// A part of a payload as the catalog's selector and the component's
/// name.
fn section(s: &payload::Section) -> (&'static str, &str) {
    use payload::Section;
    match s {
        Section::Manifest => ("manifest", ""),
        Section::Signature => ("signature", ""),
        Section::Component(name) => ("component", name.as_str()),
        Section::End => ("end", ""),
    }
}
