//! What goes on the ESP for booting: systemd-boot's `loader.conf` and one
//! loader entry per slot, named for boot counting (`detect::boot`).

use detect::layout::{self, Slot};

/// Console arguments every entry carries.
pub const CONSOLE: &str = "console=ttyS0,115200 console=tty0";

/// The loader entry of a slot.
pub fn entry_text(title: &str, version: &str, slot: Slot, part_guid: &str) -> String {
    format!(
        "title {title}\n\
         version {version}\n\
         linux /{slot}/vmlinuz\n\
         initrd /{slot}/initrd.img\n\
         options root=PARTUUID={part_guid} ferry.slot={slot} {CONSOLE}\n"
    )
}

/// The file name of a freshly written entry of boot generation
/// `generation`: `ferry-7-b+3.conf`.
pub fn new_entry_file(slot: Slot, generation: u32) -> String {
    slot.entry_file_name(generation, Some((layout::DEFAULT_BOOT_TRIES, 0)))
}

/// The generation for a new entry, given the names in `loader/entries/`:
/// above every Ferry entry there, so the boot loader prefers it.
pub fn next_generation(files: &[String]) -> u32 {
    detect::boot::next_generation(&detect::boot::ferry_entries(files))
}

/// `loader.conf`: the boot loader starts the newest Ferry entry that has
/// tries left (`detect::boot`), so it never names a slot.
pub fn loader_conf() -> String {
    format!("timeout 3\ndefault {}\n", layout::LOADER_DEFAULT)
}

/// Entry files in `loader/entries/` that belong to `slot`, whatever their
/// generation and counter.
pub fn entries_of(files: &[String], slot: Slot) -> Vec<String> {
    detect::boot::ferry_entries(files)
        .into_iter()
        .filter(|e| e.slot == slot)
        .map(|e| e.file)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_boots_the_slot_by_partuuid() {
        let t = entry_text("engine 2.0.0", "2.0.0", Slot::B, "0f0e-guid");
        assert!(t.contains("linux /b/vmlinuz\n"));
        assert!(t.contains("initrd /b/initrd.img\n"));
        assert!(t.contains(
            "options root=PARTUUID=0f0e-guid ferry.slot=b console=ttyS0,115200 console=tty0\n"
        ));
        assert_eq!(new_entry_file(Slot::B, 2), "ferry-2-b+3.conf");
        let files = ["ferry-1-a.conf", "ferry-2-b+2-1.conf", "x.conf"].map(String::from);
        assert_eq!(entries_of(&files, Slot::B), vec!["ferry-2-b+2-1.conf"]);
        assert_eq!(next_generation(&files), 3);
        assert_eq!(next_generation(&[]), 1);
    }

    #[test]
    fn the_new_entry_becomes_the_default_and_falls_back_when_it_fails() {
        let conf = loader_conf();
        let default = detect::boot::loader_default(&conf);
        let mut files = vec!["ferry-1-a.conf".to_string()];
        let new = new_entry_file(Slot::B, next_generation(&files));
        files.push(new);
        let slot = |files: &[String]| {
            let entries = detect::boot::ferry_entries(files);
            detect::boot::default_entry(&entries, default.as_deref()).map(|e| e.slot)
        };
        assert_eq!(slot(&files), Some(Slot::B));
        files[1] = "ferry-2-b+0-3.conf".into();
        assert_eq!(slot(&files), Some(Slot::A));
    }
}
