//! The product's install definition: the `[install]` table of a release's
//! manifest. It says how the product lies on a disk (partition sizes, fixed
//! or as shares of the disk), the kernel command line and boot menu title
//! of installed systems, and whether Ferry formats the data partition.
//! Signed with the rest of the manifest; a payload without it installs
//! with [`InstallDefinition::default`], the layout of releases made before.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One mebibyte: every partition size is a whole number of them.
pub const MIB: u64 = 1024 * 1024;
const GIB: u64 = 1024 * MIB;

/// Smallest ESP: FAT32 on 512-byte sectors, two kernels and initrds.
pub const MIN_ESP: u64 = 32 * MIB;
/// Smallest root slot.
pub const MIN_SLOT: u64 = 16 * MIB;
/// Smallest config partition: the state record, configurations, reports.
pub const MIN_CONFIG: u64 = 8 * MIB;
/// No partition size beyond this (1 PiB): keeps every sum far from
/// overflow.
pub const MAX_PART: u64 = 1 << 50;
/// Longest kernel command line a product may set: the kernel takes 2048
/// bytes on x86-64, Ferry adds the root and slot arguments.
pub const MAX_CMDLINE: usize = 1024;
/// Longest boot menu title.
pub const MAX_TITLE: usize = 64;

/// The kernel command line of releases without a definition: both
/// consoles, serial first.
pub const DEFAULT_CMDLINE: &str = "console=ttyS0,115200 console=tty0";

/// Arguments Ferry sets itself on every loader entry.
const FERRY_ARGUMENTS: [&str; 2] = ["root", "ferry.slot"];

/// Component names an installer relies on.
pub const ROOTFS: &str = "rootfs.img";
/// The kernel component.
pub const KERNEL: &str = "vmlinuz";
/// The initrd component.
pub const INITRD: &str = "initrd.img";
/// Prefix of default configuration documents: `config-<name>.toml`.
pub const CONFIG_PREFIX: &str = "config-";

/// Why an install definition is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DefinitionError {
    /// A size that is not one (its text is in the error).
    #[error("{0}")]
    BadSize(units::SizeError),
    #[error("{text:?} is not a size: a share is a whole number of percent, e.g. 25%")]
    BadShare { text: String },
    #[error("'{key}' is {bytes} bytes, not a whole number of MiB")]
    NotMib { key: &'static str, bytes: u64 },
    #[error("'{key}' is {}, less than the {} it needs at least", units::size(*bytes), units::size(*min))]
    TooSmall {
        key: &'static str,
        bytes: u64,
        min: u64,
    },
    #[error("'{key}' is {}, more than the {} allowed", units::size(*bytes), units::size(MAX_PART))]
    TooLarge { key: &'static str, bytes: u64 },
    #[error("'{key}' is {percent}%: a share of the disk is from 1% to 99%")]
    BadPercent { key: &'static str, percent: u64 },
    #[error(
        "the ESP, both slots and the config partition take {percent}% of the disk: \
         the shares must leave room for the data partition (less than 100%)"
    )]
    SharesTooLarge { percent: u64 },
    #[error(
        "'cmdline' has {found:?} at byte {at}: only printable ASCII characters and spaces \
         go in a kernel command line (no newline, tab or NUL)"
    )]
    CmdlineCharacter { found: char, at: usize },
    #[error("'cmdline' is {len} bytes, more than the {MAX_CMDLINE} allowed")]
    CmdlineTooLong { len: usize },
    #[error("'cmdline' sets {argument}=, which Ferry sets itself for each slot")]
    CmdlineFerryArgument { argument: &'static str },
    #[error("'title' must be 1-{MAX_TITLE} printable characters, no newline")]
    BadTitle,
}

/// A partition's size: fixed, or a share of the disk rounded down to whole
/// MiB. Written `"512 MiB"`, `"8 GiB"` or `"25%"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartSize {
    Bytes(u64),
    Percent(u64),
}

impl PartSize {
    /// Bytes on a disk of `disk` bytes.
    pub fn bytes(self, disk: u64) -> u64 {
        match self {
            PartSize::Bytes(b) => b,
            PartSize::Percent(p) => {
                // u128: a disk of 2^64 bytes times 99 does not fit u64.
                let share = u128::from(disk) * u128::from(p) / 100;
                let mib = u64::try_from(share / u128::from(MIB)).unwrap_or(u64::MAX / MIB);
                mib * MIB
            }
        }
    }

