//! Fresh install, wipe, upgrade and hotfix on image files, checked with
//! detection and by reading the partitions back.

use detect::layout::{Role, Slot};
use detect::{IssueKind, SlotState};
use install::{Action, Refusal};
use testkit::{engine::*, image::*, release::*, running::*, MIB};

fn kinds(disk: &std::path::Path) -> Vec<IssueKind> {
    inspect(disk).report.issues.iter().map(|i| i.kind).collect()
}

#[test]
fn fresh_install_writes_what_detect_expects() {
    let dir = tmp();
    let k = keys();
    let trust = trust(&[&k.vendor]);
    let upg = Release::new("1.0.0").build(dir.path(), &k.vendor);
    let disk = dir.path().join("disk.img");
    sparse(&disk, DISK_SIZE);

    let plan = plan_for(&disk, &upg, &trust, Action::Install);
    let text = plan.to_string();
    assert!(text.contains("Install demo-engine 1.0.0"), "{text}");
    assert!(text.contains("Write a new GPT"), "{text}");
    let mut events = Vec::new();
    let report = install::apply(&plan, &mut |p| events.push(p.clone())).expect("install");
    assert_eq!(report.result, install::Outcome::Success);
    assert!(events
        .iter()
        .any(|e| matches!(e, install::Progress::Bytes { done, total, .. } if done == total)));

    let t = inspect(&disk);
    let ferry = t.report.ferry().expect("ferry");
    assert_eq!(t.report.issues, vec![], "{:?}", t.report.issues);
    assert_eq!(ferry.boot_default, Some(Slot::A));
    let a = ferry.slot(Slot::A).expect("slot a");
    assert_eq!(a.state, Some(SlotState::New));
    assert_eq!(
        a.release.as_ref().map(ToString::to_string).as_deref(),
        Some("1.0.0")
    );
    assert_eq!(a.config_schema, Some(1));
    assert_eq!(a.boot_entry.as_deref(), Some("ferry-1-a+3.conf"));
    assert_eq!(ferry.machine_id.as_deref(), Some(MACHINE_ID));
    assert_eq!(
        ferry.trusted_keys,
        vec![k.vendor.public().fingerprint().to_string()]
    );

    // The slot holds the root image; the ESP the boot files.
    let root = t.partition(Role::Root(Slot::A)).expect("root a");
    assert_eq!(
        hash_range(&disk, root.start, ROOTFS_SIZE),
        hex::encode(sha2::Digest::finalize(sha2::Digest::chain_update(
            <sha2::Sha256 as sha2::Digest>::new(),
            Release::new("1.0.0").rootfs()
        )))
    );
    let esp = fat_files(&disk, Role::Esp);
    assert_eq!(
        esp["EFI/BOOT/BOOTX64.EFI"],
        std::fs::read(boot_loader()).expect("systemd-boot")
    );
    let entry = String::from_utf8(esp["loader/entries/ferry-1-a+3.conf"].clone()).expect("utf-8");
    assert!(
        entry.contains(&format!(
            "options root=PARTUUID={} ferry.slot=a console=ttyS0,115200 console=tty0",
            root.part_guid
        )),
        "{entry}"
    );
    assert_eq!(
        root.part_guid,
        install::derived_guid(MACHINE_ID, "ferry-root-a")
    );
    assert!(esp.contains_key("a/vmlinuz") && esp.contains_key("a/initrd.img"));
    assert_eq!(esp["loader/loader.conf"], b"timeout 3\ndefault ferry-*\n");

    let config = fat_files(&disk, Role::Config);
    let demo =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../demo-engine/config/schema-1");
    for doc in ["engine.toml", "ferry.toml", "vms.toml"] {
        assert_eq!(
            config[&format!("config/a/{doc}")],
            std::fs::read(demo.join(doc)).expect("doc")
        );
    }
    let reports: Vec<&String> = config
        .keys()
        .filter(|k| k.starts_with("reports/"))
        .collect();
    assert_eq!(reports.len(), 1, "{reports:?}");
    let saved = install::Report::parse(&config[reports[0]]).expect("report JSON");
    fsck_clean(&disk, &t);
    assert_eq!(saved.to, "1.0.0");
    assert_eq!(saved.machine_id, MACHINE_ID);
    assert_eq!(saved.steps.len(), plan.steps.len() - 1);
}

