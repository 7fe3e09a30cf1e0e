//! Scenario 14: the machine's own screen (the VGA console, tty1) shows
//! exactly what the installer draws there, at the console's real size,
//! with nothing of the kernel's boot log, through an install on a blank
//! disk driven from the machine's keyboard; under SeaBIOS (VGA text mode)
//! and OVMF (UEFI framebuffer). The serial console, which the other
//! scenarios read, cannot show any of this: it is another terminal.
//!
//! What the screen shows is read from `/dev/vcs1` (characters) and
//! `/dev/vcsa1` (its size) in a rescue shell on the serial port; what the
//! installer drew is the frame it writes as text to
//! `/run/ferry/screens/tty1.txt` once that directory exists. Keys reach the
//! installer on tty1 through the QEMU monitor's `sendkey`.
//!
//! With `FERRY_SCREENSHOTS=DIR` (relative to the workspace), the OVMF run
//! also saves each screen as a PNG (QEMU `screendump`) in `DIR`:
//! `scripts/screenshots` regenerates the technician guide's pictures.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::*;
use iso_tests::{Firmware, Machine, MachineClock, Vm, WALL_BACKSTOP};

/// What the machine's screen shows and what the installer drew on it.
#[derive(Debug)]
struct Vga {
    rows: usize,
    cols: usize,
    /// The console's characters, one string per row.
    shown: Vec<String>,
    /// The installer's last frame, one string per row; empty before it
    /// wrote one.
    drawn: Vec<String>,
}

impl Vga {
    fn shown_text(&self) -> String {
        self.shown.join("\n")
    }

    fn drawn_text(&self) -> String {
        self.drawn.join("\n")
    }

    /// The first row where the screen and the frame differ, for messages.
    fn first_difference(&self) -> Option<String> {
        if self.drawn.len() != self.shown.len() {
            return Some(format!(
                "the frame has {} rows, the console {}",
                self.drawn.len(),
                self.shown.len()
            ));
        }
        let (i, (s, d)) = self
            .shown
            .iter()
            .zip(&self.drawn)
            .enumerate()
            .find(|(_, (s, d))| s != d)?;
        Some(format!("row {i}:\n  console: {s:?}\n  drawn:   {d:?}"))
    }
}

/// Lines of the kernel's boot log on a screen: printk's time stamps
/// (`[    1.234567] `) and words of the drivers the init loads.
fn kernel_traces(lines: &[String]) -> Vec<String> {
    const WORDS: [&str; 8] = [
        "ata1",
        "ata2",
        "scsi ",
        "usbcore",
        "MHz",
        "Linux version",
        // The driver's name, as the kernel prints it: the Disks screen
        // names the bus `virtio` too.
        "virtio_",
        "Freeing unused",
    ];
    lines
        .iter()
        .filter(|l| has_timestamp(l) || WORDS.iter().any(|w| l.contains(w)))
        .cloned()
        .collect()
}

fn has_timestamp(line: &str) -> bool {
    line.match_indices('[').any(|(at, _)| {
        let rest = line[at + 1..].trim_start();
        let Some((secs, tail)) = rest.split_once('.') else {
            return false;
        };
        !secs.is_empty()
            && secs.bytes().all(|b| b.is_ascii_digit())
            && tail.len() > 6
            && tail.as_bytes()[..6].iter().all(u8::is_ascii_digit)
            && tail.as_bytes()[6] == b']'
    })
}

#[test]
fn kernel_traces_are_recognised() {
    let lines = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        kernel_traces(&lines(&[
            "[    1.503214] ata2.00: ATAPI: QEMU DVD-ROM, 2.5+, max UDMA/100",
            "Release8on0thismedium:ndemo-enginek1.0.0e(release)ion: 2596.110 MHz",
            "|  [c] Check this medium     |",
            "| ferry-data: 17.9 GiB, /dev/vda [1.0]  |",
            "|> 1. /dev/vda  virtio  24.0 GiB      |",
            "virtio_blk virtio1: [vda] 50331648 512-byte logical blocks (25.8 GB/24.0 GiB)",
        ]))
        .len(),
        3
    );
}

