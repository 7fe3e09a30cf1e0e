//! Keys and hotfixes from one payload to the next: rotation to a new key,
//! revocations that last, hotfixes only over what their image holds.

mod common;
use common::*;

use install::{Action, Refusal};
use payload::SecretKey;

fn fp(k: &SecretKey) -> String {
    k.public().fingerprint().to_string()
}

/// A blessed installation of 1.0.0 from a medium that trusts `trusted`.
fn installed(
    dir: &std::path::Path,
    name: &str,
    signer: &SecretKey,
    trusted: &[&SecretKey],
) -> std::path::PathBuf {
    let disk = dir.join(name);
    sparse(&disk, DISK_SIZE);
    let sub = dir.join(format!("{name}-payloads"));
    std::fs::create_dir_all(&sub).expect("dir");
    run(
        &disk,
        &Release::new("1.0.0").build(&sub, signer),
        &trust(trusted),
        Action::Install,
    );
    bless(&disk);
    disk
}

#[test]
fn a_payload_signed_by_old_and_new_key_upgrades_systems_that_trust_either() {
    let dir = tmp();
    let k = keys();
    let (old, new) = (&k.vendor, &k.other);
    let on_old = installed(dir.path(), "old.img", old, &[old]);
    let on_new = installed(dir.path(), "new.img", new, &[new]);
    // Signed as the rotation says (`--key old.key --key new.key`), read by
    // an installer that trusts both keys.
    let both = trust(&[old, new]);
    let upg = Release::new("1.1.0").build_by(dir.path(), &[old, new]);
    let payload = open(&upg, &both);
    assert_eq!(
        payload.signers,
        [old.public().fingerprint(), new.public().fingerprint()]
    );
    for (disk, key) in [(&on_old, old), (&on_new, new)] {
        let plan = install::plan(&inspect(disk), &payload, &choice(Action::Upgrade))
            .unwrap_or_else(|e| panic!("a system trusting {}: {e}", fp(key)));
        assert_eq!(plan.signer, fp(key), "the key the system trusts vouches");
        assert_eq!(plan.state_after.trusted_keys, [fp(key)]);
    }
}