#[test]
fn answer_file_sets_values_of_a_fresh_install() {
    let dir = tmp();
    let k = keys();
    let trust = trust(&[&k.vendor]);
    let upg = Release::new("2.0.0").build(dir.path(), &k.vendor);
    let disk = dir.path().join("disk.img");
    sparse(&disk, DISK_SIZE);
    let mut c = choice(Action::Install);
    c.answers = answers("[config.\"engine.toml\"]\n\"host.hostname\" = \"engine-07\"\n");
    let plan = install::plan(&inspect(&disk), &open(&upg, &trust), &c).expect("plan");
    install::apply(&plan, &mut |_| {}).expect("install");
    let config = fat_files(&disk, Role::Config);
    let engine = String::from_utf8(config["config/a/engine.toml"].clone()).expect("utf-8");
    assert!(engine.contains("hostname = \"engine-07\""), "{engine}");

    c.answers = answers("[config.\"engine.toml\"]\n\"host.hostnme\" = \"x\"\n");
    let err = install::plan(&inspect(&disk), &open(&upg, &trust), &{
        let mut c = c.clone();
        c.action = Action::Wipe;
        c
    })
    .expect_err("typo refused");
    assert!(matches!(err, Refusal::Answers(_)), "{err}");
}

/// The `[config]` values of an answer file for a fresh install.
fn answers(config: &str) -> Option<install::Answers> {
    let text = format!("[install]\naction = \"install\"\ndisk = \"only\"\n{config}");
    install::AnswerFile::parse("answer.toml", &text)
        .expect("answer file")
        .config
}

#[test]
fn upgrades_migrate_config_and_keep_the_old_slot() {
    let dir = tmp();
    let k = keys();
    let trust = trust(&[&k.vendor]);
    let disk = dir.path().join("disk.img");
    sparse(&disk, DISK_SIZE);
    run(
        &disk,
        &Release::new("1.0.0").build(dir.path(), &k.vendor),
        &trust,
        Action::Install,
    );
    bless(&disk);
    let before = running_system(&disk);

    let upg = Release::new("1.1.0").build(dir.path(), &k.vendor);
    let plan = plan_for(&disk, &upg, &trust, Action::Upgrade);
    let text = plan.to_string();
    assert!(
        text.contains("Upgrade demo-engine from 1.0.0 to 1.1.0"),
        "{text}"
    );
    assert!(text.contains("schema 1 -> 2"), "{text}");
    let m = plan.migration.as_ref().expect("migration");
    assert!(m.diff.contains("+mtu = 1500"), "{}", m.diff);
    install::apply(&plan, &mut |_| {}).expect("upgrade");

    let t = inspect(&disk);
    let ferry = t.report.ferry().expect("ferry");
    assert_eq!(t.report.issues, vec![]);
    assert_eq!(ferry.boot_default, Some(Slot::B));
    let b = ferry.slot(Slot::B).expect("b");
    assert_eq!((b.state, b.config_schema), (Some(SlotState::New), Some(2)));
    assert_eq!(b.boot_entry.as_deref(), Some("ferry-2-b+3.conf"));
    let a = ferry.slot(Slot::A).expect("a");
    assert_eq!(a.state, Some(SlotState::Good));
    assert_eq!(a.boot_entry.as_deref(), Some("ferry-1-a.conf"));
    // The old slot, its entry and its configuration are untouched.
    let mut old = running_system(&disk);
    assert_eq!(old.slot, Slot::B);
    old = RunningSystem {
        slot: Slot::A,
        ..before_of(&disk, Slot::A)
    };
    assert_eq!(old, before);
    let config = fat_files(&disk, Role::Config);
    let migrated = String::from_utf8(config["config/b/engine.toml"].clone()).expect("utf-8");
    assert!(migrated.contains("mtu = 1500"), "{migrated}");
    assert!(config["config/b/ferry.toml"].ends_with(b"schema = 2\n"));

    // The next upgrade goes back into slot a, once b has started good.
    let upg2 = Release::new("2.0.0").build(dir.path(), &k.vendor);
    let err = install::plan(
        &inspect(&disk),
        &open(&upg2, &trust),
        &choice(Action::Upgrade),
    )
    .expect_err("b has not started yet");
    assert!(err.to_string().contains("not yet started"), "{err}");
    bless(&disk);
    run(&disk, &upg2, &trust, Action::Upgrade);
    let t = inspect(&disk);
    let ferry = t.report.ferry().expect("ferry");
    assert_eq!(ferry.boot_default, Some(Slot::A));
    assert_eq!(ferry.slot(Slot::A).and_then(|s| s.config_schema), Some(3));
    let config = fat_files(&disk, Role::Config);
    let v3 = String::from_utf8(config["config/a/engine.toml"].clone()).expect("utf-8");
    assert!(v3.contains("hostname = "), "{v3}");
    assert_eq!(kinds(&disk), vec![]);
    fsck_clean(&disk, &inspect(&disk));
}

