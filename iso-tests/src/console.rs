//! The serial console: every byte the guest writes is logged and fed to a
//! VT100 parser that keeps the screen, so tests can wait for text whether
//! it was printed line by line (kernel, init) or drawn by the installer.
//!
//! Waits decide from every byte the machine wrote, in order, however the
//! bytes were split into reads. The installer draws with cursor moves
//! (ratatui sends only the cells that changed), so its text is not
//! contiguous in the bytes, and a busy host can hand a whole screen and
//! what replaced it (the Done screen, then the kernel's power-off words)
//! to one read. So the output is fed to the parser one step at a time,
//! cut before every escape sequence and control byte and after every
//! escape sequence, and each screen line is recorded whenever a step
//! changed it: what a line showed between two steps is never lost.
//! Within a step of printable text the parser only writes the cells of
//! that text, so no step can show a line that the states before and after
//! it do not (but for the text's own half-written prefix).
//!
//! Budgets of waits are measured in machine time (see `clock`).

use std::collections::{HashMap, VecDeque};
use std::io::{Read, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};

use crate::clock::{Budget, MachineClock};

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

/// A line of text as it was on the screen (any row: a line that scrolls
/// stays the same line), from the step that drew it to the one that
/// removed it. Positions are offsets in the log: the byte after the step.
#[derive(Debug)]
struct Line {
    id: u64,
    text: String,
    formed: u64,
    gone: Option<u64>,
    /// Texts a wait found in this line: not found in it again once it has
    /// left the screen.
    matched: Vec<String>,
}

/// Every line shown since waits last matched, and the lines on screen.
#[derive(Debug, Default)]
struct Lines {
    list: VecDeque<Line>,
    /// Text on screen → (rows showing it, its line's id).
    live: HashMap<String, (u32, u64)>,
    next_id: u64,
    gone_bytes: usize,
    limit: usize,
    dropped: u64,
}

impl Lines {
    /// Rows changed at `at`: (old text, new text) each. Texts that stay on
    /// the screen in another row (scrolling) stay the same line.
    fn change(&mut self, changes: &[(String, String)], at: u64) {
        for (_, new) in changes {
            if new.is_empty() {
                continue;
            }
            if let Some((rows, _)) = self.live.get_mut(new) {
                *rows += 1;
                continue;
            }
            self.live.insert(new.clone(), (1, self.next_id));
            self.list.push_back(Line {
                id: self.next_id,
                text: new.clone(),
                formed: at,
                gone: None,
                matched: Vec::new(),
            });
            self.next_id += 1;
        }
        for (old, _) in changes {
            let Some((rows, id)) = self.live.get_mut(old) else {
                continue;
            };
            *rows -= 1;
            if *rows == 0 {
                let id = *id;
                self.live.remove(old);
                if let Ok(i) = self.list.binary_search_by_key(&id, |l| l.id) {
                    self.list[i].gone = Some(at);
                    self.gone_bytes += self.list[i].text.len();
                }
            }
        }
        if self.gone_bytes > self.limit {
            self.drop_oldest();
        }
    }

    /// Drops the oldest lines that have left the screen, down to three
    /// quarters of the limit.
    fn drop_oldest(&mut self) {
        let target = self.limit / 4 * 3;
        let mut bytes = self.gone_bytes;
        let mut dropped = 0;
        self.list.retain(|l| {
            if bytes <= target || l.gone.is_none() {
                return true;
            }
            bytes -= l.text.len();
            dropped += 1;
            false
        });
        self.gone_bytes = bytes;
        self.dropped += dropped;
    }

    /// Forgets lines that left the screen at or before `seen`.
    fn prune(&mut self, seen: u64) {
        let mut freed = 0;
        self.list.retain(|l| match l.gone {
            Some(g) if g <= seen => {
                freed += l.text.len();
                false
            }
            _ => true,
        });
        self.gone_bytes -= freed;
    }
}

