use std::io;
use std::path::PathBuf;

/// Why a medium could not be read, in words an admin understands.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: io::Error,
    },
    #[error("not an ISO 9660 medium: {0}")]
    NotIso(String),
    #[error("the medium is damaged: {0}")]
    Damaged(String),
    #[error("{0}: no such file on the medium")]
    NotFound(String),
    #[error("{path}: {size} bytes is more than the {max} bytes allowed")]
    TooLarge { path: String, size: u64, max: u64 },
    #[error("the medium carries no checksum")]
    NoChecksum,
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Fat(#[from] fat::Error),
    #[error(
        "the boot medium{} was not found{}: is the DVD or stick still in?",
        id.as_ref().map(|id| format!(" (id {id})")).unwrap_or_default(),
        if others.is_empty() { String::new() } else { format!("; other Ferry media: {}", list(others)) }
    )]
    BootMediumNotFound {
        /// The id from `ferry.medium=`, if the command line has one.
        id: Option<String>,
        /// Devices holding other Ferry media.
        others: Vec<PathBuf>,
    },
    #[error(
        "{} each hold a Ferry medium {}, and medium.toml is not signed: the installer cannot \
         tell which one it started from. Remove every medium but the one to install from, \
         then start again",
        list(devices),
        match id { Some(id) => format!("with id {id}"), None => "and the boot command line names none (ferry.medium=)".to_string() }
    )]
    SeveralBootMedia {
        /// The id from `ferry.medium=`, if the command line has one.
        id: Option<String>,
        /// Every device that could be the boot medium.
        devices: Vec<PathBuf>,
    },
}

fn list(devices: &[PathBuf]) -> String {
    let names: Vec<String> = devices.iter().map(|d| d.display().to_string()).collect();
    names.join(", ")
}

impl Error {
    pub(crate) fn io(what: impl Into<String>) -> impl FnOnce(io::Error) -> Error {
        let what = what.into();
        move |source| Error::Io { what, source }
    }
}
