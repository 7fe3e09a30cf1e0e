//! Why a payload is refused, or could not be read, checked or built, said
//! with `payload.ftl`: each check's typed facts, every variant in the
//! technician's language. The English equals `payload::Error`'s
//! `Display`. A parser's own words (TOML, PEM, zstd) stay as they are,
//! after a translated sentence that gives the position when there is one;
//! an operating-system message stays as it is.

use std::path::Path;

use payload::product::{FitError, Needed};
use payload::{
    BuildProblem, Damage, FrameProblem, IoContext, KeyProblem, LayoutProblem, MemberKind,
    NotPayload, SignatureProblem, SyntaxError,
};

use super::{io_error, keys};
use crate::l10n::{size, t};

mod manifest;
#[cfg(test)]
mod tests;

use manifest::manifest;

/// Why the payload did not verify, could not be read or built: the
/// sentence of `payload::Error`'s `Display`.
pub fn payload_error(e: &payload::Error) -> String {
    use payload::Error as P;
    match e {
        P::Io { context, source } => t!(
            "payload-error-io",
            context = io_context(context),
            detail = io_error(source)
        ),
        P::Truncated { cut: c, at } => {
            t!("payload-error-truncated", cut = cut(c), at = at.to_string())
        }
        P::NotAPayload(why) => t!("payload-error-not-a-payload", reason = not_payload(why)),
        P::Container { offset, reason } => t!(
            "payload-error-container",
            offset = offset.to_string(),
            reason = damage(reason)
        ),
        P::NonCanonicalHeader {
            offset,
            member,
            field,
        } => t!(
            "payload-error-header",
            offset = offset.to_string(),
            member = escaped(member),
            field = field.to_string()
        ),
        P::ManifestTooLarge { size, max } => t!(
            "payload-error-manifest-too-large",
            size = size.to_string(),
            max = max.to_string()
        ),
        P::Manifest(p) => t!("payload-error-manifest", problem = manifest(p)),
        P::NewerFormat {
            what,
            min_installer,
        } => match min_installer {
            Some(v) => t!(
                "payload-error-newer-format-version",
                what = newer(what),
                version = v.to_string()
            ),
            None => t!("payload-error-newer-format", what = newer(what)),
        },
        P::SignatureFormat(p) => t!("payload-error-signature-format", problem = signature(p)),
        P::Untrusted(u) => t!("payload-error-signature", detail = untrusted(u)),
        P::Key(p) => key(p),
        P::ChunkMismatch {
            component,
            chunk,
            start,
            end,
        } => t!(
            "payload-error-digest",
            component = component.as_str(),
            chunk = chunk.to_string(),
            start = start.to_string(),
            end = end.to_string()
        ),
        P::Layout(p) => t!("payload-error-layout", problem = layout(p)),
        P::BadFrame {
            component,
            chunk,
            start,
            end,
            reason,
        } => t!(
            "payload-error-frame",
            component = component.as_str(),
            chunk = chunk.to_string(),
            start = start.to_string(),
            end = end.to_string(),
            reason = frame(reason)
        ),
        P::Build(p) => t!("payload-error-build", problem = build(p)),
        P::WorkerStopped => t!("payload-error-worker-stopped"),
    }
}

/// A name as the payload's sentences quote it: escaped, so a control
/// character in a hostile name shows as `\n` rather than breaking the
/// line.
pub(super) fn escaped(name: &str) -> String {
    name.escape_debug().to_string()
}

fn path(p: &Path) -> String {
    p.display().to_string()
}

