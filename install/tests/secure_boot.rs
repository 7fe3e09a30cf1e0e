//! The Secure Boot chain on the ESP: a fresh install writes it, an upgrade
//! adds it to an ESP installed before it (systemd-boot alone as
//! `BOOTX64.EFI`) and brings one that has it to the medium's; a disk that
//! stops writing at any point of such an upgrade leaves an ESP that boots. The shim
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
fn upgrade_adds_the_chain_to_an_esp_without_it_and_updates_one_that_has_it() {
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
            plan.to_string().contains("Bring the ESP's boot chain"),
            "{plan}"
        );
        install::apply(&plan, &mut |_| {}).expect("upgrade");
        bless(&disk);
    };
    let chain = shim(dir.path(), 1);
    upgrade("1.1.0", &chain);
    assert_chain(&disk, &chain);
    // The next upgrade, from a medium with another shim, brings that one.
    let other = shim(dir.path(), 2);
    upgrade("1.2.0", &other);
    assert_chain(&disk, &other);
}

/// A chain as one medium brings it: shim and MokManager, and systemd-boot.
struct Chain {
    shim: Shim,
    loader: PathBuf,
}

impl Chain {
    fn files(&self) -> BTreeMap<String, Vec<u8>> {
        [
            (SHIM, read(&self.shim.shim)),
            (LOADER, read(&self.loader)),
            (MOK, read(&self.shim.mok_manager)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }
}

/// The disk stops writing at points all through the boot loader step of
/// an upgrade from a disk `base` whose ESP has `from` (`BOOTX64.EFI`
/// alone, or a chain) to `to`, and around it. Whatever it stopped at, the
/// ESP boots: `BOOTX64.EFI` is whole, old or new; a shim has a whole
/// systemd-boot beside it, and the new shim the new one. The upgrade run
/// again completes with `to`.
fn power_cuts(
    base: &Path,
    work: &Path,
    upg: &Path,
    trust: &payload::TrustStore,
    from: &BTreeMap<String, Vec<u8>>,
    to: &Chain,
) {
    let plan = |with: Option<&Chain>| {
        let mut c = choice(Action::Upgrade);
        if let Some(ch) = with {
            c.shim = Some(ch.shim.clone());
            c.boot_loader = ch.loader.clone();
        }
        install::plan(&inspect(work), &open(upg, trust), &c).expect("plan")
    };
    let apply = |plan: &Plan, fault: DiskFault| {
        let mut dev = FaultyDisk::new(DiskFile::open(work).expect("disk"), fault);
        let file = || File::open(upg).map(BufReader::new);
        let r = install::apply_on(plan, &mut dev, file, &mut |_| {});
        (r, dev.written())
    };
    let all = DiskFault::FailAfterBytes(u64::MAX);
    copy(base, work);
    let without = apply(&plan(None), all).1;
    copy(base, work);
    let with = apply(&plan(Some(to)), all).1;
    let step = with.saturating_sub(without);
    assert!(step > 0, "the step wrote nothing");
    // The step is followed by the state record, the boot entry and the
    // report: well under 1 MiB. Look from before the step to the end.
    let start = with.saturating_sub(step + (1 << 20));
    let want = to.files();
    let mut saw_new = false;
    for at in (0..=40).map(|i| start + (with - start) * i / 40) {
        copy(base, work);
        let (result, _) = apply(&plan(Some(to)), DiskFault::FailAfterBytes(at));
        let esp = boot_files(work);
        let first = esp
            .get(SHIM)
            .unwrap_or_else(|| panic!("{at}: no BOOTX64.EFI"));
        assert!(
            Some(first) == from.get(SHIM) || Some(first) == want.get(SHIM),
            "{at}: BOOTX64.EFI is neither the old one nor the new one, whole"
        );
        if Some(first) == want.get(SHIM) {
            saw_new = true;
            assert!(
                esp.get(LOADER) == want.get(LOADER),
                "{at}: the new shim without its systemd-boot"
            );
        } else if from.contains_key(LOADER) {
            let loader = esp.get(LOADER);
            assert!(
                loader == from.get(LOADER) || loader == want.get(LOADER),
                "{at}: the old shim without a whole systemd-boot"
            );
        }
        if result.is_err() {
            install::apply(&plan(Some(to)), &mut |_| {})
                .unwrap_or_else(|f| panic!("{at}: rerun: {}", f.error));
        }
        // Only what boots is checked here: a run cut short leaves the
        // volume's dirty bit set, which `fsck.fat -n` reports.
        assert!(boot_files(work) == want, "{at}: after the rerun");
    }
    assert!(saw_new, "no point fell after the switch");
}

/// [`power_cuts`] of the upgrade that adds the chain to an ESP written
/// before it.
#[test]
fn a_disk_that_stops_writing_while_the_chain_is_added_leaves_an_esp_that_boots() {
    let dir = tmp();
    let s = upgradable();
    let from = boot_files(&s.base);
    let to = Chain {
        shim: shim(dir.path(), 1),
        loader: boot_loader(),
    };
    power_cuts(&s.base, &s.work, &s.upg, &s.trust, &from, &to);
}

/// [`power_cuts`] of the upgrade that brings a chain to another medium's:
/// another shim, MokManager and systemd-boot.
#[test]
fn a_disk_that_stops_writing_while_the_chain_is_updated_leaves_an_esp_that_boots() {
    let dir = tmp();
    let k = keys();
    let trust = trust(&[&k.vendor]);
    let base = dir.path().join("base.img");
    sparse(&base, DISK_SIZE);
    let old = shim(dir.path(), 1);
    let mut c = choice(Action::Install);
    c.shim = Some(old.clone());
    let r100 = Release::new("1.0.0").build(dir.path(), &k.vendor);
    let plan = install::plan(&inspect(&base), &open(&r100, &trust), &c).expect("plan");
    install::apply(&plan, &mut |_| {}).expect("install");
    bless(&base);
    let from = boot_files(&base);
    // A newer systemd-boot: the real one with bytes after it.
    let loader = dir.path().join("systemd-boot-newer.efi");
    let mut bytes = read(&boot_loader());
    bytes.extend_from_slice(&[0x5a; 4096]);
    std::fs::write(&loader, bytes).expect("write");
    let to = Chain {
        shim: shim(dir.path(), 2),
        loader,
    };
    let upg = Release::new("1.1.0").build(dir.path(), &k.vendor);
    power_cuts(
        &base,
        &dir.path().join("work.img"),
        &upg,
        &trust,
        &from,
        &to,
    );
}
