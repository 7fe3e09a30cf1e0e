//! Drawing: the frame every screen shares (title line, key line) and the
//! small pieces screens are made of. ASCII only, and nothing depends on
//! colour: the VGA console's font, a VT100 on a serial line and a
//! terminal emulator all show the same thing.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::symbols::border;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

use super::app::{App, Screen};
use super::{action, check, disks, done, progress, review, welcome};

/// Title of every screen; tests and the QEMU harness wait for it.
pub const TITLE: &str = "Ferry installer";

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

/// Draw the whole screen from the state; changes nothing.
pub fn draw(f: &mut Frame, app: &App) {
    let [head, body, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(f.area());
    let mut title = TITLE.to_string();
    if let Some(r) = app.release() {
        title.push_str(" - ");
        title.push_str(&r);
    }
    let right = if app.setup.boot {
        app.setup
            .medium
            .id()
            .map(|id| format!("medium {id}"))
            .unwrap_or_default()
    } else {
        "simulation".to_string()
    };
    let pad = (head.width as usize).saturating_sub(title.len() + right.len());
    f.render_widget(
        Paragraph::new(format!("{title}{}{right}", " ".repeat(pad)))
            .style(Style::default().add_modifier(Modifier::REVERSED)),
        head,
    );
    let body = if app.other_busy && app.screen != Screen::Progress {
        let [banner, rest] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(2)]).areas(body);
        f.render_widget(
            Paragraph::new("! The installer on the other console is working.")
                .style(Style::default().add_modifier(Modifier::BOLD)),
            banner,
        );
        rest
    } else {
        body
    };
    let hints = match app.screen {
        Screen::Loading => {
            f.render_widget(
                Paragraph::new(vec![
                    Line::from(""),
                    Line::from("Checking the medium's signature and looking at the disks..."),
                ])
                .block(boxed("Starting")),
                body,
            );
            ""
        }
        Screen::Welcome => welcome::draw(f, body, app),
        Screen::Keyboard => welcome::draw_layouts(f, body, app),
        Screen::Check => check::draw(f, body, app),
        Screen::Disks => disks::draw(f, body, app),
        Screen::Inspecting => {
            f.render_widget(
                Paragraph::new(vec![
                    Line::from(""),
                    Line::from("Looking at the disk and checking every choice..."),
                ])
                .block(boxed("Disk")),
                body,
            );
            ""
        }
        Screen::Action => action::draw(f, body, app),
        Screen::Review => review::draw(f, body, app),
        Screen::Progress => progress::draw(f, body, app),
        Screen::Done | Screen::Failed => done::draw(f, body, app),
    };
    f.render_widget(
        Paragraph::new(hints).style(Style::default().add_modifier(Modifier::REVERSED)),
        keys,
    );
}

/// A bordered box with a title.
/// The installer's log, its last lines filling `area`.
pub fn log_view(f: &mut Frame, area: Rect, app: &App) {
    let inner = area.height.saturating_sub(2) as usize;
    let from = app.log.len().saturating_sub(inner);
    let lines: Vec<Line> = app.log[from..]
        .iter()
        .map(|l| Line::from(l.clone()))
        .collect();
    f.render_widget(Paragraph::new(lines).block(boxed("Log")), area);
}

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

/// Bytes for people: `3.2 MiB`.
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
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
