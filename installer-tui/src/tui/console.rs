//! The console the installer draws on, beyond what ratatui knows of it.
//!
//! Ratatui only writes the cells that changed since its last frame and
//! takes a blank cell for granted. The Linux console has no alternate
//! screen: at boot it still holds the kernel's messages, and anything
//! else written on it (a child process, a stray message) stays there. So
//! the screen is cleared before the first frame and redrawn whole wherever
//! the installer cannot know what is on it: after a resize, after a child
//! process, on Ctrl-L, and when the virtual terminal's own copy of the
//! screen (`/dev/vcsN`) no longer matches the last frame.
//!
//! On request (the directory [`SCREENS_DIR`] exists), each new frame is
//! also written there as text, so checks can compare what the console
//! shows with what the installer drew.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::Context;
use crossterm::cursor::MoveTo;
use crossterm::queue;
use crossterm::style::{Attribute, ResetColor, SetAttribute};
use crossterm::terminal::{Clear, ClearType};
use ratatui::backend::CrosstermBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;

/// Where the boot-time installer writes its frames as text when this
/// directory exists: `tty1.txt`, `ttyS0.txt`.
pub const SCREENS_DIR: &str = "/run/ferry/screens";

/// How often the virtual terminal's screen is compared with the last
/// frame.
const CHECK_EVERY: Duration = Duration::from_secs(1);

/// Checks in a row that may find the screen changed by someone else
/// before the comparison is given up: a console whose font shows some
/// character differently would otherwise be redrawn every second.
const GIVE_UP_AFTER: u32 = 3;

/// Clears the whole screen (and a terminal's scrollback) and makes the
/// next `draw` write every cell of its frame.
///
/// Not `Terminal::clear`: it asks the terminal where its cursor is
/// (`ESC [6n`) and fails when no answer comes within two seconds, which
/// is what a serial line with nothing at its other end does.
pub fn full_redraw<W: Write>(terminal: &mut Terminal<CrosstermBackend<W>>) -> io::Result<()> {
    clear(terminal.backend_mut())?;
    // Both buffers are now empty: the next frame is compared with a blank
    // screen, which is what the terminal shows.
    terminal.swap_buffers();
    Ok(())
}

/// Writes what empties the screen: plain attributes first, so the Linux
/// console erases with its default colours, then the screen, the
/// scrollback, and the cursor home.
pub fn clear(out: &mut impl Write) -> io::Result<()> {
    queue!(
        out,
        ResetColor,
        SetAttribute(Attribute::Reset),
        MoveTo(0, 0),
        Clear(ClearType::All),
        Clear(ClearType::Purge),
    )?;
    out.flush()
}