/// Where the splitter is in the output between two reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Lex {
    #[default]
    Text,
    /// After ESC.
    Esc,
    /// ESC and intermediate bytes (0x20-0x2F).
    EscIntermediate,
    /// ESC [ and parameters.
    Csi,
    /// A control string (OSC, DCS, ...) until BEL or ESC.
    Str,
}

/// What a step of output may have changed on the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Nothing,
    Row(u16),
    All,
}

struct State {
    parser: vt100::Parser,
    lex: Lex,
    /// The escape sequence being read (its first bytes): which one it is
    /// decides what it may change.
    seq: Vec<u8>,
    log: Vec<u8>,
    /// Each row's text as last recorded.
    rows: Vec<String>,
    lines: Lines,
    /// Where the last match or `mark` was: a wait looks at lines still on
    /// the screen then or shown since, and at the log from `log_mark`.
    seen: u64,
    log_mark: usize,
    closed: bool,
    /// Rows `check_rows` found different from what the steps recorded.
    rows_fixed: usize,
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

/// Reads at least this long end with every row read back from the parser
/// (`State::check_rows`): a safety net that costs little once per large
/// read, and too much after each of the byte-sized reads of an idle host.
const CHECK_READS_OF: usize = 512;

fn is_control(b: u8) -> bool {
    b < 0x20 || b == 0x7f
}

/// Rows of a screen, trailing blanks trimmed.
fn row_texts(screen: &vt100::Screen) -> impl Iterator<Item = String> + '_ {
    screen.rows(0, COLS).map(|mut r| {
        r.truncate(r.trim_end().len());
        r
    })
}

fn row_text(screen: &vt100::Screen, row: u16) -> String {
    let mut text = String::new();
    let mut blanks = 0;
    let mut col = 0;
    while col < COLS {
        let Some(cell) = screen.cell(row, col) else {
            break;
        };
        col += if cell.is_wide() { 2 } else { 1 };
        let c = cell.contents();
        if c.is_empty() || c == " " {
            blanks += 1;
            continue;
        }
        for _ in 0..blanks {
            text.push(' ');
        }
        blanks = 0;
        text.push_str(c);
    }
    text
}

/// What a whole escape sequence (`seq`, starting with ESC) may change.
/// Cursor moves, colours and modes that only affect what comes later
/// change nothing; anything else may change any row.
fn escape_change(seq: &[u8]) -> Change {
    if seq.iter().any(|&b| matches!(b, b'\n' | 0x0b | 0x0c)) {
        return Change::All;
    }
    let Some((&last, body)) = seq.get(1..).and_then(<[u8]>::split_last) else {
        return Change::All;
    };
    match seq.get(1) {
        // ESC [ ... final
        Some(b'[') => {
            let params = &body[1..];
            if params.iter().any(|b| (0x20..=0x2f).contains(b)) {
                // Intermediates: only the cursor's style (DECSCUSR).
                return if last == b'q' {
                    Change::Nothing
                } else {
                    Change::All
                };
            }
            match params.first() {
                None | Some(b'0'..=b'9' | b';' | b':') => {
                    if b"ABCDEFGHfd`aemrnsuchl".contains(&last) {
                        Change::Nothing
                    } else {
                        Change::All
                    }
                }
                Some(b'?') if matches!(last, b'h' | b'l') => {
                    // Cursor keys, autowrap, blinking and showing the
                    // cursor, mouse and focus reports, bracketed paste,
                    // synchronized output; not the alternate screen.
                    const LATER_ONLY: &[&[u8]] = &[
                        b"1", b"7", b"12", b"25", b"1000", b"1002", b"1003", b"1004", b"1005",
                        b"1006", b"1015", b"2004", b"2026",
                    ];
                    if params[1..]
                        .split(|&b| b == b';')
                        .all(|m| LATER_ONLY.contains(&m))
                    {
                        Change::Nothing
                    } else {
                        Change::All
                    }
                }
                _ => Change::All,
            }
        }
        // Control strings: titles and the like.
        Some(b']' | b'P' | b'X' | b'^' | b'_') => Change::Nothing,
        // Save and restore the cursor, keypad modes, string terminator,
        // character set choices.
        Some(b'7' | b'8' | b'=' | b'>' | b'\\') if body.is_empty() => Change::Nothing,
        Some(b'(' | b')' | b'*' | b'+') => Change::Nothing,
        _ => Change::All,
    }
}

