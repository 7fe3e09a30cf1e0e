//! What is wrong with the answer file.

use super::action;
use super::detail::{read_error, toml_syntax};
use super::refusal;
use crate::answer::{AnswerError, AnswerFileError, AnswerProblem};
use crate::l10n::t;

/// Why the answer file found cannot be followed.
pub fn answer_file_error(e: &AnswerFileError) -> String {
    match e {
        AnswerFileError::Unreadable { file, error } => t!(
            "answer-unreadable",
            file = file.as_str(),
            reason = read_error(error)
        ),
        AnswerFileError::Invalid(e) => answer_error(e),
    }
}

/// What is wrong with the answer file.
pub(super) fn answer_error(e: &AnswerError) -> String {
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
        // Its line is the error's; the column, and the parser's words.
        A::NotToml(s) => match s.at {
            Some(at) => t!(
                "answer-not-toml-at",
                column = at.column.to_string(),
                message = s.message.as_str()
            ),
            None => t!("answer-not-toml", message = s.message.as_str()),
        },
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
        M::NotToml { document, error } => t!(
            "answer-document-not-toml",
            document = document.as_str(),
            reason = toml_syntax(error)
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
            detail = super::detail::migrate(source)
        ),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::boot_medium::ReadError;
    use crate::l10n::{in_lang, Lang};

    fn syntax(at: bool) -> toml_syntax::SyntaxError {
        toml_syntax::SyntaxError {
            at: at.then_some(toml_syntax::Position { line: 5, column: 9 }),
            message: "invalid table header".into(),
        }
    }

    /// The answer file's errors that carry facts from outside the engine:
    /// the reader's, the TOML parser's.
    fn errors() -> Vec<AnswerFileError> {
        let at = |problem| {
            AnswerFileError::Invalid(AnswerError {
                source: "ferry/answer.toml".into(),
                line: 5,
                key: String::new(),
                problem,
            })
        };
        vec![
            AnswerFileError::Unreadable {
                file: "ferry/answer.toml".into(),
                error: Arc::new(ReadError::Medium(medium::Error::Fat(
                    fat::Error::ChainLoop {
                        cluster: 7,
                        next: 3,
                    },
                ))),
            },
            AnswerFileError::Unreadable {
                file: "/x.toml (ferry.answer)".into(),
                error: Arc::new(ReadError::Missing {
                    file: "x.toml".into(),
                }),
            },
            at(AnswerProblem::NotToml(syntax(true))),
            at(AnswerProblem::NotToml(syntax(false))),
            at(AnswerProblem::Mismatch(Box::new(
                install::AnswerMismatch::NotToml {
                    document: "engine.toml".into(),
                    error: syntax(true),
                },
            ))),
        ]
    }

    #[test]
    fn unreadable_and_malformed_answer_files_in_both_languages() {
        for e in errors() {
            let en = in_lang(Lang::En, || answer_file_error(&e));
            assert_eq!(en, e.to_string());
            let fr = in_lang(Lang::Fr, || answer_file_error(&e));
            assert_ne!(fr, en);
        }
        assert_eq!(
            in_lang(Lang::Fr, || answer_file_error(&errors()[2])),
            "ferry/answer.toml, ligne 5 : ce n'est pas du TOML valide, colonne 9 : \
             invalid table header"
        );
        assert_eq!(
            errors()[2].to_string(),
            "ferry/answer.toml line 5: not valid TOML at column 9: invalid table header"
        );
    }
}
