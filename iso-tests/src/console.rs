//! The serial console: every byte the guest writes is logged and fed to a
//! VT100 parser that keeps the screen, so tests can wait for text whether
//! it was printed line by line (kernel, init) or drawn by the installer.
//!
//! Waits decide from every byte the machine wrote, in order, however the
//! bytes were split into reads: the screen is recorded line by line after
//! each step of output (see `screen_record`), so what a line showed
//! between two steps is never lost.
//!
//! Budgets of waits are measured in machine time (see `clock`).

use std::io::{Read, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};

use crate::clock::{Budget, MachineClock};
use crate::screen_record::{screen_text, Scan, State};

/// Rows and columns of the terminal the guest is assumed to draw on.
pub const ROWS: u16 = 24;
pub const COLS: u16 = 80;

/// Text of lines that have left the screen, kept for waits that have not
/// matched since they were shown: at most this many bytes (a whole boot
/// and install leave about 1 MiB; a wait that matches frees what it
/// passed). Past it the oldest are dropped, and a wait that fails says so.
pub const KEPT_TEXT: usize = 64 << 20;

/// Keys a technician presses, as a VT100/VT220 terminal sends them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Enter,
    Esc,
    Tab,
    Up,
    Down,
    Left,
    Right,
    Backspace,
}

impl Key {
    pub fn bytes(self) -> &'static [u8] {
        match self {
            Key::Enter => b"\r",
            Key::Esc => b"\x1b",
            Key::Tab => b"\t",
            Key::Up => b"\x1b[A",
            Key::Down => b"\x1b[B",
            Key::Right => b"\x1b[C",
            Key::Left => b"\x1b[D",
            Key::Backspace => b"\x7f",
        }
    }
}

/// A machine counts as idle over a stretch of wall time when it used less
/// than this fraction of it in CPU time. QEMU with a guest waiting for a
/// key uses about a tenth (timers, both installers' consoles), on an idle
/// host and under load alike; a machine at work uses all the core it
/// gets, which on the CI machine under load (4 to 5 on two cores) is two
/// fifths. Only a host that gives QEMU less than a quarter of a core makes
/// a machine at work look idle, and then settling is as before: quiet
/// alone. (The time QEMU's threads wait for a core does not tell idle from
/// starved: an idle machine's timer wakeups wait too, a fifth of the wall
/// time under two busy processes.)
const IDLE_SHARE: u32 = 4;

/// Both ends of a guest's serial port.
pub struct Console {
    state: Arc<(Mutex<State>, Condvar)>,
    input: Box<dyn Write + Send>,
    clock: Option<MachineClock>,
}

impl std::fmt::Debug for Console {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Console").finish_non_exhaustive()
    }
}

impl Console {
    /// Starts a thread that reads `output` until it closes. Budgets of
    /// waits are wall time: nothing tells this console how much the
    /// machine behind the pipes has worked (see `with_machine_clock`).
    pub fn new(output: impl Read + Send + 'static, input: impl Write + Send + 'static) -> Console {
        Console::start(output, input, None, KEPT_TEXT)
    }

    /// Like `new`, with budgets of waits in the machine time `clock`
    /// reads (and the wall-clock backstop).
    pub fn with_machine_clock(
        output: impl Read + Send + 'static,
        input: impl Write + Send + 'static,
        clock: MachineClock,
    ) -> Console {
        Console::start(output, input, Some(clock), KEPT_TEXT)
    }

