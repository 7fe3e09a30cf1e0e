//! The demo as a newcomer runs it: `scripts/demo` itself, with its own
//! QEMU command line, driven over its serial console (the script's stdin
//! and stdout) by following the steps it prints, through the upgrade from
//! 1.0.0 to 1.1.0 and the start of 1.1.0. So the demo cannot stop working
//! without a test failing.
#![allow(clippy::unwrap_used)]

mod common;

use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use detect::Slot;
use iso_tests::{Console, Key};

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
        Demo {
            child: Some(child),
            console: Console::new(out, input),
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

/// One key on one screen, as the script's instructions print it, and the
/// text of that screen that the instruction quotes.
struct Step<'a> {
    /// What the test waits for before pressing: the screen has come.
    screen: &'a str,
    /// The instruction's line, as printed.
    instruction: String,
    /// What the instruction quotes, which must be on that screen.
    quoted: &'a str,
    key: &'a str,
}

fn steps<'a>(holds: &'a str, letter: &'a str, label: &'a str, review: &'a str) -> Vec<Step<'a>> {
    vec![
        Step {
            screen: "[p] Power off",
            instruction: r#"i      on Welcome, for "[i] Install or upgrade""#.into(),
            quoted: "[i] Install or upgrade",
            key: "i",
        },
        Step {
            screen: "1-9 pick",
            instruction: format!("1      on Disks, for the disk \"1. /dev/vda\", which holds\n            \"{holds}\""),
            quoted: holds,
            key: "1",
        },
        Step {
            screen: "Up/Down move  Enter choose  Esc back",
            instruction: format!("{letter}      on What to do, for \"{label}\""),
            quoted: label,
            key: letter,
        },
        Step {
            screen: "Enter start  Esc back",
            instruction: format!("Enter  on Review, where it says \"{review}\""),
            quoted: review,
            key: "\r",
        },
    ]
}

/// Runs `scripts/demo ARGS` and does what it tells the user, up to the
/// installed 1.1.0 starting from the disk; returns its version line.
fn follow_the_demo(sc: &Scenario, args: &[&str], steps: &[Step], done: &str, slot: &str) -> String {
    let mut demo = Demo::start(sc, args);
    demo.wait("== building the ISO for Demo Engine 1.1.0", BUILD);
    demo.wait("== preparing the machine's disk", BUILD);
    if args.is_empty() {
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
    }
    demo.wait(
        "== the machine boots from the ISO of Demo Engine 1.1.0 when you press Enter.",
        SCREEN,
    );
    for s in steps {
        demo.wait(&s.instruction, SCREEN);
    }
    demo.wait(
        &format!(
            "When it shows \"{done}\" and \"Remove the medium and press Enter to\n   reboot\""
        ),
        SCREEN,
    );
    let eject =
        "press Ctrl-A then C (QEMU's\n   monitor appears), type \"eject -f cd\" and Enter, \
                 press Ctrl-A then C again\n   (back to the machine; its screen is not redrawn), \
                 then press Enter.";
    demo.wait(eject, SCREEN);
    demo.wait("Quit QEMU with Ctrl-A then X.", SCREEN);
    demo.wait("These steps are also in", SCREEN);
    demo.wait("Press Enter to start the machine.", SCREEN);
    let saved = std::fs::read_to_string(sc.path("steps.txt")).unwrap();
    for s in steps {
        assert!(saved.contains(&s.instruction), "{saved}");
    }
    // From here on only what the machine shows counts, not the text above.
    demo.console.mark();
    // The script reads a line: on a terminal, Enter gives it a newline.
    demo.send("\n");

    demo.wait("FERRY-INSTALLER starting on ttyS0", BOOT);
    sc.log("the installer started");
    for s in steps {
        demo.wait(s.screen, SCREEN);
        let screen = demo.screen();
        assert!(
            screen.contains(s.quoted),
            "the instructions say {:?}, the screen shows:\n{screen}",
            s.quoted
        );
        assert!(
            !screen.contains(&format!("{} (not possible)", s.quoted)),
            "{screen}"
        );
        demo.send(s.key);
    }
    if let Err(e) = demo
        .console
        .wait_for_any(
            &[done, "Upgrade failed", "Install failed", "What failed:"],
            WRITE,
        )
        .and_then(|i| {
            anyhow::ensure!(i == 0, "the installer failed instead of {done:?}");
            Ok(())
        })
    {
        panic!("{e}:\n{}", demo.screen());
    }
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
    let i = demo.wait_any(&["DEMO-ENGINE version=", "Release on this medium:"], BOOT);
    assert_eq!(
        i, 0,
        "the machine started the installer again, not the disk"
    );
    demo.wait("DEMO-ENGINE boot-marked-good", SCREEN);
    let log = String::from_utf8_lossy(&demo.console.log()).into_owned();
    let line = log
        .lines()
        .rev()
        .find_map(|l| l.find("DEMO-ENGINE version=").map(|at| l[at..].trim_end()))
        .unwrap()
        .to_string();
    sc.log(&format!("the disk started: {line}"));
    assert!(line.starts_with("DEMO-ENGINE version=1.1.0 "), "{line}");
    assert!(line.contains(&format!(" slot={slot} ")), "{line}");

    // Quit, as the instructions end.
    demo.send(&format!("{CTRL_A}x"));
    demo.wait_exit(SCREEN);
    line
}

/// `scripts/demo`: 1.0.0 installed and started once, then upgraded to
/// 1.1.0 from the ISO through the installer's screens; 1.1.0 starts from
/// slot b with the configuration of 1.0.0.
#[test]
fn demo_upgrades_1_0_to_1_1_as_its_instructions_say() {
    let sc = Scenario::new("demo-upgrade");
    let steps = steps(
        "demo-engine: slot a 1.0.0 (active, boots fine); slot b empty",
        "u",
        "[u] Upgrade to 1.1.0 (keep configuration)",
        "Press Enter to start the upgrade.",
    );
    let line = follow_the_demo(&sc, &[], &steps, "Upgrade complete", "b");
    assert!(line.contains("hostname=engine-01"), "{line}");
    let disk = sc.path("disk.img");
    assert_eq!(release(&disk, Slot::A).as_deref(), Some("1.0.0"));
    assert_eq!(release(&disk, Slot::B).as_deref(), Some("1.1.0"));
    assert_eq!(boot_default(&disk), Some(Slot::B));
}
