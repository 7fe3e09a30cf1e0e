//! The engine's refusals, failures and plans in the technician's
//! language. The engine's types carry the facts; these functions say them
//! with the catalog's `engine.ftl` messages, whose ids end with the
//! failure's code ([`install::Error::code`], [`install::Refusal::code`]):
//! `refusal-<code>`, `error-<code>`. The English `Display` of the same
//! types is what the log and the reports keep, next to that code; the
//! English catalog says the same words. What detection says about a disk
//! (what else it holds, what does not add up) is said the same way with
//! `detect.ftl` ([`foreign`], [`issue`]).
//!
//! What the engine was doing when an I/O error came, why a payload's
//! signature is refused and what a newer payload asks for are typed facts
//! too, said with `doing.ftl`. Why a payload is refused or could not be
//! read or built (every check of `payload::Error`, with its part, member,
//! key or component) is said by [`payload_error()`] with `payload.ftl`,
//! under the one `error-payload` of every `payload-*` code. The typed
//! errors the engine's sentences nest (a migration's, the state
//! record's, a write kept in its partition) are said by `detail` with
//! `details.ftl`; a FAT file system's, the installer's medium's and the
//! answer file's with `reading.ftl`. Some
//! facts are English text made elsewhere and are shown as they are, after
//! a translated sentence: a parser's account of a document (TOML, a key's
//! PEM, a zstd frame), a vendor's upgrade hint. The operating system's
//! error is said by [`os_error`] (its number, its kind, or one of
//! Ferry's errors it carries).

mod answer;
mod detail;
mod disk;
mod failure;
mod payload_error;
mod plan;
mod refusal;

#[cfg(test)]
use answer::answer_error;
pub use answer::answer_file_error;
pub use detail::{check_error, fat, medium, read_error};
pub use disk::{foreign, issue, problem_list, unreadable};
pub use failure::{inspect_error, load_error, run_error, terminal_error};
pub use payload_error::payload_error;
pub use plan::{plan_lines, step};
pub use refusal::refusal;

use std::io;

use install::Action;

use super::{os_error, t};

#[cfg(test)]
mod tests;

/// An action as the engine's sentences name it.
fn action(a: Action) -> String {
    t!("engine-action", action = a.name())
}

/// An I/O error: the operating system's message, after a sentence when
/// the disk is full.
fn io_error(e: &io::Error) -> String {
    if install::is_disk_full(e) {
        t!("engine-io-disk-full", detail = os_error(e))
    } else {
        os_error(e)
    }
}

fn keys(keys: impl IntoIterator<Item = String>) -> String {
    keys.into_iter().collect::<Vec<_>>().join(", ")
}
