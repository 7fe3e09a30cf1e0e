//! The answer file's configuration values, as the install engine reads
//! them (`install::Answers`), set over the demo release's defaults.
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
    if let Ok(answers) = install::Answers::parse(text) {
        let _ = answers.apply_to(&defaults());
    }
});
