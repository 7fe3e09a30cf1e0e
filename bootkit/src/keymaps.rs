//! Console keyboard layouts for the installer: the keymaps of Debian's
//! `console-data`, compiled by `kbd`'s own `loadkeys -b` (both unpacked,
//! never installed) into the binary form busybox `loadkmap` loads. The
//! installer offers exactly these names (`installer-tui`'s layout list).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{anyhow, bail, Context, Result};

/// The package with `loadkeys`.
pub const KBD_PACKAGE: &str = "kbd";
/// The package with the keymap sources.
pub const KEYMAPS_PACKAGE: &str = "console-data";

/// Layout name the technician picks, and its keymap under
/// `usr/share/keymaps/i386/` in `console-data`.
pub const LAYOUTS: &[(&str, &str)] = &[
    ("us", "qwerty/us"),
    ("uk", "qwerty/uk"),
    ("de", "qwertz/de-latin1"),
    ("fr", "azerty/fr-latin9"),
    ("es", "qwerty/es"),
    ("it", "qwerty/it"),
    ("ch", "qwertz/sg-latin1"),
    ("se", "qwerty/se-latin1"),
];

/// Where the initramfs keeps `NAME.bmap`.
pub const DIR: &str = "usr/share/keymaps";

/// Magic of a binary keymap.
const MAGIC: &[u8] = b"bkeymap";
/// Keymap tables a binary keymap has a flag for (`MAX_NR_KEYMAPS`).
const TABLES: usize = 256;
/// Bytes of one table: 128 keys of 16 bits (`NR_KEYS` in busybox).
const TABLE_BYTES: usize = 128 * 2;

/// `loadkeys` in the unpacked `kbd` (in `/bin` up to Debian 12, in
/// `/usr/bin` after the /usr merge).
pub fn loadkeys(kbd: &Path) -> Result<PathBuf> {
    ["bin/loadkeys", "usr/bin/loadkeys"]
        .iter()
        .map(|p| kbd.join(p))
        .find(|p| p.is_file())
        .ok_or_else(|| anyhow!("{} has no loadkeys", kbd.display()))
}

/// Compiles every layout of [`LAYOUTS`]: name → binary keymap.
pub fn build(loadkeys: &Path, console_data: &Path) -> Result<BTreeMap<String, Vec<u8>>> {
    let root = console_data.join("usr/share/keymaps/i386");
    let mut out = BTreeMap::new();
    for (name, source) in LAYOUTS {
        let file = root.join(format!("{source}.kmap.gz"));
        if !file.is_file() {
            bail!("{} is missing: keymap for layout {name}", file.display());
        }
        // An absolute path: `include` lines are looked up beside it.
        let file = file
            .canonicalize()
            .with_context(|| format!("reading {}", file.display()))?;
        let out_bytes = Command::new(loadkeys)
            .arg("--bkeymap")
            .arg(&file)
            // Nothing from the console: the keymap goes to stdout.
            .stdin(Stdio::null())
            .output()
            .with_context(|| format!("running {}", loadkeys.display()))?;
        if !out_bytes.status.success() {
            bail!(
                "loadkeys could not compile {} for layout {name}: {}",
                file.display(),
                String::from_utf8_lossy(&out_bytes.stderr).trim()
            );
        }
        check(&out_bytes.stdout).with_context(|| format!("the keymap of layout {name}"))?;
        out.insert(name.to_string(), out_bytes.stdout);
    }
    Ok(out)
}

