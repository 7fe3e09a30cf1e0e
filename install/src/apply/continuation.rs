//! Continuing from the medium after an intermediate release: when an
//! unattended upgrade is one step of several (1.0 to 1.1, then 2.0), the
//! release just written must start once from the disk and confirm itself
//! (boot counting) before the medium may take the next step. The machine
//! starts from the medium first, so two things arrange that start:
//!
//! - a one-time boot of the disk: a `Boot####` load option for the ESP's
//!   removable-media path (`\EFI\BOOT\BOOTX64.EFI`) and `BootNext`
//!   naming it (UEFI 2.10, 3.1.2: used for the next boot only, then
//!   deleted by the firmware; `BootOrder` is not touched, so the medium
//!   stays first);
//! - a marker on the ESP, `ferry/continue`, naming the release: that
//!   release, once it has marked its boot good, deletes the marker and
//!   restarts the machine, which comes back to the medium. Only the named
//!   release acts on it, so a fallback to the release before (the new one
//!   failed) never restarts in a loop; the medium then finds the new slot
//!   failed and says so.
//!
//! The load option is written by hand: no crate writes UEFI load options
//! or device paths (efivar and efibootmgr are C tools the installer's
//! initramfs does not carry), and the encoding is a few fixed fields.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;

use detect::firmware::GLOBAL_VARIABLE_GUID;
use detect::layout::Role;

use super::on_volume;
use crate::device::{Device, DiskFile};
use crate::error::{Act, Error, IoContext, Object};
use crate::fatvol;
use crate::plan::{Plan, PlannedPartition};
use crate::window::PartitionWindow;

/// The marker on the ESP: it holds the version of the release that, once
/// started good, restarts the machine so the medium continues.
pub const MARKER: &str = "ferry/continue";
/// The file the load option starts: the removable-media path, which every
/// ESP Ferry writes carries (behind the shim where there is one).
pub const BOOT_FILE: &str = "\\EFI\\BOOT\\BOOTX64.EFI";
/// The load option's description, shown in firmware boot menus.
pub const DESCRIPTION: &str = "Ferry: installed system (once)";

/// Variable attributes: non-volatile, boot service and runtime access.
const NV_BS_RT: u32 = 0x7;
/// `LOAD_OPTION_ACTIVE`.
const LOAD_OPTION_ACTIVE: u32 = 0x1;
/// Highest `Boot####` number looked at for a free one.
const MAX_OPTION: u16 = 0xffff;

/// What [`arm`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Armed {
    /// The load option used (`Boot0003`).
    pub option: String,
    /// The release named in the marker.
    pub release: String,
}

/// Arranges for the release `plan` wrote to start once from the disk, then
/// hand the machine back to the medium: the ESP marker first (so a
/// `BootNext` is never set without it), then the load option and
/// `BootNext` in `efivars` (an efivarfs mounted read-write).
pub fn arm(plan: &Plan, efivars: &Path) -> Result<Armed, Error> {
    let esp = plan
        .partitions
        .iter()
        .find(|p| p.role == Role::Esp)
        .ok_or_else(|| Error::PlanIncomplete("ESP".into()))?;
    let release = plan.to.to_string();
    let mut dev = DiskFile::open(&plan.disk)
        .ctx(|| Act::OpeningToWrite.on(Object::Disk(plan.disk.clone())))?;
    let window = PartitionWindow::of(plan, Role::Esp)?;
    let what = || Act::Writing.on(Object::EspFile(MARKER.to_string()));
    on_volume(&mut dev, window, what, |fs| {
        fatvol::write_file(fs, MARKER, release.as_bytes()).ctx(what)
    })?;
    dev.sync().ctx(what)?;
    let option = load_option(DESCRIPTION, esp, plan.sector_size, BOOT_FILE)?;
    let number = write_load_option(efivars, &option)?;
    write_variable(efivars, "BootNext", &number.to_le_bytes())
        .ctx(|| Act::Writing.on(Object::EfiVariable("BootNext".into())))?;
    Ok(Armed {
        option: format!("Boot{number:04X}"),
        release,
    })
}

