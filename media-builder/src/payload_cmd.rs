//! `media-builder payload build|verify|inspect`.

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use payload::{
    BuildPhase, BuildSpec, Fingerprint, InstallDefinition, Kind, Manifest, PayloadReader,
    PublicKey, SecretKey, Storing, TrustStore, TrustUpdate, Version, VersionReq,
};
use serde::Deserialize;
use time::OffsetDateTime;

use crate::cli::{KindArg, PayloadBuildArgs, PayloadInspectArgs, PayloadVerifyArgs};
use crate::progress::Progress;

/// The `--from` description file (a product's `release.toml`). Paths are
/// relative to the file.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct Description {
    product: Option<String>,
    version: Option<String>,
    kind: Option<String>,
    upgrades_from: Option<String>,
    hotfix_id: Option<String>,
    #[serde(default)]
    includes_hotfixes: Vec<String>,
    min_installer: Option<String>,
    config_schema: Option<u32>,
    chunk_size: Option<u64>,
    compress: Option<String>,
    #[serde(default)]
    keys: Vec<PathBuf>,
    #[serde(default)]
    trust_add: Vec<PathBuf>,
    #[serde(default)]
    revoke: Vec<String>,
    #[serde(default, rename = "component")]
    components: Vec<DescribedComponent>,
    /// The product's install definition, signed into the manifest.
    install: Option<InstallDefinition>,
}

/// `upgrades-from` that says a release is the product's first.
const FIRST_RELEASE: &str = "none";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DescribedComponent {
    name: String,
    file: PathBuf,
}

