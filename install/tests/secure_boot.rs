//! The Secure Boot chain on the ESP: a fresh install writes it, an upgrade
//! adds it to an ESP installed before it (systemd-boot alone as
//! `BOOTX64.EFI`) and leaves one that has it alone; a disk that stops
//! writing at any point of that upgrade leaves an ESP that boots. The shim
//! and MokManager here are stand-ins (the engine copies them as they are;
//! `iso-tests` boot the signed ones); systemd-boot is the real one.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use detect::layout::Role;
use install::{Action, DiskFile, Plan, Shim};
use testkit::fault::{DiskFault, FaultyDisk};
use testkit::release::{keys, trust, Release};
use testkit::{engine::*, image::*, running::*};

const SHIM: &str = "EFI/BOOT/BOOTX64.EFI";
const LOADER: &str = "EFI/BOOT/grubx64.efi";
const MOK: &str = "EFI/BOOT/mmx64.efi";

/// Stand-ins for the shim and MokManager in `dir`, of different sizes
/// from systemd-boot and each other; `seed` tells two shims apart.
fn shim(dir: &Path, seed: u8) -> Shim {
    let write = |name: &str, len: usize, b: u8| -> PathBuf {
        let p = dir.join(format!("{name}-{seed}.efi"));
        let mut data = b"MZ".to_vec();
        data.extend((0..len).map(|i| (i as u8).wrapping_mul(b).wrapping_add(seed)));
        std::fs::write(&p, data).expect("write");
        p
    };
    Shim {
        shim: write("shim", 300_000 + usize::from(seed), 7),
        mok_manager: write("mm", 90_000, 13),
    }
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).expect("read")
}

/// `EFI/BOOT/` of the disk's ESP.
fn boot_files(disk: &Path) -> BTreeMap<String, Vec<u8>> {
    fat_files(disk, Role::Esp)
        .into_iter()
        .filter(|(k, _)| k.starts_with("EFI/BOOT/"))
        .collect()
}