    fn start(
        mut output: impl Read + Send + 'static,
        input: impl Write + Send + 'static,
        clock: Option<MachineClock>,
        limit: usize,
    ) -> Console {
        let state = Arc::new((Mutex::new(State::new(limit)), Condvar::new()));
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 16 << 10];
            loop {
                let n = match output.read(&mut buf) {
                    Ok(0) | Err(_) => 0,
                    Ok(n) => n,
                };
                let (lock, cvar) = &*shared;
                let Ok(mut s) = lock.lock() else { return };
                if n == 0 {
                    s.closed = true;
                    cvar.notify_all();
                    return;
                }
                s.feed(&buf[..n]);
                cvar.notify_all();
            }
        });
        Console {
            state,
            input: Box::new(input),
            clock,
        }
    }

    /// The clock budgets of waits are measured in, if any.
    pub fn machine_clock(&self) -> Option<&MachineClock> {
        self.clock.as_ref()
    }

    fn lock(&self) -> Result<MutexGuard<'_, State>> {
        self.state
            .0
            .lock()
            .map_err(|_| anyhow!("console reader panicked"))
    }

    /// The screen as text, one line per row, trailing blanks trimmed.
    pub fn screen(&self) -> String {
        self.lock()
            .map(|s| screen_text(&s.parser))
            .unwrap_or_default()
    }

    /// The screen once the guest has finished drawing it: it has written
    /// nothing for `quiet` and, with a machine clock, was idle meanwhile
    /// (see `IDLE_SHARE`: a machine that computes without writing is not
    /// done). After `timeout` (a budget, see `wait_for`) the screen as it
    /// is.
    pub fn settled_screen(&self, quiet: Duration, timeout: Duration) -> String {
        let mut budget = Budget::start(timeout, self.clock.as_ref());
        let cvar = &self.state.1;
        let Ok(mut s) = self.lock() else {
            return String::new();
        };
        loop {
            let len = s.log.len();
            let before = self.clock.as_ref().and_then(MachineClock::read);
            let window = Instant::now();
            let mut quiet_for_long = false;
            while !s.closed && s.log.len() == len {
                let left = quiet.saturating_sub(window.elapsed());
                if left.is_zero() {
                    quiet_for_long = true;
                    break;
                }
                s = match cvar.wait_timeout(s, left) {
                    Ok((g, _)) => g,
                    Err(_) => return String::new(),
                };
            }
            if s.closed {
                break;
            }
            if quiet_for_long {
                let after = self.clock.as_ref().and_then(MachineClock::read);
                let idle = match (before, after) {
                    (Some(a), Some(b)) => {
                        b.cpu.saturating_sub(a.cpu) < window.elapsed() / IDLE_SHARE
                    }
                    // No machine clock (or the machine is gone): quiet is
                    // all there is to go by.
                    _ => true,
                };
                if idle {
                    break;
                }
            }
            if budget.check().is_err() {
                break;
            }
        }
        screen_text(&s.parser)
    }

    /// Everything the guest wrote, with escape sequences left in.
    pub fn log(&self) -> Vec<u8> {
        self.lock().map(|s| s.log.clone()).unwrap_or_default()
    }

    /// Waits until `text` is shown on one line of the screen, or was since
    /// a wait last matched (or `mark`), or is in the output since then
    /// (for text over several lines: in the output, or on the screen as it
    /// is). A line on which a wait found `text` does not count again for
    /// `text` once it has left the screen. `timeout` is a budget of machine
    /// time when the console has a machine clock (with a wall-clock
    /// backstop of `WALL_BACKSTOP` times it), otherwise of wall time.
    /// Fails when it runs out, or when the guest's output ends.
    pub fn wait_for(&self, text: &str, timeout: Duration) -> Result<()> {
        self.wait_for_any(&[text], timeout).map(|_| ())
    }

    /// Like `wait_for`, for the first of several texts to be shown (the
    /// first in the list when shown at once); returns its index.
    pub fn wait_for_any(&self, texts: &[&str], timeout: Duration) -> Result<usize> {
        let mut budget = Budget::start(timeout, self.clock.as_ref());
        let cvar = &self.state.1;
        let mut s = self.lock()?;
        let mut scan = Scan {
            next_id: 0,
            log_from: s.log_mark,
        };
        loop {
            if let Some(found) = s.find(texts, &mut scan) {
                s.take(&found, texts[found.index]);
                return Ok(found.index);
            }
            if s.closed {
                bail!(
                    "the machine stopped before showing {texts:?} (after {}){}",
                    budget.spent(),
                    s.dropped_note()
                );
            }
            match budget.check() {
                Ok(poll) => {
                    s = cvar
                        .wait_timeout(s, poll)
                        .map_err(|_| anyhow!("console reader panicked"))?
                        .0;
                }
                Err(why) => bail!("{texts:?} did not appear: {why}{}", s.dropped_note()),
            }
        }
    }

    /// Waits for `text` (as `wait_for`) and then for the end of the line
    /// of output it is on (its line feed: the rest of a line may come in
    /// later reads); returns that line from `text` on, trailing blanks
    /// trimmed. `timeout` is the budget of each of the two waits.
    pub fn wait_for_line(&self, text: &str, timeout: Duration) -> Result<String> {
        self.wait_for(text, timeout)?;
        let mut budget = Budget::start(timeout, self.clock.as_ref());
        let cvar = &self.state.1;
        let mut s = self.lock()?;
        loop {
            let log = &s.log;
            let at = (0..log.len().saturating_sub(text.len()) + 1)
                .rev()
                .find(|&i| log[i..].starts_with(text.as_bytes()));
            if let Some(at) = at {
                if let Some(end) = log[at..].iter().position(|&b| b == b'\n') {
                    let line = String::from_utf8_lossy(&log[at..at + end]);
                    return Ok(line.trim_end().to_string());
                }
            }
            if s.closed {
                bail!(
                    "the machine stopped before ending the line with {text:?} (after {})",
                    budget.spent()
                );
            }
            match budget.check() {
                Ok(poll) => {
                    s = cvar
                        .wait_timeout(s, poll)
                        .map_err(|_| anyhow!("console reader panicked"))?
                        .0;
                }
                Err(why) => bail!("the line with {text:?} did not end: {why}"),
            }
        }
    }

    /// Forgets output seen so far: the next wait only looks at what comes
    /// after (the screen is still checked as it is).
    pub fn mark(&self) {
        if let Ok(mut s) = self.lock() {
            let end = s.log.len();
            s.log_mark = end;
            s.seen = end as u64;
            s.lines.prune(end as u64);
        }
    }

    /// Lets the machine work for `work` of machine time (at most
    /// `WALL_BACKSTOP` times that of wall time, and no longer than its
    /// output lasts); without a machine clock, sleeps for `work`.
    pub fn run_for(&self, work: Duration) {
        let mut budget = Budget::start(work, self.clock.as_ref());
        let cvar = &self.state.1;
        let Ok(mut s) = self.lock() else { return };
        while !s.closed {
            let Ok(poll) = budget.check() else { return };
            s = match cvar.wait_timeout(s, poll) {
                Ok((g, _)) => g,
                Err(_) => return,
            };
        }
    }

    /// Types `text` as it is.
    pub fn send(&mut self, text: &str) -> Result<()> {
        self.send_bytes(text.as_bytes())
    }

    /// Presses `key`: its bytes in one write, as a terminal sends them (an
    /// escape sequence split over time reads as Esc and then letters).
    pub fn key(&mut self, key: Key) -> Result<()> {
        self.input
            .write_all(key.bytes())
            .and_then(|()| self.input.flush())
            .context("typing on the serial console")?;
        std::thread::sleep(Duration::from_millis(15));
        Ok(())
    }

    fn send_bytes(&mut self, bytes: &[u8]) -> Result<()> {
        // One byte at a time with a pause: a guest under emulation can drop
        // input that arrives faster than its UART is drained.
        for b in bytes {
            self.input
                .write_all(&[*b])
                .and_then(|()| self.input.flush())
                .context("typing on the serial console")?;
            std::thread::sleep(Duration::from_millis(15));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn console() -> (Console, std::io::PipeWriter) {
        let (out_r, out_w) = std::io::pipe().unwrap();
        (Console::new(out_r, std::io::sink()), out_w)
    }

    #[test]
    fn screen_follows_cursor_addressing_and_waits_see_lines() {
        let (console, mut out_w) = console();
        out_w
            .write_all(b"booting\r\n\x1b[2J\x1b[5;10HInstall or upgrade")
            .unwrap();
        console
            .wait_for("Install or upgrade", Duration::from_secs(5))
            .unwrap();
        let screen = console.screen();
        assert_eq!(
            screen.lines().nth(4).unwrap(),
            "         Install or upgrade"
        );
        // Text already matched past is not seen again, unless on screen.
        assert!(console
            .wait_for("booting", Duration::from_millis(200))
            .is_err());
        console
            .wait_for("Install", Duration::from_millis(200))
            .unwrap();
        drop(out_w);
        let e = console
            .wait_for("never", Duration::from_secs(5))
            .unwrap_err();
        assert!(e.to_string().contains("stopped"), "{e}");
    }

    #[test]
    fn a_match_in_the_log_is_not_matched_twice() {
        let (console, mut out_w) = console();
        out_w
            .write_all(b"\x1b[2JDEMO-ENGINE version=1.0.0\r\n")
            .unwrap();
        console
            .wait_for("DEMO-ENGINE", Duration::from_secs(5))
            .unwrap();
        console.mark();
        out_w.write_all(b"\x1b[2J").unwrap();
        std::thread::sleep(Duration::from_millis(100));
        assert!(console
            .wait_for("DEMO-ENGINE", Duration::from_millis(300))
            .is_err());
    }

    #[test]
    fn a_settled_screen_waits_for_the_rest_of_the_frame() {
        let (console, mut out_w) = console();
        out_w.write_all(b"\x1b[2J\x1b[1;1Hfirst line").unwrap();
        let writer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(150));
            out_w.write_all(b"\x1b[2;1Hsecond line").unwrap();
            out_w
        });
        console
            .wait_for("first line", Duration::from_secs(5))
            .unwrap();
        let s = console.settled_screen(Duration::from_millis(400), Duration::from_secs(5));
        assert!(s.contains("second line"), "{s}");
        drop(writer.join().unwrap());
    }

    #[test]
    fn a_screen_replaced_before_the_waiter_looked_is_still_seen() {
        let (console, mut out_w) = console();
        // Drawn with cursor moves (never contiguous in the log), then
        // replaced by the kernel's last words before anyone waits.
        out_w
            .write_all(b"\x1b[2J\x1b[3;5HUpgrade\x1b[3;13Hcomplete")
            .unwrap();
        std::thread::sleep(Duration::from_millis(200));
        out_w.write_all(b"\x1b[2J\x1b[Hreboot: Power down").unwrap();
        drop(out_w);
        std::thread::sleep(Duration::from_millis(200));
        assert!(!console.screen().contains("Upgrade complete"));
        console
            .wait_for("Upgrade complete", Duration::from_secs(5))
            .unwrap();
        // Seen once: a later wait does not find it again.
        assert!(console
            .wait_for("Upgrade complete", Duration::from_secs(1))
            .is_err());
    }

    /// Hands out `data` `chunk` bytes per read.
    struct Chunked {
        data: Vec<u8>,
        chunk: usize,
    }

    impl Read for Chunked {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.chunk.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data.drain(..n);
            Ok(n)
        }
    }

    /// Consoles that got `data` in reads of every size that matters.
    fn replayed(data: &[u8]) -> Vec<(usize, Console)> {
        [1, 2, 3, 7, 64, 4096, data.len().max(1)]
            .into_iter()
            .map(|chunk| {
                let output = Chunked {
                    data: data.to_vec(),
                    chunk,
                };
                (chunk, Console::new(output, std::io::sink()))
            })
            .collect()
    }

    #[test]
    fn a_screen_drawn_and_replaced_in_one_read_is_seen() {
        let data = b"\x1b[?1049h\x1b[2J\x1b[3;5HUpgrade\x1b[3;13Hcomplete\x1b[5;5HPowering off\
                     \x1b[?1049lreboot: Power down\r\n";
        for (chunk, c) in replayed(data) {
            c.wait_for("Upgrade complete", Duration::from_secs(5))
                .unwrap_or_else(|e| panic!("reads of {chunk}: {e}"));
            c.wait_for("Powering off", Duration::from_secs(5))
                .unwrap_or_else(|e| panic!("reads of {chunk}: {e}"));
            c.wait_for("Power down", Duration::from_secs(5))
                .unwrap_or_else(|e| panic!("reads of {chunk}: {e}"));
        }
    }

    #[test]
    fn text_overwritten_on_its_row_in_the_same_read_is_seen() {
        // Carriage return, then the kernel's words over the same row; a
        // backspace run over a word; an erased line; a deleted character
        // that briefly makes the text whole.
        let data = b"Upgrade complete\rreboot: Power down\r\n\
                     Powering off in 3 s\x08\x08\x082 s\r\n\
                     Report saved\x1b[1K\x1b[2K\r\n\
                     DonXYe screen\x1b[4G\x1b[2PZ\r\n";
        for (chunk, c) in replayed(data) {
            for text in [
                "Upgrade complete",
                "reboot: Power down",
                "Powering off in 3 s",
                "Powering off in 2 s",
                "Report saved",
                "DonXYe screen",
                "Done screen",
                "DonZ screen",
            ] {
                c.wait_for(text, Duration::from_secs(5))
                    .unwrap_or_else(|e| panic!("reads of {chunk}: {text}: {e}"));
            }
        }
    }

    #[test]
    fn lines_scrolled_off_in_one_read_are_seen_in_order() {
        let mut data = Vec::new();
        for i in 0..100 {
            data.extend_from_slice(format!("kernel line {i:03}\r\n").as_bytes());
        }
        for (chunk, c) in replayed(&data) {
            // Texts on screen together: each wait takes the first shown.
            assert_eq!(
                c.wait_for_any(&["line 050", "line 003"], Duration::from_secs(5))
                    .unwrap(),
                1,
                "reads of {chunk}"
            );
            for i in [4, 10, 11, 60, 99] {
                c.wait_for(&format!("kernel line {i:03}"), Duration::from_secs(5))
                    .unwrap_or_else(|e| panic!("reads of {chunk}: {e}"));
            }
            // Past: line 005 left the screen before line 099 was matched.
            assert!(c
                .wait_for("kernel line 005", Duration::from_millis(100))
                .is_err());
        }
    }

    #[test]
    fn texts_of_one_screen_can_be_awaited_one_after_the_other_after_it_is_gone() {
        // Title first, body after, both gone before anyone looks; then the
        // body and title in the other order.
        let data = b"\x1b[2J\x1b[2;3HUpgrade complete\x1b[5;3Hinstalled in slot b\
                     \x1b[2J\x1b[Hoff\r\n";
        for (chunk, c) in replayed(data) {
            c.wait_for("Power", Duration::from_millis(1))
                .expect_err("not shown");
            c.wait_for("installed in slot b", Duration::from_secs(5))
                .unwrap_or_else(|e| panic!("reads of {chunk}: {e}"));
            c.wait_for("Upgrade complete", Duration::from_secs(5))
                .unwrap_or_else(|e| panic!("reads of {chunk}: {e}"));
        }
    }

    #[test]
    fn lines_past_the_limit_are_dropped_and_a_failing_wait_says_so() {
        let mut data = Vec::new();
        for i in 0..400 {
            data.extend_from_slice(format!("line {i:04} of output\r\n").as_bytes());
        }
        let output = Chunked { data, chunk: 4096 };
        let c = Console::start(output, std::io::sink(), None, 1024);
        let e = c
            .wait_for("never shown", Duration::from_secs(5))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("lines that had left the screen were dropped"),
            "{e}"
        );
        // The newest are kept.
        let c = Console::start(
            Chunked {
                data: (0..400)
                    .flat_map(|i| format!("line {i:04} of output\r\n").into_bytes())
                    .collect(),
                chunk: 4096,
            },
            std::io::sink(),
            None,
            1024,
        );
        c.wait_for("line 0350", Duration::from_secs(5)).unwrap();
    }

    #[test]
    fn waits_run_on_machine_time_and_say_which_budget_ran_out() {
        let (cpu, clock) = crate::clock::fake_clock();
        let (out_r, mut out_w) = std::io::pipe().unwrap();
        let c = Console::with_machine_clock(out_r, std::io::sink(), clock);
        // The machine works: its budget runs out, however little wall
        // time passed.
        let mover = {
            let cpu = Arc::clone(&cpu);
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(100));
                cpu.store(2_000, std::sync::atomic::Ordering::SeqCst);
            })
        };
        let started = Instant::now();
        let e = c
            .wait_for("Upgrade complete", Duration::from_secs(1))
            .unwrap_err()
            .to_string();
        mover.join().unwrap();
        assert!(started.elapsed() < Duration::from_secs(4), "{e}");
        assert!(e.contains("budget of 1 s of machine time ran out"), "{e}");
        assert!(e.contains("2.0 s of machine time"), "{e}");
        // The machine idles: the wait lasts past its budget in wall time,
        // up to the backstop.
        let started = Instant::now();
        let e = c
            .wait_for("Upgrade complete", Duration::from_millis(100))
            .unwrap_err()
            .to_string();
        assert!(started.elapsed() >= Duration::from_millis(500), "{e}");
        assert!(e.contains("wall-clock backstop of 0.5 s"), "{e}");
        assert!(e.contains("0.0 s of machine time"), "{e}");
        // What the machine shows still ends a wait at once.
        out_w.write_all(b"Upgrade complete\r\n").unwrap();
        c.wait_for("Upgrade complete", Duration::from_secs(1))
            .unwrap();
        drop(out_w);
        let e = c
            .wait_for("never", Duration::from_secs(1))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("stopped before showing") && e.contains("of machine time and"),
            "{e}"
        );
    }

    #[test]
    fn a_screen_is_settled_when_the_machine_is_quiet_and_idle() {
        use std::sync::atomic::{AtomicBool, Ordering};
        let (cpu, clock) = crate::clock::fake_clock();
        let (out_r, mut out_w) = std::io::pipe().unwrap();
        let c = Console::with_machine_clock(out_r, std::io::sink(), clock);
        out_w.write_all(b"first line").unwrap();
        c.wait_for("first line", Duration::from_secs(5)).unwrap();
        // Quiet, but at work (half a core: a busy host) for three quiet
        // windows; then it draws the rest and idles.
        let drawn = Arc::new(AtomicBool::new(false));
        let machine = {
            let drawn = Arc::clone(&drawn);
            std::thread::spawn(move || {
                let started = Instant::now();
                while started.elapsed() < Duration::from_millis(350) {
                    let ms = started.elapsed().as_millis() as u64;
                    cpu.store(ms / 2, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(5));
                }
                out_w.write_all(b"\r\nsecond line").unwrap();
                drawn.store(true, Ordering::SeqCst);
                out_w
            })
        };
        let started = Instant::now();
        let s = c.settled_screen(Duration::from_millis(100), Duration::from_secs(10));
        assert!(s.contains("second line"), "{s}");
        assert!(drawn.load(Ordering::SeqCst));
        assert!(started.elapsed() < Duration::from_secs(5), "{s}");
        // Quiet and idle: settled after the quiet time.
        let started = Instant::now();
        let s = c.settled_screen(Duration::from_millis(100), Duration::from_secs(10));
        assert!(started.elapsed() < Duration::from_secs(2), "{s}");
        drop(machine.join().unwrap());
    }

    #[test]
    fn a_line_is_returned_once_it_has_ended() {
        let (console, mut out_w) = console();
        out_w
            .write_all(b"boot\r\nDEMO-ENGINE version=1.1.0 slo")
            .unwrap();
        let writer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(200));
            out_w.write_all(b"t=b config-schema=2  \r\nnext").unwrap();
            out_w
        });
        let line = console
            .wait_for_line("DEMO-ENGINE version=1.1.0 ", Duration::from_secs(5))
            .unwrap();
        assert_eq!(line, "DEMO-ENGINE version=1.1.0 slot=b config-schema=2");
        drop(writer.join().unwrap());
    }

    #[test]
    fn run_for_counts_machine_time() {
        let (cpu, clock) = crate::clock::fake_clock();
        let (out_r, _out_w) = std::io::pipe().unwrap();
        let c = Console::with_machine_clock(out_r, std::io::sink(), clock);
        let mover = std::thread::spawn(move || {
            for ms in (0..=300).step_by(10) {
                cpu.store(ms, std::sync::atomic::Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(10));
            }
        });
        let started = Instant::now();
        c.run_for(Duration::from_millis(200));
        let took = started.elapsed();
        mover.join().unwrap();
        assert!(took >= Duration::from_millis(150), "{took:?}");
        assert!(took < Duration::from_millis(900), "{took:?}");
    }
}

#[cfg(test)]
mod non_utf8 {
    use super::*;

    #[test]
    fn bytes_that_are_not_utf8_before_a_match_do_not_break_the_mark() {
        let (out_r, mut out_w) = std::io::pipe().unwrap();
        let (_in_r, in_w) = std::io::pipe().unwrap();
        let console = Console::new(out_r, in_w);
        // systemd-boot draws its menu with CP437 bytes such as 0xC4.
        out_w.write_all(&[0xc4; 300]).unwrap();
        out_w.write_all(b"\r\nkernel\r\n").unwrap();
        console.wait_for("kernel", Duration::from_secs(5)).unwrap();
        out_w.write_all(b"\x1b[2Jinstaller\r\n").unwrap();
        console
            .wait_for("installer", Duration::from_secs(5))
            .unwrap();
        assert!(console
            .wait_for("kernel", Duration::from_millis(200))
            .is_err());
    }
}
