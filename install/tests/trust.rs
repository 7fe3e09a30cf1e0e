//! Keys and hotfixes from one payload to the next: rotation to a new key,
//! revocations that last, hotfixes only over what their image holds.

use testkit::{engine::*, image::*, release::*};

use install::{Action, Refusal};
use payload::{SecretKey, TrustUpdate};

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

/// The state record on the disk.
fn record(disk: &std::path::Path) -> detect::state::StateRecord {
    inspect(disk)
        .report
        .ferry()
        .and_then(|f| f.record.clone())
        .expect("a state record")
}

#[test]
fn a_revocation_is_recorded_and_outlives_old_media_and_later_payloads() {
    let dir = tmp();
    let k = keys();
    let (old, new) = (&k.vendor, &k.other);
    // A medium of the rotation: it trusts both keys, knows of no revocation.
    let old_medium = trust(&[old, new]);
    let disk = installed(dir.path(), "disk.img", old, &[old, new]);

    // The release that ends the rotation revokes the old key.
    let revoking = Release {
        trust: Some(TrustUpdate {
            keys: Vec::new(),
            revoke: vec![old.public().fingerprint()],
        }),
        ..Release::new("1.1.0")
    }
    .build(dir.path(), new);
    run(&disk, &revoking, &old_medium, Action::Upgrade);
    let rec = record(&disk);
    assert_eq!(rec.trusted_keys, [fp(new)]);
    assert_eq!(rec.revoked_keys, [fp(old)]);
    bless(&disk);

    let refuse = |payload: &std::path::Path, action| {
        install::plan(
            &inspect(&disk),
            &open(payload, &old_medium),
            &choice(action),
        )
        .expect_err("refused")
    };
    let later = dir.path().join("later");
    std::fs::create_dir_all(&later).expect("dir");
    // A later payload cannot trust the revoked key again.
    let readding = Release {
        trust: Some(TrustUpdate {
            keys: vec![old.public().to_spki_base64()],
            revoke: Vec::new(),
        }),
        ..Release::new("2.0.0")
    }
    .build(&later, new);
    let e = refuse(&readding, Action::Upgrade);
    assert!(
        matches!(e, Refusal::RevokedKeyTrusted { key } if key == old.public().fingerprint()),
        "{e}"
    );
    assert!(
        e.to_string().contains(&old.public().fingerprint().short()),
        "{e}"
    );
    // A payload signed by the revoked key only is refused as such, for an
    // upgrade and for a wipe from an old medium.
    let by_old = Release::new("2.0.0").build(dir.path(), old);
    for action in [Action::Upgrade, Action::Wipe] {
        let e = refuse(&by_old, action);
        assert!(
            matches!(e, Refusal::SignedByRevokedKey { key } if key == old.public().fingerprint()),
            "{action}: {e}"
        );
    }
    // A wipe from the old medium with a payload by the new key keeps the
    // revocation: the old key does not come back.
    let by_new = Release::new("2.0.0").build(&later, new);
    let plan = install::plan(
        &inspect(&disk),
        &open(&by_new, &old_medium),
        &choice(Action::Wipe),
    )
    .expect("wipe");
    assert_eq!(plan.state_after.trusted_keys, [fp(new)]);
    assert_eq!(plan.state_after.revoked_keys, [fp(old)]);
}

#[test]
fn the_installers_revocations_join_the_systems() {
    let dir = tmp();
    let k = keys();
    let (old, new) = (&k.vendor, &k.other);
    let disk = installed(dir.path(), "disk.img", old, &[old, new]);
    assert_eq!(record(&disk).revoked_keys, Vec::<String>::new());
    // A medium that knows the old key is revoked.
    let mut medium = trust(&[old, new]);
    medium.revoke(old.public().fingerprint());
    let upg = Release::new("1.1.0").build(dir.path(), new);
    let plan = install::plan(
        &inspect(&disk),
        &open(&upg, &medium),
        &choice(Action::Upgrade),
    )
    .expect("upgrade");
    assert_eq!(plan.state_after.trusted_keys, [fp(new)]);
    assert_eq!(plan.state_after.revoked_keys, [fp(old)]);
}

#[test]
fn a_hotfix_goes_only_over_the_hotfixes_its_image_includes() {
    let dir = tmp();
    let k = keys();
    let vendor = trust(&[&k.vendor]);
    let disk = dir.path().join("disk.img");
    sparse(&disk, DISK_SIZE);
    run(
        &disk,
        &Release::new("1.1.0").build(dir.path(), &k.vendor),
        &vendor,
        Action::Install,
    );
    bless(&disk);
    let hf2 = Release::hotfix("1.1.0", "hf2").build(dir.path(), &k.vendor);
    run(&disk, &hf2, &vendor, Action::Hotfix);
    bless(&disk);
    // hf1, built before hf2 and without it, would take hf2 away.
    let hf1 = Release::hotfix("1.1.0", "hf1").build(dir.path(), &k.vendor);
    let e = install::plan(
        &inspect(&disk),
        &open(&hf1, &vendor),
        &choice(Action::Hotfix),
    )
    .expect_err("hf1 lacks hf2");
    assert!(
        matches!(
            &e,
            Refusal::Upgrade(payload::Refusal::HotfixNotIncluded { id, applied })
                if id == "hf1" && applied == "hf2"
        ),
        "{e}"
    );
    assert!(e.to_string().contains("hf2"), "{e}");
    // hf3, built over hf1 and hf2, goes over hf2 and records what its image
    // holds.
    let hf3 = Release {
        includes: vec!["hf1", "hf2"],
        ..Release::hotfix("1.1.0", "hf3")
    }
    .build(dir.path(), &k.vendor);
    let plan = plan_for(&disk, &hf3, &vendor, Action::Hotfix);
    assert_eq!(plan.to_hotfixes, ["hf1", "hf2", "hf3"]);
    install::apply(&plan, &mut |_| {}).expect("hotfix");
    let rec = record(&disk);
    assert_eq!(rec.slots.get(plan.slot).hotfixes, ["hf1", "hf2", "hf3"]);
}
