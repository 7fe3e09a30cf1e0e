//! Cutting the guest's output into steps for the screen record (see
//! `screen_record`): the output is cut before every escape sequence and
//! control byte and after every escape sequence. What a step may have
//! changed (nothing, one row, or any row) decides which rows the record
//! reads back after it: cursor moves, colours and modes that only affect
//! what comes later change nothing.
//!
//! The cutting itself is done as the bytes are fed (`State::feed`), which
//! keeps where the splitter is between two reads (`Lex`): an escape
//! sequence split over reads is still one step.

/// Where the splitter is in the output between two reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Lex {
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
pub(crate) enum Change {
    Nothing,
    Row(u16),
    All,
}

pub(crate) fn is_control(b: u8) -> bool {
    b < 0x20 || b == 0x7f
}

/// What a whole escape sequence (`seq`, starting with ESC) may change.
/// Cursor moves, colours and modes that only affect what comes later
/// change nothing; anything else may change any row.
pub(crate) fn escape_change(seq: &[u8]) -> Change {
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
