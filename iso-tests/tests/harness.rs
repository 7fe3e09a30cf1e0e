//! The harness against real firmware: OVMF with nothing to boot falls to
//! its shell on the serial console, and the monitor answers.

use std::time::Duration;

use iso_tests::{Firmware, Key, Machine};

#[test]
fn ovmf_without_media_reaches_its_shell_and_takes_keys() -> anyhow::Result<()> {
    let mut vm = Machine::new("harness-ovmf-shell", Firmware::Uefi)
        .memory_mib(256)
        .boot()?;
    vm.wait_for("Shell>", Duration::from_secs(180))?;
    assert!(vm.monitor("info status")?.contains("running"));
    vm.send("ver")?;
    vm.key(Key::Enter)?;
    vm.wait_for("UEFI Interactive Shell", Duration::from_secs(60))?;
    Ok(())
}
