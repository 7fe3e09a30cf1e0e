//! The demo as a newcomer runs it: `scripts/demo` itself, with its own
//! QEMU command line, driven over its serial console (the script's stdin
//! and stdout) by following the steps it prints, through the upgrade from
//! 1.0.0 to 1.1.0 (and, with `--blank`, the install of 1.1.0) and the
//! start of 1.1.0 from the disk. So the demo cannot stop working, nor its
//! instructions drift from the screens, without a test failing.
#![allow(clippy::unwrap_used)]

mod common;

use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use detect::Slot;
use iso_tests::{Console, Key, MachineClock};

/// Time for each of the script's steps on the host: `scripts/bootkit`
/// checks the boot kit (rebuilding what changed) and the script builds
/// media-builder and installer-tui with `cargo run`, which may first wait
/// for another build of the workspace.
const BUILD: Duration = Duration::from_secs(1200);

/// Ctrl-A, QEMU's escape key on `-serial mon:stdio`.
const CTRL_A: &str = "\x01";

/// `scripts/demo` running in its own process group (so the test can end
/// the script, cargo and QEMU together), with stdout and stderr on one
/// pipe as on a terminal.
struct Demo {
    child: Option<Child>,
    console: Console,
    dir: PathBuf,
}

impl Demo {
    fn start(sc: &Scenario, args: &[&str]) -> Demo {
        let (out, out_w) = std::io::pipe().unwrap();
        let mut cmd = Command::new(workspace().join("scripts/demo"));
        cmd.args(args)
            .env("FERRY_DEMO_DIR", &sc.dir)
            .stdin(Stdio::piped())
            .stdout(out_w.try_clone().unwrap())
            .stderr(out_w)
            .process_group(0);
        let mut child = cmd.spawn().unwrap();
        // Our copies of the pipe's write end go with the command, so the
        // console sees the end of the output when the script ends.
        drop(cmd);
        let input = child.stdin.take().unwrap();
        // Budgets in machine time, as for the suite's own machines: the
        // CPU time of the script and all it runs (cargo, QEMU), so a busy
        // host stretches the waits instead of failing them.
        let clock = MachineClock::process_tree(child.id());
        Demo {
            child: Some(child),
            console: Console::with_machine_clock(out, input, clock),
            dir: sc.dir.clone(),
        }
    }

    fn wait(&self, text: &str, timeout: Duration) {
        if let Err(e) = self.console.wait_for(text, timeout) {
            panic!("{e}");
        }
    }