    fn parse(text: &str) -> Result<PartSize, DefinitionError> {
        let t = text.trim();
        if let Some(number) = t.strip_suffix('%') {
            let percent = number
                .trim()
                .parse::<u64>()
                .map_err(|_| DefinitionError::BadShare { text: text.into() })?;
            return Ok(PartSize::Percent(percent));
        }
        units::parse_size(t)
            .map(PartSize::Bytes)
            .map_err(DefinitionError::BadSize)
    }

    fn check(self, key: &'static str, min: u64) -> Result<(), DefinitionError> {
        match self {
            PartSize::Percent(percent) if !(1..=99).contains(&percent) => {
                Err(DefinitionError::BadPercent { key, percent })
            }
            PartSize::Percent(_) => Ok(()),
            PartSize::Bytes(bytes) => check_bytes(key, bytes, min),
        }
    }
}

fn check_bytes(key: &'static str, bytes: u64, min: u64) -> Result<(), DefinitionError> {
    if bytes > MAX_PART {
        return Err(DefinitionError::TooLarge { key, bytes });
    }
    if !bytes.is_multiple_of(MIB) {
        return Err(DefinitionError::NotMib { key, bytes });
    }
    if bytes < min {
        return Err(DefinitionError::TooSmall { key, bytes, min });
    }
    Ok(())
}

impl fmt::Display for PartSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            PartSize::Percent(p) => write!(f, "{p}%"),
            PartSize::Bytes(b) if b.is_multiple_of(GIB) && b > 0 => write!(f, "{} GiB", b / GIB),
            PartSize::Bytes(b) if b.is_multiple_of(MIB) => write!(f, "{} MiB", b / MIB),
            PartSize::Bytes(b) => write!(f, "{b}"),
        }
    }
}

/// A fixed size, written like a [`PartSize`] but never a share.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size(pub u64);

impl Serialize for PartSize {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Serialize for Size {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&PartSize::Bytes(self.0))
    }
}

/// Sizes are read as text and checked in [`InstallDefinition::validate`],
/// which knows which key they belong to; this only keeps them apart.
impl<'de> Deserialize<'de> for PartSize {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        PartSize::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Size {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        match PartSize::parse(&text).map_err(serde::de::Error::custom)? {
            PartSize::Bytes(b) => Ok(Size(b)),
            PartSize::Percent(_) => Err(serde::de::Error::custom(
                "'data-min' is a fixed size (the data partition takes the rest of the disk)",
            )),
        }
    }
}

/// What Ferry does with a new data partition.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DataFilesystem {
    /// Leave it blank (erased): the product formats it at its first start.
    #[default]
    None,
    /// Format it FAT32, label `FERRY-DATA`.
    Fat32,
}

impl fmt::Display for DataFilesystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DataFilesystem::None => "none",
            DataFilesystem::Fat32 => "fat32",
        })
    }
}

/// The `[install]` table: how a product's release is installed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields, default)]
pub struct InstallDefinition {
    /// The EFI system partition.
    pub esp: PartSize,
    /// Each of the two root slots.
    pub slot: PartSize,
    /// The config partition.
    pub config: PartSize,
    /// The smallest data partition; it takes the rest of the disk.
    pub data_min: Size,
    /// What Ferry does with a new data partition.
    pub data_filesystem: DataFilesystem,
    /// Kernel command line of installed systems, after Ferry's `root=` and
    /// `ferry.slot=`.
    pub cmdline: String,
    /// Boot menu title; the release (and hotfixes) follow it. Default: the
    /// product id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

impl Default for InstallDefinition {
    /// The layout and command line of releases without a definition.
    fn default() -> Self {
        InstallDefinition {
            esp: PartSize::Bytes(512 * MIB),
            slot: PartSize::Bytes(8 * GIB),
            config: PartSize::Bytes(256 * MIB),
            data_min: Size(GIB),
            data_filesystem: DataFilesystem::None,
            cmdline: DEFAULT_CMDLINE.into(),
            title: None,
        }
    }
}

/// The four sizes of a layout on one disk, in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sizes {
    pub esp: u64,
    pub slot: u64,
    pub config: u64,
    pub data_min: u64,
}

