//! Versioned configuration migrations for Ferry upgrades.
//!
//! A release ships every step of its configuration schema, from N to N+1, as
//! data in its payload's `migrations.toml` ([`MigrationSet`]). On upgrade the
//! installer reads the old slot's configuration ([`ConfigTree`]), works out a
//! [`MigrationPlan`] in memory with [`plan`] (every change and a unified diff
//! of every document, for the technician to read), and [`apply`] writes the
//! migrated copy as the new slot's configuration directory. The old one is
//! never touched; a step that cannot apply stops everything with the file,
//! key and reason, and nothing is written.
//!
//! Documents are edited with `toml_edit`: comments, key order and every key
//! no step names are carried over as they were.
//!
//! The schema of a configuration is recorded in its own document,
//! `ferry.toml`, as `schema = N`; migrations may not edit it, and `plan`
//! sets it to the new schema. See `docs/migrations.md`.

mod change;
mod edit;
mod engine;
mod error;
mod fs;
mod path;
mod plan;
mod spec;
mod spec_error;
mod tree;
mod value;

pub use change::{Change, ChangeKind};
pub use error::{DocumentProblem, Error, Failure, NoPath, Reason};
pub use fs::{apply, write_tree};
pub use path::{KeyPath, KeyPathError, NameProblem, SCHEMA_FILE};
pub use plan::{plan, plan_upgrade, DocumentDiff, MigrationPlan};
pub use spec::{
    Check, DropKey, ForEach, MapValues, Mapping, MigrationSet, Move, Op, Rename, SetDefault, Split,
    SplitPart, Step, Unmapped, MAX_SPEC_SIZE,
};
pub use spec_error::{OpAt, OpProblem, RangeProblem, SpecError, StepAt};
pub use tree::{ConfigTree, MAX_FILES, MAX_FILE_SIZE};
pub use value::ValueType;
