//! Action: what can be done with the chosen disk. Every choice is planned
//! before it is shown; the ones `plan` refuses are dimmed, with the reason.

use crossterm::event::{KeyCode, KeyEvent};
use detect::Content;
use install::{Action, PayloadInfo, Target};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

use super::app::{App, Choice, Screen, Setup};
use super::disks::summary;
use super::draw::{entry, text};
use super::event::Command;
use super::welcome::moved;

/// Plan every choice that makes sense for `target`. Pure apart from the
/// machine id, which the caller picks.
pub fn choices(
    setup: &Setup,
    payload: &PayloadInfo,
    target: &Target,
    machine_id: &str,
    answers: Option<install::Answers>,
) -> Vec<Choice> {
    let m = &payload.manifest;
    let v = &m.version;
    let mut list: Vec<(char, String, Action)> = Vec::new();
    match &target.report.content {
        Content::Ferry(_) => {
            if m.kind == payload::Kind::Hotfix {
                list.push((
                    'h',
                    format!(
                        "Apply hotfix {} to {v}",
                        m.hotfix_id.clone().unwrap_or_default()
                    ),
                    Action::Hotfix,
                ));
            } else {
                list.push((
                    'u',
                    format!("Upgrade to {v} (keep configuration)"),
                    Action::Upgrade,
                ));
            }
            list.push(('w', format!("Wipe and reinstall {v}"), Action::Wipe));
        }
        Content::Blank => list.push(('i', format!("Install {v}"), Action::Install)),
        Content::Foreign { .. } | Content::Unreadable { .. } => {
            list.push(('i', format!("Install {v} (erases the disk)"), Action::Wipe));
        }
    }
    list.into_iter()
        .map(|(key, label, action)| {
            let mut c = install::Choice::new(action);
            c.sizes = setup.sizes;
            c.boot_loader = setup.boot_loader.clone();
            c.report_dirs = setup.medium.report_dirs();
            c.medium = setup.medium.id().map(str::to_string);
            if matches!(action, Action::Install | Action::Wipe) {
                c.machine_id = Some(machine_id.to_string());
                c.answers = answers.clone();
            }
            Choice {
                key,
                label,
                action,
                plan: install::plan(target, payload, &c).map(Box::new),
            }
        })
        .collect()
}

pub fn key(app: &mut App, k: KeyEvent) -> Vec<Command> {
    if moved(&mut app.cursor, app.choices.len(), &k) {
        return Vec::new();
    }
    let pick = match k.code {
        KeyCode::Esc => {
            let d = app.disk.unwrap_or(0);
            app.go(Screen::Disks);
            app.cursor = d;
            return Vec::new();
        }
        KeyCode::Enter => Some(app.cursor),
        KeyCode::Char(c) => app
            .choices
            .iter()
            .position(|ch| ch.key == c.to_ascii_lowercase()),
        _ => None,
    };
    if let Some(i) = pick {
        app.cursor = i;
        if app.choices[i].plan.is_ok() {
            review(app, i);
        }
    }
    Vec::new()
}

/// Go to the Review screen for choice `i`.
pub fn review(app: &mut App, i: usize) {
    app.chosen = Some(i);
    app.typed.clear();
    app.confirm_note = None;
    app.go(Screen::Review);
}

pub fn draw(f: &mut Frame, area: Rect, app: &App) -> &'static str {
    let mut lines = Vec::new();
    if let Some(d) = app.disk_report() {
        lines.push(Line::from(format!("Disk: {}", d.path.display())));
        lines.push(Line::from(format!("  {}", summary(d))));
        lines.push(Line::from(""));
    }
    if let Some(e) = &app.inspect_error {
        lines.push(Line::from(format!("This disk cannot be used: {e}")));
    }
    for (i, c) in app.choices.iter().enumerate() {
        lines.push(entry(i == app.cursor, c.key, &c.label, c.plan.is_ok()));
        if let Err(why) = &c.plan {
            lines.push(Line::from(format!("      {why}")));
        }
    }
    if app.choices.iter().all(|c| c.plan.is_err()) {
        lines.push(Line::from(""));
        lines.push(Line::from(
            "Nothing can be done on this disk with this medium. Esc goes back.",
        ));
    }
    f.render_widget(text(lines, "What to do"), area);
    "Up/Down move  Enter choose  Esc back"
}