/// An `EFI_LOAD_OPTION` (UEFI 2.10, 3.1.3) starting `file` on partition
/// `part`: attributes, the device path list's length, the description
/// (UCS-2, NUL-terminated), then the short-form device path
/// `HD(n,GPT,guid,start,size)/File(path)/End`, which firmware expands by
/// finding the partition with that GUID on any disk.
pub fn load_option(
    description: &str,
    part: &PlannedPartition,
    sector_size: u64,
    file: &str,
) -> Result<Vec<u8>, Error> {
    let guid = uuid::Uuid::parse_str(&part.part_guid).map_err(|_| Error::BadGuid {
        guid: part.part_guid.clone(),
    })?;
    let lba = |bytes: u64| {
        if sector_size == 0 || !bytes.is_multiple_of(sector_size) {
            return Err(Error::PlanIncomplete(format!(
                "ESP bounds in whole {sector_size}-byte sectors"
            )));
        }
        Ok(bytes / sector_size)
    };
    // Hard drive media device path: type 4, subtype 1, 42 bytes.
    let mut path = vec![4u8, 1, 42, 0];
    path.extend_from_slice(&part.index.to_le_bytes());
    path.extend_from_slice(&lba(part.start)?.to_le_bytes());
    path.extend_from_slice(&lba(part.size)?.to_le_bytes());
    path.extend_from_slice(&guid.to_bytes_le());
    path.push(2); // partition format: GPT
    path.push(2); // signature type: GUID
                  // File path media device path: type 4, subtype 4, the path in UCS-2.
    let name = ucs2(file)?;
    let len = u16::try_from(4 + name.len())
        .map_err(|_| Error::PlanIncomplete(format!("a boot file path shorter than {file}")))?;
    path.extend_from_slice(&[4, 4]);
    path.extend_from_slice(&len.to_le_bytes());
    path.extend_from_slice(&name);
    // End of the device path.
    path.extend_from_slice(&[0x7f, 0xff, 4, 0]);

    let mut out = LOAD_OPTION_ACTIVE.to_le_bytes().to_vec();
    let path_len = u16::try_from(path.len())
        .map_err(|_| Error::PlanIncomplete("a short device path".into()))?;
    out.extend_from_slice(&path_len.to_le_bytes());
    out.extend_from_slice(&ucs2(description)?);
    out.extend_from_slice(&path);
    Ok(out)
}

/// `text` in UCS-2, little endian, with its terminating NUL. Characters
/// outside the Basic Multilingual Plane have no UCS-2 form.
fn ucs2(text: &str) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(2 * (text.len() + 1));
    for c in text.chars() {
        let unit = u16::try_from(u32::from(c))
            .ok()
            .filter(|u| *u != 0 && !(0xd800..0xe000).contains(u))
            .ok_or_else(|| Error::PlanIncomplete(format!("{text:?} in UCS-2")))?;
        out.extend_from_slice(&unit.to_le_bytes());
    }
    out.extend_from_slice(&[0, 0]);
    Ok(out)
}

/// Writes `option` as a `Boot####` variable: the one already holding
/// exactly these bytes (a step before wrote it), else the first free
/// number. Returns the number.
fn write_load_option(efivars: &Path, option: &[u8]) -> Result<u16, Error> {
    let listing = || Act::Reading.on(Object::File(efivars.to_path_buf()));
    let mut taken = Vec::new();
    for entry in fs::read_dir(efivars).ctx(listing)? {
        let name = entry.ctx(listing)?.file_name();
        let Some(number) = name.to_str().and_then(boot_option_number) else {
            continue;
        };
        let stored = read_variable(&efivars.join(&name)).ctx(listing)?;
        if stored.as_deref() == Some(option) {
            return Ok(number);
        }
        taken.push(number);
    }
    let number = (0..=MAX_OPTION)
        .find(|n| !taken.contains(n))
        .ok_or(Error::NoFreeBootOption)?;
    write_variable(efivars, &format!("Boot{number:04X}"), option)
        .ctx(|| Act::Writing.on(Object::EfiVariable(format!("Boot{number:04X}"))))?;
    Ok(number)
}

/// The number of a global `Boot####` variable's efivarfs file name.
fn boot_option_number(file_name: &str) -> Option<u16> {
    let rest = file_name.strip_prefix("Boot")?;
    let (hex, guid) = rest.split_once('-')?;
    if guid != GLOBAL_VARIABLE_GUID || hex.len() != 4 || !hex.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return None;
    }
    u16::from_str_radix(hex, 16).ok()
}

/// The data of an efivarfs file (after its 4 attribute bytes); `None` when
/// it is longer than any load option Ferry writes (64 KiB read at most).
fn read_variable(path: &Path) -> io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    File::open(path)?.take(64 << 10).read_to_end(&mut bytes)?;
    Ok(bytes.get(4..).map(<[u8]>::to_vec))
}

