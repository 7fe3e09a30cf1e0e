//! The small pieces screens are made of: boxes, menu entries, bars, sizes
//! (Ferry's one format, from `units`) and times for people, a menu's cursor, a disk in one line. ASCII only,
//! and nothing depends on colour: the VGA console's font, a VT100 on a
//! serial line and a terminal emulator all show the same thing.

use crossterm::event::{KeyCode, KeyEvent};
use detect::boot::BootHealth;
use detect::{Content, DiskReport, SlotReport};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::symbols::border;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

use crate::l10n::engine::foreign;
use crate::l10n::{self, t};

/// Borders drawn with ASCII, for consoles without line-drawing glyphs.
pub const ASCII: border::Set = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

/// A bordered box with a title.
pub fn boxed(title: &str) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_set(ASCII)
        .title(format!(" {title} "))
}

/// One menu entry: `> [i] Label`, highlighted when selected; a refused
/// entry is dimmed and marked so it reads without colour.
pub fn entry(selected: bool, key: char, label: &str, enabled: bool) -> Line<'static> {
    let marker = if selected { "> " } else { "  " };
    let mut style = Style::default();
    if selected {
        style = style.add_modifier(Modifier::REVERSED);
    }
    if !enabled {
        style = style.add_modifier(Modifier::DIM);
    }
    let mut spans = vec![
        Span::raw(marker),
        Span::styled(format!("[{key}] {label}"), style),
    ];
    if !enabled {
        spans.push(Span::raw(format!(" {}", t!("entry-not-possible"))));
    }
    Line::from(spans)
}

/// A paragraph that wraps, in a box.
pub fn text<'a>(lines: Vec<Line<'a>>, title: &str) -> Paragraph<'a> {
    Paragraph::new(lines)
        .block(boxed(title))
        .wrap(Wrap { trim: false })
}

/// The rows `text` takes wrapped at spaces in `width` columns (a word
/// longer than the width takes rows of its own).
pub fn rows_needed(text: &str, width: usize) -> usize {
    let width = width.max(1);
    let mut rows = 1;
    let mut used = 0;
    for word in text.split(' ') {
        let w = word.chars().count();
        let need = if used == 0 { w } else { used + 1 + w };
        if need <= width {
            used = need;
        } else {
            rows += usize::from(used > 0) + w.saturating_sub(1) / width;
            used = if w > width && w % width != 0 {
                w % width
            } else {
                w.min(width)
            };
        }
    }
    rows
}

/// The installer's log, its last lines filling `area`.
pub fn log_view(f: &mut Frame, area: Rect, log: &[String]) {
    let inner = area.height.saturating_sub(2) as usize;
    let from = log.len().saturating_sub(inner);
    let lines: Vec<Line> = log[from..].iter().map(|l| Line::from(l.clone())).collect();
    f.render_widget(Paragraph::new(lines).block(boxed(&t!("log-title"))), area);
}

/// `[#####.....]` of `width` characters.
pub fn bar(done: u64, total: u64, width: usize) -> String {
    let inner = width.saturating_sub(2);
    let filled = if total == 0 {
        inner
    } else {
        ((done.min(total) as u128 * inner as u128) / total as u128) as usize
    };
    format!("[{}{}]", "#".repeat(filled), ".".repeat(inner - filled))
}

/// An action's name as the catalog's selectors know it.
pub fn action_code(a: install::Action) -> &'static str {
    a.name()
}

/// A failure or a refusal as the log carries it: in English, with the id
/// of the message the screen shows for it.
pub fn logged(id: &'static str, english: String) -> String {
    l10n::Logged { id, english }.to_string()
}

/// Seconds as `m:ss` (or `h:mm:ss`).
pub fn clock(secs: f64) -> String {
    let s = secs.max(0.0).round() as u64;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// Move the cursor by `d` over `n` entries, wrapping.
pub fn step(cursor: usize, n: usize, d: isize) -> usize {
    if n == 0 {
        return 0;
    }
    (cursor as isize + d).rem_euclid(n as isize) as usize
}

/// Up, Down, Tab and Shift-Tab move a cursor over `n` entries; true if
/// the key was one of them.
pub fn moved(cursor: &mut usize, n: usize, k: &KeyEvent) -> bool {
    let d = match k.code {
        KeyCode::Up | KeyCode::BackTab => -1,
        KeyCode::Down | KeyCode::Tab => 1,
        _ => return false,
    };
    *cursor = step(*cursor, n, d);
    true
}

fn health(h: &Option<BootHealth>) -> String {
    match h {
        Some(BootHealth::Good) => t!("health-good"),
        Some(BootHealth::Trying { tries_left, .. }) => t!("health-trying", tries = *tries_left),
        Some(BootHealth::Failed { .. }) => t!("health-failed"),
        Some(BootHealth::NoEntry) => t!("health-no-entry"),
        None => t!("health-unknown"),
    }
}

fn slot(s: &SlotReport, active: bool) -> String {
    match &s.release {
        None => t!("slot-empty", slot = s.slot.to_string()),
        Some(v) => {
            let mut out = t!(
                "slot-release",
                slot = s.slot.to_string(),
                version = v.to_string()
            );
            if !s.hotfixes.is_empty() {
                let ids = t!(
                    "slot-hotfixes",
                    count = s.hotfixes.len(),
                    ids = s.hotfixes.join(", ")
                );
                out.push_str(&format!(" + {ids}"));
            }
            if active {
                let h = t!("slot-active", health = health(&s.boot));
                out.push_str(&format!(" ({h})"));
            }
            out
        }
    }
}

/// One line about what the disk holds; it starts by saying so when the
/// partition table is damaged (the issues say how).
pub fn disk_summary(d: &DiskReport) -> String {
    let content = content_summary(d);
    match &d.content {
        Content::Ferry(_) | Content::Foreign { .. } if d.table_damaged() => {
            t!("table-damaged", content = content)
        }
        _ => content,
    }
}

fn content_summary(d: &DiskReport) -> String {
    match &d.content {
        Content::Ferry(f) => {
            let active = install::running_slot(f);
            let slots: Vec<String> = f
                .slots
                .iter()
                .map(|s| slot(s, Some(s.slot) == active))
                .collect();
            format!(
                "{}: {}",
                f.product.clone().unwrap_or_else(|| "Ferry".into()),
                slots.join("; ")
            )
        }
        Content::Blank => t!("content-blank"),
        Content::Foreign { found, .. } => t!("content-foreign", summary = foreign(found)),
        Content::Unreadable { why } => {
            t!("content-unreadable", reason = l10n::engine::unreadable(why))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::rows_needed;

    #[test]
    fn rows_needed_wraps_at_spaces() {
        assert_eq!(rows_needed("", 10), 1);
        assert_eq!(rows_needed("one two", 7), 1);
        assert_eq!(rows_needed("one two", 6), 2);
        assert_eq!(rows_needed("one two three", 8), 2);
        assert_eq!(rows_needed("aaaaaaaaaaaaaaaaaaaa", 10), 2);
        assert_eq!(rows_needed("x aaaaaaaaaaaaaaaaaaaaa", 10), 4);
    }
}
