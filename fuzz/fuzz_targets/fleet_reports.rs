//! Reports from a stick back from the field, as `media-builder reports`
//! reads them (`install::fleet`): the bytes are split at 0xff into up to
//! eight reports, each also read alone by `Report::parse`; the summary
//! must never panic, and every text it hands on is free of control
//! characters and bounded.
#![no_main]

use install::fleet::{Fleet, MAX_FIELD_CHARS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut fleet = Fleet::new();
    for (i, part) in data.split(|&b| b == 0xff).take(8).enumerate() {
        let _ = install::Report::parse(part);
        fleet.add(&format!("report-{i}.json"), part);
    }
    for m in fleet.machines() {
        for text in [
            Some(&m.machine),
            m.vendor.as_ref(),
            m.model.as_ref(),
            m.serial.as_ref(),
            Some(&m.disk),
            Some(&m.to),
            m.from.as_ref(),
            Some(&m.when),
            m.reason.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            assert!(!text.chars().any(char::is_control), "{text:?}");
            assert!(text.chars().count() <= MAX_FIELD_CHARS, "{text:?}");
        }
    }
    for u in fleet.unreadable() {
        assert!(!u.reason.chars().any(char::is_control), "{:?}", u.reason);
    }
});
