//! Who the machine is, as its firmware says (SMBIOS/DMI system
//! information): serial number, system UUID, vendor and model. Reports
//! carry it, so an admin tells machines apart by what is printed on
//! their label, not by a Ferry id made up at install time.
//!
//! The kernel shows the values in `/sys/class/dmi/id`; the serial and the
//! UUID are readable by root only. [`MachineIdentity::read`] looks there
//! at the edge and tolerates every file missing or unreadable;
//! [`clean_value`] judges one file's bytes and is tested on its own.

use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// Where the kernel shows the DMI system information, relative to the root.
pub const DMI_DIR: &str = "sys/class/dmi/id";

/// The longest value kept, in bytes: SMBIOS strings are short (a UUID is
/// 36 characters); a longer file is not firmware's and is left out.
pub const MAX_VALUE_LEN: usize = 128;

/// Values firmware writes where the vendor filled in nothing: they name
/// no machine, so they are left out (compared without case).
const PLACEHOLDERS: [&str; 12] = [
    "to be filled by o.e.m.",
    "to be filled by oem",
    "default string",
    "system serial number",
    "system product name",
    "system manufacturer",
    "not specified",
    "not applicable",
    "none",
    "0",
    "00000000-0000-0000-0000-000000000000",
    "ffffffff-ffff-ffff-ffff-ffffffffffff",
];

/// The machine's identity from its firmware; each value `None` when the
/// firmware gives none (or only a placeholder) or it cannot be read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MachineIdentity {
    /// System serial number (`product_serial`), as on the machine's label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    /// System UUID (`product_uuid`), lower case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    /// Manufacturer (`sys_vendor`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// Model (`product_name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
}

impl MachineIdentity {
    /// Read the identity of the machine whose root is `root` (`/` on the
    /// machine, a directory in tests). Never fails: what cannot be read
    /// is `None`.
    pub fn read(root: &Path) -> MachineIdentity {
        let dir = root.join(DMI_DIR);
        let value = |name: &str| read_value(&dir.join(name));
        MachineIdentity {
            serial: value("product_serial"),
            uuid: value("product_uuid").map(|u| u.to_ascii_lowercase()),
            vendor: value("sys_vendor"),
            model: value("product_name"),
        }
    }

    /// Whether the firmware gave nothing at all.
    pub fn is_empty(&self) -> bool {
        self == &MachineIdentity::default()
    }
}

/// One file of [`DMI_DIR`], bounded: at most one byte past
/// [`MAX_VALUE_LEN`] (plus a newline) is read.
fn read_value(path: &Path) -> Option<String> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_VALUE_LEN as u64 + 2).read_to_end(&mut bytes))
        .ok()?;
    clean_value(&bytes)
}

/// The value a DMI file's bytes hold: trimmed text of printable ASCII,
/// not empty, not a placeholder, at most [`MAX_VALUE_LEN`] bytes;
/// anything else is `None`.
pub fn clean_value(bytes: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(bytes).ok()?.trim();
    if text.is_empty()
        || text.len() > MAX_VALUE_LEN
        || !text.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
    {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    if PLACEHOLDERS.contains(&lower.as_str()) {
        return None;
    }
    Some(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dmi(files: &[(&str, &[u8])]) -> tempfile::TempDir {
        let root = tempfile::tempdir().expect("tempdir");
        let dir = root.path().join(DMI_DIR);
        std::fs::create_dir_all(&dir).expect("dmi dir");
        for (name, bytes) in files {
            std::fs::write(dir.join(name), bytes).expect("dmi file");
        }
        root
    }

    #[test]
    fn reads_what_qemu_gives() {
        // As QEMU's `-smbios type=1,serial=...,uuid=...` makes them.
        let root = dmi(&[
            ("product_serial", b"FERRY-SN-0042\n"),
            ("product_uuid", b"6A1D2C3E-0000-4000-8000-00000000ABCD\n"),
            ("sys_vendor", b"QEMU\n"),
            ("product_name", b"Standard PC (Q35 + ICH9, 2009)\n"),
        ]);
        let id = MachineIdentity::read(root.path());
        assert_eq!(id.serial.as_deref(), Some("FERRY-SN-0042"));
        assert_eq!(
            id.uuid.as_deref(),
            Some("6a1d2c3e-0000-4000-8000-00000000abcd")
        );
        assert_eq!(id.vendor.as_deref(), Some("QEMU"));
        assert_eq!(id.model.as_deref(), Some("Standard PC (Q35 + ICH9, 2009)"));
        assert!(!id.is_empty());
    }

    #[test]
    fn missing_and_unreadable_files_are_none() {
        let root = tempfile::tempdir().expect("tempdir");
        assert!(MachineIdentity::read(root.path()).is_empty());
        // A directory where a file should be cannot be read as one.
        let root = dmi(&[("sys_vendor", b"Acme\n")]);
        std::fs::create_dir(root.path().join(DMI_DIR).join("product_serial")).expect("dir");
        let id = MachineIdentity::read(root.path());
        assert_eq!(id.serial, None);
        assert_eq!(id.vendor.as_deref(), Some("Acme"));
    }

    #[test]
    fn placeholders_and_hostile_bytes_are_left_out() {
        for bad in [
            &b""[..],
            b"   \n",
            b"To Be Filled By O.E.M.\n",
            b"Default string",
            b"00000000-0000-0000-0000-000000000000\n",
            b"\xff\xfe serial",
            b"line\nbreak",
            b"tab\there",
            b"esc\x1b[2J",
            b"nul\0",
        ] {
            assert_eq!(clean_value(bad), None, "{bad:?}");
        }
        let long = vec![b'7'; MAX_VALUE_LEN + 1];
        assert_eq!(clean_value(&long), None);
        let just = vec![b'7'; MAX_VALUE_LEN];
        assert_eq!(clean_value(&just).map(|s| s.len()), Some(MAX_VALUE_LEN));
        // A huge file is not read to its end, and is left out.
        let root = dmi(&[("product_serial", &vec![b'x'; 1 << 20])]);
        assert_eq!(MachineIdentity::read(root.path()).serial, None);
    }
}
