//! The target disk layout: what a Ferry installation looks like on disk.
//!
//! This module is the contract between the install engine, which writes
//! these partitions and files, and [`crate::scan`], which reads them. Change
//! it only together with `docs/detect.md`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One mebibyte, the alignment of every partition we create.
pub const MIB: u64 = 1024 * 1024;
/// One gibibyte.
pub const GIB: u64 = 1024 * MIB;

/// Logical sector sizes the layout is written with: the disk's own, which
/// is 512 bytes (also what 512e "advanced format" disks report) or 4096
/// (4Kn disks, NVMe namespaces formatted with 4 KiB blocks). The GPT's
/// LBAs, the partitions' bounds and the FAT volumes' sectors are in that
/// unit; the layout's sizes and 1 MiB alignment are whole sectors of both.
pub const SECTOR_SIZES: [u64; 2] = [512, 4096];

/// Whether the layout can be written on a disk with logical sectors of
/// `sector_size` bytes.
pub fn sector_size_supported(sector_size: u64) -> bool {
    SECTOR_SIZES.contains(&sector_size)
}

/// Partitions start on 1 MiB boundaries.
pub const PARTITION_ALIGNMENT: u64 = MIB;

/// GPT partition name of the EFI system partition (FAT32).
pub const ESP_NAME: &str = "ferry-esp";
/// GPT partition name of root slot A.
pub const ROOT_A_NAME: &str = "ferry-root-a";
/// GPT partition name of root slot B.
pub const ROOT_B_NAME: &str = "ferry-root-b";
/// GPT partition name of the configuration partition (FAT32).
pub const CONFIG_NAME: &str = "ferry-config";
/// GPT partition name of the product data partition.
pub const DATA_NAME: &str = "ferry-data";

/// Type GUID of the EFI system partition.
pub const ESP_TYPE: &str = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B";
/// Type GUID of the root slots: "Root partition (x86-64)" of the
/// Discoverable Partitions Specification.
pub const ROOT_X86_64_TYPE: &str = "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709";
/// Type GUID of the config partition: "Microsoft basic data", the type FAT
/// data partitions carry, so any OS recognises it as a FAT volume.
pub const CONFIG_TYPE: &str = "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7";
/// Type GUID of the data partition: "Linux filesystem data".
pub const DATA_TYPE: &str = "0FC63DAF-8483-4772-8E79-3D69D8477DE4";

/// FAT volume label of the ESP (11 bytes, space padded on disk).
pub const ESP_LABEL: &str = "FERRY-ESP";
/// FAT volume label of the config partition (11 bytes, space padded on disk).
pub const CONFIG_LABEL: &str = "FERRY-CONF";

/// Default size of the ESP: two kernels and initrds with room to spare.
pub const DEFAULT_ESP_SIZE: u64 = 512 * MIB;
/// Default size of each root slot; products override it.
pub const DEFAULT_ROOT_SIZE: u64 = 8 * GIB;
/// Default size of the config partition.
pub const DEFAULT_CONFIG_SIZE: u64 = 256 * MIB;
/// Smallest data partition we create; it takes the rest of the disk.
pub const MIN_DATA_SIZE: u64 = GIB;

/// Path of the install state record, at the root of the config partition.
pub const STATE_PATH: &str = "state.toml";
/// Directory of per-slot configuration: `config/<slot>/`.
pub const CONFIG_DIR: &str = "config";
/// Directory of install and upgrade reports on the config partition.
pub const REPORTS_DIR: &str = "reports";

/// The firmware's removable-media boot path, on the ESP and on the media:
/// the shim signed by Microsoft (systemd-boot on ESPs written before the
/// Secure Boot chain).
pub const ESP_BOOT_LOADER: &str = "EFI/BOOT/BOOTX64.EFI";
/// What the shim starts, from its own directory: systemd-boot, under the
/// name Debian's shim looks for.
pub const ESP_SHIM_LOADER: &str = "EFI/BOOT/grubx64.efi";
/// MokManager, which the shim starts to enroll a Machine Owner Key.
pub const ESP_MOK_MANAGER: &str = "EFI/BOOT/mmx64.efi";

/// Boot loader configuration on the ESP: timeout and `default ferry-*`.
pub const LOADER_CONF_PATH: &str = "loader/loader.conf";
/// Directory of boot loader entries on the ESP.
pub const LOADER_ENTRIES_DIR: &str = "loader/entries";
/// Tries a freshly written slot gets before the boot loader gives up on it.
pub const DEFAULT_BOOT_TRIES: u32 = 3;
/// What every Ferry loader entry id starts with.
pub const ENTRY_PREFIX: &str = "ferry-";
/// The `default` of `loader/loader.conf`: any Ferry entry. The boot loader
/// takes the first one in its order, which is the newest boot generation
/// that has not used up its tries (see [`crate::boot`]).
pub const LOADER_DEFAULT: &str = "ferry-*";

/// One of the two root slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Slot {
    /// Slot `a`, partition `ferry-root-a`.
    A,
    /// Slot `b`, partition `ferry-root-b`.
    B,
}

