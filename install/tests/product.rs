//! A product's own install definition: the layout, boot entry and data
//! partition it asks for; upgrades its installed layout cannot hold; the
//! reinstall of the running release that repairs an installation.

use detect::layout::{Role, Slot};
use install::{Action, PartitionSizes, Refusal};
use payload::InstallDefinition;
use testkit::{engine::*, image::*, release::*, running::*, MIB};

fn acme() -> InstallDefinition {
    InstallDefinition::parse(
        "esp = \"40 MiB\"\nslot = \"16 MiB\"\nconfig = \"36 MiB\"\ndata-min = \"8 MiB\"\n\
         data-filesystem = \"fat32\"\ncmdline = \"console=ttyS0,115200 quiet acme.mode=lab\"\n\
         title = \"Acme Engine\"\n",
    )
    .expect("definition")
}

/// The engine's choice without the tests' small layout: the release's.
fn own_layout(action: Action) -> install::Choice {
    let mut c = choice(action);
    c.sizes = None;
    c
}

#[test]
fn a_release_installs_as_its_definition_says() {
    let dir = tmp();
    let k = keys();
    let trust = trust(&[&k.vendor]);
    let mut r = Release::new("1.0.0");
    r.install = Some(acme());
    r.first_release = true;
    let upg = r.build(dir.path(), &k.vendor);
    let disk = dir.path().join("disk.img");
    sparse(&disk, 160 * MIB);

    let plan = install::plan(
        &inspect(&disk),
        &open(&upg, &trust),
        &own_layout(Action::Install),
    )
    .expect("plan");
    let text = plan.to_string();
    assert!(
        text.contains("Layout: ESP 40.0 MiB, root a 16.0 MiB, root b 16.0 MiB, config 36.0 MiB"),
        "{text}"
    );
    assert!(
        text.contains("Kernel command line: console=ttyS0,115200 quiet acme.mode=lab"),
        "{text}"
    );
    assert!(text.contains("Format the data partition (FAT32)"), "{text}");
    install::apply(&plan, &mut |_| {}).expect("install");

    let t = inspect(&disk);
    assert_eq!(t.report.issues, vec![], "{:?}", t.report.issues);
    let size = |role| t.partition(role).expect("partition").size;
    assert_eq!(size(Role::Esp), 40 * MIB);
    assert_eq!(size(Role::Root(Slot::A)), 16 * MIB);
    assert_eq!(size(Role::Root(Slot::B)), 16 * MIB);
    assert_eq!(size(Role::Config), 36 * MIB);
    // The rest, up to the last MiB.
    assert_eq!(size(Role::Data), (160 - 1 - 1 - 40 - 32 - 36) * MIB);
    let esp = fat_files(&disk, Role::Esp);
    let entry = esp
        .iter()
        .find(|(name, _)| name.starts_with("loader/entries/ferry-"))
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .expect("loader entry");
    assert!(entry.starts_with("title Acme Engine 1.0.0\n"), "{entry}");
    assert!(
        entry.contains(" ferry.slot=a console=ttyS0,115200 quiet acme.mode=lab\n"),
        "{entry}"
    );
    // The data partition is a FAT32 volume fsck.fat finds clean.
    fsck_partitions(&disk, &t, &[Role::Esp, Role::Config, Role::Data]);

    // --layout-mib still wins, for tests.
    let mut c = own_layout(Action::Wipe);
    c.sizes = Some(PartitionSizes {
        esp: 64 * MIB,
        ..sizes()
    });
    let wipe = install::plan(&inspect(&disk), &open(&upg, &trust), &c).expect("wipe");
    assert_eq!(wipe.partition(Role::Esp).map(|p| p.size), Some(64 * MIB));
}

