//! The answer file as the installer reads it (`installer-tui`'s
//! `answer.rs`: `[install]`, `[config]`, `[finish]`). installer-tui is a
//! binary crate, so its source file is compiled here as a module.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../installer-tui/src/answer.rs"]
mod answer;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(a) = answer::AnswerFile::parse("answer.toml", text) {
            let _ = a;
        }
    }
});