/// What the payload code was reading or writing at an I/O error.
fn io_context(c: &IoContext) -> String {
    match c {
        IoContext::ReadingPart { part, at } => t!(
            "payload-io-reading-part",
            part = cut(part),
            at = at.to_string()
        ),
        IoContext::ReadingPayload { at } => {
            t!("payload-io-reading-payload", at = at.to_string())
        }
        IoContext::Delivering { component } => {
            t!("payload-io-delivering", component = component.as_str())
        }
        IoContext::Opening(p) => t!("payload-io-opening", path = path(p)),
        IoContext::Reading(p) => t!("payload-io-reading", path = path(p)),
        IoContext::Creating { dir } => t!("payload-io-creating", dir = path(dir)),
        IoContext::Writing { out } => t!("payload-io-writing", path = path(out)),
        IoContext::WritingComponent { component } => {
            t!(
                "payload-io-writing-component",
                component = component.as_str()
            )
        }
        IoContext::WritingManifest => t!("payload-io-writing-manifest"),
        IoContext::ReadingBack => t!("payload-io-reading-back"),
        IoContext::Renaming { out } => t!("payload-io-renaming", path = path(out)),
        IoContext::ListingKeys { dir } => t!("payload-io-listing-keys", dir = path(dir)),
        IoContext::Compressing { component, chunk } => t!(
            "payload-io-compressing",
            component = component.as_str(),
            chunk = chunk.to_string()
        ),
        IoContext::Randomness => t!("payload-io-randomness"),
    }
}

/// Why a file is not a payload.
fn not_payload(n: &NotPayload) -> String {
    match n {
        NotPayload::Zeros => t!("payload-not-zeros"),
        NotPayload::NoTarHeader => t!("payload-not-tar"),
        NotPayload::FirstMember { name } => t!("payload-not-first-member", name = escaped(name)),
        NotPayload::NoSignature => t!("payload-not-signed"),
        NotPayload::SecondMember { name } => {
            t!("payload-not-second-member", name = escaped(name))
        }
    }
}

/// What is damaged in the container.
fn damage(d: &Damage) -> String {
    match d {
        Damage::Padding(s) => {
            let (section, name) = section(s);
            let padding = t!("cut-padding", section = section, name = name);
            t!("payload-damage-padding", padding = padding)
        }
        Damage::ChecksumField => t!("payload-damage-checksum-field"),
        Damage::Checksum => t!("payload-damage-checksum"),
        Damage::NotUstar => t!("payload-damage-not-ustar"),
        Damage::NoName => t!("payload-damage-no-name"),
        Damage::PathPrefix { member } => {
            t!("payload-damage-path-prefix", member = escaped(member))
        }
        Damage::NotPlainFile { member, kind } => t!(
            "payload-damage-not-plain-file",
            member = escaped(member),
            kind = member_kind(*kind)
        ),
        Damage::Size { member } => t!("payload-damage-size", member = escaped(member)),
        Damage::EndMarker => t!("payload-damage-end-marker"),
    }
}

/// What a member that is not a plain file is, as the catalog's selector.
fn member_kind(k: MemberKind) -> &'static str {
    match k {
        MemberKind::HardLink => "hard-link",
        MemberKind::Symlink => "symlink",
        MemberKind::CharDevice => "char-device",
        MemberKind::BlockDevice => "block-device",
        MemberKind::Directory => "directory",
        MemberKind::Fifo => "fifo",
        MemberKind::Pax => "pax",
        MemberKind::GnuLongName => "gnu-long-name",
        MemberKind::Other => "other",
    }
}

/// Where a TOML parser found a document wrong, and its own words.
pub(super) fn syntax(s: &SyntaxError) -> String {
    super::detail::toml_syntax(s)
}

/// What is wrong with the signature file.
fn signature(p: &SignatureProblem) -> String {
    use SignatureProblem as S;
    match p {
        S::TooLarge { size, max } => t!(
            "payload-signature-too-large",
            size = size.to_string(),
            max = max.to_string()
        ),
        S::NotText => t!("payload-signature-not-text"),
        S::Syntax(s) => syntax(s),
        S::Empty => t!("payload-signature-empty"),
        S::TooMany { count, max } => t!(
            "payload-signature-too-many",
            count = count.to_string(),
            max = max.to_string()
        ),
        S::NotBase64 { key } => t!("payload-signature-not-base64", key = key.short()),
        S::Length { key, len } => t!(
            "payload-signature-length",
            key = key.short(),
            len = len.to_string()
        ),
    }
}

