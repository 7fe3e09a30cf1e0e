//! Check this medium: read all of it and compare with its checksums.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

use super::app::{App, Screen};
use super::event::Command;
use super::widgets::{bar, clock, size, text};

pub fn key(app: &mut App, k: KeyEvent) -> Vec<Command> {
    if matches!(k.code, KeyCode::Esc | KeyCode::Enter) && app.check.result.is_some()
        || k.code == KeyCode::Esc
    {
        app.go(Screen::Welcome);
        app.cursor = 1;
    }
    Vec::new()
}

pub fn draw(f: &mut Frame, area: Rect, app: &App) -> &'static str {
    let c = &app.check;
    let mut lines = vec![
        Line::from("Reading the whole medium and comparing it with its checksums."),
        Line::from("A damaged disc or stick shows here, before anything is installed."),
        Line::from(""),
    ];
    let width = area.width.saturating_sub(4).min(60) as usize;
    lines.push(Line::from(bar(c.done, c.total.max(1), width)));
    let elapsed = c.started.map_or(0.0, |s| s.elapsed().as_secs_f64());
    let rate = if elapsed > 0.0 {
        c.done as f64 / elapsed
    } else {
        0.0
    };
    let eta = if rate > 0.0 && c.total > c.done {
        format!("  ETA {}", clock((c.total - c.done) as f64 / rate))
    } else {
        String::new()
    };
    lines.push(Line::from(format!(
        "{} of {}  {:.1} MB/s{eta}",
        size(c.done),
        size(c.total),
        rate / 1e6
    )));
    lines.push(Line::from(""));
    let hints = match &c.result {
        None => "Esc stop and go back",
        Some(Ok(s)) => {
            lines.push(Line::from("Medium check passed"));
            lines.push(Line::from(s.clone()));
            "Enter back"
        }
        Some(Err(e)) => {
            lines.push(Line::from("MEDIUM CHECK FAILED"));
            lines.push(Line::from(e.clone()));
            lines.push(Line::from(
                "Do not install from this medium: write a new one and boot from it.",
            ));
            "Enter back"
        }
    };
    f.render_widget(text(lines, "Check this medium"), area);
    hints
}
