//! `media-builder key`.

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use payload::{PublicKey, SecretKey};

use crate::cli::{KeyGenerateArgs, KeyShowArgs};

pub fn generate(args: KeyGenerateArgs) -> Result<()> {
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