/// Checks the shape of a binary keymap: magic, one flag per table, and a
/// table for every flag, with the plain table (0) present.
pub fn check(bmap: &[u8]) -> Result<()> {
    let flags = bmap
        .strip_prefix(MAGIC)
        .and_then(|rest| rest.get(..TABLES))
        .ok_or_else(|| anyhow!("not a binary keymap (no bkeymap header)"))?;
    if flags.iter().any(|f| *f > 1) {
        bail!("not a binary keymap (table flags other than 0 and 1)");
    }
    let tables = flags.iter().filter(|f| **f == 1).count();
    let want = MAGIC.len() + TABLES + tables * TABLE_BYTES;
    if bmap.len() != want {
        bail!(
            "a binary keymap with {tables} tables is {want} bytes, this one is {}",
            bmap.len()
        );
    }
    if flags[0] != 1 {
        bail!("the keymap has no plain table: loadkeys compiled nothing");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain-table value of `keycode` (as the kernel's `KDGKBENT` gives it).
    fn plain_key(bmap: &[u8], keycode: usize) -> Option<u16> {
        let at = MAGIC.len() + TABLES + keycode * 2;
        (keycode < 128 && bmap.get(MAGIC.len())? == &1)
            .then(|| bmap.get(at..at + 2))
            .flatten()
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
    }

    fn bmap(tables: &[usize]) -> Vec<u8> {
        let mut b = MAGIC.to_vec();
        let mut flags = vec![0u8; TABLES];
        for t in tables {
            flags[*t] = 1;
        }
        b.extend(flags);
        for _ in tables {
            b.extend(std::iter::repeat_n(0u8, TABLE_BYTES));
        }
        b
    }

    #[test]
    fn shapes_are_checked() {
        check(&bmap(&[0, 1, 2])).unwrap();
        assert!(check(&bmap(&[]))
            .unwrap_err()
            .to_string()
            .contains("compiled nothing"));
        assert!(check(&bmap(&[1])).is_err());
        let mut short = bmap(&[0]);
        short.pop();
        assert!(check(&short).is_err());
        let mut long = bmap(&[0]);
        long.push(0);
        assert!(check(&long).is_err());
        assert!(check(b"bkeymap").is_err());
        assert!(check(b"").is_err());
        let mut odd = bmap(&[0]);
        odd[MAGIC.len() + 3] = 2;
        assert!(check(&odd).is_err());
    }

    #[test]
    fn layouts_have_unique_names() {
        let names: std::collections::BTreeSet<_> = LAYOUTS.iter().map(|(n, _)| n).collect();
        assert_eq!(names.len(), LAYOUTS.len());
        assert_eq!(LAYOUTS[0].0, "us", "the kernel's own layout comes first");
    }

    /// The installer offers the layouts by name from its own list; every
    /// one of them must be in the kit, in the same order.
    #[test]
    fn the_installer_offers_exactly_these_layouts() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../installer-tui/src/tui/context.rs");
        let text = std::fs::read_to_string(&src).unwrap();
        let line = text
            .lines()
            .find(|l| l.starts_with("pub const LAYOUTS"))
            .expect("installer-tui's LAYOUTS");
        let offered: Vec<&str> = line.split('"').skip(1).step_by(2).collect();
        let built: Vec<&str> = LAYOUTS.iter().map(|(n, _)| *n).collect();
        assert_eq!(offered, built);
    }

    /// With the packages the boot kit fetched (`scripts/bootkit`): every
    /// layout compiles, and German swaps Y and Z.
    #[test]
    fn compiles_the_layouts_from_the_fetched_packages() {
        let cache = std::env::var_os("CARGO_TARGET_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
            .join("bootkit-cache/unpacked");
        let find = |prefix: &str| {
            std::fs::read_dir(&cache).ok().and_then(|rd| {
                rd.filter_map(|e| e.ok()).map(|e| e.path()).find(|p| {
                    p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
                })
            })
        };
        let (Some(kbd), Some(data)) = (find("kbd_"), find("console-data_")) else {
            panic!("run scripts/bootkit first: it fetches kbd and console-data");
        };
        let maps = build(&loadkeys(&kbd).unwrap(), &data).unwrap();
        assert_eq!(maps.len(), LAYOUTS.len());
        // Key code 21 is the key right of T: Y on a US keyboard, Z on a
        // German one (KT_LETTER << 8 | character).
        assert_eq!(plain_key(&maps["us"], 21), Some(0x0b79));
        assert_eq!(plain_key(&maps["de"], 21), Some(0x0b7a));
        // Key code 16 is A on a French keyboard, Q elsewhere.
        assert_eq!(plain_key(&maps["fr"], 16), Some(0x0b61));
        assert_eq!(plain_key(&maps["uk"], 16), Some(0x0b71));
    }
}
