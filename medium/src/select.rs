//! Which of the Ferry media in a machine is the one the installer started
//! from.

use std::path::{Path, PathBuf};

use crate::Error;

/// The boot medium among the Ferry media `found` on the machine's drives
/// (device and the id its `medium.toml` gives, if any): the one whose id is
/// `id` (from `ferry.medium=`), or, when the command line names none, the
/// only one. Returns its index in `found`.
///
/// `medium.toml` is not signed: a copy of it on another stick claims the
/// same id. Two candidates are therefore refused, both named, rather than
/// one of them guessed.
pub fn choose_boot_medium(
    id: Option<&str>,
    found: &[(&Path, Option<&str>)],
) -> Result<usize, Error> {
    let candidates: Vec<usize> = found
        .iter()
        .enumerate()
        .filter(|(_, (_, medium_id))| id.is_none() || *medium_id == id)
        .map(|(i, _)| i)
        .collect();
    match candidates[..] {
        [one] => Ok(one),
        [] => Err(Error::BootMediumNotFound {
            id: id.map(str::to_string),
            others: found.iter().map(|(d, _)| d.to_path_buf()).collect(),
        }),
        _ => Err(Error::SeveralBootMedia {
            id: id.map(str::to_string),
            devices: candidates
                .iter()
                .map(|&i| found[i].0.to_path_buf())
                .collect::<Vec<PathBuf>>(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_medium_with_the_id_is_chosen_among_others() {
        let (a, b, c) = (
            Path::new("/dev/sda"),
            Path::new("/dev/sdb"),
            Path::new("/dev/sr0"),
        );
        let found = [(a, Some("1111")), (b, None), (c, Some("2222"))];
        assert_eq!(choose_boot_medium(Some("2222"), &found).ok(), Some(2));
        assert_eq!(choose_boot_medium(None, &found[2..]).ok(), Some(0));
    }

    #[test]
    fn none_or_two_candidates_are_errors_naming_the_devices() {
        let (a, b, c) = (
            Path::new("/dev/sda"),
            Path::new("/dev/sdb"),
            Path::new("/dev/sr0"),
        );
        let found = [(a, Some("1111")), (b, Some("2222")), (c, Some("1111"))];
        match choose_boot_medium(Some("1111"), &found) {
            Err(Error::SeveralBootMedia { id, devices }) => {
                assert_eq!(id.as_deref(), Some("1111"));
                assert_eq!(devices, [a, c]);
            }
            other => panic!("{other:?}"),
        }
        match choose_boot_medium(None, &found[..2]) {
            Err(Error::SeveralBootMedia { id: None, devices }) => assert_eq!(devices, [a, b]),
            other => panic!("{other:?}"),
        }
        match choose_boot_medium(Some("3333"), &found) {
            Err(Error::BootMediumNotFound { id, others }) => {
                assert_eq!(id.as_deref(), Some("3333"));
                assert_eq!(others, [a, b, c]);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            choose_boot_medium(None, &[]),
            Err(Error::BootMediumNotFound { id: None, .. })
        ));
    }
}