/// `EFI/BOOT/` as the chain of `s` makes it.
fn boot_files_of(s: &Shim) -> BTreeMap<String, Vec<u8>> {
    [
        (SHIM, read(&s.shim)),
        (LOADER, read(&boot_loader())),
        (MOK, read(&s.mok_manager)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// The ESP holds exactly the chain of `s` and nothing else in `EFI/BOOT/`,
/// and `fsck.fat` finds nothing wrong with it.
fn assert_chain(disk: &Path, s: &Shim) {
    let got = boot_files(disk);
    let want = boot_files_of(s);
    assert!(
        got == want,
        "EFI/BOOT/ holds {:?}",
        got.keys().collect::<Vec<_>>()
    );
    fsck_partitions(disk, &inspect(disk), &[Role::Esp]);
}

fn upgrade_plan(s: &Upgradable, chain: &Shim) -> Plan {
    let mut c = choice(Action::Upgrade);
    c.shim = Some(chain.clone());
    install::plan(&inspect(&s.work), &open(&s.upg, &s.trust), &c).expect("plan")
}

#[test]
fn fresh_install_writes_the_chain() {
    let dir = tmp();
    let s = upgradable();
    let chain = shim(dir.path(), 1);
    sparse(&s.work, DISK_SIZE);
    let mut c = choice(Action::Install);
    c.shim = Some(chain.clone());
    let plan = install::plan(&inspect(&s.work), &open(&s.upg, &s.trust), &c).expect("plan");
    let text = plan.to_string();
    assert!(
        text.contains("shim (Secure Boot), systemd-boot, MokManager"),
        "{text}"
    );
    install::apply(&plan, &mut |_| {}).expect("install");
    assert_chain(&s.work, &chain);
}

#[test]
fn upgrade_adds_the_chain_to_an_esp_without_it_and_keeps_one_that_has_it() {
    let dir = tmp();
    let k = keys();
    let trust = trust(&[&k.vendor]);
    // Schema 2 from 1.1.0 on: no migration needed.
    let release = |v: &'static str| {
        Release {
            schema: Release::new(v).schema.min(2),
            ..Release::new(v)
        }
        .build(dir.path(), &k.vendor)
    };
    let disk = dir.path().join("disk.img");
    sparse(&disk, DISK_SIZE);
    run(&disk, &release("1.0.0"), &trust, Action::Install);
    bless(&disk);
    assert_eq!(
        boot_files(&disk).keys().collect::<Vec<_>>(),
        vec![SHIM],
        "installed as before the chain"
    );
    let upgrade = |version: &'static str, chain: &Shim| {
        let mut c = choice(Action::Upgrade);
        c.shim = Some(chain.clone());
        let plan =
            install::plan(&inspect(&disk), &open(&release(version), &trust), &c).expect("plan");
        assert!(
            plan.to_string().contains("Add the Secure Boot chain"),
            "{plan}"
        );
        install::apply(&plan, &mut |_| {}).expect("upgrade");
        bless(&disk);
    };
    let chain = shim(dir.path(), 1);
    upgrade("1.1.0", &chain);
    assert_chain(&disk, &chain);
    // The next upgrade, from a medium with another shim, keeps the chain
    // that boots: it never rewrites what the shim starts.
    upgrade("1.2.0", &shim(dir.path(), 2));
    assert_chain(&disk, &chain);
}

/// The disk stops writing at points all through the chain's step (and
/// around it): whatever it stopped at, `BOOTX64.EFI` is whole, the old
/// systemd-boot or the shim, and with the shim systemd-boot is whole beside
/// it; the upgrade run again completes with the chain.
#[test]
fn a_disk_that_stops_writing_while_the_chain_goes_on_leaves_an_esp_that_boots() {
    let dir = tmp();
    let s = upgradable();
    let chain = shim(dir.path(), 1);
    let sdboot = read(&boot_loader());
    let shim_bytes = read(&chain.shim);
    let written = |with: Option<&Shim>| {
        copy(&s.base, &s.work);
        let mut c = choice(Action::Upgrade);
        c.shim = with.cloned();
        let plan = install::plan(&inspect(&s.work), &open(&s.upg, &s.trust), &c).expect("plan");
        let mut dev = FaultyDisk::new(
            DiskFile::open(&s.work).expect("disk"),
            DiskFault::FailAfterBytes(u64::MAX),
        );
        let file = || File::open(&s.upg).map(BufReader::new);
        install::apply_on(&plan, &mut dev, file, &mut |_| {}).expect("upgrade");
        dev.written()
    };
    let without = written(None);
    let with = written(Some(&chain));
    let chain_bytes = with - without;
    assert!(chain_bytes > shim_bytes.len() as u64, "{chain_bytes}");
    // The chain's step is followed by the state record, the boot entry and
    // the report: well under 1 MiB. Look from before the step to the end.
    let from = with.saturating_sub(chain_bytes + (1 << 20));
    let points: Vec<u64> = (0..=48).map(|i| from + (with - from) * i / 48).collect();
    let mut saw_shim = false;
    for at in points {
        copy(&s.base, &s.work);
        let plan = upgrade_plan(&s, &chain);
        let mut dev = FaultyDisk::new(
            DiskFile::open(&s.work).expect("disk"),
            DiskFault::FailAfterBytes(at),
        );
        let file = || File::open(&s.upg).map(BufReader::new);
        let result = install::apply_on(&plan, &mut dev, file, &mut |_| {});
        drop(dev);
        let esp = boot_files(&s.work);
        let first = esp
            .get(SHIM)
            .unwrap_or_else(|| panic!("{at}: no BOOTX64.EFI"));
        if *first == shim_bytes {
            saw_shim = true;
            assert!(
                esp.get(LOADER) == Some(&sdboot),
                "{at}: the shim has no systemd-boot"
            );
        } else {
            assert!(*first == sdboot, "{at}: BOOTX64.EFI is neither whole");
        }
        if result.is_err() {
            let plan = upgrade_plan(&s, &chain);
            install::apply(&plan, &mut |_| {})
                .unwrap_or_else(|f| panic!("{at}: rerun: {}", f.error));
        }
        // Only what boots is checked here: a run cut short leaves the
        // volume's dirty bit set, which `fsck.fat -n` reports.
        assert!(
            boot_files(&s.work) == boot_files_of(&chain),
            "{at}: after the rerun"
        );
    }
    assert!(saw_shim, "no point fell after the switch");
}
