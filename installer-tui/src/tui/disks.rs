//! Disks: every disk detection found, with what is on it.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::app::{App, Screen};
use super::event::Command;
use super::widgets::{boxed, disk_summary, moved, size};

pub fn key(app: &mut App, k: KeyEvent) -> Vec<Command> {
    let n = app.disks().len();
    if moved(&mut app.cursor, n, &k) {
        return Vec::new();
    }
    let pick = match k.code {
        KeyCode::Esc => {
            app.go(Screen::Welcome);
            return Vec::new();
        }
        KeyCode::Enter => Some(app.cursor),
        KeyCode::Char(c) => c
            .to_digit(10)
            .and_then(|d| (d as usize).checked_sub(1))
            .filter(|&i| i < n),
        _ => None,
    };
    match pick {
        Some(i) if i < n => choose(app, i),
        _ => Vec::new(),
    }
}

/// Choose disk `i`: plan every choice for it.
pub fn choose(app: &mut App, i: usize) -> Vec<Command> {
    app.cursor = i;
    app.disk = Some(i);
    app.target = None;
    app.choices.clear();
    app.screen = Screen::Inspecting;
    vec![Command::Inspect(i)]
}

pub fn draw(f: &mut Frame, area: Rect, app: &App) -> &'static str {
    let mut lines = vec![
        Line::from("Choose the disk to install on or upgrade:"),
        Line::from(""),
    ];
    let mut cursor_line = 0;
    for (i, d) in app.disks().iter().enumerate() {
        let selected = i == app.cursor;
        if selected {
            cursor_line = lines.len();
        }
        let style = if selected {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        let name = [d.model.as_deref(), d.serial.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        lines.push(Line::from(vec![
            Span::raw(if selected { "> " } else { "  " }),
            Span::styled(
                format!(
                    "{}. {}  {}  {}",
                    i + 1,
                    d.path.display(),
                    name,
                    size(d.size)
                ),
                style,
            ),
        ]));
        lines.push(Line::from(format!("     {}", disk_summary(d))));
        for issue in d.issues.iter().take(2) {
            lines.push(Line::from(format!("     ! {}", issue.message)));
        }
    }
    if app.disks().is_empty() {
        lines.push(Line::from(
            "No disk was found. Check the cables and the firmware's disk settings.",
        ));
    }
    let inner = area.height.saturating_sub(2) as usize;
    let scroll = (cursor_line + 3).saturating_sub(inner) as u16;
    f.render_widget(
        Paragraph::new(lines)
            .block(boxed("Disks"))
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        area,
    );
    "Up/Down move  Enter choose  1-9 pick  Esc back"
}
