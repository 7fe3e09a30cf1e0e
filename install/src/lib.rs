//! Ferry's install engine: fresh install, wipe and reinstall, upgrade and
//! hotfix of an appliance OS on one disk.
//!
//! 1. [`inspect`] reads the target disk (detection report, partition GUIDs,
//!    the running slot's configuration, free space) and [`open_payload`]
//!    verifies the payload and reads its small components;
//! 2. [`plan`] checks everything without any I/O and returns a [`Plan`],
//!    which prints as the steps a technician reads, or a [`Refusal`];
//! 3. [`apply`] carries the plan out, emitting [`Progress`], and returns
//!    the [`Report`] it also wrote to the config partition and the medium.
//!
//! Upgrades write the other root slot while verifying every chunk, read it
//! back, write a migrated copy of the configuration, add a boot entry with
//! boot counting and only then switch the default: an interruption at any
//! point leaves the running system bootable. `docs/install-engine.md`
//! describes every step. A step writes a partition only through its
//! window, checked against the disk and every other partition before the
//! first write ([`WindowError`]); a disk whose partition table is damaged
//! is not upgraded ([`Refusal::DamagedPartitionTable`]).
//!
//! Front ends hold the engine's types and render them: a [`Refusal`] or an
//! [`Error`] carries its facts and prints as the sentence a technician
//! reads. The engine also owns the answer-file format ([`answers`]) and the
//! report's JSON ([`Report::parse`] refuses a format it does not know); a
//! front end loads the trust store with `payload::TrustStore::load`.
//!
//! The `fault-injection` feature (tests only) adds `power_cut`, the
//! `FERRY_FAULT_STOP_AFTER` hook of [`apply`]. The faulty disk and medium
//! of the tests are in the `testkit` crate, outside the engine.

pub mod answers;
mod apply;
mod boot;
pub mod device;
mod error;
mod fatvol;
pub mod fleet;
pub mod io;
pub mod offer;
mod plan;
#[cfg(feature = "fault-injection")]
pub mod power_cut;
mod report;
mod source;
mod table;
mod target;
mod window;

pub use answers::{AnswerError, AnswerFile, AnswerMismatch, Answers};
pub use apply::{apply, apply_on, continuation, Failure, Progress};
pub use boot::{entry_text, loader_conf, CONSOLE};
pub use device::{Device, DiskFile, DiskReader};
pub use error::doing::{self, Doing};
#[doc(hidden)]
pub use error::samples;
pub use error::{
    is_disk_full, payload_code, problem_list, ConfigProblem, DiskChange, Error, Refusal,
    PROBLEMS_SHOWN,
};
pub use plan::{
    config_migration, derived_guid, installer_version, new_machine_id, plan, Action, BootChain,
    Choice, MigrationPreview, Plan, PlanNote, PlannedPartition, Shim, Step, StepFacts, StepKind,
    ESP_BOOT_LOADER, MOK_MANAGER_EFI, SHIM_EFI, SYSTEMD_BOOT_EFI,
};
pub use report::{
    log_tail, Outcome, Report, ReportContext, ReportError, StepReport, StepResult, MAX_LOG_BYTES,
    OLDEST_REPORT_FORMAT, REPORT_FORMAT,
};
pub use source::{
    config_document, open_payload, read_payload, PayloadInfo, PayloadSource, CONFIG_PREFIX, INITRD,
    KERNEL, MIGRATIONS, ROOTFS,
};
pub use target::{
    inspect, inspect_device, running_release, running_slot, Partition, PartitionSizes, Target,
};
pub use window::WindowError;
