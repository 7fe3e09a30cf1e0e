//! Review: the plan as steps, the configuration diff of an upgrade, what
//! is erased; the confirmation. Nothing is written before Enter here.

use crossterm::event::{KeyCode, KeyEvent};
use install::{Action, Plan};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::app::{App, Screen};
use super::event::Command;
use super::progress;
use super::widgets::{boxed, text};

/// The plan as the lines the Review screen scrolls through.
pub fn plan_lines(plan: &Plan) -> Vec<String> {
    let mut out: Vec<String> = plan.to_string().lines().map(String::from).collect();
    if matches!(plan.action, Action::Install | Action::Wipe) && !plan.discard.is_empty() {
        out.insert(
            1.min(out.len()),
            format!(
                "Erased: everything on {}, including its data partition.",
                plan.disk.display()
            ),
        );
    }
    if let Some(m) = &plan.migration {
        if !m.diff.is_empty() {
            out.push(String::new());
            out.push("Configuration diff (- now, + after the upgrade):".into());
            out.extend(m.diff.lines().map(String::from));
        }
    }
    out
}

pub fn key(app: &mut App, k: KeyEvent) -> Vec<Command> {
    let Some(plan) = app.plan().cloned() else {
        app.go(Screen::Action);
        return Vec::new();
    };
    let word = app.confirm_word();
    match k.code {
        KeyCode::Esc => {
            let c = app.chosen.unwrap_or(0);
            app.go(Screen::Action);
            app.cursor = c;
        }
        KeyCode::Up => app.scroll = app.scroll.saturating_sub(1),
        KeyCode::Down => app.scroll = app.scroll.saturating_add(1),
        KeyCode::PageUp => app.scroll = app.scroll.saturating_sub(10),
        KeyCode::PageDown => app.scroll = app.scroll.saturating_add(10),
        KeyCode::Backspace if word.is_some() => {
            app.typed.pop();
        }
        KeyCode::Char(c) if word.is_some() && !c.is_control() && app.typed.len() < 64 => {
            app.typed.push(c);
            app.confirm_note = None;
        }
        KeyCode::Enter => {
            if let Some(w) = word {
                let typed = app.typed.trim();
                let by_name = app.disk_name().is_some_and(|n| n == typed);
                if typed != w && !by_name {
                    app.confirm_note = Some(format!(
                        "That is not {w}: nothing was written. Type {w} and press Enter, or Esc to go back."
                    ));
                    app.typed.clear();
                    return Vec::new();
                }
            }
            return progress::start(app, Box::new(plan), false);
        }
        _ => {}
    }
    let max = plan_lines(&plan).len().saturating_sub(1) as u16;
    app.scroll = app.scroll.min(max);
    Vec::new()
}

pub fn draw(f: &mut Frame, area: Rect, app: &App) -> &'static str {
    let Some(plan) = app.plan() else {
        return "";
    };
    let word = app.confirm_word();
    let [top, bottom] = Layout::vertical([Constraint::Min(4), Constraint::Length(5)]).areas(area);
    let lines: Vec<Line> = plan_lines(plan).into_iter().map(Line::from).collect();
    let total = lines.len();
    let title = format!(
        "Review: {} (line {} of {total})",
        plan.action,
        (app.scroll as usize + 1).min(total)
    );
    f.render_widget(
        Paragraph::new(lines)
            .block(boxed(&title))
            .wrap(Wrap { trim: false })
            .scroll((app.scroll, 0)),
        top,
    );
    let mut confirm = Vec::new();
    match word {
        Some(w) => {
            confirm.push(Line::from(format!(
                "Type {w} to confirm{}, then Enter:",
                app.disk_name()
                    .map(|n| format!(" (or the disk's name, {n})"))
                    .unwrap_or_default()
            )));
            confirm.push(Line::from(format!("> {}_", app.typed)));
        }
        None => confirm.push(Line::from(format!(
            "Press Enter to start the {}. Esc goes back; nothing is written before Enter.",
            plan.action
        ))),
    }
    if let Some(n) = &app.confirm_note {
        confirm.push(Line::from(n.clone()));
    }
    f.render_widget(text(confirm, "Confirm"), bottom);
    "Up/Down/PgUp/PgDn scroll  Enter start  Esc back"
}
