//! The admin commands as an admin runs them.
#![allow(clippy::unwrap_used)]

mod common;
use common::{fails, mb, ok};
use std::os::unix::fs::PermissionsExt;
use std::process::Command;

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    ok(dir.path(), &["key", "generate", "--out", "admin"]);
    let root: Vec<u8> = (0..3_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(dir.path().join("rootfs.img"), root).unwrap();
    common::write_boot_parts(dir.path());
    dir
}

#[test]
fn key_generate_writes_a_private_key_only_its_owner_reads() {
    let dir = setup();
    let mode = std::fs::metadata(dir.path().join("admin.key"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let e = fails(dir.path(), &["key", "generate", "--out", "admin"]);
    assert!(e.contains("never overwritten"), "{e}");
    let a = ok(dir.path(), &["key", "show", "admin.key"]);
    let b = ok(dir.path(), &["key", "show", "admin.pub"]);
    assert_eq!(a, b);
    assert_eq!(a.trim().len(), 64);
}

/// Every path under `dir`, relative to it, sorted: what a refused command
/// must leave exactly as it was.
fn listing(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut paths = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p.clone());
            }
            paths.push(p.strip_prefix(dir).unwrap().to_path_buf());
        }
    }
    paths.sort();
    paths
}

#[test]
fn key_generate_refuses_a_directory_and_says_what_out_takes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("keys")).unwrap();
    std::fs::write(d.join("keys/README"), b"release keys\n").unwrap();
    let before = listing(d);
    for out in ["keys/", "keys", "./keys/", ".", "keys/.."] {
        let e = fails(d, &["key", "generate", "--out", out]);
        assert!(
            e.contains("is a directory") && e.contains("without their extension"),
            "--out {out}: {e}"
        );
        assert_eq!(listing(d), before, "--out {out} wrote something");
    }
    let e = fails(d, &["key", "generate", "--out", "keys/"]);
    assert!(
        e.contains(
            "--out keys/release-2026 writes keys/release-2026.key and keys/release-2026.pub"
        ),
        "{e}"
    );

    // The name it suggests works, and writes the two files and nothing else.
    let out = ok(d, &["key", "generate", "--out", "keys/release-2026"]);
    assert!(out.contains("keys/release-2026.key"), "{out}");
    let mut want = before.clone();
    want.extend(["keys/release-2026.key", "keys/release-2026.pub"].map(Into::into));
    want.sort();
    assert_eq!(listing(d), want);
}

#[test]
fn key_generate_refuses_hidden_names_and_extensions() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("keys")).unwrap();
    let before = listing(d);
    for out in [".key", ".release-2026", "keys/.release-2026"] {
        let e = fails(d, &["key", "generate", "--out", out]);
        assert!(e.contains("hidden files"), "--out {out}: {e}");
        assert_eq!(listing(d), before, "--out {out} wrote something");
    }
    let e = fails(d, &["key", "generate", "--out", ".key"]);
    assert!(e.contains("hidden files .key.key and .key.pub"), "{e}");
    for out in ["release-2026.key", "keys/release-2026.pub"] {
        let e = fails(d, &["key", "generate", "--out", out]);
        assert!(e.contains("without their extension"), "--out {out}: {e}");
        assert_eq!(listing(d), before, "--out {out} wrote something");
    }
}

#[test]
fn key_generate_refuses_a_directory_that_does_not_exist() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("notes"), b"not a directory\n").unwrap();
    let before = listing(d);
    let e = fails(d, &["key", "generate", "--out", "nokeys/release-2026"]);
    assert!(e.contains("directory nokeys does not exist"), "{e}");
    let e = fails(d, &["key", "generate", "--out", "notes/release-2026"]);
    assert!(e.contains("notes is not a directory"), "{e}");
    assert_eq!(listing(d), before);
}

