//! Why the admin's build of a payload stops.

use std::path::PathBuf;

use semver::Version;

use crate::product::{FitError, Needed};
use crate::{Error, Section};

/// What keeps a payload from being built (or, for a stopped thread, read).
#[derive(Debug, thiserror::Error)]
pub enum BuildProblem {
    #[error("no signing key given")]
    NoKey,
    #[error(
        "compression '{}' is not known: use 'zstd', 'zstd:LEVEL' (1 to 22) or 'none'",
        text.escape_debug()
    )]
    UnknownCompression { text: String },
    /// A component's input held more bytes than its size when it was
    /// read.
    #[error("{component} grew while it was being read")]
    Grew { component: String },
    /// A member name the tar header cannot hold (component names are
    /// checked before, so this does not happen to a valid one).
    #[error("member name '{}' does not fit a tar header", name.escape_debug())]
    MemberName { name: String },
    /// A release with an `[install]` table lacks what an installation
    /// takes.
    #[error("the release cannot be installed: it has no {}", needed_list(missing))]
    NotInstallable { missing: Vec<Needed> },
    #[error("the release does not fit its layout: {0}")]
    DoesNotFit(FitError),
    /// The payload read back after writing does not verify.
    #[error("the payload written does not verify ({0}); did an input file change while building?")]
    WrittenDoesNotVerify(Box<Error>),
    #[error("the payload read back differs from the one written")]
    ReadBackDiffers,
    /// A creation time outside RFC 3339's years.
    #[error("the creation time is in year {year}; an RFC 3339 time is from year 0 to 9999")]
    CreationTime { year: i32 },
    #[error(
        "the product's first release upgrades nothing: give 'upgrades-from' or say it is \
         the first, not both"
    )]
    FirstReleaseUpgrades,
    /// A release `X.0.0` without `upgrades-from`: one release back is the
    /// last minor release of `X-1`, which the build does not know.
    #[error(
        "{version} starts a new major version, so 'one release back' is not known: say \
         which releases may upgrade to it (e.g. '>={previous}.N.0, <{version}' with N the \
         last minor release of {previous}), or, if it is the product's first release, say \
         so (upgrades-from = \"none\")",
        previous = version.major.saturating_sub(1)
    )]
    NoDefaultUpgrades { version: Version },
    /// The manifest or the signatures came out longer than the space
    /// kept for them before the components.
    #[error("{0} came out longer than the space kept for it")]
    Outgrew(Section),
    #[error("the output {} is also an input component", out.display())]
    OutputIsInput { out: PathBuf },
}

/// What a release lacks, as a list: "vmlinuz, initrd.img".
fn needed_list(missing: &[Needed]) -> String {
    let names: Vec<String> = missing.iter().map(Needed::to_string).collect();
    names.join(", ")
}