/// Why a key cannot be used, after its file when it was read from one.
fn key(p: &KeyProblem) -> String {
    use KeyProblem as K;
    let in_file = |file: &Option<std::path::PathBuf>, problem: String| match file {
        Some(f) => t!("payload-key-in-file", file = path(f), problem = problem),
        None => problem,
    };
    match p {
        K::NotAFingerprint { text } => {
            t!("payload-key-not-a-fingerprint", text = escaped(text))
        }
        K::NotPrivateKey { file, detail } => in_file(
            file,
            t!("payload-key-not-private", detail = detail.as_str()),
        ),
        K::NotPublicKey { file, detail } => {
            in_file(file, t!("payload-key-not-public", detail = detail.as_str()))
        }
        K::ListedNotBase64 => t!("payload-key-listed-not-base64"),
        K::ListedNotSpki { detail } => {
            t!("payload-key-listed-not-spki", detail = detail.as_str())
        }
        K::Weak { file } => in_file(file, t!("payload-key-weak")),
        K::FileTooLarge { file, max } => t!(
            "payload-key-file-too-large",
            file = path(file),
            max = max.to_string()
        ),
    }
}

/// Which member is not where the manifest puts it.
fn layout(p: &LayoutProblem) -> String {
    use LayoutProblem as L;
    match p {
        L::AllRead => t!("payload-layout-all-read"),
        L::TooLarge {
            component,
            size,
            max,
        } => t!(
            "payload-layout-too-large",
            component = component.as_str(),
            size = size.to_string(),
            max = max.to_string()
        ),
        L::NotRead { component } => {
            t!("payload-layout-not-read", component = component.as_str())
        }
        L::Twice { component } => t!("payload-layout-twice", component = component.as_str()),
        L::Unlisted { member } => t!("payload-layout-unlisted", member = escaped(member)),
        L::Trailing { at } => t!("payload-layout-trailing", at = at.to_string()),
        L::Missing { component } => {
            t!("payload-layout-missing", component = component.as_str())
        }
        L::OutOfOrder { found, expected } => t!(
            "payload-layout-out-of-order",
            found = found.as_str(),
            expected = expected.as_str()
        ),
        L::SecondHead { member } => t!("payload-layout-second-head", member = member.as_str()),
        L::SizeDiffers {
            component,
            container,
            manifest,
        } => t!(
            "payload-layout-size-differs",
            component = component.as_str(),
            container = container.to_string(),
            manifest = manifest.to_string()
        ),
        L::NotAFrame {
            component,
            chunk,
            max,
        } => t!(
            "payload-layout-not-a-frame",
            component = component.as_str(),
            chunk = chunk.to_string(),
            max = max.to_string()
        ),
    }
}

/// Why a signed frame does not decompress to its chunk.
fn frame(p: &FrameProblem) -> String {
    match p {
        FrameProblem::Beyond { len } => t!("payload-frame-beyond", len = len.to_string()),
        FrameProblem::Short { got, len } => t!(
            "payload-frame-short",
            got = got.to_string(),
            len = len.to_string()
        ),
        FrameProblem::NotZstd { detail } => {
            t!("payload-frame-not-zstd", detail = detail.as_str())
        }
        FrameProblem::NoDecompressor { detail } => {
            t!("payload-frame-no-decompressor", detail = detail.as_str())
        }
    }
}

/// Why a build stopped.
fn build(p: &BuildProblem) -> String {
    use BuildProblem as B;
    match p {
        B::NoKey => t!("payload-build-no-key"),
        B::UnknownCompression { text } => {
            t!("payload-build-unknown-compression", text = escaped(text))
        }
        B::Grew { component } => t!("payload-build-grew", component = component.as_str()),
        B::MemberName { name } => t!("payload-build-member-name", name = escaped(name)),
        B::NotInstallable { missing } => t!(
            "payload-build-not-installable",
            missing = keys(missing.iter().map(needed))
        ),
        B::DoesNotFit(f) => t!("payload-build-does-not-fit", fit = fit(f)),
        B::WrittenDoesNotVerify(e) => t!(
            "payload-build-written-does-not-verify",
            error = payload_error(e)
        ),
        B::ReadBackDiffers => t!("payload-build-read-back-differs"),
        B::CreationTime { year } => t!("payload-build-creation-time", year = year.to_string()),
        B::FirstReleaseUpgrades => t!("payload-build-first-release-upgrades"),
        B::NoDefaultUpgrades { version } => t!(
            "payload-build-no-default-upgrades",
            version = version.to_string(),
            previous = version.major.saturating_sub(1).to_string()
        ),
        B::Outgrew(s) => {
            let (section, name) = section(s);
            let part = t!("cut-whole", section = section, name = name);
            t!("payload-build-outgrew", part = part)
        }
        B::OutputIsInput { out } => t!("payload-build-output-is-input", path = path(out)),
    }
}

