//! Disks: every disk found, with what is on it.

use crossterm::event::KeyCode;

use super::super::event::update;
use super::{has, key, keys, on, press, snap, started};

#[test]
fn disks_show_what_is_on_them_and_esc_goes_back() {
    let fx = super::fixture();
    let mut app = started(&fx, &[&fx.installed, &fx.blank, &fx.foreign]);
    keys(&mut app, "i");
    has(
        &app,
        &[
            "Choose the disk",
            "1. ",
            "installed.img",
            "104.0 MiB",
            "demo-engine: slot a 1.0.0 (active, boots fine); slot b empty",
            "2. ",
            "blank",
            "other system",
        ],
    );
    snap(&fx, &app, "disks");
    key(&mut app, KeyCode::Down);
    snap(&fx, &app, "disks_cursor_on_second");
    key(&mut app, KeyCode::Esc);
    assert_eq!(on(&app), "Welcome");
}

/// Each disk says which bus it is on, from what detection read in sysfs
/// (image files have none: device names and buses set here as the
/// installer finds them on a machine).
#[test]
fn disks_say_which_bus_they_are_on() {
    let fx = super::fixture();
    let mut app = started(&fx, &[&fx.installed, &fx.blank, &fx.foreign]);
    let loaded = app.ctx.loaded.as_mut().expect("loaded");
    let buses = [
        blockdev::Bus::Nvme,
        blockdev::Bus::Usb,
        blockdev::Bus::VirtioScsi,
    ];
    let names = ["/dev/nvme0n1", "/dev/sda", "/dev/sdb"];
    for ((d, bus), name) in loaded.disks.iter_mut().zip(buses).zip(names) {
        d.bus = Some(bus);
        d.path = name.into();
    }
    loaded.disks[0].model = Some("Samsung SSD 980".into());
    loaded.disks[0].serial = Some("S64DNX0R".into());
    loaded.disks[1].model = Some("SanDisk Cruzer Blade".into());
    keys(&mut app, "i");
    has(
        &app,
        &[
            "1. /dev/nvme0n1  NVMe  Samsung SSD 980 S64DNX0R  104.0 MiB",
            "2. /dev/sda  USB  SanDisk Cruzer Blade  104.0 MiB",
            "3. /dev/sdb  virtio SCSI  104.0 MiB",
        ],
    );
    snap(&fx, &app, "disks_buses");
}

#[test]
fn no_disk_found() {
    let fx = super::fixture();
    let mut app = started(&fx, &[]);
    keys(&mut app, "i");
    has(&app, &["No disk was found"]);
    snap(&fx, &app, "disks_none");
}

#[test]
fn a_chosen_disk_is_inspected_first() {
    let fx = super::fixture();
    let mut app = started(&fx, &[&fx.installed, &fx.blank]);
    keys(&mut app, "i");
    // The inspection is not run: the screen waits for it.
    let _ = update(&mut app, press(KeyCode::Char('2')));
    assert_eq!(on(&app), "Inspecting");
    has(&app, &["Looking at the disk and checking every choice"]);
    snap(&fx, &app, "inspecting");
}