/// The running-system snapshot of a slot that is not the default any more.
fn before_of(disk: &std::path::Path, slot: Slot) -> RunningSystem {
    let t = inspect(disk);
    let root = t.partition(Role::Root(slot)).expect("root");
    let esp = fat_files(disk, Role::Esp);
    let entry = t
        .report
        .ferry()
        .and_then(|f| f.slot(slot))
        .and_then(|s| s.boot_entry.clone())
        .expect("an entry for the slot");
    let prefix = format!("{}/", slot.config_dir());
    RunningSystem {
        slot,
        root: hash_range(disk, root.start, ROOTFS_SIZE),
        kernel: esp[&format!("{slot}/vmlinuz")].clone(),
        initrd: esp[&format!("{slot}/initrd.img")].clone(),
        entry: esp[&format!("loader/entries/{entry}")].clone(),
        config: fat_files(disk, Role::Config)
            .into_iter()
            .filter(|(k, _)| k.starts_with(&prefix))
            .collect(),
    }
}

#[test]
fn hotfix_goes_next_to_its_release_and_detect_lists_it() {
    let dir = tmp();
    let k = keys();
    let trust = trust(&[&k.vendor]);
    let disk = dir.path().join("disk.img");
    sparse(&disk, DISK_SIZE);
    run(
        &disk,
        &Release::new("1.1.0").build(dir.path(), &k.vendor),
        &trust,
        Action::Install,
    );
    bless(&disk);
    let before = running_system(&disk);
    let hf = Release::hotfix("1.1.0", "hf-7").build(dir.path(), &k.vendor);
    let plan = plan_for(&disk, &hf, &trust, Action::Hotfix);
    assert!(plan
        .to_string()
        .contains("Apply hotfix hf-7 to demo-engine 1.1.0"));
    install::apply(&plan, &mut |_| {}).expect("hotfix");
    let t = inspect(&disk);
    let ferry = t.report.ferry().expect("ferry");
    let b = ferry.slot(Slot::B).expect("b");
    assert_eq!(b.hotfixes, vec!["hf-7".to_string()]);
    assert_eq!(
        b.release.as_ref().map(ToString::to_string).as_deref(),
        Some("1.1.0")
    );
    assert_eq!(ferry.boot_default, Some(Slot::B));
    assert_eq!(before_of(&disk, Slot::A), before);
    // The configuration is carried over unchanged.
    let config = fat_files(&disk, Role::Config);
    for (name, bytes) in &before.config {
        assert_eq!(&config[&name.replace("config/a/", "config/b/")], bytes);
    }
    // Applying it again is refused: it is there already.
    bless(&disk);
    let err = install::plan(&inspect(&disk), &open(&hf, &trust), &choice(Action::Hotfix))
        .expect_err("applied already");
    assert!(err.to_string().contains("already applied"), "{err}");
}

