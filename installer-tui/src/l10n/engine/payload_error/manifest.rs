//! What is wrong with a payload's manifest, and with its `[install]`
//! table.

use payload::product::DefinitionError;
use payload::ManifestProblem;

use super::{escaped, syntax};
use crate::l10n::{size, t};

/// What is wrong with the manifest.
pub(super) fn manifest(p: &ManifestProblem) -> String {
    use ManifestProblem as M;
    let n = |x: u64| x.to_string();
    match p {
        M::NotText => t!("payload-manifest-not-text"),
        M::Syntax(s) => syntax(s),
        M::NoFormat => t!("payload-manifest-no-format"),
        M::FormatNotANumber => t!("payload-manifest-format-not-a-number"),
        M::Format { format } => t!(
            "payload-manifest-format",
            format = format.to_string(),
            oldest = payload::FORMAT_1.to_string(),
            newest = payload::FORMAT.to_string()
        ),
        M::NeedsFormat2 { format } => t!(
            "payload-manifest-needs-format",
            format = format.to_string(),
            needed = payload::FORMAT.to_string()
        ),
        M::Install(d) => t!("payload-manifest-install", problem = definition(d)),
        M::ProductId { id } => t!("payload-manifest-product-id", id = escaped(id)),
        M::Created { created } => t!("payload-manifest-created", created = escaped(created)),
        M::NoUpgradeRule => t!("payload-manifest-no-upgrade-rule"),
        M::FirstReleaseUpgrades => t!("payload-manifest-first-release-upgrades"),
        M::HotfixKeysInRelease => t!("payload-manifest-hotfix-keys-in-release"),
        M::NoAppliesTo => t!("payload-manifest-no-applies-to"),
        M::AppliesToDiffers {
            version,
            applies_to,
        } => t!(
            "payload-manifest-applies-to-differs",
            version = version.to_string(),
            base = applies_to.to_string()
        ),
        M::HotfixId { id } => t!("payload-manifest-hotfix-id", id = escaped(id)),
        M::NoHotfixId => t!("payload-manifest-no-hotfix-id"),
        M::ReleaseKeysInHotfix => t!("payload-manifest-release-keys-in-hotfix"),
        M::TooManyIncluded { count } => t!(
            "payload-manifest-too-many-included",
            count = count.to_string(),
            max = payload::MAX_INCLUDED_HOTFIXES.to_string()
        ),
        M::IncludedId { id } => t!("payload-manifest-included-id", id = escaped(id)),
        M::IncludesItself { id } => t!("payload-manifest-includes-itself", id = id.as_str()),
        M::IncludedTwice { id } => t!("payload-manifest-included-twice", id = id.as_str()),
        M::EmptyTrust => t!("payload-manifest-empty-trust"),
        M::NoComponents => t!("payload-manifest-no-components"),
        M::TooManyComponents { count } => t!(
            "payload-manifest-too-many-components",
            count = count.to_string(),
            max = payload::MAX_COMPONENTS.to_string()
        ),
        M::ComponentName { name } => t!("payload-manifest-component-name", name = escaped(name)),
        M::ReservedName { name } => t!("payload-manifest-reserved-name", name = name.as_str()),
        M::ComponentTwice { component } => t!(
            "payload-manifest-component-twice",
            component = component.as_str()
        ),
        M::ComponentTooLarge { component, size } => t!(
            "payload-manifest-component-too-large",
            component = component.as_str(),
            size = n(*size),
            max = n(payload::MAX_COMPONENT_SIZE)
        ),
        M::ChunkSize {
            component,
            chunk_size,
        } => t!(
            "payload-manifest-chunk-size",
            component = component.as_str(),
            chunk_size = n(*chunk_size),
            min = n(payload::MIN_CHUNK_SIZE),
            max = n(payload::MAX_CHUNK_SIZE)
        ),
        M::ChunkCount {
            component,
            listed,
            size,
            chunk_size,
            needed,
        } => t!(
            "payload-manifest-chunk-count",
            component = component.as_str(),
            listed = listed.to_string(),
            size = n(*size),
            chunk_size = n(*chunk_size),
            needed = n(*needed)
        ),
        M::NotCompressed {
            component,
            chunk,
            entry,
        } => t!(
            "payload-manifest-not-compressed",
            component = component.as_str(),
            chunk = n(*chunk),
            entry = entry.to_string()
        ),
        M::CompressedInFormat { component, format } => t!(
            "payload-manifest-compressed-in-format",
            component = component.as_str(),
            format = format.to_string(),
            needed = payload::FORMAT.to_string()
        ),
        M::NoStoredLength { component, chunk } => t!(
            "payload-manifest-no-stored-length",
            component = component.as_str(),
            chunk = n(*chunk)
        ),
        M::StoredTooLong {
            component,
            chunk,
            stored,
            chunk_size,
        } => t!(
            "payload-manifest-stored-too-long",
            component = component.as_str(),
            chunk = n(*chunk),
            stored = n(*stored),
            chunk_size = n(*chunk_size)
        ),
    }
}

/// Why the manifest's `[install]` table is refused.
fn definition(d: &DefinitionError) -> String {
    use DefinitionError as D;
    match d {
        D::BadSize(e) => size_error(e),
        D::BadShare { text } => t!("payload-definition-bad-share", text = format!("{text:?}")),
        D::NotMib { key, bytes } => t!(
            "payload-definition-not-mib",
            key = *key,
            bytes = bytes.to_string()
        ),
        D::TooSmall { key, bytes, min } => t!(
            "payload-definition-too-small",
            key = *key,
            size = size(*bytes),
            min = size(*min)
        ),
        D::TooLarge { key, bytes } => t!(
            "payload-definition-too-large",
            key = *key,
            size = size(*bytes),
            max = size(payload::product::MAX_PART)
        ),
        D::BadPercent { key, percent } => t!(
            "payload-definition-bad-percent",
            key = *key,
            percent = percent.to_string()
        ),
        D::SharesTooLarge { percent } => t!(
            "payload-definition-shares-too-large",
            percent = percent.to_string()
        ),
        D::CmdlineCharacter { found, at } => t!(
            "payload-definition-cmdline-character",
            found = format!("{found:?}"),
            at = at.to_string()
        ),
        D::CmdlineTooLong { len } => t!(
            "payload-definition-cmdline-too-long",
            len = len.to_string(),
            max = payload::product::MAX_CMDLINE.to_string()
        ),
        D::CmdlineFerryArgument { argument } => t!(
            "payload-definition-cmdline-ferry-argument",
            argument = *argument
        ),
        D::BadTitle => t!(
            "payload-definition-bad-title",
            max = payload::product::MAX_TITLE.to_string()
        ),
    }
}

/// Why a text is not a size.
fn size_error(e: &units::SizeError) -> String {
    use units::SizeError as S;
    let quoted = |text: &str| format!("{text:?}");
    match e {
        S::Empty => t!("payload-size-empty"),
        S::NotANumber { text } => t!("payload-size-not-a-number", text = quoted(text)),
        S::UnknownUnit { text, unit } => t!(
            "payload-size-unknown-unit",
            text = quoted(text),
            unit = quoted(unit)
        ),
        S::TooLarge { text } => t!("payload-size-too-large", text = quoted(text)),
    }
}