impl InstallDefinition {
    /// Parses the `[install]` table of a release description or manifest
    /// (the TOML text of the table's body) and validates it.
    pub fn parse(text: &str) -> Result<InstallDefinition, String> {
        let d: InstallDefinition = toml::from_str(text).map_err(|e| e.message().to_string())?;
        d.validate().map_err(|e| e.to_string())?;
        Ok(d)
    }

    /// Everything a definition must be, whatever the disk.
    pub fn validate(&self) -> Result<(), DefinitionError> {
        self.esp.check("esp", MIN_ESP)?;
        self.slot.check("slot", MIN_SLOT)?;
        self.config.check("config", MIN_CONFIG)?;
        check_bytes("data-min", self.data_min.0, 0)?;
        let share = |s: PartSize| match s {
            PartSize::Percent(p) => p,
            PartSize::Bytes(_) => 0,
        };
        let percent = share(self.esp) + 2 * share(self.slot) + share(self.config);
        if percent >= 100 {
            return Err(DefinitionError::SharesTooLarge { percent });
        }
        check_cmdline(&self.cmdline)?;
        if let Some(t) = &self.title {
            let ok = !t.trim().is_empty()
                && t.chars().count() <= MAX_TITLE
                && !t.chars().any(char::is_control);
            if !ok {
                return Err(DefinitionError::BadTitle);
            }
        }
        Ok(())
    }

    /// The sizes on a disk of `disk` bytes.
    pub fn sizes(&self, disk: u64) -> Sizes {
        Sizes {
            esp: self.esp.bytes(disk),
            slot: self.slot.bytes(disk),
            config: self.config.bytes(disk),
            data_min: self.data_min.0,
        }
    }

    /// The slot size, where it does not depend on the disk.
    pub fn fixed_slot(&self) -> Option<u64> {
        match self.slot {
            PartSize::Bytes(b) => Some(b),
            PartSize::Percent(_) => None,
        }
    }

    /// The ESP size, where it does not depend on the disk.
    pub fn fixed_esp(&self) -> Option<u64> {
        match self.esp {
            PartSize::Bytes(b) => Some(b),
            PartSize::Percent(_) => None,
        }
    }

    /// The boot menu title of `product`'s release `version` with
    /// `hotfixes`.
    pub fn entry_title(&self, product: &str, version: &str, hotfixes: &[String]) -> String {
        let name = self.title.as_deref().unwrap_or(product);
        match hotfixes {
            [] => format!("{name} {version}"),
            _ => format!("{name} {version} ({})", hotfixes.join(", ")),
        }
    }

    /// One line for a technician: "ESP 512 MiB, slots 8 GiB, config
    /// 256 MiB, data the rest (at least 1 GiB)".
    pub fn summary(&self) -> String {
        format!(
            "ESP {}, slots {} each, config {}, data the rest (at least {}{})",
            self.esp,
            self.slot,
            self.config,
            PartSize::Bytes(self.data_min.0),
            match self.data_filesystem {
                DataFilesystem::None => String::new(),
                fs => format!(", formatted {fs}"),
            }
        )
    }
}

/// Bytes the ESP needs for two slots' kernels and initrds of `boot_files`
/// bytes each, the boot loader and the file system itself.
pub fn esp_needed(boot_files: u64) -> u64 {
    boot_files.saturating_mul(2).saturating_add(16 * MIB)
}

fn check_cmdline(cmdline: &str) -> Result<(), DefinitionError> {
    if let Some((at, found)) = cmdline
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_graphic() || *c == ' '))
    {
        return Err(DefinitionError::CmdlineCharacter { found, at });
    }
    if cmdline.len() > MAX_CMDLINE {
        return Err(DefinitionError::CmdlineTooLong { len: cmdline.len() });
    }
    for word in cmdline.split(' ') {
        let key = word.split_once('=').map_or(word, |(k, _)| k);
        if let Some(argument) = FERRY_ARGUMENTS.into_iter().find(|a| *a == key) {
            return Err(DefinitionError::CmdlineFerryArgument { argument });
        }
    }
    Ok(())
}

