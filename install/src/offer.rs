//! Which of a medium's payloads a disk is offered: the newest release it
//! can reach, the hotfix for its installed release, a wipe. Where the
//! installed release is more than one step behind the newest release on
//! the medium (the one-release-back rule, `upgrades-from`), the upgrade
//! is a path of steps: the release installed now, then the ones that
//! remain, each taken from the same medium after the one before has
//! started once. Pure: manifests in, indices out.

use detect::Content;
use payload::{Kind, Manifest, Version};

use crate::plan::Action;
use crate::target::{running_slot, Target};

/// The release a disk runs and the hotfixes it carries, as the state
/// record says of its running slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    pub release: Version,
    pub hotfixes: Vec<String>,
}

impl Installed {
    /// What runs on the disk `target`, if it holds a Ferry installation
    /// whose running slot records a release.
    pub fn of(target: &Target) -> Option<Installed> {
        let install = target.report.ferry()?;
        let record = install.record.as_ref()?;
        let slot = running_slot(install)?;
        let rec = record.slots.get(slot);
        Some(Installed {
            release: rec.release.clone()?,
            hotfixes: rec.hotfixes.clone(),
        })
    }
}

/// One thing offered for a disk: an action and the payload it takes
/// (index into the manifests given to [`offers`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub action: Action,
    /// The payload written now.
    pub payload: usize,
    /// Upgrade only: the releases that remain after this one, in order,
    /// to reach the newest release the medium carries. Empty when this is
    /// the last step (or the newest release cannot be reached at all).
    pub then: Vec<usize>,
}

/// What `content` with `installed` is offered from `manifests` (every
/// payload on the medium, of one product), in the order a front end
/// shows them: upgrade, hotfix, wipe for a Ferry disk (the upgrade and
/// hotfix only when the medium has a payload of that kind); install for
/// a blank disk; install over anything else (which erases it: a wipe).
///
/// The upgrade takes the newest release `installed` may go to directly;
/// when none may, the newest release, so that planning it says why. The
/// hotfix is one that applies (the one including the most others), else
/// the newest hotfix, again so planning says why not. Install and wipe
/// take the newest release (a medium of hotfixes only: its main payload,
/// and planning refuses).
pub fn offers(
    content: &Content,
    installed: Option<&Installed>,
    manifests: &[&Manifest],
) -> Vec<Offer> {
    if manifests.is_empty() {
        return Vec::new();
    }
    let fresh = newest(manifests, Kind::Release).unwrap_or(0);
    let single = |action| Offer {
        action,
        payload: fresh,
        then: Vec::new(),
    };
    match content {
        Content::Blank => return vec![single(Action::Install)],
        Content::Ferry(_) => {}
        _ => return vec![single(Action::Wipe)],
    }
    let mut list = Vec::new();
    if let Some(newest_release) = newest(manifests, Kind::Release) {
        let steps = installed.map(|i| path(i, manifests)).unwrap_or_default();
        list.push(match steps.split_first() {
            Some((&now, rest)) => Offer {
                action: Action::Upgrade,
                payload: now,
                then: rest.to_vec(),
            },
            None => Offer {
                action: Action::Upgrade,
                payload: newest_release,
                then: Vec::new(),
            },
        });
        // Nothing newer to go to, and the medium holds the running
        // release: it can be written again in the other slot, a repair.
        let same = installed.and_then(|i| {
            (0..manifests.len())
                .find(|&k| manifests[k].kind == Kind::Release && manifests[k].version == i.release)
        });
        // A release image holds no hotfix: only a bare release is repaired.
        let bare = installed.is_some_and(|i| i.hotfixes.is_empty());
        if let (true, true, Some(k)) = (steps.is_empty(), bare, same) {
            list.push(Offer {
                action: Action::Repair,
                payload: k,
                then: Vec::new(),
            });
        }
    }
    if let Some(h) = hotfix(installed, manifests).or_else(|| newest(manifests, Kind::Hotfix)) {
        list.push(Offer {
            action: Action::Hotfix,
            payload: h,
            then: Vec::new(),
        });
    }
    list.push(single(Action::Wipe));
    list
}

/// The releases to install one after the other from `installed`: at each
/// step the newest release the one before may be upgraded to. Stops where
/// no release on the medium goes further; empty when none applies now.
/// Bounded by the number of releases (versions only go up).
pub fn path(installed: &Installed, manifests: &[&Manifest]) -> Vec<usize> {
    let mut steps = Vec::new();
    let mut at = installed.release.clone();
    let mut hotfixes = installed.hotfixes.clone();
    for _ in 0..manifests.len() {
        let next = (0..manifests.len())
            .filter(|&i| manifests[i].kind == Kind::Release)
            .filter(|&i| manifests[i].check_upgrade_from(&at, &hotfixes).is_ok())
            .max_by(|&a, &b| manifests[a].version.cmp(&manifests[b].version));
        let Some(i) = next else { break };
        steps.push(i);
        at = manifests[i].version.clone();
        hotfixes.clear();
    }
    steps
}

