//! What every medium is built from besides the boot kit and the payload:
//! the answer file, the output path, the time stamp.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use time::OffsetDateTime;

/// Whether two paths name the same file (the second may not exist yet).
pub(crate) fn same_file(a: &Path, b: &Path) -> bool {
    let canon = |p: &Path| -> Option<PathBuf> {
        p.canonicalize().ok().or_else(|| {
            let parent = p
                .parent()
                .filter(|x| !x.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            Some(parent.canonicalize().ok()?.join(p.file_name()?))
        })
    };
    matches!((canon(a), canon(b)), (Some(x), Some(y)) if x == y)
}

/// The answer file at `p`, checked to be small TOML.
pub(crate) fn read_answer(p: &Path) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(p).with_context(|| format!("reading {}", p.display()))?;
    if meta.len() > medium::stick::MAX_ANSWER_BYTES {
        bail!(
            "{} is larger than 1 MiB; an answer file is small TOML",
            p.display()
        );
    }
    let bytes = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
    let text =
        std::str::from_utf8(&bytes).map_err(|_| anyhow!("{} is not UTF-8 text", p.display()))?;
    toml::from_str::<toml::Table>(text)
        .map_err(|e| anyhow!("{} is not valid TOML: {}", p.display(), e.message()))?;
    Ok(bytes)
}

/// The time of every time stamp on a medium: `SOURCE_DATE_EPOCH`, else
/// the payload's own creation time (`created`, RFC 3339), else 1980-01-01.
pub(crate) fn build_time(created: &str) -> Result<OffsetDateTime> {
    let secs = match bootkit::source_date_epoch()? {
        Some(secs) => i64::from(secs),
        None => OffsetDateTime::parse(created, &time::format_description::well_known::Rfc3339)
            .map(|t| t.unix_timestamp())
            .unwrap_or(315_532_800),
    };
    Ok(OffsetDateTime::from_unix_timestamp(secs).unwrap_or(OffsetDateTime::UNIX_EPOCH))
}