    /// Waits for the first of `texts`; returns its index.
    fn wait_any(&self, texts: &[&str], timeout: Duration) -> usize {
        self.console
            .wait_for_any(texts, timeout)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn send(&mut self, text: &str) {
        self.console.send(text).unwrap();
    }

    /// The installer's screen once it is wholly drawn.
    fn screen(&self) -> String {
        self.console
            .settled_screen(Duration::from_millis(500), Duration::from_secs(10))
    }

    /// Waits until the script has ended (QEMU quit).
    fn wait_exit(&mut self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        let child = self.child.as_mut().unwrap();
        while child.try_wait().unwrap().is_none() {
            assert!(
                Instant::now() < deadline,
                "QEMU did not quit within {} s",
                timeout.as_secs()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        self.child = None;
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // The whole group: the script, cargo, QEMU.
            let group = format!("-{}", child.id());
            let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
            let _ = child.wait();
        }
        if std::thread::panicking() {
            let screen = self.console.screen();
            let log = self.console.log();
            let _ = std::fs::write(self.dir.join("screen.txt"), &screen);
            let _ = std::fs::write(self.dir.join("serial.log"), &log);
            let tail = &log[log.len().saturating_sub(3000)..];
            eprintln!(
                "--- scripts/demo: last screen (saved with serial.log in {}) ---\n{screen}\n\
                 --- end of its output ---\n{}\n---",
                self.dir.display(),
                String::from_utf8_lossy(tail)
            );
        }
    }
}

/// What one mode of the demo prints and shows.
struct Mode {
    scenario: &'static str,
    args: &'static [&'static str],
    /// The disk's line on the Disks screen.
    holds: &'static str,
    /// The choice on What to do: its key and its entry.
    letter: &'static str,
    entry: &'static str,
    /// "upgrade" or "install", as Review names it.
    action: &'static str,
    done: &'static str,
    /// Where 1.1.0 starts from.
    slot: &'static str,
}

const UPGRADE: Mode = Mode {
    scenario: "demo-upgrade",
    args: &[],
    holds: "demo-engine: slot a 1.0.0 (active, boots fine); slot b empty",
    letter: "u",
    entry: "[u] Upgrade to 1.1.0 (keep configuration)",
    action: "upgrade",
    done: "Upgrade complete",
    slot: "b",
};

const BLANK: Mode = Mode {
    scenario: "demo-blank",
    args: &["--blank"],
    holds: "blank",
    letter: "i",
    entry: "[i] Install 1.1.0",
    action: "install",
    done: "Install complete",
    slot: "a",
};

/// One key on one screen: the script's line that says to press it, and
/// what that line quotes, which must be on that screen.
struct Step {
    /// Text of the screen's key hints: the screen has come.
    screen: &'static str,
    instruction: String,
    quoted: Vec<String>,
    key: &'static str,
}

impl Mode {
    fn steps(&self) -> Vec<Step> {
        let review = format!("Press Enter to start the {}.", self.action);
        vec![
            Step {
                screen: "i c k s b p shortcuts",
                instruction: r#"i      on Welcome, for "[i] Install or upgrade""#.into(),
                quoted: vec!["[i] Install or upgrade".into()],
                key: "i",
            },
            Step {
                screen: "1-9 pick",
                instruction: format!(
                    "1      on Disks, for the disk \"1. /dev/vda\", described as\n            \"{}\"",
                    self.holds
                ),
                quoted: vec!["1. /dev/vda".into(), self.holds.into()],
                key: "1",
            },
            Step {
                screen: "Up/Down move  Enter choose  Esc back",
                instruction: format!("{}      on What to do, for \"{}\"", self.letter, self.entry),
                quoted: vec![self.entry.into()],
                key: self.letter,
            },
            Step {
                screen: "Enter start  Esc back",
                instruction: format!("Enter  on Review, where it says \"{review}\""),
                quoted: vec![review],
                key: "\r",
            },
        ]
    }
}

/// Runs `scripts/demo` in `mode` and does what it tells the user, up to
/// the installed 1.1.0 starting from the disk and QEMU quit; returns the
/// version line 1.1.0 printed.
fn follow_the_demo(sc: &Scenario, mode: &Mode) -> String {
    let steps = mode.steps();
    let mut demo = Demo::start(sc, mode.args);
    demo.wait("== building the ISO for Demo Engine 1.1.0", BUILD);
    demo.wait("== preparing the machine's disk", BUILD);
    if mode.args.is_empty() {
        demo.wait("Demo Engine 1.0.0 is installed", WRITE);
        demo.wait("== starting Demo Engine 1.0.0 once", SCREEN);
        demo.wait("DEMO-ENGINE version=1.0.0 slot=a", BOOT);
        demo.wait("DEMO-ENGINE boot-marked-good", SCREEN);
        demo.wait("typing \"poweroff -f\" on the machine's keyboard", SCREEN);
        demo.wait(
            "Demo Engine 1.0.0 started and confirmed its boot; the machine is off",
            SCREEN,
        );
        sc.log("1.0.0 started once, confirmed its boot and powered off");
    } else {
        demo.wait("a blank 24 GiB disk", SCREEN);
    }

    // The instructions, on the terminal and in the file.
    demo.wait(
        "== the machine boots from the ISO of Demo Engine 1.1.0 when you press Enter.",
        SCREEN,
    );
    let done = mode.done;
    let removal = [
        format!("When it shows \"{done}\" and \"Remove the medium and press Enter to\n   reboot\""),
        "press Ctrl-A then C (QEMU's\n   monitor appears), type \"eject -f cd\" and Enter, \
         press Ctrl-A then C again\n   (back to the machine; its screen is not redrawn), \
         then press Enter."
            .into(),
        format!(
            "starts from its disk: Demo Engine 1.1.0 in slot {}, with\n",
            mode.slot
        ),
        "Quit QEMU with Ctrl-A then X.".into(),
    ];
    let said: Vec<&String> = steps
        .iter()
        .map(|s| &s.instruction)
        .chain(&removal)
        .collect();
    for text in &said {
        demo.wait(text, SCREEN);
    }
    demo.wait("These steps are also in", SCREEN);
    demo.wait("Press Enter to start the machine.", SCREEN);
    let saved = std::fs::read_to_string(sc.path("steps.txt")).unwrap();
    for text in &said {
        assert!(
            saved.contains(text.as_str()),
            "{text:?} is not in steps.txt:\n{saved}"
        );
    }
    // From here on only what the machine shows counts, not the text above.
    demo.console.mark();
    // The script reads a line: on a terminal, Enter gives it a newline.
    demo.send("\n");

    demo.wait("FERRY-INSTALLER starting on ttyS0", BOOT);
    sc.log("the installer started");
    for s in &steps {
        demo.wait(s.screen, SCREEN);
        let screen = demo.screen();
        for q in &s.quoted {
            assert!(
                screen.contains(q.as_str()),
                "the instructions say {q:?}, the screen shows:\n{screen}"
            );
            assert!(!screen.contains(&format!("{q} (not possible)")), "{screen}");
        }
        demo.send(s.key);
    }
    let i = demo.wait_any(
        &[done, "Upgrade failed", "Install failed", "What failed:"],
        WRITE,
    );
    assert_eq!(i, 0, "the installer failed:\n{}", demo.screen());
    demo.wait("Remove the medium and press Enter to reboot", SCREEN);
    sc.log(done);

    // The medium out of the drive, as the instructions say.
    demo.send(&format!("{CTRL_A}c"));
    demo.wait("(qemu)", SCREEN);
    demo.send("eject -f cd\r");
    demo.send(&format!("{CTRL_A}c"));
    demo.console.key(Key::Enter).unwrap();
    demo.wait("Rebooting.", SCREEN);
    sc.log("rebooting without the medium");
    // Still in the drive, the ISO would start the installer again. (The
    // terminal's main screen, back from the installer's, still shows the
    // first start's lines: only what follows counts.)
    demo.console.mark();
    let from = demo.console.log().len();
    let i = demo.wait_any(&["DEMO-ENGINE version=", "Release on this medium:"], BOOT);
    assert_eq!(
        i, 0,
        "the machine started the installer again, not the disk"
    );
    demo.wait("DEMO-ENGINE boot-marked-good", SCREEN);
    let log = demo.console.log();
    let log = String::from_utf8_lossy(&log[from..]).into_owned();
    let line = log
        .lines()
        .find_map(|l| l.find("DEMO-ENGINE version=").map(|at| l[at..].trim_end()))
        .unwrap()
        .to_string();
    sc.log(&format!("the disk started: {line}"));
    assert!(line.starts_with("DEMO-ENGINE version=1.1.0 "), "{line}");
    assert!(line.contains(&format!(" slot={} ", mode.slot)), "{line}");
    // The ESP was left clean: 1.0.0 was powered off after its init
    // unmounted it, and the installer writes it cleanly.
    assert!(!log.contains("not properly unmounted"), "{log}");

    // Quit, as the instructions end.
    demo.send(&format!("{CTRL_A}x"));
    demo.wait_exit(SCREEN);
    line
}

/// `scripts/demo`: 1.0.0 installed and started once, then upgraded to
/// 1.1.0 from the ISO through the installer's screens, and 1.1.0 starts
/// from slot b with the configuration of 1.0.0. Then `scripts/demo
/// --blank`: 1.1.0 installed on a blank disk starts from slot a. One
/// after the other: each run of the script runs `scripts/bootkit`, and
/// two at once would build the Demo Engine releases in the same place.
#[test]
fn demo_upgrades_and_installs_as_its_instructions_say() {
    let sc = Scenario::new(UPGRADE.scenario);
    let line = follow_the_demo(&sc, &UPGRADE);
    assert!(line.contains("hostname=engine-01"), "{line}");
    assert!(line.contains("config-schema=2"), "{line}");
    let disk = sc.path("disk.img");
    assert_eq!(release(&disk, Slot::A).as_deref(), Some("1.0.0"));
    assert_eq!(release(&disk, Slot::B).as_deref(), Some("1.1.0"));
    assert_eq!(boot_default(&disk), Some(Slot::B));
    drop(sc);

    let sc = Scenario::new(BLANK.scenario);
    follow_the_demo(&sc, &BLANK);
    let disk = sc.path("disk.img");
    assert_eq!(release(&disk, Slot::A).as_deref(), Some("1.1.0"));
    assert_eq!(boot_default(&disk), Some(Slot::A));
}