impl State {
    fn new(limit: usize) -> State {
        State {
            parser: vt100::Parser::new(ROWS, COLS, 0),
            lex: Lex::Text,
            seq: Vec::new(),
            log: Vec::new(),
            rows: vec![String::new(); usize::from(ROWS)],
            lines: Lines {
                limit,
                ..Lines::default()
            },
            seen: 0,
            log_mark: 0,
            closed: false,
            rows_fixed: 0,
        }
    }

    /// Takes one read's bytes: each step goes to the parser on its own,
    /// and the rows it may have changed are recorded after it.
    fn feed(&mut self, bytes: &[u8]) {
        let base = self.log.len();
        self.log.extend_from_slice(bytes);
        // Start of the bytes not yet given to the parser.
        let mut start = 0;
        for (i, &b) in bytes.iter().enumerate() {
            match self.lex {
                Lex::Text => {
                    if !is_control(b) {
                        continue;
                    }
                    self.text(&bytes[start..i], base + i);
                    if b == 0x1b {
                        start = i;
                        self.lex = Lex::Esc;
                        self.seq.clear();
                        self.seq.push(b);
                    } else {
                        self.parser.process(&[b]);
                        start = i + 1;
                        let change = if matches!(b, b'\n' | 0x0b | 0x0c) {
                            Change::All
                        } else {
                            Change::Nothing
                        };
                        self.record(change, base + i + 1);
                    }
                }
                Lex::Esc | Lex::EscIntermediate | Lex::Csi | Lex::Str => {
                    if b == 0x1b {
                        // A new escape cuts the one before short (or ends
                        // a control string).
                        self.escape_done(&bytes[start..i], base + i);
                        start = i;
                        self.lex = Lex::Esc;
                        self.seq.clear();
                        self.seq.push(b);
                        continue;
                    }
                    if self.seq.len() < 64 {
                        self.seq.push(b);
                    }
                    let done = match (self.lex, b) {
                        (_, 0x18 | 0x1a) => true,
                        (Lex::Str, 0x07) => true,
                        (Lex::Str, _) => false,
                        (_, b) if is_control(b) => false,
                        (Lex::Esc, b'[') => {
                            self.lex = Lex::Csi;
                            false
                        }
                        (Lex::Esc, b']' | b'P' | b'X' | b'^' | b'_') => {
                            self.lex = Lex::Str;
                            false
                        }
                        (Lex::Esc | Lex::EscIntermediate, 0x20..=0x2f) => {
                            self.lex = Lex::EscIntermediate;
                            false
                        }
                        (Lex::Esc | Lex::EscIntermediate, _) => true,
                        (Lex::Csi, 0x40..=0x7e) => true,
                        (Lex::Csi, _) => false,
                        (Lex::Text, _) => unreachable!(),
                    };
                    if done {
                        self.escape_done(&bytes[start..=i], base + i + 1);
                        start = i + 1;
                    }
                }
            }
        }
        // The rest of the read: text is a step of its own (what it shows
        // is recorded now), an unfinished escape does nothing yet.
        let rest = &bytes[start..];
        if self.lex == Lex::Text {
            self.text(rest, base + bytes.len());
        } else {
            self.parser.process(rest);
        }
        if bytes.len() >= CHECK_READS_OF {
            self.check_rows(base + bytes.len());
        }
    }

