//! How the machine started: UEFI (with Secure Boot on or off) or legacy
//! BIOS. The install engine refuses a new installation the firmware would
//! not start, and `detect` and the Welcome screen say what they found.
//!
//! The kernel shows `/sys/firmware/efi` only when UEFI started it; a UEFI
//! firmware that starts a medium through its compatibility module (CSM)
//! looks like a BIOS to the kernel, and to the installed system.
//! [`Firmware::read`] looks there and in efivarfs, at the edge;
//! [`parse_bool_variable`] reads a variable's bytes and is tested on its
//! own, so everything else takes the facts as a value.

use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The UEFI global variable vendor GUID (EFI_GLOBAL_VARIABLE): efivarfs
/// names a variable `NAME-GUID`.
pub const GLOBAL_VARIABLE_GUID: &str = "8be4df61-93ca-11d2-aa0d-00e098032b8c";

/// Where the kernel shows UEFI, relative to the root.
pub const EFI_DIR: &str = "sys/firmware/efi";

/// Where efivarfs is mounted, relative to the root (the installer's init
/// mounts it).
pub const EFIVARS_DIR: &str = "sys/firmware/efi/efivars";

/// The largest variable file read: `SecureBoot` and `SetupMode` hold 5
/// bytes; anything larger is refused without reading it all.
const MAX_VARIABLE_LEN: u64 = 64;

/// How the machine started the installer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "mode")]
pub enum Firmware {
    /// Legacy BIOS, or a UEFI firmware's compatibility module (CSM)
    /// starting the medium's BIOS entry.
    Bios,
    /// UEFI.
    Uefi {
        /// Secure Boot is enforced (`SecureBoot` is 1); off also when
        /// efivarfs lists no such variable (firmware without Secure
        /// Boot); `None` when it cannot be read (efivarfs not mounted, or
        /// a malformed variable).
        secure_boot: Option<bool>,
        /// The firmware is in setup mode (`SetupMode` is 1): no platform
        /// key is enrolled, so Secure Boot cannot be on; off when absent;
        /// `None` when not readable.
        setup_mode: Option<bool>,
    },
}

/// Why a boolean UEFI variable's bytes were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VariableError {
    /// Not 4 attribute bytes and one value byte.
    #[error("it holds {found} bytes; a boolean variable holds 5 (4 of attributes, 1 of value)")]
    Length {
        /// Bytes found (at most [`MAX_VARIABLE_LEN`] + 1 are read).
        found: usize,
    },
    /// The value byte is neither 0 nor 1.
    #[error("its value is {found}; a boolean variable holds 0 or 1")]
    Value {
        /// The value byte.
        found: u8,
    },
}

/// The value of a boolean UEFI variable (`SecureBoot`, `SetupMode`) as
/// efivarfs gives it: 4 bytes of attributes, then one byte, 0 or 1.
pub fn parse_bool_variable(bytes: &[u8]) -> Result<bool, VariableError> {
    match bytes {
        [_, _, _, _, 0] => Ok(false),
        [_, _, _, _, 1] => Ok(true),
        [_, _, _, _, found] => Err(VariableError::Value { found: *found }),
        _ => Err(VariableError::Length { found: bytes.len() }),
    }
}

impl Firmware {
    /// What the machine whose root file system is `root` (`/` on the
    /// machine; a directory in tests) started with. Never fails: a
    /// variable that cannot be read is unknown.
    pub fn read(root: &Path) -> Firmware {
        if !root.join(EFI_DIR).is_dir() {
            return Firmware::Bios;
        }
        let vars = root.join(EFIVARS_DIR);
        // Mounted efivarfs lists the firmware's variables (boot entries at
        // least); an empty directory is efivarfs not mounted.
        let mounted = std::fs::read_dir(&vars).is_ok_and(|mut d| d.next().is_some());
        let var = |name: &str| {
            match read_variable(&vars.join(format!("{name}-{GLOBAL_VARIABLE_GUID}"))) {
                Ok(b) => parse_bool_variable(&b).ok(),
                // Firmware without Secure Boot need not have the variables.
                Err(e) if mounted && e.kind() == std::io::ErrorKind::NotFound => Some(false),
                Err(_) => None,
            }
        };
        Firmware::Uefi {
            secure_boot: var("SecureBoot"),
            setup_mode: var("SetupMode"),
        }
    }

    /// UEFI started the machine.
    pub fn is_uefi(self) -> bool {
        matches!(self, Firmware::Uefi { .. })
    }

    /// In a few words, for the technician: `UEFI, Secure Boot on`,
    /// `legacy BIOS`.
    pub fn describe(self) -> String {
        match self {
            Firmware::Bios => "legacy BIOS (or UEFI in BIOS compatibility mode)".into(),
            Firmware::Uefi {
                secure_boot,
                setup_mode,
            } => {
                let sb = match secure_boot {
                    Some(true) => "Secure Boot on",
                    Some(false) => "Secure Boot off",
                    None => "Secure Boot state unknown",
                };
                match setup_mode {
                    Some(true) => format!("UEFI, {sb} (setup mode: no platform key enrolled)"),
                    _ => format!("UEFI, {sb}"),
                }
            }
        }
    }
}