impl Slot {
    /// Both slots, in order.
    pub const ALL: [Slot; 2] = [Slot::A, Slot::B];

    /// The slot's short name, `a` or `b`.
    pub fn name(self) -> &'static str {
        match self {
            Slot::A => "a",
            Slot::B => "b",
        }
    }

    /// Parse `a` or `b`.
    pub fn from_name(name: &str) -> Option<Slot> {
        match name {
            "a" => Some(Slot::A),
            "b" => Some(Slot::B),
            _ => None,
        }
    }

    /// The other slot: where an upgrade writes.
    pub fn other(self) -> Slot {
        match self {
            Slot::A => Slot::B,
            Slot::B => Slot::A,
        }
    }

    /// GPT partition name of this slot's root partition.
    pub fn partition_name(self) -> &'static str {
        match self {
            Slot::A => ROOT_A_NAME,
            Slot::B => ROOT_B_NAME,
        }
    }

    /// Boot loader entry id of this slot's entry of boot generation
    /// `generation`: `ferry-7-b`, the entry file name without boot counter
    /// and `.conf`. See [`crate::boot`] for why the generation is there.
    pub fn entry_id(self, generation: u32) -> String {
        format!("{ENTRY_PREFIX}{generation}-{}", self.name())
    }

    /// Path of the slot's configuration directory on the config partition.
    pub fn config_dir(self) -> String {
        format!("{CONFIG_DIR}/{}", self.name())
    }

    /// Loader entry file name for this slot. `tries` is `None` for an entry
    /// that booted good (no counter), or `(left, done)` while it is tried.
    pub fn entry_file_name(self, generation: u32, tries: Option<(u32, u32)>) -> String {
        let id = self.entry_id(generation);
        match tries {
            None => format!("{id}.conf"),
            Some((left, 0)) => format!("{id}+{left}.conf"),
            Some((left, done)) => format!("{id}+{left}-{done}.conf"),
        }
    }
}

impl fmt::Display for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The role a partition plays in the Ferry layout, found by GPT name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// `ferry-esp`
    Esp,
    /// `ferry-root-a` / `ferry-root-b`
    Root(Slot),
    /// `ferry-config`
    Config,
    /// `ferry-data`
    Data,
}

impl Role {
    /// Every role, in on-disk order.
    pub const ALL: [Role; 5] = [
        Role::Esp,
        Role::Root(Slot::A),
        Role::Root(Slot::B),
        Role::Config,
        Role::Data,
    ];

    /// The role a GPT partition name denotes, if it is one of ours.
    pub fn from_partition_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.partition_name() == name)
    }

    /// GPT partition name for this role.
    pub fn partition_name(self) -> &'static str {
        match self {
            Role::Esp => ESP_NAME,
            Role::Root(slot) => slot.partition_name(),
            Role::Config => CONFIG_NAME,
            Role::Data => DATA_NAME,
        }
    }

    /// Type GUID (upper case, dashed) for this role.
    pub fn type_guid(self) -> &'static str {
        match self {
            Role::Esp => ESP_TYPE,
            Role::Root(_) => ROOT_X86_64_TYPE,
            Role::Config => CONFIG_TYPE,
            Role::Data => DATA_TYPE,
        }
    }

    /// Default size; `None` for the data partition, which fills the disk.
    pub fn default_size(self) -> Option<u64> {
        match self {
            Role::Esp => Some(DEFAULT_ESP_SIZE),
            Role::Root(_) => Some(DEFAULT_ROOT_SIZE),
            Role::Config => Some(DEFAULT_CONFIG_SIZE),
            Role::Data => None,
        }
    }
}

/// Smallest disk the default layout fits on: 1 MiB for the protective MBR
/// and primary GPT, the fixed partitions, the minimum data partition, and
/// 1 MiB at the end for the backup GPT.
pub fn min_disk_size() -> u64 {
    let fixed: u64 = Role::ALL.iter().filter_map(|r| r.default_size()).sum();
    MIB + fixed + MIN_DATA_SIZE + MIB
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_names() {
        for role in Role::ALL {
            assert_eq!(Role::from_partition_name(role.partition_name()), Some(role));
        }
        assert_eq!(Role::from_partition_name("EFI system partition"), None);
    }

    #[test]
    fn entry_file_names_follow_boot_counting() {
        assert_eq!(Slot::A.entry_file_name(1, None), "ferry-1-a.conf");
        assert_eq!(
            Slot::B.entry_file_name(12, Some((3, 0))),
            "ferry-12-b+3.conf"
        );
        assert_eq!(
            Slot::B.entry_file_name(2, Some((1, 2))),
            "ferry-2-b+1-2.conf"
        );
    }

    #[test]
    fn slots() {
        assert_eq!(Slot::A.other(), Slot::B);
        assert_eq!(Slot::from_name("b"), Some(Slot::B));
        assert_eq!(Slot::from_name("c"), None);
        assert_eq!(Slot::B.config_dir(), "config/b");
        assert!(min_disk_size() > 17 * GIB);
    }
}
