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
        spans.push(Span::raw(" (not possible)"));
    }
    Line::from(spans)
}

/// A paragraph that wraps, in a box.
pub fn text<'a>(lines: Vec<Line<'a>>, title: &str) -> Paragraph<'a> {
    Paragraph::new(lines)
        .block(boxed(title))
        .wrap(Wrap { trim: false })
}

/// The installer's log, its last lines filling `area`.
pub fn log_view(f: &mut Frame, area: Rect, log: &[String]) {
    let inner = area.height.saturating_sub(2) as usize;
    let from = log.len().saturating_sub(inner);
    let lines: Vec<Line> = log[from..].iter().map(|l| Line::from(l.clone())).collect();
    f.render_widget(Paragraph::new(lines).block(boxed("Log")), area);
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

/// Bytes for people (`3.2 MiB`), as everywhere in Ferry.
pub use units::size;

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
        Some(BootHealth::Good) => "boots fine".into(),
        Some(BootHealth::Trying { tries_left, .. }) => {
            format!("on trial, {tries_left} tries left")
        }
        Some(BootHealth::Failed { .. }) => "FAILED to boot".into(),
        Some(BootHealth::NoEntry) => "no boot entry".into(),
        None => "boot state unknown".into(),
    }
}

fn slot(s: &SlotReport, active: bool) -> String {
    match &s.release {
        None => format!("slot {} empty", s.slot),
        Some(v) => {
            let mut t = format!("slot {} {v}", s.slot);
            if !s.hotfixes.is_empty() {
                t.push_str(&format!(" + hotfix {}", s.hotfixes.join(", ")));
            }
            if active {
                t.push_str(&format!(" (active, {})", health(&s.boot)));
            }
            t
        }
    }
}

/// One line about what the disk holds; it starts by saying so when the
/// partition table is damaged (the issues say how).
pub fn disk_summary(d: &DiskReport) -> String {
    let content = content_summary(d);
    match &d.content {
        Content::Ferry(_) | Content::Foreign { .. } if d.table_damaged() => {
            format!("partition table damaged; {content}")
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
        Content::Blank => "blank".into(),
        Content::Foreign { summary, .. } => format!("other system: {summary}"),
        Content::Unreadable { reason } => format!("unreadable: {reason}"),
    }
}
