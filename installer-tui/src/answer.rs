//! The answer file of an unattended run: where the installer finds it. The
//! format and its parser are the engine's (`install::answers`,
//! `docs/answer-file.md`).

use std::path::Path;

use anyhow::Context;
pub use install::answers::{AnswerError, AnswerFile, AnswerProblem, Finish};

use crate::boot_medium::BootMedium;

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
    let read = |source: String, text: anyhow::Result<Option<String>>| match text {
        Ok(Some(t)) => Some(AnswerFile::parse(&source, &t)),
        Ok(None) => None,
        Err(e) => Some(Err(AnswerError::unreadable(source, format!("{e:#}")))),
    };
    if let Some(p) = explicit {
        let text = std::fs::read_to_string(p)
            .map(Some)
            .with_context(|| format!("reading {}", p.display()));
        return read(p.display().to_string(), text);
    }
    match param {
        Some("none") => None,
        Some(p) if Path::new(p).is_absolute() && Path::new(p).exists() => read(
            p.to_string(),
            std::fs::read_to_string(p).map(Some).map_err(Into::into),
        ),
        Some(p) => {
            let rel = p.trim_start_matches('/');
            let text = medium.read_file(rel).and_then(|t| {
                t.map(Some).ok_or_else(|| {
                    anyhow::anyhow!("no such file on the medium or in the initramfs")
                })
            });
            read(format!("{p} (ferry.answer)"), text)
        }
        None => read(medium::ANSWER_PATH.to_string(), medium.answer()),
    }
}