#[test]
fn plan_refuses_what_cannot_go_on_this_disk() {
    let dir = tmp();
    let k = keys();
    let trust_vendor = trust(&[&k.vendor]);
    let disk = dir.path().join("disk.img");
    sparse(&disk, DISK_SIZE);
    run(
        &disk,
        &Release::new("1.1.0").build(dir.path(), &k.vendor),
        &trust_vendor,
        Action::Install,
    );
    bless(&disk);
    let image_before = hash_range(&disk, 0, DISK_SIZE);
    let refuse = |upg: &std::path::Path, trust: &payload::TrustStore, action| {
        install::plan(&inspect(&disk), &open(upg, trust), &choice(action)).expect_err("refused")
    };

    // Another product.
    let other = Release {
        product: "other-product",
        ..Release::new("1.2.0")
    }
    .build(dir.path(), &k.vendor);
    let e = refuse(&other, &trust_vendor, Action::Upgrade);
    assert!(matches!(e, Refusal::OtherProduct { .. }), "{e}");
    // Unsupported upgrade path.
    let far = Release {
        upgrades_from: Some(">=2.0.0, <3.0.0"),
        ..Release::new("3.0.0")
    }
    .build(dir.path(), &k.vendor);
    let e = refuse(&far, &trust_vendor, Action::Upgrade);
    assert!(e.to_string().contains("not supported"), "{e}");
    // Downgrade, unless wiped.
    let old = Release::new("1.0.0").build(dir.path(), &k.vendor);
    let e = refuse(&old, &trust_vendor, Action::Upgrade);
    assert!(e.to_string().contains("downgrades are refused"), "{e}");
    // Same version.
    let same = Release::new("1.1.0").build(dir.path(), &k.vendor);
    assert!(refuse(&same, &trust_vendor, Action::Upgrade)
        .to_string()
        .contains("already installed"));
    // Hotfix for another release.
    let hf = Release::hotfix("2.0.0", "hf-1").build(dir.path(), &k.vendor);
    let e = refuse(&hf, &trust_vendor, Action::Hotfix);
    assert!(e.to_string().contains("hotfix hf-1 is for 2.0.0"), "{e}");
    // Signed by a key the installer trusts but the installed system does not.
    let both = trust(&[&k.vendor, &k.other]);
    let foreign = Release::new("2.0.0").build(&dir.path().join(""), &k.other);
    let e = refuse(&foreign, &both, Action::Upgrade);
    assert!(matches!(e, Refusal::KeyNotTrusted { .. }), "{e}");
    // Install on a disk that holds Ferry.
    let e = refuse(&same, &trust_vendor, Action::Install);
    assert!(e.to_string().contains("already installed"), "{e}");
    assert_eq!(
        hash_range(&disk, 0, DISK_SIZE),
        image_before,
        "plan wrote to the disk"
    );

    // Disk too small.
    let small = dir.path().join("small.img");
    sparse(&small, 64 * MIB);
    let e = install::plan(
        &inspect(&small),
        &open(&same, &trust_vendor),
        &choice(Action::Install),
    )
    .expect_err("too small");
    assert!(matches!(e, Refusal::DiskTooSmall { .. }), "{e}");

    // A downgrade by wipe and reinstall is the technician's choice.
    let p = install::plan(
        &inspect(&disk),
        &open(&old, &trust_vendor),
        &choice(Action::Wipe),
    )
    .expect("wipe to an older release");
    assert_eq!(p.from.map(|v| v.to_string()).as_deref(), Some("1.1.0"));
}

#[test]
fn wipe_erases_only_the_chosen_disk() {
    let dir = tmp();
    let k = keys();
    let trust = trust(&[&k.vendor]);
    let disk = dir.path().join("disk.img");
    sparse(&disk, DISK_SIZE);
    run(
        &disk,
        &Release::new("2.0.0").build(dir.path(), &k.vendor),
        &trust,
        Action::Install,
    );
    let data = inspect(&disk).partition(Role::Data).expect("data").clone();
    write_at(&disk, data.start + 4096, b"customer data");
    let others: Vec<std::path::PathBuf> = (0..2)
        .map(|i| {
            let p = dir.path().join(format!("other-{i}.img"));
            std::fs::write(&p, noise(i, 3 * MIB as usize)).expect("other disk");
            p
        })
        .collect();
    let before: Vec<Vec<u8>> = others
        .iter()
        .map(|p| std::fs::read(p).expect("read"))
        .collect();

    let old = Release::new("1.0.0").build(dir.path(), &k.vendor);
    let plan = plan_for(&disk, &old, &trust, Action::Wipe);
    assert!(plan
        .to_string()
        .contains("Everything on this disk is erased"));
    install::apply(&plan, &mut |_| {}).expect("wipe");

    let t = inspect(&disk);
    let ferry = t.report.ferry().expect("ferry");
    assert_eq!(
        ferry.machine_id.as_deref(),
        Some(MACHINE_ID),
        "a wipe keeps the machine id"
    );
    assert_eq!(
        ferry
            .slot(Slot::A)
            .and_then(|s| s.release.clone())
            .map(|v| v.to_string())
            .as_deref(),
        Some("1.0.0")
    );
    assert_eq!(
        ferry.slot(Slot::B).and_then(|s| s.state),
        Some(SlotState::Empty)
    );
    assert_eq!(
        hash_range(&disk, data.start, data.size),
        hash_zero(data.size),
        "data left"
    );
    for (p, b) in others.iter().zip(&before) {
        assert_eq!(
            &std::fs::read(p).expect("read"),
            b,
            "{} changed",
            p.display()
        );
    }
}

fn hash_zero(len: u64) -> String {
    let mut h = <sha2::Sha256 as sha2::Digest>::new();
    let z = vec![0u8; 1 << 20];
    let mut left = len;
    while left > 0 {
        let n = left.min(z.len() as u64) as usize;
        sha2::Digest::update(&mut h, &z[..n]);
        left -= n as u64;
    }
    hex::encode(sha2::Digest::finalize(h))
}