/// What a release needs for an install, besides the definition: a root
/// image, a kernel, an initrd and a default configuration. What is
/// missing, in that order; empty when nothing is.
pub fn missing_for_install<'a>(components: impl IntoIterator<Item = &'a str>) -> Vec<Needed> {
    let names: Vec<&str> = components.into_iter().collect();
    let mut missing: Vec<Needed> = [ROOTFS, KERNEL, INITRD]
        .into_iter()
        .filter(|n| !names.contains(n))
        .map(Needed::Component)
        .collect();
    if !names.iter().any(|n| config_document(n).is_some()) {
        missing.push(Needed::DefaultConfig);
    }
    missing
}

/// What an install needs of a release: one of its components by name,
/// or a default configuration (any `config-*.toml`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needed {
    Component(&'static str),
    DefaultConfig,
}

impl fmt::Display for Needed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Needed::Component(name) => f.write_str(name),
            Needed::DefaultConfig => {
                write!(f, "default configuration ({CONFIG_PREFIX}*.toml)")
            }
        }
    }
}

/// The configuration document a component carries, if it is one:
/// `config-engine.toml` → `engine.toml`.
pub fn config_document(component: &str) -> Option<&str> {
    let doc = component.strip_prefix(CONFIG_PREFIX)?;
    (doc.ends_with(".toml") && doc.len() > ".toml".len()).then_some(doc)
}

/// Whether the definition's fixed sizes hold a root image of `rootfs` bytes
/// and two kernels and initrds of `boot_files` bytes: the reason when not.
/// Shares of the disk are checked on the disk, by the installer.
pub fn check_fits(def: &InstallDefinition, rootfs: u64, boot_files: u64) -> Result<(), FitError> {
    if let Some(slot) = def.fixed_slot().filter(|s| rootfs > *s) {
        return Err(FitError::Slot { rootfs, slot });
    }
    let needed = esp_needed(boot_files);
    if let Some(esp) = def.fixed_esp().filter(|e| needed > *e) {
        return Err(FitError::Esp { needed, esp });
    }
    Ok(())
}

