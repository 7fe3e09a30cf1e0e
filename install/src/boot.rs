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

/// The file name of a freshly written entry: `ferry-b+3.conf`.
pub fn new_entry_file(slot: Slot) -> String {
    slot.entry_file_name(Some((layout::DEFAULT_BOOT_TRIES, 0)))
}

/// `loader.conf` making `slot` the default. The same length for every
/// slot, so switching rewrites it in place.
pub fn loader_conf(slot: Slot) -> String {
    format!("timeout 3\ndefault {}\n", slot.loader_default())
}

/// Entry files in `loader/entries/` that belong to `slot`, whatever their
/// counter.
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
        assert_eq!(new_entry_file(Slot::B), "ferry-b+3.conf");
        assert_eq!(loader_conf(Slot::A).len(), loader_conf(Slot::B).len());
        assert_eq!(
            detect::boot::slot_of_default(
                &detect::boot::loader_default(&loader_conf(Slot::B)).unwrap()
            ),
            Some(Slot::B)
        );
        let files = ["ferry-a.conf", "ferry-b+2-1.conf", "x.conf"].map(String::from);
        assert_eq!(entries_of(&files, Slot::B), vec!["ferry-b+2-1.conf"]);
    }
}
