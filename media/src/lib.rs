//! Boot media made from a boot kit and a signed payload: the hybrid ISO
//! ([`iso`]: build, customise), the USB disk image ([`usb::image`]), and
//! writing images to sticks ([`usb::write`], after [`usb::target`] has
//! decided which targets may be written), and what room they need
//! ([`capacity`]). See `docs/media.md`.

pub mod capacity;
mod inputs;
pub mod iso;
mod payload_copy;
pub mod payload_set;
pub mod usb;

use std::path::{Path, PathBuf};

use detect::layout::{ESP_BOOT_LOADER, ESP_MOK_MANAGER, ESP_SHIM_LOADER};

/// The UEFI boot files of a medium's FAT volume, with the kit file each
/// comes from: the shim as the removable-media path, systemd-boot as what
/// the shim starts, MokManager beside them (see `docs/bootkit.md`).
pub fn efi_boot_files(kit: &bootkit::Bootkit) -> Vec<(String, PathBuf)> {
    let files: [(&str, &Path); 3] = [
        (ESP_BOOT_LOADER, &kit.shim),
        (ESP_SHIM_LOADER, &kit.systemd_boot),
        (ESP_MOK_MANAGER, &kit.mok_manager),
    ];
    files
        .into_iter()
        .map(|(at, p)| (at.to_string(), p.to_path_buf()))
        .collect()
}
