//! `media-builder key`.

use std::fs::OpenOptions;
use std::io::{ErrorKind, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use payload::{PublicKey, SecretKey};

use crate::cli::{KeyGenerateArgs, KeyShowArgs};

pub fn generate(args: KeyGenerateArgs) -> Result<()> {
    check_out(&args.out)?;
    let key_path = with_extension(&args.out, "key");
    let pub_path = with_extension(&args.out, "pub");
    for p in [&key_path, &pub_path] {
        if p.exists() {
            bail!(
                "{} already exists; keys are never overwritten (move it away first)",
                p.display()
            );
        }
    }
    let secret = SecretKey::generate()?;
    write_new(&key_path, secret.to_pem().as_bytes(), 0o600)?;
    if let Err(e) = write_new(&pub_path, secret.public().to_pem().as_bytes(), 0o644) {
        let _ = std::fs::remove_file(&key_path);
        return Err(e);
    }
    println!("private key: {} (keep it secret)", key_path.display());
    println!("public key:  {}", pub_path.display());
    println!("fingerprint: {}", secret.public().fingerprint());
    Ok(())
}

pub fn show(args: KeyShowArgs) -> Result<()> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("reading {}", args.file.display()))?;
    let public = if text.contains("PRIVATE KEY") {
        SecretKey::from_pem(&text)?.public()
    } else {
        PublicKey::from_pem(&text)?
    };
    println!("{}", public.fingerprint());
    Ok(())
}

/// The name refusals suggest, the one the admin guide uses.
const EXAMPLE: &str = "release-2026";

/// Refuses an `--out` that would put the keys where, or under a name, an
/// admin would not look for them: the files are `--out` with `.key` and
/// `.pub` appended, so `keys/` alone would give the hidden `keys/.key`,
/// `keys` would give `keys.key` beside the directory, and `release.key`
/// would give `release.key.key`.
fn check_out(out: &Path) -> Result<()> {
    let text = out.display();
    // `Path` ignores a trailing `/`, but the key files' names do not: they
    // are `--out` with `.key` appended.
    let names_a_directory = out.as_os_str().as_bytes().ends_with(b"/");
    if out.is_dir() || names_a_directory {
        let what = if out.is_dir() { "is" } else { "names" };
        bail!(
            "--out {text} {what} a directory; {}",
            what_out_takes(&out.join(EXAMPLE))
        );
    }
    let Some(name) = out.file_name() else {
        bail!(
            "--out '{text}' has no file name; {}",
            what_out_takes(&out.with_file_name(EXAMPLE))
        );
    };
    if name.as_bytes().starts_with(b".") {
        bail!(
            "--out {text} would write the hidden files {} and {}; {}",
            with_extension(out, "key").display(),
            with_extension(out, "pub").display(),
            what_out_takes(&out.with_file_name(EXAMPLE))
        );
    }
    if matches!(
        out.extension().and_then(|e| e.to_str()),
        Some("key" | "pub")
    ) {
        bail!(
            "--out {text} would write {} and {}; {}",
            with_extension(out, "key").display(),
            with_extension(out, "pub").display(),
            what_out_takes(&out.with_extension(""))
        );
    }
    // Like `payload build --out`, never create directories: a mistyped
    // one would put a private key where nobody looks for it.
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => bail!("--out {text}: {} is not a directory", dir.display()),
        Err(e) if e.kind() == ErrorKind::NotFound => bail!(
            "--out {text}: directory {} does not exist (create it first)",
            dir.display()
        ),
        Err(e) => Err(e).with_context(|| format!("--out {text}: reading {}", dir.display())),
    }
}

/// What `--out` takes, shown with `example` as the name.
fn what_out_takes(example: &Path) -> String {
    format!(
        "--out names the key files without their extension, e.g. --out {} writes {} and {}",
        example.display(),
        with_extension(example, "key").display(),
        with_extension(example, "pub").display()
    )
}

fn with_extension(base: &Path, ext: &str) -> PathBuf {
    let mut name = base.as_os_str().to_owned();
    name.push(".");
    name.push(ext);
    PathBuf::from(name)
}

fn write_new(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .with_context(|| format!("writing {}", path.display()))
}
