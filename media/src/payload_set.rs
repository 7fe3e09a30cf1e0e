//! The payloads one medium carries: releases and hotfixes of one product,
//! each verified against the boot kit's keys, in the order the medium
//! lists them (the newest release first: the medium's own name and
//! version are its).

use std::path::PathBuf;

use anyhow::{bail, Result};
use payload::{Kind, Manifest};

use bootkit::Bootkit;

use crate::payload_copy::PayloadHead;

/// A payload to carry: where it is and its signed head.
#[derive(Debug, Clone)]
pub struct Carried {
    pub path: PathBuf,
    pub head: PayloadHead,
}

/// Read and verify every payload of `paths`; refuse a set one medium
/// cannot carry: none, more than [`medium::MAX_PAYLOADS`], two products,
/// two payloads of one release or hotfix, two of one file name.
pub fn read_all(paths: &[PathBuf], kit: &Bootkit, unsigned_ok: bool) -> Result<Vec<Carried>> {
    if paths.is_empty() {
        bail!("say which payload to carry with --payload FILE.upg");
    }
    if paths.len() > medium::MAX_PAYLOADS {
        bail!(
            "{} payloads: a medium carries at most {}",
            paths.len(),
            medium::MAX_PAYLOADS
        );
    }
    let mut all = Vec::with_capacity(paths.len());
    for p in paths {
        all.push(Carried {
            path: p.clone(),
            head: PayloadHead::read(p, kit, unsigned_ok)?,
        });
    }
    check_set(&all)?;
    main_first(&mut all);
    Ok(all)
}

/// Main payload first (the newest release, else the newest hotfix), then
/// the others from the oldest.
fn order(a: &Manifest, b: &Manifest) -> std::cmp::Ordering {
    let key = |m: &Manifest| {
        (
            m.kind == Kind::Release,
            m.version.clone(),
            m.hotfix_id.clone(),
        )
    };
    // Highest key first for the main one: compare the rest ascending.
    key(b).cmp(&key(a))
}

fn check_set(all: &[Carried]) -> Result<()> {
    let name = |c: &Carried| c.path.display().to_string();
    let Some(first) = all.first() else {
        return Ok(());
    };
    for (i, c) in all.iter().enumerate() {
        let m = &c.head.manifest;
        if m.product != first.head.manifest.product {
            bail!(
                "{} is {} but {} is {}: one medium carries one product",
                name(first),
                first.head.manifest.product,
                name(c),
                m.product
            );
        }
        for d in &all[..i] {
            if d.head.file_name == c.head.file_name {
                bail!(
                    "{} and {} have the same file name: rename one",
                    name(d),
                    name(c)
                );
            }
            let dm = &d.head.manifest;
            if dm.kind == m.kind && dm.version == m.version && dm.hotfix_id == m.hotfix_id {
                bail!(
                    "{} and {} are both {}: carry it once",
                    name(d),
                    name(c),
                    m.title()
                );
            }
        }
    }
    Ok(())
}

/// Rearranged so the main payload is first: [`read_all`]'s order.
pub fn main_first(all: &mut [Carried]) {
    all.sort_by(|a, b| order(&a.head.manifest, &b.head.manifest));
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn manifest(kind: Kind, version: &str, hotfix: Option<&str>) -> Manifest {
        let text = format!(
            "format = 1\nproduct = \"engine\"\nversion = \"{version}\"\nkind = \"{}\"\n{}\
             min-installer = \"0.1.0\"\ncreated = \"2025-01-01T00:00:00Z\"\nhash = \"sha256\"\n\
             [[component]]\nname = \"rootfs.img\"\nsize = 1\nsha256 = \"{}\"\nchunk-size = 65536\n\
             chunks = [\"{}\"]\n",
            if kind == Kind::Hotfix {
                "hotfix"
            } else {
                "release"
            },
            match hotfix {
                Some(h) => format!("hotfix-id = \"{h}\"\napplies-to = \"{version}\"\n"),
                None => "upgrades-from = \">=0.1.0\"\n".to_string(),
            },
            "00".repeat(32),
            "00".repeat(32),
        );
        Manifest::parse(text.as_bytes()).unwrap()
    }

    fn carried(file: &str, m: Manifest) -> Carried {
        Carried {
            path: PathBuf::from(file),
            head: PayloadHead {
                manifest: m,
                manifest_bytes: Vec::new(),
                file_name: file.rsplit('/').next().unwrap_or(file).to_string(),
                verified: true,
                size: 1,
                trust: payload::TrustStore::new(),
            },
        }
    }

    #[test]
    fn the_newest_release_comes_first_then_the_rest_from_the_oldest() {
        let mut all = vec![
            carried("a.upg", manifest(Kind::Hotfix, "1.1.0", Some("hf1"))),
            carried("b.upg", manifest(Kind::Release, "2.0.0", None)),
            carried("c.upg", manifest(Kind::Release, "1.1.0", None)),
        ];
        check_set(&all).unwrap();
        main_first(&mut all);
        let names: Vec<&str> = all.iter().map(|c| c.head.file_name.as_str()).collect();
        assert_eq!(names, ["b.upg", "c.upg", "a.upg"]);
    }

    #[test]
    fn two_of_one_release_or_of_one_file_name_are_refused() {
        let twice = [
            carried("a.upg", manifest(Kind::Release, "1.1.0", None)),
            carried("b.upg", manifest(Kind::Release, "1.1.0", None)),
        ];
        let e = check_set(&twice).unwrap_err().to_string();
        assert!(e.contains("are both engine 1.1.0"), "{e}");
        let same_name = [
            carried("x/a.upg", manifest(Kind::Release, "1.1.0", None)),
            carried("y/a.upg", manifest(Kind::Release, "2.0.0", None)),
        ];
        let e = check_set(&same_name).unwrap_err().to_string();
        assert!(e.contains("same file name"), "{e}");
        // A release and its hotfix share a version: both are carried.
        check_set(&[
            carried("a.upg", manifest(Kind::Release, "1.1.0", None)),
            carried("b.upg", manifest(Kind::Hotfix, "1.1.0", Some("hf1"))),
        ])
        .unwrap();
    }

    #[test]
    fn two_products_are_refused() {
        let mut other = manifest(Kind::Release, "2.0.0", None);
        other.product = "storage".into();
        let e = check_set(&[
            carried("a.upg", manifest(Kind::Release, "1.1.0", None)),
            carried("b.upg", other),
        ])
        .unwrap_err()
        .to_string();
        assert!(e.contains("one medium carries one product"), "{e}");
    }
}
