//! Why the engine, the medium or a run failed.

use install::doing::{Act, Object};
use install::{DiskChange, Doing};

use super::payload_error::payload_error;
use super::{detail, io_error, refusal};
use crate::l10n::{os_error, t};
use crate::tui::failure::{InspectError, LoadError, RunError, TerminalAct, TerminalError};

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
            detail = os_error(source)
        ),
        E::Io { what, source } => t!("error-io", what = doing(what), detail = os_error(source)),
        E::Payload(p) => t!("error-payload", error = payload_error(p)),
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
        E::Medium(m) => t!("error-medium", detail = medium_error(m.as_ref())),
        E::Cancelled => t!("error-cancelled"),
        E::NoFreeBootOption => t!("error-no-free-boot-option"),
    }
}

/// Why the medium failed while a run read the payload from it: the
/// installer's own [`ReadError`](crate::boot_medium::ReadError) in the
/// engine's error, or what the system said.
fn medium_error(m: &(dyn std::error::Error + Send + Sync + 'static)) -> String {
    if let Some(r) = m.downcast_ref::<crate::boot_medium::ReadError>() {
        detail::read_error(r)
    } else if let Some(e) = m.downcast_ref::<std::io::Error>() {
        os_error(e)
    } else {
        t!("os-text", detail = m.to_string())
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
        InspectError::MachineId(m) => t!("inspect-machine-id", detail = os_error(m)),
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

/// Why the screens stopped: what they asked of the terminal, and what the
/// system said.
pub fn terminal_error(e: &TerminalError) -> String {
    let act = match e.act {
        TerminalAct::RawMode => t!("terminal-raw-mode"),
        TerminalAct::AlternateScreen => t!("terminal-alternate-screen"),
        TerminalAct::Measure => t!("terminal-measure"),
        TerminalAct::Clear => t!("terminal-clear"),
        TerminalAct::Draw => t!("terminal-draw"),
        TerminalAct::Wait => t!("terminal-wait"),
        TerminalAct::ReadKey => t!("terminal-read-key"),
        TerminalAct::Resize => t!("terminal-resize"),
    };
    t!("terminal-error", act = act, detail = os_error(&e.source))
}