/// A release that does not fit its own definition.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FitError {
    #[error(
        "the root image is {} but [install] makes each slot {}",
        units::size(*rootfs),
        units::size(*slot)
    )]
    Slot { rootfs: u64, slot: u64 },
    #[error(
        "two slots' kernels and initrds need an ESP of {} but [install] makes it {}",
        units::size(*needed),
        units::size(*esp)
    )]
    Esp { needed: u64, esp: u64 },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<InstallDefinition, String> {
        InstallDefinition::parse(text)
    }

    #[test]
    fn an_empty_table_is_the_default_layout() {
        let d = parse("").expect("empty");
        assert_eq!(d, InstallDefinition::default());
        let s = d.sizes(16 * GIB);
        assert_eq!(
            (s.esp, s.slot, s.config, s.data_min),
            (512 * MIB, 8 * GIB, 256 * MIB, GIB)
        );
        assert_eq!(
            d.entry_title("demo-engine", "1.0.0", &[]),
            "demo-engine 1.0.0"
        );
    }

    #[test]
    fn reads_sizes_shares_and_the_boot_entry() {
        let d = parse(
            "esp = \"256 MiB\"\nslot = \"20%\"\nconfig = \"64M\"\ndata-min = \"2 GiB\"\n\
             data-filesystem = \"fat32\"\ncmdline = \"console=ttyS0,115200 quiet\"\n\
             title = \"Acme Engine\"\n",
        )
        .expect("valid");
        let s = d.sizes(16 * GIB);
        assert_eq!(s.esp, 256 * MIB);
        // 20% of 16 GiB, rounded down to whole MiB.
        assert_eq!(s.slot, 3276 * MIB);
        assert_eq!(s.config, 64 * MIB);
        assert_eq!(s.data_min, 2 * GIB);
        assert_eq!(d.data_filesystem, DataFilesystem::Fat32);
        assert_eq!(
            d.entry_title("acme", "2.0.0", &["hf1".into()]),
            "Acme Engine 2.0.0 (hf1)"
        );
        // Written back, it reads the same.
        let text = toml::to_string(&d).expect("writes");
        assert_eq!(parse(&text).expect("reads back"), d);
        assert!(text.contains("slot = \"20%\""), "{text}");
        assert!(text.contains("config = \"64 MiB\""), "{text}");
    }

    #[test]
    fn refuses_hostile_sizes() {
        for (text, want) in [
            ("slot = \"99999999999999999999G\"", "too large a size"),
            ("slot = \"16777215T\"", "more than the"),
            ("slot = \"8.5G\"", "is not a size"),
            ("slot = \"-1G\"", "is not a size"),
            ("slot = \"8X\"", "is not a unit"),
            ("slot = 8", "invalid type"),
            ("esp = \"1000K\"", "not a whole number of MiB"),
            ("esp = \"1M\"", "less than"),
            ("slot = \"0%\"", "from 1% to 99%"),
            ("slot = \"150%\"", "from 1% to 99%"),
            (
                "slot = \"18446744073709551617%\"",
                "whole number of percent",
            ),
            ("data-min = \"10%\"", "fixed size"),
            ("slot = \"45%\"\nesp = \"10%\"", "less than 100%"),
            ("slot = \"50%\"", "less than 100%"),
            ("data-filesystem = \"ext9\"", "unknown variant"),
            ("disk = \"8G\"", "unknown field"),
        ] {
            let e = parse(text).expect_err(text);
            assert!(e.contains(want), "{text}: {e}");
        }
    }

    #[test]
    fn refuses_hostile_command_lines_and_titles() {
        for (text, want) in [
            ("cmdline = \"quiet\\nroot=/dev/sda\"", "no newline"),
            ("cmdline = \"quiet\\u0000\"", "no newline"),
            ("cmdline = \"quiet\\tsplash\"", "no newline"),
            ("cmdline = \"caf\u{e9}\"", "printable ASCII"),
            ("cmdline = \"root=/dev/sda1\"", "sets root="),
            ("cmdline = \"quiet ferry.slot=a\"", "sets ferry.slot="),
            ("title = \"\"", "'title'"),
            ("title = \"a\\nb\"", "'title'"),
        ] {
            let e = parse(text).expect_err(text);
            assert!(e.contains(want), "{text}: {e}");
        }
        let long = format!("cmdline = \"{}\"", "a".repeat(MAX_CMDLINE + 1));
        assert!(parse(&long)
            .expect_err("long")
            .contains("more than the 1024"));
        let ok = format!("cmdline = \"{}\"", "a".repeat(MAX_CMDLINE));
        parse(&ok).expect("just fits");
        parse("cmdline = \"\"").expect("an empty command line is allowed");
        parse("cmdline = \"rootwait rootfstype=ext4\"").expect("root-like words are not root=");
    }

    #[test]
    fn shares_of_huge_disks_do_not_overflow() {
        assert_eq!(
            PartSize::Percent(99).bytes(u64::MAX),
            (u128::from(u64::MAX) * 99 / 100 / u128::from(MIB)) as u64 * MIB
        );
        assert_eq!(PartSize::Percent(50).bytes(0), 0);
        assert_eq!(PartSize::Percent(10).bytes(MIB), 0);
    }

    #[test]
    fn a_release_must_fit_its_fixed_sizes() {
        let mut d = InstallDefinition {
            slot: PartSize::Bytes(64 * MIB),
            esp: PartSize::Bytes(32 * MIB),
            ..Default::default()
        };
        assert_eq!(check_fits(&d, 64 * MIB, 8 * MIB), Ok(()));
        assert_eq!(
            check_fits(&d, 64 * MIB + 1, 0),
            Err(FitError::Slot {
                rootfs: 64 * MIB + 1,
                slot: 64 * MIB
            })
        );
        assert!(matches!(
            check_fits(&d, 0, 9 * MIB),
            Err(FitError::Esp { .. })
        ));
        d.slot = PartSize::Percent(30);
        assert_eq!(check_fits(&d, u64::MAX, 0), Ok(()), "checked on the disk");
    }

    #[test]
    fn an_install_needs_its_components() {
        let all = ["config-ferry.toml", "vmlinuz", "initrd.img", "rootfs.img"];
        assert!(missing_for_install(all).is_empty());
        let missing = missing_for_install(["rootfs.img", "config-.toml"]);
        assert_eq!(
            missing,
            [
                Needed::Component("vmlinuz"),
                Needed::Component("initrd.img"),
                Needed::DefaultConfig
            ]
        );
        assert_eq!(
            missing[2].to_string(),
            "default configuration (config-*.toml)"
        );
    }
}