/// The rescue shell on the serial port, set up to print the VGA console.
struct Shell {
    reads: u32,
}

impl Shell {
    /// Leaves the serial console's installer for its rescue shell (the
    /// one on tty1 keeps running) and asks that installer for its frames.
    fn open(vm: &mut Vm) -> Shell {
        vm.send("s").unwrap();
        vm.wait_for("Rescue shell requested", SCREEN).unwrap();
        // `v N` prints, between numbered marks: the console's rows and
        // columns (the first two bytes of vcsa1), its characters (vcs1,
        // rows x columns bytes) and the installer's last frame.
        vm.send(
            "cd /run/ferry; mkdir -p screens; v(){ echo VGA-B$1.; od -An -tu1 -N2 /dev/vcsa1; \
             cat /dev/vcs1 screens/tty1.txt 2>/dev/null; echo; echo VGA-E$1.; }\r",
        )
        .unwrap();
        let mut shell = Shell { reads: 0 };
        // The first read also proves the function is defined.
        shell.read(vm).unwrap();
        shell
    }

    fn read(&mut self, vm: &mut Vm) -> anyhow::Result<Vga> {
        self.reads += 1;
        let n = self.reads;
        let (begin, end) = (format!("VGA-B{n}.\r\n"), format!("\r\nVGA-E{n}."));
        let from = vm.log().len();
        vm.send(&format!("v {n}\r"))?;
        vm.wait_for(&end, SCREEN)?;
        let log = vm.log();
        let out = &log[from..];
        let find = |needle: &str| {
            out.windows(needle.len())
                .position(|w| w == needle.as_bytes())
                .ok_or_else(|| anyhow::anyhow!("{needle:?} not in the shell's output"))
        };
        let body = &out[find(&begin)? + begin.len()..find(&end)?];
        let eol = body
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or_else(|| anyhow::anyhow!("no size line"))?;
        let size: Vec<usize> = String::from_utf8_lossy(&body[..eol])
            .split_whitespace()
            .map(str::parse)
            .collect::<Result<_, _>>()?;
        let [rows, cols] = size[..] else {
            anyhow::bail!("size line {:?}", String::from_utf8_lossy(&body[..eol]));
        };
        let cells = &body[eol + 2..];
        anyhow::ensure!(
            cells.len() >= rows * cols,
            "{} bytes of vcs1 for {rows}x{cols}",
            cells.len()
        );
        let (screen, frame) = cells.split_at(rows * cols);
        let shown = screen
            .chunks(cols)
            .map(|r| String::from_utf8_lossy(r).into_owned())
            .collect();
        let drawn = String::from_utf8_lossy(frame)
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        Ok(Vga {
            rows,
            cols,
            shown,
            drawn,
        })
    }

    /// Runs `command` in the shell and waits until it has finished.
    fn run(&mut self, vm: &mut Vm, command: &str) {
        self.reads += 1;
        let done = format!("RAN-{}.", self.reads);
        let (head, tail) = done.split_at(3);
        vm.send(&format!("{command}; echo {head}\"\"{tail}\r"))
            .unwrap();
        vm.wait_for(&done, SCREEN).unwrap();
    }

    /// Reads the console until it shows, cell for cell, the installer's
    /// frame and that frame holds every one of `want`; fails after
    /// `budget` with both.
    fn wait_for(&mut self, vm: &mut Vm, want: &[&str], budget: Duration) -> Vga {
        let spent = Spent::start(vm, budget);
        loop {
            let v = self.read(vm).unwrap();
            let drawn = v.drawn_text();
            let there = want.iter().all(|w| drawn.contains(w));
            if there && v.first_difference().is_none() {
                return v;
            }
            assert!(
                !spent.over(),
                "within {} s the VGA console did not show the installer's frame with {want:?}; \
                 {}\n--- console ({}x{}) ---\n{}\n--- installer's frame ---\n{drawn}\n---",
                budget.as_secs(),
                v.first_difference().unwrap_or_default(),
                v.cols,
                v.rows,
                v.shown_text(),
            );
            // A pause between reads, not a wait for the screen: the next
            // read looks again, until the budget is spent.
            vm.run_for(Duration::from_millis(100));
        }
    }
}

