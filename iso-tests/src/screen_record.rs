//! The record of what the screen showed, step by step, that the
//! console's waits decide from.
//!
//! The installer draws with cursor moves (ratatui sends only the cells
//! that changed), so its text is not contiguous in the bytes, and a busy
//! host can hand a whole screen and what replaced it (the Done screen,
//! then the kernel's power-off words) to one read. So the output is fed
//! to the parser one step at a time, cut before every escape sequence and
//! control byte and after every escape sequence (see `output_steps`), and
//! each screen line is recorded whenever a step changed it: what a line
//! showed between two steps is never lost. Within a step of printable
//! text the parser only writes the cells of that text, so no step can
//! show a line that the states before and after it do not (but for the
//! text's own half-written prefix).
//!
//! A wait looks for its text in the lines recorded since waits last
//! matched and in the log (`State::find`); the one it takes marks what
//! showed it as seen (`State::take`).

use std::collections::{HashMap, VecDeque};

use crate::console::{COLS, ROWS};
use crate::output_steps::{escape_change, is_control, Change, Lex};

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
pub(crate) struct Lines {
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
    pub(crate) fn prune(&mut self, seen: u64) {
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

pub(crate) struct State {
    pub(crate) parser: vt100::Parser,
    lex: Lex,
    /// The escape sequence being read (its first bytes): which one it is
    /// decides what it may change.
    seq: Vec<u8>,
    pub(crate) log: Vec<u8>,
    /// Each row's text as last recorded.
    rows: Vec<String>,
    pub(crate) lines: Lines,
    /// Where the last match or `mark` was: a wait looks at lines still on
    /// the screen then or shown since, and at the log from `log_mark`.
    pub(crate) seen: u64,
    pub(crate) log_mark: usize,
    pub(crate) closed: bool,
    /// Rows `check_rows` found different from what the steps recorded.
    rows_fixed: usize,
}

/// Reads at least this long end with every row read back from the parser
/// (`State::check_rows`): a safety net that costs little once per large
/// read, and too much after each of the byte-sized reads of an idle host.
const CHECK_READS_OF: usize = 512;

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

impl State {
    pub(crate) fn new(limit: usize) -> State {
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
    pub(crate) fn feed(&mut self, bytes: &[u8]) {
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
    pub(crate) fn find(&self, texts: &[&str], scan: &mut Scan) -> Option<Found> {
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
    pub(crate) fn take(&mut self, found: &Found, text: &str) {
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

    pub(crate) fn dropped_note(&self) -> String {
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
pub(crate) struct Scan {
    pub(crate) next_id: u64,
    pub(crate) log_from: usize,
}

#[derive(Debug)]
pub(crate) struct Found {
    pub(crate) index: usize,
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

pub(crate) fn screen_text(parser: &vt100::Parser) -> String {
    row_texts(parser.screen()).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::console::KEPT_TEXT;

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
}