/// A frame as text: one line per row, every cell, trailing blanks kept.
pub fn frame_text(buf: &Buffer) -> String {
    let mut out =
        String::with_capacity(usize::from(buf.area.width + 1) * usize::from(buf.area.height));
    for y in buf.area.top()..buf.area.bottom() {
        for x in buf.area.left()..buf.area.right() {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// Whether the characters of a virtual terminal (the bytes of
/// `/dev/vcsN`: one per cell, row after row) differ from the frame.
/// Cells that are not plain ASCII are not compared: the console shows
/// them with its font's own codes.
pub fn screen_differs(buf: &Buffer, vcs: &[u8]) -> bool {
    let cells = usize::from(buf.area.width) * usize::from(buf.area.height);
    if vcs.len() != cells {
        return true;
    }
    buf.content
        .iter()
        .zip(vcs)
        .any(|(cell, &shown)| match cell.symbol().as_bytes() {
            [c] if *c == b' ' || c.is_ascii_graphic() => *c != shown,
            _ => false,
        })
}

/// The terminal standard output is on, as its device name (`tty1`).
fn terminal_name() -> Option<String> {
    let link = fs::read_link("/proc/self/fd/1").ok()?;
    let name = link.strip_prefix("/dev").ok()?;
    Some(name.to_string_lossy().replace('/', "-"))
}

/// The screen copy of virtual terminal `name` (`tty1` → `/dev/vcs1`); none
/// for serial lines and pseudo-terminals.
fn vcs_of(name: &str) -> Option<PathBuf> {
    let n: u32 = name.strip_prefix("tty")?.parse().ok()?;
    (n >= 1).then(|| PathBuf::from(format!("/dev/vcs{n}")))
}

/// What ratatui writes after every frame, changed or not: the colours
/// and attributes reset, and the cursor hidden again.
const RESETS: [&[u8]; 5] = [
    b"\x1b[39m",
    b"\x1b[49m",
    b"\x1b[59m",
    b"\x1b[0m",
    b"\x1b[?25l",
];

/// Whether `bytes` are only [`RESETS`].
fn only_resets(mut bytes: &[u8]) -> bool {
    while !bytes.is_empty() {
        match RESETS.iter().find(|r| bytes.starts_with(r)) {
            Some(r) => bytes = &bytes[r.len()..],
            None => return false,
        }
    }
    true
}

/// The installer's standard output as ratatui writes to it. What is
/// written is kept until flushed, so a frame goes out in one piece; a
/// flush that would only repeat the resets of the frame before is dropped.
/// Ratatui redraws ten times a second and ends every frame with them, so
/// without this an unchanged screen would still send them down the serial
/// line, and a console would never be quiet.
#[derive(Debug)]
pub struct Output<W: Write> {
    inner: W,
    pending: Vec<u8>,
    /// The last bytes sent left plain attributes and a hidden cursor.
    settled: bool,
}

impl<W: Write> Output<W> {
    pub fn new(inner: W) -> Output<W> {
        Output {
            inner,
            pending: Vec::new(),
            settled: false,
        }
    }
}

impl<W: Write> Write for Output<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.pending.is_empty() {
            return self.inner.flush();
        }
        let pending = std::mem::take(&mut self.pending);
        if self.settled && only_resets(&pending) {
            return Ok(());
        }
        self.inner.write_all(&pending)?;
        self.settled = pending.ends_with(b"\x1b[0m\x1b[?25l");
        self.inner.flush()
    }
}

/// What the installer knows of its console between frames.
#[derive(Debug)]
pub struct Console {
    /// `/dev/vcsN` when drawing on virtual terminal N.
    vcs: Option<PathBuf>,
    next_check: Instant,
    /// Checks in a row that found the screen changed by someone else.
    strays: u32,
    /// Where frames are written as text, when its directory exists.
    dump: Option<PathBuf>,
    /// The text last written there.
    dumped: Option<String>,
}

impl Console {
    /// For the installer the boot medium starts (`boot`): watch the
    /// virtual terminal and write frames on request. Otherwise (a
    /// simulation in some terminal emulator) neither.
    pub fn new(boot: bool) -> Console {
        let name = boot.then(terminal_name).flatten();
        Console::with(
            name.as_deref().and_then(vcs_of),
            name.map(|n| Path::new(SCREENS_DIR).join(format!("{n}.txt"))),
        )
    }

    /// A console with its screen copy and frame file given.
    pub fn with(vcs: Option<PathBuf>, dump: Option<PathBuf>) -> Console {
        Console {
            vcs,
            next_check: Instant::now() + CHECK_EVERY,
            strays: 0,
            dump,
            dumped: None,
        }
    }

    /// After each frame: writes it as text if asked to, and says whether
    /// the screen must be redrawn whole because something else wrote on
    /// it.
    pub fn after_draw(&mut self, buf: &Buffer) -> bool {
        if let Err(e) = self.write_frame(buf) {
            // The check that asked for it sees the file missing or old;
            // the technician's screen is unaffected.
            eprintln!("writing the screen as text: {e:#}");
            self.dump = None;
        }
        self.foreign_writes(buf)
    }

    fn write_frame(&mut self, buf: &Buffer) -> anyhow::Result<()> {
        let Some(path) = &self.dump else {
            return Ok(());
        };
        let Some(dir) = path.parent().filter(|d| d.is_dir()) else {
            return Ok(());
        };
        let text = frame_text(buf);
        if self.dumped.as_ref() == Some(&text) && path.exists() {
            return Ok(());
        }
        // Renamed into place: a reader never sees half a frame.
        let tmp = dir.join(format!(
            ".{}.tmp",
            path.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        ));
        fs::write(&tmp, &text).with_context(|| format!("writing {}", tmp.display()))?;
        fs::rename(&tmp, path).with_context(|| format!("renaming it to {}", path.display()))?;
        self.dumped = Some(text);
        Ok(())
    }

    fn foreign_writes(&mut self, buf: &Buffer) -> bool {
        let Some(vcs) = &self.vcs else {
            return false;
        };
        let now = Instant::now();
        if now < self.next_check || self.strays >= GIVE_UP_AFTER {
            return false;
        }
        self.next_check = now + CHECK_EVERY;
        match fs::read(vcs) {
            Ok(shown) if screen_differs(buf, &shown) => {
                self.strays += 1;
                true
            }
            Ok(_) => {
                self.strays = 0;
                false
            }
            Err(_) => {
                // No screen copy to read (no /dev/vcs): nothing to check.
                self.vcs = None;
                false
            }
        }
    }
}

/// The installer's own standard error while it draws: set aside here
/// and put back by [`stderr_back`].
static SAVED_STDERR: Mutex<Option<OwnedFd>> = Mutex::new(None);

/// Sends standard error to the end of `log` while the screens are up:
/// the init gives the installer its console as standard error, and a line
/// written there would land in the middle of a frame.
pub fn stderr_to(log: &Path) -> anyhow::Result<()> {
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .with_context(|| format!("opening {} for the installer's errors", log.display()))?;
    let saved = nix::unistd::dup(io::stderr()).context("keeping standard error")?;
    nix::unistd::dup2_stderr(&file).context("sending standard error to the log")?;
    if let Ok(mut s) = SAVED_STDERR.lock() {
        *s = Some(saved);
    }
    Ok(())
}

/// Puts standard error back on the console (on exit, and before a panic
/// message is printed).
pub fn stderr_back() {
    let saved = SAVED_STDERR.lock().ok().and_then(|mut s| s.take());
    if let Some(fd) = saved {
        let _ = nix::unistd::dup2_stderr(&fd);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::widgets::Paragraph;
    use ratatui::{TerminalOptions, Viewport};

    /// What a backend wrote, readable while the terminal holds the writer.
    #[derive(Clone, Default)]
    struct Shared(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Shared {
        /// What was written since the last call.
        fn take(&self) -> String {
            String::from_utf8_lossy(&std::mem::take(&mut *self.0.borrow_mut())).into_owned()
        }
    }

    fn draw(t: &mut Terminal<CrosstermBackend<Shared>>, out: &Shared, text: &str) -> String {
        out.take();
        t.draw(|f| f.render_widget(Paragraph::new(text.to_string()), f.area()))
            .expect("draw");
        out.take()
    }

    #[test]
    fn an_unchanged_frame_sends_nothing() {
        type T = Terminal<CrosstermBackend<Output<Shared>>>;
        let out = Shared::default();
        let mut t: T = Terminal::with_options(
            CrosstermBackend::new(Output::new(out.clone())),
            TerminalOptions {
                viewport: Viewport::Fixed(Rect::new(0, 0, 12, 3)),
            },
        )
        .expect("terminal");
        let frame = |t: &mut T, text: &str| {
            t.draw(|f| f.render_widget(Paragraph::new(text.to_string()), f.area()))
                .expect("draw");
            out.take()
        };
        let first = frame(&mut t, "Welcome");
        assert!(first.contains("Welcome"), "{first:?}");
        assert_eq!(frame(&mut t, "Welcome"), "", "an unchanged frame was sent");
        assert_eq!(frame(&mut t, "Welcome"), "");
        let changed = frame(&mut t, "Disks");
        assert!(changed.contains("Disks"), "{changed:?}");
        assert!(changed.ends_with("\x1b[?25l"), "{changed:?}");
        assert_eq!(frame(&mut t, "Disks"), "");
        // After a clear, the whole frame goes out again.
        full_redraw(&mut t).expect("redraw");
        assert!(out.take().contains("\x1b[2J"));
        assert!(frame(&mut t, "Disks").contains("Disks"));
    }

    #[test]
    fn resets_are_told_from_other_sequences() {
        assert!(only_resets(b"\x1b[39m\x1b[49m\x1b[0m\x1b[?25l"));
        assert!(only_resets(b""));
        assert!(!only_resets(b"\x1b[39m\x1b[7m"));
        assert!(!only_resets(b"\x1b[0mx"));
        assert!(!only_resets(b"\x1b[?25h"));
    }

    #[test]
    fn a_full_redraw_clears_and_writes_every_cell_again() {
        let out = Shared::default();
        let mut t = Terminal::with_options(
            CrosstermBackend::new(out.clone()),
            TerminalOptions {
                viewport: Viewport::Fixed(Rect::new(0, 0, 12, 3)),
            },
        )
        .expect("terminal");
        assert!(draw(&mut t, &out, "Welcome").contains("Welcome"));
        // Unchanged: ratatui writes nothing, whatever the screen shows.
        assert!(!draw(&mut t, &out, "Welcome").contains("Welcome"));
        full_redraw(&mut t).expect("redraw");
        let cleared = out.take();
        assert!(cleared.contains("\x1b[2J"), "{cleared:?}");
        assert!(cleared.contains("\x1b[3J"), "{cleared:?}");
        assert!(draw(&mut t, &out, "Welcome").contains("Welcome"));
    }

    fn buffer(lines: &[&str]) -> Buffer {
        Buffer::with_lines(lines.iter().copied())
    }

    #[test]
    fn a_frame_as_text_keeps_every_cell() {
        let b = buffer(&["ab  ", "  cd"]);
        assert_eq!(frame_text(&b), "ab  \n  cd\n");
    }

    #[test]
    fn the_screen_copy_is_compared_cell_by_cell() {
        let b = buffer(&["+-+ ", "|x| "]);
        assert!(!screen_differs(&b, b"+-+ |x| "));
        // A kernel message over a blank cell, or under the box.
        assert!(screen_differs(&b, b"+-+a|x| "));
        assert!(screen_differs(&b, b"+-+ |x| ata1"));
        // A different size.
        assert!(screen_differs(&b, b"+-+ "));
        // Characters outside ASCII are the font's business.
        let wide = buffer(&["é "]);
        assert!(!screen_differs(&wide, &[0x82, b' ']));
    }

    #[test]
    fn vcs_only_for_virtual_terminals() {
        assert_eq!(vcs_of("tty1"), Some(PathBuf::from("/dev/vcs1")));
        assert_eq!(vcs_of("tty12"), Some(PathBuf::from("/dev/vcs12")));
        assert_eq!(vcs_of("ttyS0"), None);
        assert_eq!(vcs_of("tty0"), None);
        assert_eq!(vcs_of("pts-3"), None);
    }

    #[test]
    fn frames_are_written_only_when_asked_and_when_new() {
        let dir = tempfile::tempdir().expect("tempdir");
        let screens = dir.path().join("screens");
        let file = screens.join("tty1.txt");
        let mut c = Console::with(None, Some(file.clone()));
        assert!(!c.after_draw(&buffer(&["one "])));
        assert!(!file.exists(), "written without being asked");
        fs::create_dir(&screens).expect("mkdir");
        c.after_draw(&buffer(&["one "]));
        assert_eq!(fs::read_to_string(&file).expect("frame"), "one \n");
        fs::remove_file(&file).expect("rm");
        c.after_draw(&buffer(&["one "]));
        assert!(file.exists(), "a removed frame is written again");
        c.after_draw(&buffer(&["two "]));
        assert_eq!(fs::read_to_string(&file).expect("frame"), "two \n");
        let names: Vec<_> = fs::read_dir(&screens)
            .expect("ls")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["tty1.txt"], "no temporary file left");
    }

    #[test]
    fn a_screen_changed_by_someone_else_asks_for_a_redraw() {
        let dir = tempfile::tempdir().expect("tempdir");
        let vcs = dir.path().join("vcs1");
        let mut c = Console::with(Some(vcs.clone()), None);
        let frame = buffer(&["ok  "]);
        fs::write(&vcs, b"ok  ").expect("vcs");
        c.next_check = Instant::now();
        assert!(!c.after_draw(&frame));
        // Not again before a second has passed.
        fs::write(&vcs, b"ok a").expect("vcs");
        assert!(!c.after_draw(&frame));
        for _ in 0..GIVE_UP_AFTER {
            c.next_check = Instant::now();
            assert!(c.after_draw(&frame));
        }
        // Always different after redraws: given up.
        c.next_check = Instant::now();
        assert!(!c.after_draw(&frame));
    }
}