/// A budget counted as the suite's waits count theirs: in machine time
/// (the CPU time QEMU consumed), with their wall-clock backstop.
struct Spent {
    clock: Option<MachineClock>,
    cpu: Option<Duration>,
    wall: Instant,
    budget: Duration,
}

impl Spent {
    fn start(vm: &mut Vm, budget: Duration) -> Spent {
        let clock = vm.console().machine_clock().cloned();
        let cpu = clock.as_ref().and_then(MachineClock::read).map(|t| t.cpu);
        Spent {
            clock,
            cpu,
            wall: Instant::now(),
            budget,
        }
    }

    fn over(&self) -> bool {
        let now = self
            .clock
            .as_ref()
            .and_then(MachineClock::read)
            .map(|t| t.cpu);
        match (self.cpu, now) {
            (Some(a), Some(b)) => {
                b.saturating_sub(a) > self.budget
                    || self.wall.elapsed() > self.budget * WALL_BACKSTOP
            }
            _ => self.wall.elapsed() > self.budget,
        }
    }
}

/// A QEMU monitor command that must succeed (its answer is empty, apart
/// from the monitor's echo of the command).
fn monitor(vm: &Vm, command: &str) {
    let answer = vm.monitor(command).unwrap();
    assert!(
        !["rror", "not found", "Try \"help", "nvalid"]
            .iter()
            .any(|e| answer.contains(e)),
        "{command}: {answer:?}"
    );
}

/// Where to save screenshots, from `FERRY_SCREENSHOTS` (relative to the
/// workspace).
fn screenshots_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(std::env::var_os("FERRY_SCREENSHOTS")?);
    let dir = if dir.is_absolute() {
        dir
    } else {
        workspace().join(dir)
    };
    std::fs::create_dir_all(&dir).unwrap();
    Some(dir)
}

/// A machine booted from the ISO, with the rescue shell open on its
/// serial port.
struct Run {
    // The machine stops before its scenario's directory is removed.
    vm: Vm,
    sc: Scenario,
    shell: Shell,
    firmware: Firmware,
    /// Where the screens are saved as pictures, if anywhere.
    pictures: Option<PathBuf>,
}

impl Run {
    /// Waits until the console shows the installer's frame with `want`,
    /// then checks that frame: nothing of the kernel's log, the console's
    /// real size. Saves it as `installer-PICTURE.png` when asked to.
    fn screen(&mut self, picture: &str, want: &[&str], budget: Duration) -> Vga {
        let v = self.shell.wait_for(&mut self.vm, want, budget);
        let traces = kernel_traces(&v.shown);
        assert!(
            traces.is_empty(),
            "the kernel's log on the VGA console:\n{}",
            traces.join("\n")
        );
        assert!(
            v.drawn.iter().all(|l| l.chars().count() == v.cols),
            "the installer drew rows of another width than the console's {}:\n{}",
            v.cols,
            v.drawn_text()
        );
        match self.firmware {
            // SeaBIOS leaves the VGA card in its 80x25 text mode.
            Firmware::Bios => assert_eq!((v.cols, v.rows), (80, 25)),
            // The UEFI framebuffer console is larger than the 80x24 the
            // installer assumes when a terminal does not tell its size.
            Firmware::Uefi | Firmware::UefiSecureBoot => assert!(
                v.cols > 80 && v.rows > 25,
                "{}x{} on the framebuffer",
                v.cols,
                v.rows
            ),
        }
        self.sc.log(&format!(
            "{picture}: the console ({}x{}) shows the installer's frame",
            v.cols, v.rows
        ));
        if let Some(dir) = &self.pictures {
            let png = dir.join(format!("installer-{picture}.png"));
            monitor(&self.vm, &format!("screendump {} -f png", png.display()));
            assert!(png.exists(), "screendump wrote no {}", png.display());
        }
        v
    }

    /// A key on the machine's own keyboard: it reaches tty1.
    fn key(&self, key: &str) {
        monitor(&self.vm, &format!("sendkey {key}"));
    }
}

