//! What goes on the ESP for booting: systemd-boot's `loader.conf` and one
//! loader entry per slot, named for boot counting (`detect::boot`).

use detect::layout::{self, Slot};

/// Console arguments of releases whose manifest has no install
/// definition.
pub const CONSOLE: &str = payload::product::DEFAULT_CMDLINE;

/// The loader entry of a slot: Ferry's root and slot arguments, then the
/// product's command line (`cmdline` of its install definition).
pub fn entry_text(
    title: &str,
    version: &str,
    slot: Slot,
    part_guid: &str,
    cmdline: &str,
) -> String {
    let options = format!("root=PARTUUID={part_guid} ferry.slot={slot} {cmdline}");
    format!(
        "title {title}\n\
         version {version}\n\
         linux /{slot}/vmlinuz\n\
         initrd /{slot}/initrd.img\n\
         options {}\n",
        options.trim_end()
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
        let t = entry_text("engine 2.0.0", "2.0.0", Slot::B, "0f0e-guid", CONSOLE);
        assert!(t.contains("linux /b/vmlinuz\n"));
        assert!(t.contains("initrd /b/initrd.img\n"));
        assert!(t.contains(
            "options root=PARTUUID=0f0e-guid ferry.slot=b console=ttyS0,115200 console=tty0\n"
        ));
        let own = entry_text("Acme 1.0", "1.0.0", Slot::A, "g", "quiet");
        assert!(
            own.contains("options root=PARTUUID=g ferry.slot=a quiet\n"),
            "{own}"
        );
        let bare = entry_text("Acme 1.0", "1.0.0", Slot::A, "g", "");
        assert!(
            bare.contains("options root=PARTUUID=g ferry.slot=a\n"),
            "{bare}"
        );
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