pub fn build(args: PayloadBuildArgs) -> Result<()> {
    let (desc, base) = match &args.from {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            let desc: Description = toml::from_str(&text)
                .map_err(|e| anyhow!("{}: {}", path.display(), e.message()))?;
            let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
            (desc, base)
        }
        None => (Description::default(), PathBuf::new()),
    };

    let product = args
        .product
        .or(desc.product)
        .ok_or_else(|| anyhow!("say which product this is with --product"))?;
    let version_text = args
        .version
        .or(desc.version)
        .ok_or_else(|| anyhow!("say which version this is with --version"))?;
    let version = Version::parse(&version_text)
        .map_err(|e| anyhow!("version '{version_text}' is not a semantic version: {e}"))?;
    let kind = match (args.kind, desc.kind.as_deref()) {
        (Some(KindArg::Release), _) | (None, Some("release")) => Kind::Release,
        (Some(KindArg::Hotfix), _) | (None, Some("hotfix")) => Kind::Hotfix,
        (None, Some(other)) => bail!("kind '{other}' is neither 'release' nor 'hotfix'"),
        (None, None) => bail!("say what this is with --kind release or --kind hotfix"),
    };

    let mut spec = BuildSpec::new(&product, version, kind);
    match args.upgrades_from.or(desc.upgrades_from) {
        Some(req) if req.trim() == FIRST_RELEASE => spec.first_release = true,
        Some(req) => {
            spec.upgrades_from = Some(VersionReq::parse(&req).map_err(|e| {
                anyhow!(
                    "--upgrades-from '{req}' is not a version requirement \
                     (or '{FIRST_RELEASE}' for the product's first release): {e}"
                )
            })?)
        }
        None => {}
    }
    if let Some(def) = desc.install {
        if kind == Kind::Hotfix {
            bail!("[install] belongs to releases: a hotfix goes into the layout of its release");
        }
        def.validate().map_err(|e| anyhow!("[install]: {e}"))?;
        spec.install = Some(def);
    }
    spec.hotfix_id = args.hotfix_id.or(desc.hotfix_id);
    spec.includes_hotfixes = desc.includes_hotfixes;
    if let Some(v) = args.min_installer.or(desc.min_installer) {
        spec.min_installer =
            Version::parse(&v).map_err(|e| anyhow!("--min-installer '{v}': {e}"))?;
    }
    spec.config_schema = args.config_schema.or(desc.config_schema);
    if let Some(c) = args.chunk_size.or(desc.chunk_size) {
        spec.chunk_size = c;
    }
    if let Some(c) = args.compress.or(desc.compress) {
        spec.compression = Storing::parse(&c)?;
    }
    spec.created = source_date()?;

    for c in desc.components {
        spec.components.push((c.name, base.join(c.file)));
    }
    for c in &args.components {
        let (name, file) = c
            .split_once('=')
            .ok_or_else(|| anyhow!("--component '{c}' should be NAME=FILE"))?;
        spec.components
            .push((name.to_string(), PathBuf::from(file)));
    }
    if spec.components.is_empty() {
        bail!("a payload needs at least one --component NAME=FILE");
    }
    // A name that is not allowed is named as such by the build.
    let names_ok = spec
        .components
        .iter()
        .all(|c| payload::check_component_name(&c.0).is_ok());
    if kind == Kind::Release && spec.install.is_none() && names_ok {
        let missing =
            payload::product::missing_for_install(spec.components.iter().map(|c| c.0.as_str()));
        if !missing.is_empty() {
            bail!(
                "the release cannot be installed: it has no {} (a release carries the root \
                 image, the kernel, the initrd and its default configuration; see \
                 docs/keys-and-payloads.md)",
                missing
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }

    let mut trust_add: Vec<PathBuf> = desc.trust_add.iter().map(|p| base.join(p)).collect();
    trust_add.extend(args.trust_add);
    let mut revoke = desc.revoke;
    revoke.extend(args.revoke);
    if !trust_add.is_empty() || !revoke.is_empty() {
        let mut update = TrustUpdate::default();
        for p in &trust_add {
            update.keys.push(PublicKey::load(p)?.to_spki_base64());
        }
        for fp in &revoke {
            update.revoke.push(Fingerprint::parse(fp)?);
        }
        spec.trust = Some(update);
    }

    let mut key_paths: Vec<PathBuf> = desc.keys.iter().map(|p| base.join(p)).collect();
    key_paths.extend(args.keys);
    if key_paths.is_empty() {
        bail!("say which key signs the payload with --key NAME.key");
    }
    let keys = key_paths
        .iter()
        .map(|p| SecretKey::load(p))
        .collect::<Result<Vec<_>, _>>()?;
    let key_refs: Vec<&SecretKey> = keys.iter().collect();

    let canonical = canonical_name(&spec);
    let out = match args.out {
        Some(p) if p.is_dir() => p.join(&canonical),
        Some(p) => p,
        None => PathBuf::from(&canonical),
    };
    if out.file_name().and_then(|n| n.to_str()) != Some(canonical.as_str()) {
        eprintln!(
            "note: {} will work, but admins and technicians expect the name {canonical}",
            out.display()
        );
    }

    let mut phase = None;
    let mut bar: Option<Progress> = None;
    let verified = payload::build(&spec, &key_refs, &out, &mut |p, done, total| {
        if phase != Some(p) {
            if let Some(b) = bar.take() {
                b.finish();
            }
            let label = match p {
                BuildPhase::Hashing if spec.compression != Storing::Raw => "compressing",
                BuildPhase::Hashing => "hashing",
                BuildPhase::Checking => "checking",
            };
            bar = Some(Progress::new(label, total));
            phase = Some(p);
        }
        if let Some(b) = bar.as_mut() {
            b.set(done);
        }
    })
    .with_context(|| format!("building {}", out.display()))?;
    if let Some(b) = bar.take() {
        b.finish();
    }

    if args.json {
        let json = serde_json::json!({
            "file": out,
            "bytes": verified.length,
            "manifest": verified.manifest,
            "signed-by": key_refs.iter().map(|k| k.public().fingerprint()).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&json)?);
    } else {
        println!(
            "built {} ({}, {} uncompressed, format {}): {}, {} component(s), signed by {}",
            out.display(),
            units::size(verified.length),
            units::size(verified.manifest.total_size()),
            verified.manifest.format,
            verified.manifest.title(),
            verified.manifest.components.len(),
            key_refs
                .iter()
                .map(|k| k.public().fingerprint().short())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(())
}

/// `SOURCE_DATE_EPOCH` when set (reproducible builds), else now.
fn source_date() -> Result<OffsetDateTime> {
    Ok(match bootkit::source_date_epoch()? {
        Some(secs) => OffsetDateTime::from_unix_timestamp(i64::from(secs))?,
        None => OffsetDateTime::now_utc().replace_nanosecond(0)?,
    })
}

fn canonical_name(spec: &BuildSpec) -> String {
    match (spec.kind, &spec.hotfix_id) {
        (Kind::Hotfix, Some(id)) => format!("{}-{}-hotfix-{id}.upg", spec.product, spec.version),
        _ => format!("{}-{}.upg", spec.product, spec.version),
    }
}

pub fn verify(args: PayloadVerifyArgs) -> Result<()> {
    let mut trust = TrustStore::load(&args.trust)?;
    for fp in &args.revoked {
        trust.revoke(Fingerprint::parse(fp)?);
    }
    let file =
        File::open(&args.file).with_context(|| format!("opening {}", args.file.display()))?;
    let result = (|| {
        let reader = PayloadReader::open(&file, &trust)?;
        let total = reader.manifest().total_size();
        let mut bar = Progress::new("verifying", total);
        let mut done = 0;
        let verified = reader.verify_rest(|n| {
            done += n;
            bar.set(done);
        })?;
        let secs = bar.finish();
        Ok::<_, payload::Error>((verified, secs))
    })();
    match result {
        Ok((v, secs)) => {
            if args.json {
                let json = serde_json::json!({
                    "file": args.file,
                    "valid": true,
                    "bytes": v.length,
                    "seconds": secs,
                    "signed-by": v.signer,
                    "manifest": v.manifest,
                });
                println!("{}", serde_json::to_string_pretty(&json)?);
            } else {
                println!(
                    "{}: valid {} {}, signed by key {}, {} verified in {:.1} s ({}/s), \
                     {} once decompressed ({}/s)",
                    args.file.display(),
                    v.manifest.title(),
                    v.manifest.kind,
                    v.signer.short(),
                    units::size(v.length),
                    secs,
                    units::size((v.length as f64 / secs.max(1e-9)) as u64),
                    units::size(v.manifest.total_size()),
                    units::size((v.manifest.total_size() as f64 / secs.max(1e-9)) as u64),
                );
            }
            Ok(())
        }
        Err(e) => {
            if args.json {
                let json = serde_json::json!({
                    "file": args.file,
                    "valid": false,
                    "error": e.to_string(),
                });
                println!("{}", serde_json::to_string_pretty(&json)?);
            }
            Err(anyhow!(e)).with_context(|| format!("{} does not verify", args.file.display()))
        }
    }
}

/// One line per component: uncompressed and stored sizes, how it is
/// stored, its digest and chunks.
fn print_components(m: &Manifest) {
    println!("components:  (size once installed, size in the payload)");
    for c in &m.components {
        let stored = c.stored_size();
        let how = if c.compression.is_none() {
            "as is".to_string()
        } else {
            format!(
                "{} {:.2}x, {} zero chunks",
                c.compression,
                stored as f64 / (c.size.max(1)) as f64,
                c.zero_chunks()
            )
        };
        println!(
            "  {:<20} {:>12} {:>12}  {how}  sha256 {}  ({} chunks of {})",
            c.name,
            units::size(c.size),
            units::size(stored),
            c.sha256,
            c.chunks.len(),
            units::size(c.chunk_size)
        );
    }
}

pub fn inspect(args: PayloadInspectArgs) -> Result<()> {
    let file =
        File::open(&args.file).with_context(|| format!("opening {}", args.file.display()))?;
    let size = file.metadata()?.len();
    let u = payload::read_unverified(&file)
        .with_context(|| format!("reading {}", args.file.display()))?;
    if args.json {
        let json = serde_json::json!({
            "file": args.file,
            "bytes": size,
            "signature-checked": false,
            "manifest": u.manifest.as_ref().ok(),
            "stored": u.manifest.as_ref().ok().map(|m| m.components.iter().map(|c| {
                serde_json::json!({
                    "name": c.name,
                    "size": c.size,
                    "stored-size": c.stored_size(),
                    "compression": c.compression,
                    "zero-chunks": c.zero_chunks(),
                })
            }).collect::<Vec<_>>()),
            "manifest-error": u.manifest.as_ref().err(),
            "signatures": u.signatures.as_ref().ok().map(|s| &s.signatures),
            "signature-error": u.signatures.as_ref().err(),
        });
        println!("{}", serde_json::to_string_pretty(&json)?);
        return Ok(());
    }
    println!(
        "file:        {} ({})",
        args.file.display(),
        units::size(size)
    );
    println!("NOTE:        nothing below is verified; use 'payload verify --trust KEY'");
    match &u.manifest {
        Ok(m) => {
            println!("product:     {}", m.product);
            println!("version:     {}", m.version);
            println!("kind:        {}", m.kind);
            if let Some(r) = &m.upgrades_from {
                println!("upgrades:    {r}");
            }
            if m.first_release {
                println!("upgrades:    nothing (the product's first release)");
            }
            if let Some(def) = &m.install {
                println!("layout:      {}", def.summary());
                println!("cmdline:     {}", def.cmdline);
                if let Some(t) = &def.title {
                    println!("boot title:  {t}");
                }
            }
            if let (Some(base), Some(id)) = (&m.applies_to, &m.hotfix_id) {
                println!("hotfix:      {id} for {base}");
            }
            if let Some(s) = m.config_schema {
                println!("config:      schema {s}");
            }
            println!("installer:   {} or newer", m.min_installer);
            println!("created:     {}", m.created);
            if let Some(t) = &m.trust {
                for k in t.public_keys()? {
                    println!("trusts key:  {}", k.fingerprint());
                }
                for fp in &t.revoke {
                    println!("revokes key: {fp}");
                }
            }
            println!("format:      {}", m.format);
            print_components(m);
        }
        Err(e) => println!("manifest:    NOT VALID: {e}"),
    }
    match &u.signatures {
        Ok(s) => {
            for sig in &s.signatures {
                println!("signed by:   key {}", sig.key);
            }
        }
        Err(e) => println!("signature:   NOT VALID: {e}"),
    }
    Ok(())
}
