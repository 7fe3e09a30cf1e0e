//! A power cut for tests, built only with the `fault-injection` feature:
//! after a chosen step of [`apply`](crate::apply) finished, the process
//! ends at once. It lives in the engine because the step loop calls it; the
//! faulty disk and medium of the tests are in the `testkit` crate.

use std::io::{self, Write};

use crate::plan::StepKind;

/// The power-cut hook: after the step of this name finished (and was
/// flushed), the process exits at once, as if the power went.
pub const STOP_AFTER_ENV: &str = "FERRY_FAULT_STOP_AFTER";
/// Exit code of a stop by [`STOP_AFTER_ENV`].
pub const STOP_EXIT_CODE: i32 = 75;

/// End the process with [`STOP_EXIT_CODE`] when [`STOP_AFTER_ENV`] names
/// `step`, which has just finished.
pub(crate) fn stop_if_asked(step: StepKind) {
    if std::env::var(STOP_AFTER_ENV).is_ok_and(|s| s == step.name()) {
        let _ = io::stdout().flush();
        std::process::exit(STOP_EXIT_CODE);
    }
}
