//! The serial console: every byte the guest writes is logged and fed to a
//! VT100 parser that keeps the screen, so tests can wait for text whether
//! it was printed line by line (kernel, init) or drawn by the installer.

use std::io::{Read, Write};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// Rows and columns of the terminal the guest is assumed to draw on.
pub const ROWS: u16 = 24;
pub const COLS: u16 = 80;

struct State {
    parser: vt100::Parser,
    log: Vec<u8>,
    /// Where in `log` the next `wait_for_output` starts looking.
    mark: usize,
    /// Screens as they were after each read since a waiter last looked: a
    /// screen can be drawn and replaced (a countdown, the kernel's last
    /// words) before a busy host schedules the waiter.
    screens: std::collections::VecDeque<String>,
    closed: bool,
}

/// Screens kept for a waiter that has not looked yet; older ones are
/// dropped (about 2 KiB each).
const KEPT_SCREENS: usize = 512;

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

/// Both ends of a guest's serial port.
pub struct Console {
    state: Arc<(Mutex<State>, Condvar)>,
    input: Box<dyn Write + Send>,
}

impl std::fmt::Debug for Console {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Console").finish_non_exhaustive()
    }
}

impl Console {
    /// Starts a thread that reads `output` until it closes.
    pub fn new(
        mut output: impl Read + Send + 'static,
        input: impl Write + Send + 'static,
    ) -> Console {
        let state = Arc::new((
            Mutex::new(State {
                parser: vt100::Parser::new(ROWS, COLS, 0),
                log: Vec::new(),
                mark: 0,
                screens: std::collections::VecDeque::new(),
                closed: false,
            }),
            Condvar::new(),
        ));
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
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
                s.parser.process(&buf[..n]);
                s.log.extend_from_slice(&buf[..n]);
                let screen = screen_text(&s.parser);
                if s.screens.len() == KEPT_SCREENS {
                    s.screens.pop_front();
                }
                s.screens.push_back(screen);
                cvar.notify_all();
            }
        });
        Console {
            state,
            input: Box::new(input),
        }
    }

    /// The screen as text, one line per row, trailing blanks trimmed.
    pub fn screen(&self) -> String {
        let (lock, _) = &*self.state;
        match lock.lock() {
            Ok(s) => screen_text(&s.parser),
            Err(_) => String::new(),
        }
    }

    /// The screen once the guest has written nothing for `quiet` (at most
    /// `timeout` from now): a whole frame, not one half drawn over the
    /// serial line.
    pub fn settled_screen(&self, quiet: Duration, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        let (lock, cvar) = &*self.state;
        let Ok(mut s) = lock.lock() else {
            return String::new();
        };
        loop {
            let len = s.log.len();
            let now = Instant::now();
            if s.closed || now >= deadline {
                break;
            }
            let wait = quiet.min(deadline - now);
            s = match cvar.wait_timeout_while(s, wait, |st| st.log.len() == len && !st.closed) {
                // Nothing new for `quiet`: the frame is complete.
                Ok((g, r)) if r.timed_out() => return screen_text(&g.parser),
                Ok((g, _)) => g,
                Err(_) => return String::new(),
            };
        }
        screen_text(&s.parser)
    }

    /// Everything the guest wrote, with escape sequences left in.
    pub fn log(&self) -> Vec<u8> {
        let (lock, _) = &*self.state;
        lock.lock().map(|s| s.log.clone()).unwrap_or_default()
    }

    /// Waits until `text` is on the screen, was on it since a wait last
    /// looked, or is in the output since the last match. Fails after `timeout`, or when the guest's output ends.
    pub fn wait_for(&self, text: &str, timeout: Duration) -> Result<()> {
        self.wait_for_any(&[text], timeout).map(|_| ())
    }

    /// Like `wait_for`, for the first of several texts; returns its index.
    pub fn wait_for_any(&self, texts: &[&str], timeout: Duration) -> Result<usize> {
        let deadline = Instant::now() + timeout;
        let (lock, cvar) = &*self.state;
        let mut s = lock
            .lock()
            .map_err(|_| anyhow::anyhow!("console reader panicked"))?;
        loop {
            let mut screens: Vec<String> = s.screens.drain(..).collect();
            screens.push(screen_text(&s.parser));
            let fresh = String::from_utf8_lossy(&s.log[s.mark..]).into_owned();
            if let Some(i) = texts
                .iter()
                .position(|t| fresh.contains(t) || screens.iter().any(|screen| screen.contains(t)))
            {
                // Positions in the log's bytes: the lossy text differs in
                // length where the guest wrote bytes that are not UTF-8.
                let needle = texts[i].as_bytes();
                if let Some(pos) = s.log[s.mark..]
                    .windows(needle.len().max(1))
                    .position(|w| w == needle)
                {
                    s.mark += pos + needle.len();
                }
                return Ok(i);
            }
            if s.closed {
                bail!("the machine stopped before showing {texts:?}");
            }
            let now = Instant::now();
            if now >= deadline {
                bail!("{texts:?} did not appear within {} s", timeout.as_secs());
            }
            s = cvar
                .wait_timeout(s, deadline - now)
                .map_err(|_| anyhow::anyhow!("console reader panicked"))?
                .0;
        }
    }

    /// Forgets output seen so far: the next wait only looks at what comes
    /// after (the screen is still checked as it is).
    pub fn mark(&self) {
        let (lock, _) = &*self.state;
        if let Ok(mut s) = lock.lock() {
            s.mark = s.log.len();
            s.screens.clear();
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

fn screen_text(parser: &vt100::Parser) -> String {
    parser
        .screen()
        .rows(0, COLS)
        .map(|r| r.trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screen_follows_cursor_addressing_and_waits_see_lines() {
        let (out_r, mut out_w) = std::io::pipe().unwrap();
        let (_in_r, in_w) = std::io::pipe().unwrap();
        let console = Console::new(out_r, in_w);
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
        let (out_r, mut out_w) = std::io::pipe().unwrap();
        let (_in_r, in_w) = std::io::pipe().unwrap();
        let console = Console::new(out_r, in_w);
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
        let (out_r, mut out_w) = std::io::pipe().unwrap();
        let (_in_r, in_w) = std::io::pipe().unwrap();
        let console = Console::new(out_r, in_w);
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
        let (out_r, mut out_w) = std::io::pipe().unwrap();
        let (_in_r, in_w) = std::io::pipe().unwrap();
        let console = Console::new(out_r, in_w);
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
