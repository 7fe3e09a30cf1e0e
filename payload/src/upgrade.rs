//! Which installed versions a payload may be installed over.

use semver::{Comparator, Op, Version};

use crate::manifest::{Kind, Manifest};

/// Why a payload cannot go over an installed system, in a sentence a
/// technician can act on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("{product} {installed} is already installed")]
    SameVersion { product: String, installed: Version },
    #[error(
        "{installed} is newer than {offered}: downgrades are refused \
         (wipe and reinstall to go back to {offered})"
    )]
    Downgrade {
        installed: Version,
        offered: Version,
    },
    #[error("upgrade from {installed} to {offered} is not supported: {hint}")]
    Unsupported {
        installed: Version,
        offered: Version,
        hint: String,
    },
    #[error(
        "{offered} is the product's first release: it upgrades no installed version \
         (wipe and reinstall to install it)"
    )]
    FirstRelease { offered: Version },
    #[error("hotfix {id} is for {base}; this system runs {installed}")]
    WrongBase {
        id: String,
        base: Version,
        installed: Version,
    },
    #[error("hotfix {id} is already applied")]
    HotfixApplied { id: String },
    #[error(
        "hotfix {id} was built without hotfix {applied}, which this system has: applying \
         it would remove {applied}; use a hotfix that includes {applied}"
    )]
    HotfixNotIncluded {
        /// The hotfix offered.
        id: String,
        /// The applied hotfix its image lacks.
        applied: String,
    },
}

impl Manifest {
    /// Checks that this payload may be installed over `installed`, which
    /// carries `hotfixes`. The floor comes from the installed system. A
    /// hotfix goes only over hotfixes its image includes
    /// (`includes-hotfixes`), so none is lost.
    pub fn check_upgrade_from(
        &self,
        installed: &Version,
        hotfixes: &[String],
    ) -> Result<(), Refusal> {
        match self.kind {
            Kind::Hotfix => {
                let id = self.hotfix_id.clone().unwrap_or_default();
                let base = self
                    .applies_to
                    .clone()
                    .unwrap_or_else(|| self.version.clone());
                if *installed != base {
                    return Err(Refusal::WrongBase {
                        id,
                        base,
                        installed: installed.clone(),
                    });
                }
                if hotfixes.contains(&id) {
                    return Err(Refusal::HotfixApplied { id });
                }
                if let Some(applied) = hotfixes
                    .iter()
                    .find(|h| !self.includes_hotfixes.contains(h))
                {
                    return Err(Refusal::HotfixNotIncluded {
                        id,
                        applied: applied.clone(),
                    });
                }
                Ok(())
            }
            Kind::Release => {
                if *installed == self.version {
                    return Err(Refusal::SameVersion {
                        product: self.product.clone(),
                        installed: installed.clone(),
                    });
                }
                if *installed > self.version {
                    return Err(Refusal::Downgrade {
                        installed: installed.clone(),
                        offered: self.version.clone(),
                    });
                }
                if self.first_release {
                    return Err(Refusal::FirstRelease {
                        offered: self.version.clone(),
                    });
                }
                let Some(req) = &self.upgrades_from else {
                    return Ok(());
                };
                if req.matches(installed) {
                    return Ok(());
                }
                let hint = match lower_bound(&req.comparators) {
                    Some(floor) if *installed < floor => {
                        format!("upgrade to {}.{} first", floor.major, floor.minor)
                    }
                    _ => format!("this release upgrades only {req}"),
                };
                Err(Refusal::Unsupported {
                    installed: installed.clone(),
                    offered: self.version.clone(),
                    hint,
                })
            }
        }
    }
}

impl Manifest {
    /// The hotfixes a slot holds once this payload is written into it: a
    /// hotfix's `includes-hotfixes`, then the hotfix itself; none for a
    /// release.
    pub fn slot_hotfixes(&self) -> Vec<String> {
        match (self.kind, &self.hotfix_id) {
            (Kind::Hotfix, Some(id)) => {
                let mut list = self.includes_hotfixes.clone();
                list.push(id.clone());
                list
            }
            _ => Vec::new(),
        }
    }
}

/// The smallest version a requirement admits, where it has one.
fn lower_bound(comparators: &[Comparator]) -> Option<Version> {
    comparators
        .iter()
        .filter_map(|c| match c.op {
            Op::GreaterEq | Op::Exact | Op::Tilde | Op::Caret | Op::Wildcard => Some(Version::new(
                c.major,
                c.minor.unwrap_or(0),
                c.patch.unwrap_or(0),
            )),
            Op::Greater => Some(Version::new(
                c.major,
                c.minor.unwrap_or(0),
                c.patch.unwrap_or(0) + 1,
            )),
            _ => None,
        })
        .max()
}

/// The default rule, "one release back": a release X.Y.Z upgrades X.(Y-1).*
/// and earlier patch releases of X.Y. A new major version has no release
/// one back that can be computed, so its author must say (`None`).
pub fn default_upgrades_from(version: &Version) -> Option<semver::VersionReq> {
    if version.minor == 0 {
        if version.patch == 0 {
            return None;
        }
        return semver::VersionReq::parse(&format!(">={}.0.0, <{version}", version.major)).ok();
    }
    semver::VersionReq::parse(&format!(
        ">={}.{}.0, <{version}",
        version.major,
        version.minor - 1
    ))
    .ok()
}
