//! What is wrong with the answer file.

use super::action;
use super::refusal;
use crate::answer::{AnswerError, AnswerProblem};
use crate::l10n::t;

/// What is wrong with the answer file.
pub fn answer_error(e: &AnswerError) -> String {
    let problem = answer_problem(&e.problem);
    if e.key.is_empty() {
        t!(
            "answer-error",
            source = e.source.as_str(),
            line = e.line.to_string(),
            problem = problem
        )
    } else {
        t!(
            "answer-error-key",
            source = e.source.as_str(),
            line = e.line.to_string(),
            key = e.key.as_str(),
            problem = problem
        )
    }
}

/// What is wrong at one place of the answer file.
fn answer_problem(p: &AnswerProblem) -> String {
    use AnswerProblem as A;
    match p {
        A::Unreadable(d) => t!("answer-unreadable", detail = d.as_str()),
        A::NotToml(d) => t!("answer-not-toml", detail = d.as_str()),
        A::UnknownKey { expected } => t!("answer-unknown-key", expected = expected.join(", ")),
        A::NoInstallTable => t!("answer-no-install-table"),
        A::NotATable => t!("answer-not-a-table"),
        A::NotAString => t!("answer-not-a-string"),
        A::NoAction => t!("answer-no-action"),
        A::NotAnAction(s) => t!("answer-not-an-action", value = format!("{s:?}")),
        A::NotALanguage { given, expected } => {
            let q: Vec<String> = expected.iter().map(|c| format!("{c:?}")).collect();
            let (last, rest) = q.split_last().unwrap_or((given, &[]));
            t!(
                "answer-not-a-language",
                value = format!("{given:?}"),
                count = q.len(),
                rest = rest.join(", "),
                last = last.as_str()
            )
        }
        A::NoDisk => t!("answer-no-disk"),
        A::NotADisk(s) => t!("answer-not-a-disk", value = format!("{s:?}")),
        A::NotADiskSelector => t!("answer-not-a-disk-selector"),
        A::EmptySelector => t!("answer-empty-selector"),
        A::NotASize => t!("answer-not-a-size"),
        A::NotConfirmed(s) => t!("answer-not-confirmed", value = format!("{s:?}")),
        A::ConfigOnUpgrade => t!("answer-config-on-upgrade"),
        A::NotDocuments => t!("answer-not-documents"),
        A::NotADocument => t!("answer-not-a-document"),
        A::NotSettings => t!("answer-not-settings"),
        A::TableNotValue => t!("answer-table-not-value"),
        A::NotAValue(s) => t!("answer-not-a-value", value = s.as_str()),
        A::NotAFinish(s) => t!("answer-not-a-finish", value = format!("{s:?}")),
        A::BadDelay => t!("answer-bad-delay"),
        A::NoDisks => t!("answer-no-disks"),
        A::SeveralDisks(n) => t!("answer-several-disks", count = *n),
        A::NoMatch => t!("answer-no-match"),
        A::ManyMatch(n) => t!("answer-many-match", count = *n),
        A::AutoWontErase(disk) => {
            t!("answer-auto-wont-erase", disk = disk.display().to_string())
        }
        A::EraseNotConfirmed(disk) => {
            t!(
                "answer-erase-not-confirmed",
                disk = disk.display().to_string()
            )
        }
        A::NotOffered(a) => t!("answer-not-offered", action = action(*a)),
        A::Refused(r) => refusal(r),
        A::Mismatch(m) => t!("refusal-answers-mismatch", detail = answer_mismatch(m)),
    }
}

/// Why the answer file's configuration values do not fit the release.
pub(super) fn answer_mismatch(m: &install::AnswerMismatch) -> String {
    use install::AnswerMismatch as M;
    match m {
        M::SchemaDocument { document } => {
            t!("answer-schema-document", document = document.as_str())
        }
        M::NoDocument { document } => t!("answer-no-document", document = document.as_str()),
        M::NotToml { document, reason } => t!(
            "answer-document-not-toml",
            document = document.as_str(),
            detail = reason.as_str()
        ),
        M::BadKey { document, key } => t!(
            "answer-bad-key",
            document = document.as_str(),
            key = key.as_str()
        ),
        M::NoTable {
            document,
            key,
            table,
        } => t!(
            "answer-no-table",
            document = document.as_str(),
            key = key.as_str(),
            table = table.as_str()
        ),
        M::NoKey { document, key } => t!(
            "answer-no-key",
            document = document.as_str(),
            key = key.as_str()
        ),
        M::TypeChanged {
            document,
            key,
            release,
            answer,
        } => t!(
            "answer-type-changed",
            document = document.as_str(),
            key = key.as_str(),
            release = *release,
            answer = *answer
        ),
        M::Tree { document, source } => t!(
            "answer-tree",
            document = document.as_str(),
            detail = source.to_string()
        ),
    }
}
