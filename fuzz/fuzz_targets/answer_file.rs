//! The answer file (`install::answers`: `[install]`, `[config]`,
//! `[finish]`), as both the installer and `install --answer` read it; its
//! configuration values are then set over the demo release's defaults.
#![no_main]

use libfuzzer_sys::fuzz_target;
use migrate::ConfigTree;

fn defaults() -> ConfigTree {
    let mut t = ConfigTree::new();
    for (name, text) in [
        (
            "engine.toml",
            &include_bytes!("../../demo-engine/config/schema-3/engine.toml")[..],
        ),
        (
            "ferry.toml",
            &include_bytes!("../../demo-engine/config/schema-3/ferry.toml")[..],
        ),
        (
            "vms.toml",
            &include_bytes!("../../demo-engine/config/schema-3/vms.toml")[..],
        ),
    ] {
        t.insert(name, text).expect("the demo defaults load");
    }
    t
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(answer) = install::answers::AnswerFile::parse("answer.toml", text) {
        if let Some(config) = &answer.config {
            let _ = config.apply_to(&defaults());
        }
    }
});