#[test]
fn build_verify_inspect_round_trip() {
    let dir = setup();
    let d = dir.path();
    let out = ok(
        d,
        &[
            "payload",
            "build",
            "--product",
            "demo-engine",
            "--version",
            "1.1.0",
            "--kind",
            "release",
            "--component",
            "rootfs.img=rootfs.img",
            "--component",
            "vmlinuz=vmlinuz",
            "--component",
            "initrd.img=initrd.img",
            "--component",
            "config-engine.toml=config-engine.toml",
            "--key",
            "admin.key",
        ],
    );
    assert!(out.contains("demo-engine-1.1.0.upg"), "{out}");
    let listing = Command::new("tar")
        .args(["tvf", "demo-engine-1.1.0.upg"])
        .current_dir(d)
        .output()
        .unwrap();
    let listing = String::from_utf8(listing.stdout).unwrap();
    let names: Vec<&str> = listing
        .lines()
        .map(|l| l.split_whitespace().last().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "manifest.toml",
            "manifest.sig",
            "rootfs.img",
            "vmlinuz",
            "initrd.img",
            "config-engine.toml"
        ]
    );

    let v = ok(
        d,
        &[
            "payload",
            "verify",
            "--trust",
            "admin.pub",
            "demo-engine-1.1.0.upg",
        ],
    );
    assert!(v.contains("valid demo-engine 1.1.0"), "{v}");
    let j: serde_json::Value = serde_json::from_str(&ok(
        d,
        &[
            "payload",
            "verify",
            "--json",
            "--trust",
            "admin.pub",
            "demo-engine-1.1.0.upg",
        ],
    ))
    .unwrap();
    assert_eq!(j["valid"], true);
    assert_eq!(j["manifest"]["upgrades-from"], ">=1.0.0, <1.1.0");

    let i = ok(d, &["payload", "inspect", "demo-engine-1.1.0.upg"]);
    assert!(
        i.contains("nothing below is verified") && i.contains("rootfs.img"),
        "{i}"
    );
    let j: serde_json::Value = serde_json::from_str(&ok(
        d,
        &["payload", "inspect", "--json", "demo-engine-1.1.0.upg"],
    ))
    .unwrap();
    assert_eq!(j["signature-checked"], false);
    assert_eq!(j["manifest"]["component"][0]["size"], 3_000_000);
}

#[test]
fn builds_are_reproducible() {
    let dir = setup();
    let d = dir.path();
    let args = |out: &'static str| {
        vec![
            "payload",
            "build",
            "--product",
            "demo-engine",
            "--version",
            "1.1.0",
            "--kind",
            "release",
            "--component",
            "rootfs.img=rootfs.img",
            "--component",
            "vmlinuz=vmlinuz",
            "--component",
            "initrd.img=initrd.img",
            "--component",
            "config-engine.toml=config-engine.toml",
            "--key",
            "admin.key",
            "--out",
            out,
        ]
    };
    ok(d, &args("a.upg"));
    ok(d, &args("b.upg"));
    assert_eq!(
        std::fs::read(d.join("a.upg")).unwrap(),
        std::fs::read(d.join("b.upg")).unwrap()
    );
}

#[test]
fn build_from_a_description_file() {
    let dir = setup();
    let d = dir.path();
    std::fs::create_dir(d.join("hf")).unwrap();
    std::fs::write(d.join("hf/fix.bin"), b"patched").unwrap();
    std::fs::write(
        d.join("hf/hotfix.toml"),
        "product = \"demo-engine\"\nversion = \"1.1.0\"\nkind = \"hotfix\"\nhotfix-id = \"hf2\"\n\
         includes-hotfixes = [\"hf1\"]\n\
         keys = [\"../admin.key\"]\n[[component]]\nname = \"fix.bin\"\nfile = \"fix.bin\"\n",
    )
    .unwrap();
    let out = ok(d, &["payload", "build", "--from", "hf/hotfix.toml"]);
    assert!(out.contains("demo-engine-1.1.0-hotfix-hf2.upg"), "{out}");
    let f = std::fs::File::open(d.join("demo-engine-1.1.0-hotfix-hf2.upg")).unwrap();
    let m = payload::read_unverified(f).unwrap().manifest.unwrap();
    assert_eq!(m.includes_hotfixes, ["hf1"]);
    ok(
        d,
        &[
            "payload",
            "verify",
            "--trust",
            "admin.pub",
            "demo-engine-1.1.0-hotfix-hf2.upg",
        ],
    );
    std::fs::write(d.join("bad.toml"), "product = \"x\"\nflavour = 1\n").unwrap();
    let e = fails(d, &["payload", "build", "--from", "bad.toml"]);
    assert!(e.contains("flavour"), "{e}");
}

#[test]
fn verify_refuses_an_untrusted_or_damaged_payload() {
    let dir = setup();
    let d = dir.path();
    ok(d, &["key", "generate", "--out", "other"]);
    ok(
        d,
        &[
            "payload",
            "build",
            "--product",
            "demo-engine",
            "--version",
            "1.1.0",
            "--kind",
            "release",
            "--component",
            "rootfs.img=rootfs.img",
            "--component",
            "vmlinuz=vmlinuz",
            "--component",
            "initrd.img=initrd.img",
            "--component",
            "config-engine.toml=config-engine.toml",
            "--key",
            "admin.key",
        ],
    );
    let e = fails(
        d,
        &[
            "payload",
            "verify",
            "--trust",
            "other.pub",
            "demo-engine-1.1.0.upg",
        ],
    );
    assert!(e.contains("not trusted"), "{e}");
    let fp = ok(d, &["key", "show", "admin.pub"]);
    let e = fails(
        d,
        &[
            "payload",
            "verify",
            "--trust",
            "admin.pub",
            "--revoked",
            fp.trim(),
            "demo-engine-1.1.0.upg",
        ],
    );
    assert!(e.contains("revoked"), "{e}");
    let mut bytes = std::fs::read(d.join("demo-engine-1.1.0.upg")).unwrap();
    // A bit in the first chunk of rootfs.img, just past its tar header.
    let header = (0..bytes.len())
        .step_by(512)
        .find(|&at| bytes[at..].starts_with(b"rootfs.img\0"))
        .unwrap();
    bytes[header + 512 + 100] ^= 1;
    std::fs::write(d.join("bad.upg"), &bytes).unwrap();
    let e = fails(d, &["payload", "verify", "--trust", "admin.pub", "bad.upg"]);
    assert!(e.contains("do not match the signed checksum"), "{e}");
    let out = mb(
        d,
        &[
            "payload",
            "verify",
            "--json",
            "--trust",
            "admin.pub",
            "bad.upg",
        ],
    );
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["valid"], false);
    let e = fails(
        d,
        &["payload", "verify", "--trust", "admin.pub", "missing.upg"],
    );
    assert!(e.contains("missing.upg"), "{e}");
}

