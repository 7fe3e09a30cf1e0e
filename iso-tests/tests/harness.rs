//! The harness against real firmware: OVMF with nothing to boot falls to
//! its shell on the serial console, and the monitor answers. And the
//! console against real output: a recorded serial log replayed however
//! it is split into reads.

use std::io::{Read, Write};
use std::time::Duration;

use iso_tests::{Console, Firmware, Key, Machine};

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

/// The end of a real unattended upgrade's serial output (scenario 5,
/// recorded with `FERRY_ISO_TESTS_KEEP=1`): the last kernel lines, the
/// installer's screens drawn with cursor moves (ratatui's diffs: "Upgrade
/// complete" is never contiguous in the bytes), the Done screen, then the
/// installer leaving its alternate screen and the kernel powering off.
/// The Done screen lives for a few milliseconds of output; a busy host
/// hands it to the console in the same read as the power-off.
const DONE_THEN_POWER_OFF: &[u8] = include_bytes!("data/upgrade-done-then-power-off.serial");

/// Hands out `data` `chunk` bytes per read, as a pipe may.
struct Chunked {
    data: &'static [u8],
    chunk: usize,
}

impl Read for Chunked {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.chunk.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// Whether `console` saw the Done screen; the error says how it failed.
fn saw_the_done_screen(console: &Console) -> Result<(), String> {
    console
        .wait_for("Upgrade complete", Duration::from_secs(10))
        .map_err(|e| format!("{e}\nlast screen:\n{}", console.screen()))?;
    // Then the machine powered off: the kernel's words replaced it.
    console
        .wait_for("reboot: Power down", Duration::from_secs(10))
        .map_err(|e| e.to_string())?;
    let last = console.screen();
    if !last.contains("reboot: Power down") || last.contains("Upgrade complete") {
        return Err(format!("not the recorded end:\n{last}"));
    }
    Ok(())
}

#[test]
fn a_done_screen_replaced_by_the_power_off_is_seen_however_the_output_is_split() {
    let mut failed = Vec::new();
    for chunk in [DONE_THEN_POWER_OFF.len(), 1, 7, 4096] {
        let console = Console::new(
            Chunked {
                data: DONE_THEN_POWER_OFF,
                chunk,
            },
            std::io::sink(),
        );
        if let Err(e) = saw_the_done_screen(&console) {
            failed.push(format!("reads of {chunk} bytes: {e}"));
        }
    }
    // And in one write through a pipe, as QEMU's stdout is.
    let (out_r, mut out_w) = std::io::pipe().unwrap();
    let console = Console::new(out_r, std::io::sink());
    out_w.write_all(DONE_THEN_POWER_OFF).unwrap();
    drop(out_w);
    if let Err(e) = saw_the_done_screen(&console) {
        failed.push(format!("one write through a pipe: {e}"));
    }
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}
