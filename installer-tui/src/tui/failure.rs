//! Why background work failed, as types: the screens render these, and
//! tests match on their variants. Engine errors ([`install::Error`]) are
//! carried as they are, never turned into strings on the way.

use std::path::PathBuf;

/// Why the medium cannot be used (the Welcome screen says so, and
/// Install is not possible).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The medium could not be read (a stick's file system, an ISO).
    #[error("{0:#}")]
    Medium(crate::boot_medium::ReadError),
    /// The payload did not verify.
    #[error(transparent)]
    Payload(install::Error),
    /// One of the medium's several payloads did not verify.
    #[error("{name}: {source}")]
    OnePayload {
        name: String,
        #[source]
        source: Box<install::Error>,
    },
}

/// Why the chosen disk could not be inspected (What to do says so).
#[derive(Debug, thiserror::Error)]
pub enum InspectError {
    #[error(transparent)]
    Disk(install::Error),
    #[error("choosing a machine id: {0}")]
    MachineId(std::io::Error),
}

/// Why a run failed (the Failed screen's "What failed").
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The disk could not be opened for writing: nothing was written.
    #[error("opening {} for writing: {source}", disk.display())]
    Open {
        disk: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The engine stopped.
    #[error(transparent)]
    Engine(install::Error),
    /// The engine stopped, and the medium is gone: the likely cause.
    #[error(
        "the medium {} was removed or stopped answering while the payload was read from it \
         ({source}); put it back and start the installer from it again",
        medium.display()
    )]
    MediumGone {
        medium: PathBuf,
        #[source]
        source: install::Error,
    },
}

/// A failed run: why, and the report the engine made, if it got that far.
#[derive(Debug)]
pub struct Failed {
    pub error: RunError,
    pub report: Option<Box<install::Report>>,
}

/// Why the screens stopped: the terminal refused what they asked of it.
#[derive(Debug, thiserror::Error)]
#[error("{act}: {source}")]
pub struct TerminalError {
    pub act: TerminalAct,
    #[source]
    pub source: std::io::Error,
}

/// What the screens were asking of the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TerminalAct {
    #[error("switching the terminal to raw mode")]
    RawMode,
    #[error("switching to the terminal's alternate screen")]
    AlternateScreen,
    #[error("measuring the terminal")]
    Measure,
    #[error("clearing the screen")]
    Clear,
    #[error("drawing the screen")]
    Draw,
    #[error("waiting for a key")]
    Wait,
    #[error("reading a key")]
    ReadKey,
    #[error("following the terminal's new size")]
    Resize,
}

impl TerminalAct {
    /// The error of this act failing with `source`.
    pub fn failed(self) -> impl FnOnce(std::io::Error) -> TerminalError {
        move |source| TerminalError { act: self, source }
    }
}