#[test]
fn failed_builds_leave_nothing_behind() {
    let dir = setup();
    let d = dir.path();
    let before: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let common = [
        "payload",
        "build",
        "--product",
        "demo-engine",
        "--kind",
        "release",
        "--key",
        "admin.key",
        "--component",
        "vmlinuz=vmlinuz",
        "--component",
        "initrd.img=initrd.img",
        "--component",
        "config-engine.toml=config-engine.toml",
    ];
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--version", "1.1.0", "--component", "../x=rootfs.img"],
            "not allowed",
        ),
        (
            vec!["--version", "1.1.0", "--component", "rootfs.img=nope.img"],
            "nope.img",
        ),
        (
            vec!["--version", "2.0.0", "--component", "rootfs.img=rootfs.img"],
            "new major version",
        ),
        (
            vec!["--version", "one", "--component", "rootfs.img=rootfs.img"],
            "not a semantic version",
        ),
        (
            vec![
                "--version",
                "1.1.0",
                "--component",
                "rootfs.img=rootfs.img",
                "--out",
                "rootfs.img",
            ],
            "also an input",
        ),
        (
            vec![
                "--version",
                "1.1.0",
                "--component",
                "rootfs.img=rootfs.img",
                "--chunk-size",
                "1000",
            ],
            "chunk size",
        ),
        (
            vec!["--version", "1.1.0", "--component", "rootfs.img"],
            "NAME=FILE",
        ),
        (
            vec![
                "--version",
                "1.1.0",
                "--component",
                "rootfs.img=rootfs.img",
                "--component",
                "rootfs.img=vmlinuz",
            ],
            "twice",
        ),
    ];
    for (extra, want) in cases {
        let mut args = common.to_vec();
        args.extend(extra);
        let e = fails(d, &args);
        assert!(e.contains(want), "{args:?}: want '{want}' in: {e}");
    }
    let e = fails(
        d,
        &[
            "payload",
            "build",
            "--product",
            "demo-engine",
            "--version",
            "1.1.0",
            "--kind",
            "release",
            "--component",
            "rootfs.img=rootfs.img",
            "--component",
            "vmlinuz=vmlinuz",
            "--component",
            "initrd.img=initrd.img",
            "--component",
            "config-engine.toml=config-engine.toml",
            "--key",
            "vmlinuz",
        ],
    );
    assert!(e.contains("PKCS#8"), "{e}");
    let after: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(before, after, "a failed build left files behind");
    assert_eq!(
        std::fs::metadata(d.join("rootfs.img")).unwrap().len(),
        3_000_000
    );
}

