//! The answer file of an unattended run: where the installer finds it. The
//! format and its parser are the engine's (`install::answers`,
//! `docs/answer-file.md`).

use std::path::Path;

pub use install::answers::{AnswerError, AnswerFile, AnswerProblem, Finish};

use crate::boot_medium::{BootMedium, ReadError};

/// The answer file, first match: `explicit` (`--answer`), the kernel
/// parameter `ferry.answer=` (`none`: no answer file; an absolute path in
/// the initramfs, else a path on the medium), `ferry/answer.toml` on the
/// medium. `None` when there is none; a file that cannot be read or parsed
/// is an error to show.
pub fn find(
    explicit: Option<&Path>,
    param: Option<&str>,
    medium: &BootMedium,
) -> Option<Result<AnswerFile, AnswerError>> {
    // The reason stays English: `AnswerProblem::Unreadable` carries text
    // (the log's words), said after a translated sentence.
    let read = |source: String, text: Result<Option<String>, ReadError>| match text {
        Ok(Some(t)) => Some(AnswerFile::parse(&source, &t)),
        Ok(None) => None,
        Err(e) => Some(Err(AnswerError::unreadable(source, e.to_string()))),
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