    /// Printable text ending at log offset `end`.
    fn text(&mut self, bytes: &[u8], end: usize) {
        if bytes.is_empty() {
            return;
        }
        let (row, col) = self.parser.screen().cursor_position();
        self.parser.process(bytes);
        let (r, col) = (usize::from(row), usize::from(col));
        // Characters take at most one column per byte: text shorter than
        // the rest of the row cannot wrap (or scroll), so only its row can
        // have changed.
        if bytes.len() >= usize::from(COLS).saturating_sub(col) || r >= self.rows.len() {
            self.record(Change::All, end);
            return;
        }
        // ASCII written over an ASCII row (nearly all of it): the row's
        // new text is the old one with these bytes in their cells, which
        // is cheaper than reading the row's cells back.
        if bytes.iter().all(|b| (0x20..0x7f).contains(b)) && self.rows[r].is_ascii() {
            let mut text = self.rows[r].clone().into_bytes();
            if text.len() < col + bytes.len() {
                text.resize(col + bytes.len(), b' ');
            }
            text[col..col + bytes.len()].copy_from_slice(bytes);
            let len = text.iter().rposition(|&b| b != b' ').map_or(0, |p| p + 1);
            text.truncate(len);
            let text = String::from_utf8(text).unwrap_or_default();
            if text != self.rows[r] {
                let old = std::mem::replace(&mut self.rows[r], text.clone());
                self.lines.change(&[(old, text)], end as u64);
            }
            return;
        }
        self.record(Change::Row(row), end);
    }

    /// Reads every row back from the parser: what the steps recorded must
    /// be the screen. Counts the rows that were not (none, unless a step
    /// was wrongly taken for one that changes nothing), and records them.
    fn check_rows(&mut self, at: usize) {
        let before: Vec<String> = self.rows.clone();
        self.record(Change::All, at);
        self.rows_fixed += before
            .iter()
            .zip(&self.rows)
            .filter(|(a, b)| a != b)
            .count();
    }

    /// The last bytes of an escape sequence (`self.seq` holds its start),
    /// ending at log offset `end`.
    fn escape_done(&mut self, bytes: &[u8], end: usize) {
        self.parser.process(bytes);
        self.lex = Lex::Text;
        let change = escape_change(&self.seq);
        self.record(change, end);
    }

    fn record(&mut self, change: Change, at: usize) {
        let screen = self.parser.screen();
        let mut changes = Vec::new();
        match change {
            Change::Nothing => return,
            Change::Row(r) => {
                let text = row_text(screen, r);
                if let Some(old) = self.rows.get_mut(usize::from(r)) {
                    if *old != text {
                        changes.push((std::mem::replace(old, text.clone()), text));
                    }
                }
            }
            Change::All => {
                for (old, text) in self.rows.iter_mut().zip(row_texts(screen)) {
                    if *old != text {
                        changes.push((std::mem::replace(old, text.clone()), text));
                    }
                }
            }
        }
        if !changes.is_empty() {
            self.lines.change(&changes, at as u64);
        }
    }

    /// The earliest showing of any of `texts` that a wait may still take,
    /// looking at lines from `scan.next_id` and the log from
    /// `scan.log_from` (what an earlier look of the same wait did not
    /// find).
    fn find(&self, texts: &[&str], scan: &mut Scan) -> Option<Found> {
        let mut best: Option<Found> = None;
        let mut offer = |f: Found| {
            if best
                .as_ref()
                .is_none_or(|b| (f.at, f.index) < (b.at, b.index))
            {
                best = Some(f);
            }
        };
        let from = self.lines.list.partition_point(|l| l.id < scan.next_id);
        for line in self.lines.list.range(from..) {
            let leaving = match line.gone {
                None => false,
                Some(g) if g > self.seen => true,
                Some(_) => continue,
            };
            for (index, text) in texts.iter().enumerate() {
                if text.contains('\n') || !line.text.contains(text) {
                    continue;
                }
                if leaving && line.matched.iter().any(|m| m == text) {
                    continue;
                }
                offer(Found {
                    index,
                    at: line.formed.max(self.seen),
                    log_end: None,
                });
                break;
            }
        }
        scan.next_id = self.lines.next_id;
        for (index, text) in texts.iter().enumerate() {
            let needle = text.as_bytes();
            let from = self
                .log_mark
                .max(scan.log_from.saturating_sub(needle.len().saturating_sub(1)));
            if let Some(pos) = find_bytes(&self.log[from..], needle) {
                let end = from + pos + needle.len();
                // The line showing it is recorded when its text ends.
                let cut = self.log[end..]
                    .iter()
                    .position(|&b| is_control(b))
                    .map_or(self.log.len(), |p| end + p);
                offer(Found {
                    index,
                    at: (cut as u64).max(self.seen),
                    log_end: Some(end),
                });
            }
        }
        scan.log_from = self.log.len();
        // Texts over several lines (a script's output) are in the log, or
        // on the screen as it is.
        if texts.iter().any(|t| t.contains('\n')) {
            let screen = screen_text(&self.parser);
            for (index, text) in texts.iter().enumerate() {
                if text.contains('\n') && screen.contains(text) {
                    offer(Found {
                        index,
                        at: self.log.len() as u64,
                        log_end: None,
                    });
                }
            }
        }
        best
    }