/// Drives an install on a blank disk from the machine's keyboard and
/// checks the VGA console on each screen.
fn vga_console_shows_only_the_installer(name: &str, firmware: Firmware) {
    let mut sc = Scenario::new(name);
    let disk = sc.blank_qcow2("disk.qcow2");
    let m = Machine::new(name, firmware)
        .memory_mib(768)
        .cdrom(iso("1.1.0"))
        .disk(&disk);
    let mut vm = sc.boot(&m);
    welcome(&vm);
    let shell = Shell::open(&mut vm);
    sc.log("rescue shell on the serial port");
    let mut r = Run {
        vm,
        sc,
        shell,
        firmware,
        pictures: (firmware == Firmware::Uefi).then(screenshots_dir).flatten(),
    };
    let welcome = ["Install or upgrade", "[p] Power off"];
    r.screen("welcome", &welcome, SCREEN);

    // The comparison sees what others write on the console, and the
    // installer repairs it: with the installer stopped, the kernel's log
    // is written over its frame; once it runs again, it notices within a
    // second and draws the whole screen again.
    r.shell.run(
        &mut r.vm,
        "kill -STOP $(pidof installer-tui); dmesg | tail -n 30 >/dev/tty1",
    );
    let v = r.shell.read(&mut r.vm).unwrap();
    assert!(
        v.first_difference().is_some() && !kernel_traces(&v.shown).is_empty(),
        "the kernel's log written on tty1 is not seen:\n{}",
        v.shown_text()
    );
    r.shell.run(&mut r.vm, "kill -CONT $(pidof installer-tui)");
    r.sc.log("the kernel's log written over the frame is seen");
    r.screen("welcome", &welcome, SCREEN);

    r.key("i");
    r.screen("disks", &["Choose the disk", "blank", "1-9 pick"], SCREEN);
    r.key("1");
    if firmware == Firmware::Bios {
        // Started in legacy BIOS mode, the installer refuses to install
        // (the system would start only with UEFI): the refusal, drawn on
        // the 80x25 text console, is the last screen of this walk.
        r.screen(
            "action",
            &[
                "What to do",
                "Install 1.1.0 (not possible)",
                "legacy BIOS mode",
            ],
            SCREEN,
        );
        return;
    }
    r.screen("action", &["What to do", "Install 1.1.0"], SCREEN);
    r.key("i");
    r.screen(
        "review",
        &["Review: install", "Press Enter to start the install"],
        SCREEN,
    );
    // Read the medium as a slow DVD does (2 MB/s), so the Progress screen
    // stays up, with its bar, long enough to be read over the serial port;
    // the payload read at start is dropped from the page cache, or the
    // write step would not touch the drive. Back to full speed after.
    r.shell
        .run(&mut r.vm, "sync; echo 3 >/proc/sys/vm/drop_caches");
    monitor(&r.vm, "block_set_io_throttle cd0 2000000 0 0 0 0 0");
    r.key("ret");
    let started = Instant::now();
    // A tenth of the payload written: the bar has begun to fill.
    r.screen(
        "progress",
        &["Progress", "Installing", "MB/s", "[######"],
        WRITE,
    );
    monitor(&r.vm, "block_set_io_throttle cd0 0 0 0 0 0 0");
    r.screen(
        "done",
        &[
            "Install complete",
            "demo-engine 1.1.0 is installed in slot a",
        ],
        WRITE,
    );
    r.sc.log(&format!(
        "install through the screens on tty1 took {:.0} s",
        started.elapsed().as_secs_f64()
    ));
}

/// Scenario 14 under SeaBIOS: the VGA text console (80x25).
#[test]
fn vga_console_shows_only_the_installer_under_seabios() {
    vga_console_shows_only_the_installer("s14-vga-bios", Firmware::Bios);
}

/// Scenario 14 under OVMF: the UEFI framebuffer console.
#[test]
fn vga_console_shows_only_the_installer_under_ovmf() {
    vga_console_shows_only_the_installer("s14-vga-ovmf", Firmware::Uefi);
}
