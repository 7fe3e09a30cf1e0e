//! Why a configuration cannot be migrated (`migrate::Error`): the set's
//! rules, the chain, the documents, a step that cannot apply.

use migrate::{DocumentProblem, NameProblem, NoPath, OpAt, OpProblem, RangeProblem, SpecError};

use super::{shown, toml_syntax};
use crate::l10n::{os_error, t};

/// Why a configuration cannot be migrated (`migrate::Error`).
pub fn migrate(e: &migrate::Error) -> String {
    use migrate::Error as M;
    match e {
        M::SpecTooLarge { size, limit } => t!(
            "migrate-spec-too-large",
            size = size.to_string(),
            limit = limit.to_string()
        ),
        M::Spec(problem) => t!("migrate-spec", problem = spec(problem)),
        M::NoPath { from, to, reason } => t!(
            "migrate-no-path",
            from = from.to_string(),
            to = to.to_string(),
            reason = no_path(reason)
        ),
        M::SchemaMismatch {
            file,
            found,
            expected,
        } => t!(
            "migrate-schema-mismatch",
            file = file.as_str(),
            found = found.to_string(),
            expected = expected.to_string()
        ),
        M::Document { file, reason } => t!(
            "migrate-document",
            file = file.as_str(),
            problem = document(reason)
        ),
        M::Migration(f) => failure(f),
        M::TargetNotEmpty { path } => t!("migrate-target-not-empty", path = shown(path)),
        M::Io { path, source } => t!("migrate-io", path = shown(path), detail = os_error(source)),
    }
}

/// What is wrong with the migration set.
fn spec(e: &SpecError) -> String {
    use SpecError as S;
    match e {
        S::NotText { offset } => not_text(*offset),
        S::Syntax(s) => toml_syntax(s),
        S::ZeroSchema => t!("migrate-spec-zero-schema"),
        S::NotOneStep { step } => t!("migrate-spec-not-one-step", step = step_at(step)),
        S::NotFollowing { step, previous_end } => t!(
            "migrate-spec-not-following",
            step = step_at(step),
            end = previous_end.to_string()
        ),
        S::LastStepEnd { end, schema } => t!(
            "migrate-spec-last-step-end",
            end = end.to_string(),
            schema = schema.to_string()
        ),
        S::Op { step, op } => t!("migrate-spec-op", step = step_at(step), op = op_at(op)),
    }
}

fn not_text(offset: usize) -> String {
    t!("migrate-not-text", offset = offset.to_string())
}

fn step_at(s: &migrate::StepAt) -> String {
    t!(
        "migrate-spec-step",
        index = s.index.to_string(),
        from = s.from.to_string(),
        to = s.to.to_string()
    )
}

fn op_at(o: &OpAt) -> String {
    t!(
        "migrate-spec-op-at",
        index = o.index.to_string(),
        name = o.name,
        problem = op_problem(&o.problem)
    )
}

/// The rule of the set an operation breaks.
fn op_problem(p: &OpProblem) -> String {
    use OpProblem as P;
    let key = |k: &migrate::KeyPath| k.to_string();
    match p {
        P::NoFile => t!("migrate-op-no-file"),
        P::Key(k) => t!(
            "migrate-key-path",
            key = format!("{:?}", k.key),
            problem = name(&k.problem)
        ),
        P::File(n) | P::NewName(n) => name(n),
        P::FileInForEach => t!("migrate-op-file-in-for-each"),
        P::RenameToItself => t!("migrate-op-rename-to-itself"),
        P::MoveToFileInForEach => t!("migrate-op-move-to-file-in-for-each"),
        P::MoveIntoItself { key: from, to } => {
            t!("migrate-op-move-into-itself", key = key(from), to = key(to))
        }
        P::EmptySeparator => t!("migrate-op-empty-separator"),
        P::TooFewParts => t!("migrate-op-too-few-parts"),
        P::PartTwice { key: k } => t!("migrate-op-part-twice", key = key(k)),
        P::PartHoldsAnother { key: k } => t!("migrate-op-part-holds-another", key = key(k)),
        P::PartType { key: k, found } => t!(
            "migrate-op-part-type",
            key = key(k),
            found = value_type(*found)
        ),
        P::PartDefault { key: k, reason: r } => {
            t!("migrate-op-part-default", key = key(k), reason = reason(r))
        }
        P::Default(r) => t!("migrate-op-default", reason = reason(r)),
        P::EmptyMap => t!("migrate-op-empty-map"),
        // The value as the set writes it in TOML.
        P::MapTwice { value } => t!("migrate-op-map-twice", value = value.as_str()),
        P::NothingToCheck => t!("migrate-op-nothing-to-check"),
        P::Range(RangeProblem::MinAboveMax { min, max }) => t!(
            "migrate-op-min-above-max",
            min = min.to_string(),
            max = max.to_string()
        ),
        P::Range(RangeProblem::NotInteger) => t!("migrate-op-range-not-integer"),
        P::TooDeep { max } => t!("migrate-op-too-deep", max = max.to_string()),
        P::InForEach { array, op } => {
            t!("migrate-op-in-for-each", array = key(array), op = op_at(op))
        }
    }
}