/// The complete `release.toml` of docs/keys-and-payloads.md, built as an
/// admin would copy it, gives a payload the installer plans to install on
/// a blank disk: the example cannot drift into one that misses what an
/// install needs.
#[test]
fn the_documented_release_builds_a_payload_that_installs() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let doc = std::fs::read_to_string(root.join("docs/keys-and-payloads.md")).unwrap();
    let start = doc
        .find("# release.toml")
        .expect("the release.toml example");
    let end = start + doc[start..].find("```").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for sub in [
        "keys",
        "product/config",
        "product/migrations",
        "product/build",
    ] {
        std::fs::create_dir_all(d.join(sub)).unwrap();
    }
    ok(d, &["key", "generate", "--out", "keys/release-2026"]);
    let product = d.join("product");
    std::fs::write(product.join("release.toml"), &doc[start..end]).unwrap();
    for doc in ["engine", "ferry", "vms"] {
        std::fs::copy(
            root.join(format!("demo-engine/config/schema-2/{doc}.toml")),
            product.join(format!("config/{doc}.toml")),
        )
        .unwrap();
    }
    std::fs::copy(
        root.join("demo-engine/migrations/release-1.1.0.toml"),
        product.join("migrations/release-1.1.0.toml"),
    )
    .unwrap();
    for (name, size) in [
        ("initrd.img", 4096),
        ("vmlinuz", 4096),
        ("rootfs.img", 1 << 20),
    ] {
        std::fs::write(product.join("build").join(name), vec![0x5a; size]).unwrap();
    }
    ok(&product, &["payload", "build", "--from", "release.toml"]);

    let key = payload::PublicKey::load(&d.join("keys/release-2026.pub")).unwrap();
    let info = install::open_payload(
        &product.join("demo-engine-1.1.0.upg"),
        &payload::TrustStore::with_keys([key]),
    )
    .unwrap();
    let disk = d.join("disk.img");
    // A 16 GiB disk, sparse: the example's own layout, no test sizes.
    std::fs::File::create(&disk)
        .unwrap()
        .set_len(16 << 30)
        .unwrap();
    let mut choice = install::Choice::new(install::Action::Install);
    choice.machine_id = Some("0123456789abcdef0123456789abcdef".into());
    let plan = match install::plan(&install::inspect(&disk).unwrap(), &info, &choice) {
        Ok(plan) => plan,
        Err(refusal) => panic!("the documented release cannot be installed: {refusal}"),
    };
    let text = plan.to_string();
    assert!(
        text.contains("Layout: ESP 256.0 MiB, root a 4.0 GiB, root b 4.0 GiB, config 128.0 MiB"),
        "{text}"
    );
    assert!(
        text.contains("Kernel command line: console=ttyS0,115200 console=tty0 quiet"),
        "{text}"
    );
    assert_eq!(plan.entry_title, "Demo Engine 1.1.0");

    // What an install needs, missing or too large, is refused at build
    // with the reason, and nothing is left behind.
    let release = std::fs::read_to_string(product.join("release.toml")).unwrap();
    let without_kernel = release.replace(
        "[[component]]\nname = \"vmlinuz\"\nfile = \"build/vmlinuz\"\n",
        "",
    );
    assert_ne!(without_kernel, release);
    std::fs::write(product.join("no-kernel.toml"), without_kernel).unwrap();
    std::fs::remove_file(product.join("demo-engine-1.1.0.upg")).unwrap();
    let e = fails(&product, &["payload", "build", "--from", "no-kernel.toml"]);
    assert!(e.contains("cannot be installed: it has no vmlinuz"), "{e}");
    std::fs::write(
        product.join("small.toml"),
        release.replace("slot = \"4 GiB\"", "slot = \"16 MiB\""),
    )
    .unwrap();
    std::fs::write(product.join("build/rootfs.img"), vec![0x5a; 17 << 20]).unwrap();
    let e = fails(&product, &["payload", "build", "--from", "small.toml"]);
    assert!(
        e.contains("the root image is 17.0 MiB but [install] makes each slot 16.0 MiB"),
        "{e}"
    );
    assert!(!product.join("demo-engine-1.1.0.upg").exists());
}

/// A product's first release builds without an invented range, says so,
/// and a new major version without one says how.
#[test]
fn a_first_release_upgrades_nothing() {
    let dir = setup();
    let d = dir.path();
    let base = [
        "payload",
        "build",
        "--product",
        "acme",
        "--version",
        "1.0.0",
        "--kind",
        "release",
        "--component",
        "rootfs.img=rootfs.img",
        "--component",
        "vmlinuz=vmlinuz",
        "--component",
        "initrd.img=initrd.img",
        "--component",
        "config-engine.toml=config-engine.toml",
        "--key",
        "admin.key",
    ];
    let e = fails(d, &base);
    assert!(e.contains("upgrades-from = \"none\""), "{e}");
    let out = ok(d, &[&base[..], &["--upgrades-from", "none"]].concat());
    assert!(out.contains("acme 1.0.0"), "{out}");
    let shown = ok(d, &["payload", "inspect", "acme-1.0.0.upg"]);
    assert!(
        shown.contains("nothing (the product's first release)"),
        "{shown}"
    );
}

#[test]
fn a_release_an_installer_would_refuse_is_not_built() {
    let dir = setup();
    let d = dir.path();
    let e = fails(
        d,
        &[
            "payload",
            "build",
            "--product",
            "demo-engine",
            "--version",
            "1.1.0",
            "--kind",
            "release",
            "--component",
            "rootfs.img=rootfs.img",
            "--component",
            "vmlinuz=vmlinuz",
            "--key",
            "admin.key",
        ],
    );
    assert!(
        e.contains("cannot be installed")
            && e.contains("initrd.img")
            && e.contains("default configuration (config-*.toml)")
            && !e.contains("vmlinuz,"),
        "{e}"
    );
    assert!(!d.join("demo-engine-1.1.0.upg").exists());
}
