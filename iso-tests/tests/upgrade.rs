//! Scenarios 4, 5 and 6: upgrades through the screens and from an answer
//! file keep and migrate the configuration; refused upgrades say why and
//! change nothing.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use detect::Slot;
use iso_tests::{Firmware, Key, Machine};

/// Scenario 4: 1.0 → 1.1 through the screens, booted from the USB image,
/// keeping a configuration changed before the upgrade; the report lands
/// on the disk and on the stick.
#[test]
fn interactive_upgrade_keeps_the_configuration_and_reports_on_disk_and_stick() {
    let mut sc = Scenario::new("s4-upgrade-interactive");
    let disk = installed_disk(&mut sc, "disk.img", "1.0.0");
    // The technician's site settings, changed before the upgrade.
    let conf = partition_offset(&disk, "ferry-config");
    let engine = fat_read(&disk, conf, "config/a/engine.toml")
        .replace("name = \"engine-01\"", "name = \"engine-site-a\"")
        .replace(
            "server = \"manager.example.com\"",
            "server = \"mgmt.site-a.example\"",
        );
    assert!(engine.contains("engine-site-a") && engine.contains("mgmt.site-a.example"));
    fat_write(&disk, conf, "config/a/engine.toml", &engine);

    let stick = usb_image("1.1.0", None, &sc.path("stick.img"));
    let m = Machine::new(&sc.name, Firmware::Uefi)
        .memory_mib(768)
        .usb_stick(&stick)
        .disk(&disk);
    let mut vm = sc.boot(&m);
    welcome(&vm);
    press(&mut vm, "i", "Choose the disk");
    vm.wait_for("demo-engine: slot a 1.0.0 (active, boots fine)", SCREEN)
        .unwrap();
    press(&mut vm, "1", "Upgrade to 1.1.0 (keep configuration)");
    press(&mut vm, "u", "Press Enter to start the upgrade");
    vm.key(Key::Enter).unwrap();
    wait_ok(&vm, "Upgrade complete", WRITE);
    vm.wait_for("demo-engine 1.1.0 is installed in slot b", SCREEN)
        .unwrap();
    vm.wait_for("Remove the medium and press Enter to reboot", SCREEN)
        .unwrap();
    let s = vm.screen();
    assert!(s.contains("ferry-config:reports/"), "{s}");
    sc.log("upgraded");
    vm.key(Key::Enter).unwrap();
    vm.wait_exit(SCREEN).unwrap();
    drop(vm);

    assert_eq!(boot_default(&disk), Some(Slot::B));
    assert_eq!(release(&disk, Slot::B).as_deref(), Some("1.1.0"));
    let on_disk = fat_list(&disk, conf, "reports");
    assert!(
        on_disk.iter().any(|f| f.contains("upgrade-1.1.0")),
        "reports on the disk: {on_disk:?}"
    );
    let on_stick = fat_list(&stick, partition_offset(&stick, ""), "ferry/reports");
    assert!(
        on_stick.iter().any(|f| f.contains("upgrade-1.1.0")),
        "reports on the stick: {on_stick:?}"
    );

    let line = boot_installed(&mut sc, &disk, "1.1.0", true);
    for kept in [
        "slot=b",
        "config-schema=2",
        "hostname=engine-site-a",
        "management=mgmt.site-a.example:8443",
        "mtu=1500",
    ] {
        assert!(line.contains(kept), "{kept} missing: {line}");
    }
}
