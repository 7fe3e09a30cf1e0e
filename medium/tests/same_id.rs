//! Two sticks whose `medium.toml` carry the same id (anyone can copy the
//! unsigned file onto another stick): the boot medium is not guessed, both
//! are named.
#![allow(clippy::unwrap_used)]

use std::io::Cursor;
use std::path::{Path, PathBuf};

use medium::stick::{find_partition, Stick};
use medium::{choose_boot_medium, Error, MediumInfo};
use testkit::sticks;

/// What the installer reads from each drive: its `medium.toml`.
fn info(img: &Path) -> MediumInfo {
    let bytes = std::fs::read(img).unwrap();
    let (start, len) = find_partition(&mut Cursor::new(&bytes)).unwrap();
    let part = bytes[start as usize..(start + len) as usize].to_vec();
    Stick::open(Cursor::new(part)).unwrap().info().unwrap()
}

fn choose(id: &str, imgs: &[PathBuf]) -> Result<usize, Error> {
    let infos: Vec<MediumInfo> = imgs.iter().map(|i| info(i)).collect();
    let found: Vec<(&Path, Option<&str>)> = imgs
        .iter()
        .zip(&infos)
        .map(|(p, i)| (p.as_path(), Some(i.id.as_str())))
        .collect();
    choose_boot_medium(Some(id), &found)
}

#[test]
fn two_sticks_with_the_boot_id_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let real = sticks::stick(dir.path(), "real.img", "0123456789abcdef");
    let other = sticks::stick(dir.path(), "other.img", "fedcba9876543210");
    let copy = sticks::stick(dir.path(), "copy.img", "0123456789abcdef");

    // With only the real stick and another medium, the real one is chosen.
    assert_eq!(
        choose("0123456789abcdef", &[other.clone(), real.clone()]).unwrap(),
        1
    );

    // A copy of its medium.toml on a second stick: neither is chosen.
    let err = choose("0123456789abcdef", &[copy.clone(), other, real.clone()]).unwrap_err();
    let text = err.to_string();
    match err {
        Error::SeveralBootMedia { id, devices } => {
            assert_eq!(id.as_deref(), Some("0123456789abcdef"));
            assert_eq!(devices, [copy.clone(), real.clone()]);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        text.contains(&copy.display().to_string()) && text.contains(&real.display().to_string()),
        "{text}"
    );
}
