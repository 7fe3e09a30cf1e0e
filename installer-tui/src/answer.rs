//! The answer file of an unattended run: where the installer finds it. The
//! format and its parser are the engine's (`install::answers`,
//! `docs/answer-file.md`).

use std::path::Path;
use std::sync::Arc;

pub use install::answers::{AnswerError, AnswerFile, AnswerProblem, Finish};

use crate::boot_medium::{BootMedium, ReadError};

/// Why the answer file found cannot be followed: it cannot be read, or
/// what it says is wrong (the engine's [`AnswerError`], with its line and
/// key). The English `Display` is the log's; the screens say it in their
/// language (`l10n::engine::answer_file_error`).
#[derive(Debug, Clone, thiserror::Error)]
pub enum AnswerFileError {
    #[error("{file} cannot be read: {error}")]
    Unreadable {
        /// Where the file was looked for, as the messages name it.
        file: String,
        #[source]
        error: Arc<ReadError>,
    },
    #[error(transparent)]
    Invalid(#[from] AnswerError),
}

/// The answer file, first match: `explicit` (`--answer`), the kernel
/// parameter `ferry.answer=` (`none`: no answer file; an absolute path in
/// the initramfs, else a path on the medium), `ferry/answer.toml` on the
/// medium. `None` when there is none; a file that cannot be read or parsed
/// is an error to show.
pub fn find(
    explicit: Option<&Path>,
    param: Option<&str>,
    medium: &BootMedium,
) -> Option<Result<AnswerFile, AnswerFileError>> {
    let read = |file: String, text: Result<Option<String>, ReadError>| match text {
        Ok(Some(t)) => Some(AnswerFile::parse(&file, &t).map_err(AnswerFileError::from)),
        Ok(None) => None,
        Err(e) => Some(Err(AnswerFileError::Unreadable {
            file,
            error: Arc::new(e),
        })),
    };
    let from_file = |p: &Path| {
        std::fs::read_to_string(p)
            .map(Some)
            .map_err(|source| ReadError::Read {
                path: p.to_path_buf(),
                source,
            })
    };
    if let Some(p) = explicit {
        return read(p.display().to_string(), from_file(p));
    }
    match param {
        Some("none") => None,
        Some(p) if Path::new(p).is_absolute() && Path::new(p).exists() => {
            read(p.to_string(), from_file(Path::new(p)))
        }
        Some(p) => {
            let rel = p.trim_start_matches('/');
            let text = medium.read_file(rel).and_then(|t| {
                t.map(Some).ok_or_else(|| ReadError::Missing {
                    file: rel.to_string(),
                })
            });
            read(format!("{p} (ferry.answer)"), text)
        }
        None => read(medium::ANSWER_PATH.to_string(), medium.answer()),
    }
}