/// A variable file's bytes, refusing one larger than any boolean variable
/// without reading all of it.
fn read_variable(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_VARIABLE_LEN + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The attributes OVMF gives `SecureBoot`: boot service and runtime
    /// access (0x6), little endian.
    const ATTRS: [u8; 4] = [6, 0, 0, 0];

    fn var(value: &[u8]) -> Vec<u8> {
        [&ATTRS[..], value].concat()
    }

    #[test]
    fn reads_on_and_off() {
        assert_eq!(parse_bool_variable(&var(&[1])), Ok(true));
        assert_eq!(parse_bool_variable(&var(&[0])), Ok(false));
    }

    #[test]
    fn refuses_hostile_bytes() {
        assert_eq!(
            parse_bool_variable(&[]),
            Err(VariableError::Length { found: 0 })
        );
        // Attributes only, or cut inside them.
        assert_eq!(
            parse_bool_variable(&ATTRS),
            Err(VariableError::Length { found: 4 })
        );
        assert_eq!(
            parse_bool_variable(&ATTRS[..3]),
            Err(VariableError::Length { found: 3 })
        );
        // A value that is not a boolean.
        assert_eq!(
            parse_bool_variable(&var(&[2])),
            Err(VariableError::Value { found: 2 })
        );
        assert_eq!(
            parse_bool_variable(&var(&[0xff])),
            Err(VariableError::Value { found: 0xff })
        );
        // Trailing bytes: not the variable's format.
        assert_eq!(
            parse_bool_variable(&var(&[1, 0])),
            Err(VariableError::Length { found: 6 })
        );
    }

    proptest! {
        #[test]
        fn any_bytes_parse_or_are_refused(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
            match parse_bool_variable(&bytes) {
                Ok(v) => prop_assert!(bytes.len() == 5 && bytes[4] == u8::from(v)),
                Err(VariableError::Length { found }) => {
                    prop_assert!(found == bytes.len() && found != 5)
                }
                Err(VariableError::Value { found }) => {
                    prop_assert!(bytes.len() == 5 && found == bytes[4] && found > 1)
                }
            }
        }
    }

    /// Writes a variable under the name efivarfs gives it on a real
    /// machine (as `ls /sys/firmware/efi/efivars` shows under OVMF):
    /// spelled out, not built from [`GLOBAL_VARIABLE_GUID`], so a wrong
    /// constant fails these tests.
    fn write_var(root: &Path, name: &str, bytes: &[u8]) {
        let dir = root.join(EFIVARS_DIR);
        std::fs::create_dir_all(&dir).expect("efivars dir");
        std::fs::write(
            dir.join(format!("{name}-8be4df61-93ca-11d2-aa0d-00e098032b8c")),
            bytes,
        )
        .expect("variable");
    }

    #[test]
    fn no_efi_directory_is_bios() {
        let root = tempfile::tempdir().expect("tmp");
        std::fs::create_dir_all(root.path().join("sys/firmware/acpi")).expect("sysfs");
        assert_eq!(Firmware::read(root.path()), Firmware::Bios);
        assert!(!Firmware::Bios.is_uefi());
    }

    #[test]
    fn reads_secure_boot_and_setup_mode() {
        let root = tempfile::tempdir().expect("tmp");
        write_var(root.path(), "SecureBoot", &var(&[1]));
        write_var(root.path(), "SetupMode", &var(&[0]));
        let fw = Firmware::read(root.path());
        assert_eq!(
            fw,
            Firmware::Uefi {
                secure_boot: Some(true),
                setup_mode: Some(false)
            }
        );
        assert_eq!(fw.describe(), "UEFI, Secure Boot on");
        write_var(root.path(), "SecureBoot", &var(&[0]));
        write_var(root.path(), "SetupMode", &var(&[1]));
        assert_eq!(
            Firmware::read(root.path()).describe(),
            "UEFI, Secure Boot off (setup mode: no platform key enrolled)"
        );
    }

    #[test]
    fn unreadable_variables_are_unknown() {
        // efivarfs not mounted: the directory is there, empty.
        let root = tempfile::tempdir().expect("tmp");
        std::fs::create_dir_all(root.path().join(EFIVARS_DIR)).expect("efivars");
        let unknown = Firmware::Uefi {
            secure_boot: None,
            setup_mode: None,
        };
        assert_eq!(Firmware::read(root.path()), unknown);
        assert_eq!(unknown.describe(), "UEFI, Secure Boot state unknown");
        // Garbage, and a file far larger than a variable.
        write_var(root.path(), "SecureBoot", &var(&[7]));
        write_var(root.path(), "SetupMode", &vec![1; 1 << 20]);
        assert_eq!(Firmware::read(root.path()), unknown);
    }

    #[test]
    fn firmware_without_secure_boot_is_off() {
        // efivarfs mounted (it lists a boot entry) but no SecureBoot.
        let root = tempfile::tempdir().expect("tmp");
        write_var(root.path(), "Boot0000", &var(&[1, 0, 0, 0]));
        assert_eq!(
            Firmware::read(root.path()),
            Firmware::Uefi {
                secure_boot: Some(false),
                setup_mode: Some(false)
            }
        );
    }

    #[test]
    fn json_names_the_mode() {
        let fw = Firmware::Uefi {
            secure_boot: Some(false),
            setup_mode: None,
        };
        let text = serde_json::to_string(&fw).expect("json");
        assert_eq!(
            text,
            r#"{"mode":"uefi","secure_boot":false,"setup_mode":null}"#
        );
        assert_eq!(serde_json::from_str::<Firmware>(&text).expect("back"), fw);
        assert_eq!(
            serde_json::to_string(&Firmware::Bios).expect("json"),
            r#"{"mode":"bios"}"#
        );
    }
}
