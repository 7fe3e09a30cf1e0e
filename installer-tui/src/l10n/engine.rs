//! The engine's refusals, failures and plans in the technician's
//! language. The engine's types carry the facts; these functions say them
//! with the catalog's `engine.ftl` messages. The English `Display` of the
//! same types is what the log and the reports keep.

use install::{Plan, Refusal, Step};

use crate::answer::AnswerError;
use crate::tui::failure::{InspectError, LoadError, RunError};

/// Why the engine refuses a plan.
pub fn refusal(r: &Refusal) -> String {
    r.to_string()
}

/// Why the engine stopped.
pub fn error(e: &install::Error) -> String {
    e.to_string()
}

/// What a step does, as its line on Review and Progress.
pub fn step(s: &Step) -> String {
    s.title.clone()
}

/// The plan as the lines the Review screen scrolls through: what is done
/// to which disk, what is kept, erased and migrated.
pub fn plan_lines(plan: &Plan) -> Vec<String> {
    let mut out: Vec<String> = plan.to_string().lines().map(String::from).collect();
    if matches!(
        plan.action,
        install::Action::Install | install::Action::Wipe
    ) && !plan.discard.is_empty()
    {
        out.insert(
            1.min(out.len()),
            format!(
                "Erased: everything on {}, including its data partition.",
                plan.disk.display()
            ),
        );
    }
    if let Some(m) = &plan.migration {
        if !m.diff.is_empty() {
            out.push(String::new());
            out.push("Configuration diff (- now, + after the upgrade):".into());
            out.extend(m.diff.lines().map(String::from));
        }
    }
    out
}

/// Why the medium cannot be used.
pub fn load_error(e: &LoadError) -> String {
    e.to_string()
}

/// Why the chosen disk could not be inspected.
pub fn inspect_error(e: &InspectError) -> String {
    e.to_string()
}

/// Why a run failed.
pub fn run_error(e: &RunError) -> String {
    e.to_string()
}

/// What is wrong with the answer file.
pub fn answer_error(e: &AnswerError) -> String {
    e.to_string()
}