/// What a release lacks for an install.
fn needed(n: &Needed) -> String {
    match n {
        Needed::Component(name) => (*name).to_string(),
        Needed::DefaultConfig => t!("payload-needed-default-config"),
    }
}

/// A release that does not fit its own `[install]` table.
fn fit(f: &FitError) -> String {
    match f {
        FitError::Slot { rootfs, slot } => t!(
            "payload-fit-slot",
            rootfs = size(*rootfs),
            slot = size(*slot)
        ),
        FitError::Esp { needed, esp } => {
            t!("payload-fit-esp", needed = size(*needed), esp = size(*esp))
        }
    }
}

/// Why a payload's signatures are refused.
fn untrusted(u: &payload::Untrusted) -> String {
    use payload::Untrusted as U;
    match u {
        U::Mismatch { key } => t!("untrusted-mismatch", key = key.short()),
        U::Revoked { key } => t!("untrusted-revoked", key = key.short()),
        U::NotTrusted { key, trusted } => {
            let trusted = if trusted.is_empty() {
                t!("untrusted-no-key-trusted")
            } else {
                keys(trusted.iter().map(payload::Fingerprint::short))
            };
            t!(
                "untrusted-not-trusted",
                key = key.short(),
                trusted = trusted
            )
        }
        U::Unsigned => t!("untrusted-unsigned"),
        U::NoKeyLeft => t!("untrusted-no-key-left"),
    }
}

/// What a newer payload has that this installer does not read.
fn newer(n: &payload::Newer) -> String {
    match n {
        payload::Newer::Format(format) => t!("newer-format", format = format.to_string()),
        payload::Newer::Compression {
            component,
            compression,
        } => t!(
            "newer-compression",
            component = escaped(component),
            compression = escaped(compression)
        ),
    }
}

/// Where a payload's file stops too early. The part is given to the
/// catalog as a selector, so each language says "the header of the
/// manifest" its own way (French contracts "de le" into "du").
fn cut(c: &payload::Cut) -> String {
    use payload::Cut;
    match c {
        Cut::Header(s) => {
            let (section, name) = section(s);
            t!("cut-header", section = section, name = name)
        }
        Cut::Whole(s) => {
            let (section, name) = section(s);
            t!("cut-whole", section = section, name = name)
        }
        Cut::Padding(s) => {
            let (section, name) = section(s);
            t!("cut-padding", section = section, name = name)
        }
        Cut::EndMarker => t!("cut-end-marker"),
        Cut::Bytes {
            component,
            chunk: None,
            start,
            end,
        } => t!(
            "cut-bytes",
            component = component.as_str(),
            start = start.to_string(),
            end = end.to_string()
        ),
        Cut::Bytes {
            component,
            chunk: Some(i),
            start,
            end,
        } => t!(
            "cut-chunk",
            component = component.as_str(),
            chunk = i.to_string(),
            start = start.to_string(),
            end = end.to_string()
        ),
    }
}

/// A part of a payload as the catalog's selector and the component's
/// name.
fn section(s: &payload::Section) -> (&'static str, &str) {
    use payload::Section;
    match s {
        Section::Manifest => ("manifest", ""),
        Section::Signature => ("signature", ""),
        Section::Component(name) => ("component", name.as_str()),
        Section::End => ("end", ""),
    }
}