/// Creates the global variable `name` with `data`, in one write (efivarfs
/// takes a variable's attributes and data in a single write). A variable
/// that exists is not replaced: efivarfs makes the files of known
/// variables immutable, and an existing `BootNext` is someone else's.
fn write_variable(efivars: &Path, name: &str, data: &[u8]) -> io::Result<()> {
    let mut bytes = NV_BS_RT.to_le_bytes().to_vec();
    bytes.extend_from_slice(data);
    let path = efivars.join(format!("{name}-{GLOBAL_VARIABLE_GUID}"));
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)?;
    f.write_all(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn esp() -> PlannedPartition {
        PlannedPartition {
            role: Role::Esp,
            index: 1,
            start: 1 << 20,
            size: 512 << 20,
            part_guid: "c12a7328-f81f-11d2-ba4b-00a0c93ec93b".into(),
        }
    }

    #[test]
    fn a_load_option_is_laid_out_as_uefi_says() {
        let o = load_option("F", &esp(), 512, "\\A").unwrap();
        // Attributes, then the device path list's length.
        assert_eq!(&o[..4], &[1, 0, 0, 0]);
        let path_len = u16::from_le_bytes([o[4], o[5]]) as usize;
        // "F" and its NUL in UCS-2.
        assert_eq!(&o[6..10], &[b'F', 0, 0, 0]);
        let path = &o[10..];
        assert_eq!(path.len(), path_len);
        assert_eq!(path_len, 42 + (4 + 6) + 4);
        // HD(1,GPT,guid,0x800,0x100000).
        assert_eq!(&path[..4], &[4, 1, 42, 0]);
        assert_eq!(&path[4..8], &1u32.to_le_bytes());
        assert_eq!(&path[8..16], &2048u64.to_le_bytes());
        assert_eq!(&path[16..24], &(1u64 << 20).to_le_bytes());
        // The GUID in its mixed-endian form, as the GPT stores it.
        assert_eq!(
            &path[24..40],
            &[
                0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11, 0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e,
                0xc9, 0x3b
            ]
        );
        assert_eq!(&path[40..42], &[2, 2]);
        // File(\A), then the end node.
        assert_eq!(&path[42..52], &[4, 4, 10, 0, b'\\', 0, b'A', 0, 0, 0]);
        assert_eq!(&path[52..], &[0x7f, 0xff, 4, 0]);
    }

    #[test]
    fn sectors_of_4096_bytes_count_as_such() {
        let o = load_option("F", &esp(), 4096, BOOT_FILE).unwrap();
        assert_eq!(&o[10 + 8..10 + 16], &256u64.to_le_bytes());
        assert!(load_option("F", &esp(), 3000, BOOT_FILE).is_err());
    }

    #[test]
    fn bad_text_and_guids_are_refused() {
        assert!(load_option("\u{1F600}", &esp(), 512, BOOT_FILE).is_err());
        assert!(load_option("a\0b", &esp(), 512, BOOT_FILE).is_err());
        let mut p = esp();
        p.part_guid = "not a guid".into();
        assert!(matches!(
            load_option("F", &p, 512, BOOT_FILE),
            Err(Error::BadGuid { .. })
        ));
    }

    #[test]
    fn load_options_reuse_their_number_and_take_the_first_free_one() {
        let dir = tempfile::tempdir().unwrap();
        let v = dir.path();
        let other = format!("Boot0000-{GLOBAL_VARIABLE_GUID}");
        fs::write(v.join(&other), [7, 0, 0, 0, 1, 2, 3]).unwrap();
        fs::write(
            v.join("Boot0001-00000000-0000-0000-0000-000000000000"),
            [0; 8],
        )
        .unwrap();
        fs::write(
            v.join(format!("BootOrder-{GLOBAL_VARIABLE_GUID}")),
            [7, 0, 0, 0, 0, 0],
        )
        .unwrap();
        let option = load_option(DESCRIPTION, &esp(), 512, BOOT_FILE).unwrap();
        assert_eq!(write_load_option(v, &option).unwrap(), 1);
        let written = fs::read(v.join(format!("Boot0001-{GLOBAL_VARIABLE_GUID}"))).unwrap();
        assert_eq!(&written[..4], &[7, 0, 0, 0]);
        assert_eq!(&written[4..], &option[..]);
        // The next step finds its own option again.
        assert_eq!(write_load_option(v, &option).unwrap(), 1);
        // A BootNext that exists is not replaced.
        write_variable(v, "BootNext", &1u16.to_le_bytes()).unwrap();
        assert!(write_variable(v, "BootNext", &2u16.to_le_bytes()).is_err());
    }

    #[test]
    fn only_global_boot_options_are_numbers() {
        let g = GLOBAL_VARIABLE_GUID;
        assert_eq!(boot_option_number(&format!("Boot000A-{g}")), Some(10));
        assert_eq!(boot_option_number(&format!("BootOrder-{g}")), None);
        assert_eq!(boot_option_number(&format!("BootNext-{g}")), None);
        assert_eq!(boot_option_number(&format!("Boot00G1-{g}")), None);
        assert_eq!(
            boot_option_number("Boot0001-00000000-0000-0000-0000-000000000000"),
            None
        );
    }
}
