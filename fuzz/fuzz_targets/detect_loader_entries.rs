//! The ESP's boot loader state: `loader/entries/` file names (one per
//! line after the first) and `loader.conf` (the first line, `\n` as `;`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.lines();
    let conf = lines.next().unwrap_or_default().replace(';', "\n");
    let files: Vec<String> = lines.map(str::to_string).collect();
    let default = detect::boot::loader_default(&conf);
    let entries = detect::boot::ferry_entries(&files);
    let _ = detect::boot::default_entry(&entries, default.as_deref());
    let _ = detect::boot::next_generation(&entries);
    for f in &files {
        if let Some(name) = detect::boot::parse_entry_file_name(f) {
            let _ = detect::boot::parse_entry_id(&name.id);
        }
        if let Some(d) = &default {
            let _ = detect::boot::glob_match(d, f);
        }
    }
});
