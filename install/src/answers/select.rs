//! Fitting an answer file to the machine and the release: which disk it
//! picks, which action that disk gets, and the line to point at when the
//! release refuses.

use detect::{Content, DiskReport};
use toml_edit::{ImDocument, Item};

use super::{line_of, AnswerError, AnswerFile, AnswerProblem, DiskSelector, Requested};
use crate::error::Refusal;
use crate::plan::Action;

impl AnswerFile {
    /// The error for a refusal by the release: of a `[config]` value, at
    /// its document's table, else of the action, at `install.action`.
    pub fn refused(&self, refusal: Refusal) -> AnswerError {
        let Refusal::Answers(mismatch) = refusal else {
            return self.key_error("action", AnswerProblem::Refused(Box::new(refusal)));
        };
        let line = self
            .config_lines
            .get(mismatch.document())
            .copied()
            .unwrap_or_else(|| line_of(&self.text, self.text.find("[config").map(|s| s..s)));
        AnswerError {
            source: self.source.clone(),
            line,
            key: "config".into(),
            problem: AnswerProblem::Mismatch(Box::new(mismatch)),
        }
    }

    /// An error about `install.KEY`, at its line.
    pub fn key_error(&self, key: &str, problem: AnswerProblem) -> AnswerError {
        let line = ImDocument::parse(self.text.as_str())
            .ok()
            .and_then(|d| {
                d.as_table()
                    .get("install")
                    .and_then(Item::as_table_like)
                    .and_then(|t| t.key(key).and_then(|k| k.span()))
            })
            .map_or(1, |s| line_of(&self.text, Some(s)));
        AnswerError {
            source: self.source.clone(),
            line,
            key: format!("install.{key}"),
            problem,
        }
    }

    /// The index of the disk the selector picks among `disks`.
    pub fn pick_disk(&self, disks: &[DiskReport]) -> Result<usize, AnswerError> {
        let found: Vec<usize> = match &self.disk {
            DiskSelector::Only => {
                return match disks.len() {
                    1 => Ok(0),
                    0 => Err(self.key_error("disk", AnswerProblem::NoDisks)),
                    n => Err(self.key_error("disk", AnswerProblem::SeveralDisks(n))),
                }
            }
            DiskSelector::Path(p) => (0..disks.len()).filter(|&i| &disks[i].path == p).collect(),
            DiskSelector::Match {
                model,
                serial,
                size_min,
            } => (0..disks.len())
                .filter(|&i| {
                    let d = &disks[i];
                    model
                        .as_ref()
                        .is_none_or(|m| d.model.as_deref() == Some(m.as_str()))
                        && serial
                            .as_ref()
                            .is_none_or(|s| d.serial.as_deref() == Some(s.as_str()))
                        && size_min.is_none_or(|s| d.size >= s)
                })
                .collect(),
        };
        match found[..] {
            [i] => Ok(i),
            [] => Err(self.key_error("disk", AnswerProblem::NoMatch)),
            _ => Err(self.key_error("disk", AnswerProblem::ManyMatch(found.len()))),
        }
    }

    /// The engine's action for this disk, or why there is none.
    pub fn action_for(&self, disk: &DiskReport) -> Result<Action, AnswerError> {
        let used = !matches!(disk.content, Content::Blank);
        let action = match (self.requested, &disk.content) {
            (Requested::Upgrade, _) => Action::Upgrade,
            (Requested::Repair, _) => Action::Repair,
            (Requested::Wipe, _) => Action::Wipe,
            (Requested::Install, Content::Blank) => Action::Install,
            (Requested::Install, _) => Action::Wipe,
            (Requested::Auto, Content::Ferry(_)) => Action::Upgrade,
            (Requested::Auto, Content::Blank) => Action::Install,
            (Requested::Auto, _) => {
                return Err(
                    self.key_error("action", AnswerProblem::AutoWontErase(disk.path.clone()))
                )
            }
        };
        if matches!(action, Action::Wipe | Action::Install) && used && !self.confirm_erase {
            return Err(self.key_error(
                "confirm-erase",
                AnswerProblem::EraseNotConfirmed(disk.path.clone()),
            ));
        }
        Ok(action)
    }
}