    /// A wait took `found` (of `text`): what showed it up to then is seen.
    fn take(&mut self, found: &Found, text: &str) {
        let at = found.at;
        for line in &mut self.lines.list {
            if line.formed <= at
                && line.gone.is_none_or(|g| g > at)
                && line.text.contains(text)
                && !line.matched.iter().any(|m| m == text)
            {
                line.matched.push(text.to_string());
            }
        }
        self.log_mark = match found.log_end {
            Some(end) => end,
            None => self.log_mark.max(usize::try_from(at).unwrap_or(usize::MAX)),
        }
        .min(self.log.len());
        self.seen = self.seen.max(at);
        self.lines.prune(self.seen);
    }

    fn dropped_note(&self) -> String {
        if self.lines.dropped == 0 {
            return String::new();
        }
        format!(
            "; {} lines that had left the screen were dropped unseen (more than {} MiB \
             of them since a wait last matched)",
            self.lines.dropped,
            self.lines.limit >> 20
        )
    }
}

/// What one wait has already looked at.
#[derive(Debug, Clone, Copy)]
struct Scan {
    next_id: u64,
    log_from: usize,
}

#[derive(Debug)]
struct Found {
    index: usize,
    /// When it was seen: a log offset.
    at: u64,
    /// Where it ends in the log, when found there.
    log_end: Option<usize>,
}

fn find_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let Some((&first, _)) = needle.split_first() else {
        return Some(0);
    };
    let mut from = 0;
    while let Some(p) = haystack[from..].iter().position(|&b| b == first) {
        let at = from + p;
        if haystack.len() - at < needle.len() {
            return None;
        }
        if &haystack[at..at + needle.len()] == needle {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

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

fn screen_text(parser: &vt100::Parser) -> String {
    row_texts(parser.screen()).collect::<Vec<_>>().join("\n")
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
    fn the_recorded_lines_are_the_screen_after_every_read() {
        let data: &[u8] = include_bytes!("../tests/data/upgrade-done-then-power-off.serial");
        for chunk in [1, 5, 4096] {
            let mut s = State::new(KEPT_TEXT);
            for part in data.chunks(chunk) {
                s.feed(part);
                let screen: Vec<String> = row_texts(s.parser.screen()).collect();
                assert_eq!(s.rows, screen, "reads of {chunk}");
                let mut on_screen: Vec<&String> = screen.iter().filter(|t| !t.is_empty()).collect();
                on_screen.sort();
                on_screen.dedup();
                let mut live: Vec<&String> = s.lines.live.keys().collect();
                live.sort();
                assert_eq!(live, on_screen, "reads of {chunk}");
            }
            assert_eq!(s.rows_fixed, 0, "reads of {chunk}");
        }
    }

    #[test]
    fn split_escape_sequences_are_whole_steps() {
        let mut s = State::new(KEPT_TEXT);
        for part in [
            &b"Upgrade complete\x1b["[..],
            b"2",
            b"K\x1b]0;ti",
            b"tle\x07ok",
        ] {
            s.feed(part);
        }
        // Erasing the line leaves the cursor where it was.
        assert_eq!(s.rows[0], format!("{:16}ok", ""));
        let texts: Vec<&str> = s.lines.list.iter().map(|l| l.text.as_str()).collect();
        assert!(texts.contains(&"Upgrade complete"), "{texts:?}");
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
