//! A payload's `migrations.toml`, then its steps run over the demo
//! configuration of the schema they start from.
#![no_main]

use libfuzzer_sys::fuzz_target;
use migrate::{ConfigTree, MigrationSet};

fn demo(schema: u32) -> Option<ConfigTree> {
    let files: [(&str, &[u8]); 3] = match schema {
        1 => [
            (
                "engine.toml",
                include_bytes!("../../demo-engine/config/schema-1/engine.toml"),
            ),
            (
                "ferry.toml",
                include_bytes!("../../demo-engine/config/schema-1/ferry.toml"),
            ),
            (
                "vms.toml",
                include_bytes!("../../demo-engine/config/schema-1/vms.toml"),
            ),
        ],
        2 => [
            (
                "engine.toml",
                include_bytes!("../../demo-engine/config/schema-2/engine.toml"),
            ),
            (
                "ferry.toml",
                include_bytes!("../../demo-engine/config/schema-2/ferry.toml"),
            ),
            (
                "vms.toml",
                include_bytes!("../../demo-engine/config/schema-2/vms.toml"),
            ),
        ],
        _ => return None,
    };
    let mut t = ConfigTree::new();
    for (name, text) in files {
        t.insert(name, text).ok()?;
    }
    Some(t)
}

fuzz_target!(|data: &[u8]| {
    let Ok(set) = MigrationSet::parse(data) else {
        return;
    };
    if let Some(tree) = demo(set.oldest()) {
        let _ = migrate::plan(&set, set.oldest(), set.schema(), &tree);
    }
});