/// The hotfix that applies to `installed`: of those whose checks pass,
/// the one that includes the most other hotfixes (the latest of a line).
fn hotfix(installed: Option<&Installed>, manifests: &[&Manifest]) -> Option<usize> {
    let i = installed?;
    (0..manifests.len())
        .filter(|&k| manifests[k].kind == Kind::Hotfix)
        .filter(|&k| {
            manifests[k]
                .check_upgrade_from(&i.release, &i.hotfixes)
                .is_ok()
        })
        .max_by_key(|&k| manifests[k].includes_hotfixes.len())
}

/// The newest payload of `kind` (the first of equals).
fn newest(manifests: &[&Manifest], kind: Kind) -> Option<usize> {
    (0..manifests.len())
        .filter(|&i| manifests[i].kind == kind)
        .rev()
        .max_by(|&a, &b| manifests[a].version.cmp(&manifests[b].version))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use detect::FerryInstall;

    fn manifest(kind: Kind, version: &str, extra: &str) -> Manifest {
        let text = format!(
            "format = 1\nproduct = \"engine\"\nversion = \"{version}\"\nkind = \"{}\"\n{extra}\
             min-installer = \"0.1.0\"\ncreated = \"2025-01-01T00:00:00Z\"\nhash = \"sha256\"\n\
             [[component]]\nname = \"rootfs.img\"\nsize = 1\nsha256 = \"{z}\"\n\
             chunk-size = 65536\nchunks = [\"{z}\"]\n",
            if kind == Kind::Hotfix {
                "hotfix"
            } else {
                "release"
            },
            z = "00".repeat(32),
        );
        Manifest::parse(text.as_bytes()).unwrap()
    }

    fn release(v: &str, from: &str) -> Manifest {
        manifest(Kind::Release, v, &format!("upgrades-from = \"{from}\"\n"))
    }

    fn hotfix(v: &str, id: &str, includes: &[&str]) -> Manifest {
        let inc: Vec<String> = includes.iter().map(|h| format!("\"{h}\"")).collect();
        manifest(
            Kind::Hotfix,
            v,
            &format!(
                "hotfix-id = \"{id}\"\napplies-to = \"{v}\"\nincludes-hotfixes = [{}]\n",
                inc.join(", ")
            ),
        )
    }

    fn at(v: &str, hotfixes: &[&str]) -> Installed {
        Installed {
            release: Version::parse(v).unwrap(),
            hotfixes: hotfixes.iter().map(|h| h.to_string()).collect(),
        }
    }

    fn ferry() -> Content {
        Content::Ferry(Box::new(FerryInstall {
            product: None,
            machine_id: None,
            installed_at: None,
            active_slot: None,
            boot_default: None,
            slots: Vec::new(),
            trusted_keys: Vec::new(),
            data_partition: false,
            record: None,
        }))
    }

    /// The demo releases: 1.1 upgrades 1.0, 2.0 upgrades 1.1.
    fn demo() -> Vec<Manifest> {
        vec![
            release("2.0.0", ">=1.1.0, <2.0.0"),
            release("1.1.0", ">=1.0.0, <1.1.0"),
            hotfix("1.1.0", "hf1", &[]),
        ]
    }

    #[test]
    fn a_machine_two_releases_behind_goes_through_the_one_between() {
        let all = demo();
        let m: Vec<&Manifest> = all.iter().collect();
        assert_eq!(path(&at("1.0.0", &[]), &m), [1, 0]);
        let o = offers(&ferry(), Some(&at("1.0.0", &[])), &m);
        assert_eq!(
            o[0],
            Offer {
                action: Action::Upgrade,
                payload: 1,
                then: vec![0]
            }
        );
        // The hotfix of 1.1 does not apply to 1.0: offered, for planning
        // to say why.
        assert_eq!((o[1].action, o[1].payload), (Action::Hotfix, 2));
        assert_eq!((o[2].action, o[2].payload), (Action::Wipe, 0));
    }

    #[test]
    fn one_release_behind_goes_straight_to_the_newest_and_gets_its_hotfix() {
        let all = demo();
        let m: Vec<&Manifest> = all.iter().collect();
        let o = offers(&ferry(), Some(&at("1.1.0", &[])), &m);
        assert_eq!(
            o.iter()
                .map(|o| (o.action, o.payload, o.then.len()))
                .collect::<Vec<_>>(),
            [
                (Action::Upgrade, 0, 0),
                (Action::Hotfix, 2, 0),
                (Action::Wipe, 0, 0)
            ]
        );
    }

    #[test]
    fn the_newest_release_is_offered_for_planning_to_refuse_when_none_applies() {
        let all = demo();
        let m: Vec<&Manifest> = all.iter().collect();
        // Already on the newest; too old for any release on the medium.
        for v in ["2.0.0", "0.9.0"] {
            assert!(path(&at(v, &[]), &m).is_empty(), "{v}");
            let o = offers(&ferry(), Some(&at(v, &[])), &m);
            assert_eq!((o[0].action, o[0].payload), (Action::Upgrade, 0));
            assert!(o[0].then.is_empty());
        }
        // No state record to read a release from: the same.
        let o = offers(&ferry(), None, &m);
        assert_eq!((o[0].action, o[0].payload), (Action::Upgrade, 0));
    }

    #[test]
    fn a_path_stops_where_no_release_on_the_medium_goes_further() {
        // 1.0 -> 1.1 only; 3.0 needs 2.x, which the medium lacks.
        let all = [
            release("3.0.0", ">=2.0.0, <3.0.0"),
            release("1.1.0", ">=1.0.0, <1.1.0"),
        ];
        let m: Vec<&Manifest> = all.iter().collect();
        assert_eq!(path(&at("1.0.0", &[]), &m), [1]);
        // The newest release it can reach now, when several can.
        let all = [
            release("1.1.0", ">=1.0.0, <1.1.0"),
            release("1.2.0", ">=1.0.0, <1.2.0"),
            release("2.0.0", ">=1.2.0, <2.0.0"),
        ];
        let m: Vec<&Manifest> = all.iter().collect();
        assert_eq!(path(&at("1.0.0", &[]), &m), [1, 2]);
    }

    #[test]
    fn the_running_release_on_the_medium_is_offered_as_a_repair() {
        let all = [release("1.1.0", ">=1.0.0, <1.1.0")];
        let m: Vec<&Manifest> = all.iter().collect();
        let actions = |h: &[&str]| {
            offers(&ferry(), Some(&at("1.1.0", h)), &m)
                .into_iter()
                .map(|o| (o.action, o.payload))
                .collect::<Vec<_>>()
        };
        // The upgrade stays, for planning to refuse as already installed.
        assert_eq!(
            actions(&[]),
            [(Action::Upgrade, 0), (Action::Repair, 0), (Action::Wipe, 0)]
        );
        // A release image would drop the running slot's hotfix.
        assert_eq!(actions(&["hf1"]), [(Action::Upgrade, 0), (Action::Wipe, 0)]);
        // An older release running: an upgrade, no repair.
        let o = offers(&ferry(), Some(&at("1.0.0", &[])), &m);
        assert!(o.iter().all(|o| o.action != Action::Repair));
    }

    #[test]
    fn the_hotfix_that_includes_the_others_is_the_one_offered() {
        let all = [
            release("1.1.0", ">=1.0.0, <1.1.0"),
            hotfix("1.1.0", "hf1", &[]),
            hotfix("1.1.0", "hf2", &["hf1"]),
        ];
        let m: Vec<&Manifest> = all.iter().collect();
        let pick = |h: &[&str]| {
            offers(&ferry(), Some(&at("1.1.0", h)), &m)
                .into_iter()
                .find(|o| o.action == Action::Hotfix)
                .map(|o| o.payload)
        };
        assert_eq!(pick(&[]), Some(2));
        assert_eq!(pick(&["hf1"]), Some(2));
        // Only hf1 on the medium and hf1 applied: offered, refused by plan.
        let only = [&all[0], &all[1]];
        let o = offers(&ferry(), Some(&at("1.1.0", &["hf1"])), &only);
        assert_eq!((o[1].action, o[1].payload), (Action::Hotfix, 1));
    }

    #[test]
    fn blank_and_foreign_disks_get_the_newest_release() {
        let all = demo();
        let m: Vec<&Manifest> = all.iter().collect();
        let single = |c: &Content| {
            offers(c, None, &m)
                .into_iter()
                .map(|o| (o.action, o.payload))
                .collect::<Vec<_>>()
        };
        assert_eq!(single(&Content::Blank), [(Action::Install, 0)]);
        let foreign = Content::Unreadable {
            why: detect::Unreadable::Empty,
        };
        assert_eq!(single(&foreign), [(Action::Wipe, 0)]);
        assert!(offers(&Content::Blank, None, &[]).is_empty());
        // A medium of one hotfix: no upgrade line, as before several
        // payloads.
        let h = hotfix("1.1.0", "hf1", &[]);
        let o = offers(&ferry(), Some(&at("1.1.0", &[])), &[&h]);
        assert_eq!(
            o.iter().map(|o| o.action).collect::<Vec<_>>(),
            [Action::Hotfix, Action::Wipe]
        );
    }
}
