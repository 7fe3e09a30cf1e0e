//! What procfs says is in use: the mount table and the swap areas.

use std::path::Path;

use crate::sysfs::DevNum;

/// One line of the mount table.
#[derive(Debug)]
pub(crate) struct MountEntry {
    /// From mountinfo; `/proc/mounts` does not say.
    pub dev: Option<DevNum>,
    pub source: String,
    pub mount_point: String,
}

/// The mount table: `self/mountinfo`, else `mounts`; `Err` says why
/// neither could be read.
pub(crate) fn mount_table(proc: &Path) -> Result<Vec<MountEntry>, String> {
    let info = proc.join("self/mountinfo");
    if let Ok(text) = std::fs::read_to_string(&info) {
        return Ok(text.lines().filter_map(parse_mountinfo).collect());
    }
    let mounts = proc.join("mounts");
    match std::fs::read_to_string(&mounts) {
        Ok(text) => Ok(text
            .lines()
            .filter_map(|l| {
                let mut f = l.split_whitespace();
                Some(MountEntry {
                    dev: None,
                    source: unescape(f.next()?),
                    mount_point: unescape(f.next()?),
                })
            })
            .collect()),
        Err(e) => Err(format!(
            "the mount table cannot be read ({}: {e})",
            info.display()
        )),
    }
}

/// `36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw`
fn parse_mountinfo(line: &str) -> Option<MountEntry> {
    let f: Vec<&str> = line.split_whitespace().collect();
    let dev = DevNum::parse(f.get(2)?);
    let mount_point = unescape(f.get(4)?);
    let dash = f.iter().skip(6).position(|x| *x == "-")? + 6;
    let source = f.get(dash + 2).map(|s| unescape(s)).unwrap_or_default();
    Some(MountEntry {
        dev,
        source,
        mount_point,
    })
}

/// Undo the kernel's octal escapes (`\040` for a space).
fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let digits = b
            .get(i + 1..i + 4)
            .filter(|d| d.iter().all(|c| (b'0'..=b'7').contains(c)));
        if let (b'\\', Some(d)) = (b[i], digits) {
            let v = d.iter().fold(0u32, |v, c| v * 8 + u32::from(c - b'0'));
            if let Ok(v) = u8::try_from(v) {
                out.push(v);
                i += 4;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The files and devices in use as swap (`swaps`, kernel-escaped names
/// undone); none when the kernel has no swap support.
pub(crate) fn swap_files(proc: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(proc.join("swaps")).unwrap_or_default();
    text.lines()
        .skip(1)
        .filter_map(|line| line.split_whitespace().next())
        .map(unescape)
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn mountinfo_lines_parse_with_any_optional_fields() {
        let e = parse_mountinfo("36 35 98:0 /mnt1 /mnt2 rw,noatime - ext3 /dev/root rw").unwrap();
        assert_eq!(e.dev, Some(DevNum::new(98, 0)));
        assert_eq!(e.mount_point, "/mnt2");
        assert_eq!(e.source, "/dev/root");
        let e = parse_mountinfo(
            "36 35 8:17 / /a\\134b\\011c rw shared:1 master:2 propagate_from:3 - vfat /dev/sdb1 rw",
        )
        .unwrap();
        assert_eq!(e.dev, Some(DevNum::new(8, 17)));
        assert_eq!(e.mount_point, "/a\\b\tc");
        assert_eq!(e.source, "/dev/sdb1");
        assert!(parse_mountinfo("garbage").is_none());
        assert!(parse_mountinfo("1 2 x:y / /z rw").is_none());
        assert_eq!(unescape("a\\040b\\"), "a b\\");
        assert_eq!(unescape("\\999\\0"), "\\999\\0");
    }
}