/// What is wrong with a key or file name.
fn name(n: &NameProblem) -> String {
    use NameProblem as N;
    let quoted = |s: &str| format!("{s:?}");
    let character = |c: &char| format!("{c:?}");
    match n {
        N::EmptyKey => t!("migrate-name-empty-key"),
        N::KeyTooLong { max } => t!("migrate-name-key-too-long", max = max.to_string()),
        N::KeyCharacter { name, character: c } => t!(
            "migrate-name-key-character",
            name = quoted(name),
            character = character(c)
        ),
        N::TooManyParts { max } => t!("migrate-name-too-many-parts", max = max.to_string()),
        N::FileNameLength { max } => t!("migrate-name-file-length", max = max.to_string()),
        N::HiddenFile { name } => t!("migrate-name-hidden-file", name = quoted(name)),
        N::FileCharacter { name, character: c } => t!(
            "migrate-name-file-character",
            name = quoted(name),
            character = character(c)
        ),
        N::NotTomlDocument { name } => {
            t!("migrate-name-not-toml-document", name = quoted(name))
        }
        N::SchemaFile => t!("migrate-name-schema-file", file = migrate::SCHEMA_FILE),
    }
}

/// Why the set has no chain of steps for the configuration.
fn no_path(r: &NoPath) -> String {
    match r {
        NoPath::Downgrade => t!("migrate-no-path-downgrade"),
        NoPath::PastRelease { schema } => {
            t!("migrate-no-path-past-release", schema = schema.to_string())
        }
        NoPath::TooOld { oldest, from } => t!(
            "migrate-no-path-too-old",
            oldest = oldest.to_string(),
            from = from.to_string()
        ),
    }
}

/// What reading a configuration document found wrong.
fn document(p: &DocumentProblem) -> String {
    use DocumentProblem as D;
    match p {
        D::NotText { offset } => not_text(*offset),
        D::Syntax(s) => t!("migrate-document-syntax", syntax = toml_syntax(s)),
        D::Name(n) => name(n),
        D::TooLarge { size, max } => t!(
            "migrate-document-too-large",
            size = size.to_string(),
            max = max.to_string()
        ),
        D::TooManyFiles { max } => {
            t!("migrate-document-too-many-files", max = max.to_string())
        }
        D::NotAFile => t!("migrate-document-not-a-file"),
        D::NoSchemaFile => t!("migrate-document-no-schema-file"),
        D::NoSchemaKey => t!("migrate-document-no-schema-key"),
        D::BadSchema => t!("migrate-document-bad-schema"),
    }
}

/// A migration step that cannot apply.
fn failure(f: &migrate::Failure) -> String {
    t!(
        "migrate-failure",
        file = f.file.as_str(),
        key = f.key.as_str(),
        from = f.from_schema.to_string(),
        to = f.to_schema.to_string(),
        reason = reason(&f.reason)
    )
}

fn reason(r: &migrate::Reason) -> String {
    use migrate::Reason as R;
    match r {
        R::Missing => t!("migrate-reason-missing"),
        R::WrongType { expected, found } => t!(
            "migrate-reason-wrong-type",
            expected = value_type(*expected),
            found = value_type(*found)
        ),
        R::OutOfRange { value, min, max } => {
            let value = value.to_string();
            match (min, max) {
                (Some(min), Some(max)) => t!(
                    "migrate-reason-out-of-range-between",
                    value = value,
                    min = min.to_string(),
                    max = max.to_string()
                ),
                (Some(min), None) => t!(
                    "migrate-reason-out-of-range-min",
                    value = value,
                    min = min.to_string()
                ),
                (None, Some(max)) => t!(
                    "migrate-reason-out-of-range-max",
                    value = value,
                    max = max.to_string()
                ),
                (None, None) => t!("migrate-reason-out-of-range", value = value),
            }
        }
        R::Exists { target } => t!("migrate-reason-exists", target = target.as_str()),
        R::NotATable { key } => t!("migrate-reason-not-a-table", key = key.as_str()),
        R::NotAnArrayOfTables => t!("migrate-reason-not-an-array-of-tables"),
        R::Unmapped { value } => t!("migrate-reason-unmapped", value = value.as_str()),
        R::TooFewParts {
            separator,
            expected,
            found,
        } => t!(
            "migrate-reason-too-few-parts",
            separator = format!("{separator:?}"),
            expected = expected.to_string(),
            found = found.to_string()
        ),
        R::NotAnInteger { part } => {
            t!("migrate-reason-not-an-integer", part = format!("{part:?}"))
        }
    }
}

/// A value's type, with its article (`an integer`, `un entier`).
fn value_type(v: migrate::ValueType) -> String {
    use migrate::ValueType as V;
    t!(
        "migrate-value-type",
        kind = match v {
            V::String => "string",
            V::Integer => "integer",
            V::Float => "float",
            V::Boolean => "boolean",
            V::Datetime => "datetime",
            V::Array => "array",
            V::Table => "table",
        }
    )
}