#[test]
fn an_upgrade_the_installed_slots_cannot_hold_is_refused_with_both_sizes() {
    let dir = tmp();
    let k = keys();
    let trust = trust(&[&k.vendor]);
    let mut old = Release::new("1.0.0");
    old.install = Some(acme());
    let disk = dir.path().join("disk.img");
    sparse(&disk, 160 * MIB);
    let plan = install::plan(
        &inspect(&disk),
        &open(&old.build(dir.path(), &k.vendor), &trust),
        &own_layout(Action::Install),
    )
    .expect("plan");
    install::apply(&plan, &mut |_| {}).expect("install");
    bless(&disk);

    // 1.1.0 asks for larger slots and its image needs one.
    let mut new = Release::new("1.1.0");
    new.install = Some(InstallDefinition {
        slot: payload::product::PartSize::Bytes(32 * MIB),
        ..acme()
    });
    new.rootfs_size = 17 * MIB;
    let upg = new.build(dir.path(), &k.vendor);
    let refusal = install::plan(
        &inspect(&disk),
        &open(&upg, &trust),
        &choice(Action::Upgrade),
    )
    .expect_err("does not fit");
    assert!(
        matches!(
            refusal,
            Refusal::RootImageTooLarge { slot: Slot::B, image, room }
                if image == 17 * MIB && room == 16 * MIB
        ),
        "{refusal}"
    );
    let text = refusal.to_string();
    assert!(
        text.contains("17.0 MiB") && text.contains("16.0 MiB"),
        "{text}"
    );
}

#[test]
fn repair_writes_the_running_release_again_and_keeps_configuration_and_data() {
    let dir = tmp();
    let k = keys();
    let trust = trust(&[&k.vendor]);
    let upg = Release::new("1.0.0").build(dir.path(), &k.vendor);
    let disk = dir.path().join("disk.img");
    sparse(&disk, DISK_SIZE);
    run(&disk, &upg, &trust, Action::Install);
    // Slot a never started well: its tries are not used up, it is not
    // confirmed either. An upgrade is refused; a repair is not.
    let refusal = install::plan(
        &inspect(&disk),
        &open(&upg, &trust),
        &choice(Action::Upgrade),
    )
    .expect_err("same release");
    assert!(matches!(refusal, Refusal::NotConfirmed { .. }), "{refusal}");

    let t = inspect(&disk);
    let data = t.partition(Role::Data).expect("data").clone();
    write_at(&disk, data.start, b"the product's data");
    let data_before = hash_range(&disk, data.start, data.size);
    let config_before = fat_files(&disk, Role::Config);

    let plan = plan_for(&disk, &upg, &trust, Action::Repair);
    assert_eq!((plan.slot, plan.keep_slot), (Slot::B, Some(Slot::A)));
    assert!(plan.migration.is_none());
    let text = plan.to_string();
    assert!(
        text.contains("Reinstall demo-engine 1.0.0 in slot b on "),
        "{text}"
    );
    assert!(text.contains("Layout (kept):"), "{text}");
    assert!(text.contains("the data partition is not touched"), "{text}");
    assert!(!text.contains("Format"), "{text}");
    install::apply(&plan, &mut |_| {}).expect("repair");

    let t = inspect(&disk);
    let ferry = t.report.ferry().expect("ferry");
    assert_eq!(ferry.boot_default, Some(Slot::B));
    let b = ferry.slot(Slot::B).expect("slot b");
    assert_eq!(
        b.release.as_ref().map(ToString::to_string).as_deref(),
        Some("1.0.0")
    );
    assert_eq!(hash_range(&disk, data.start, data.size), data_before);
    let config_after = fat_files(&disk, Role::Config);
    for (name, bytes) in config_before
        .iter()
        .filter(|(n, _)| n.starts_with("config/a/"))
    {
        assert_eq!(config_after.get(name), Some(bytes), "{name} changed");
        let copy = name.replacen("config/a/", "config/b/", 1);
        assert_eq!(config_after.get(&copy), Some(bytes), "{copy} is not a copy");
    }
    // The slot written holds the release's image again.
    let root = t.partition(Role::Root(Slot::B)).expect("root b");
    assert_eq!(
        hash_range(&disk, root.start, ROOTFS_SIZE),
        hash_range(
            &disk,
            t.partition(Role::Root(Slot::A)).expect("a").start,
            ROOTFS_SIZE
        )
    );
    fsck_clean(&disk, &t);

    // Another release is an upgrade, not a repair.
    let newer = Release::new("1.1.0").build(dir.path(), &k.vendor);
    let refusal = install::plan(
        &inspect(&disk),
        &open(&newer, &trust),
        &choice(Action::Repair),
    )
    .expect_err("other release");
    assert!(
        matches!(refusal, Refusal::RepairOtherRelease { .. }),
        "{refusal}"
    );
}
