//! Done and Failed: the result, where the report is, what to do next.

use crossterm::event::{KeyCode, KeyEvent};
use install::Action;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

use super::app::{App, Exit, Outcome, Screen};
use super::disks;
use super::event::Command;
use super::widgets::{log_view, text};

/// Heading of the Done screen: "Upgrade complete".
pub fn done_title(action: Action) -> &'static str {
    match action {
        Action::Upgrade => "Upgrade complete",
        Action::Hotfix => "Hotfix complete",
        Action::Wipe => "Wipe and reinstall complete",
        Action::Install => "Install complete",
    }
}

/// Heading of the Failed screen: "Upgrade failed", "Upgrade cancelled".
pub fn failed_title(o: &Outcome) -> String {
    let what = match o.action {
        Action::Upgrade => "Upgrade",
        Action::Hotfix => "Hotfix",
        Action::Wipe => "Wipe and reinstall",
        Action::Install => "Install",
    };
    format!(
        "{what} {}",
        if o.cancelled { "cancelled" } else { "failed" }
    )
}

pub fn key(app: &mut App, k: KeyEvent) -> Vec<Command> {
    if matches!(k.code, KeyCode::Char('l') | KeyCode::Char('L')) {
        app.show_log = !app.show_log;
        return Vec::new();
    }
    if app.show_log {
        app.show_log = false;
        return Vec::new();
    }
    let failed = app.screen == Screen::Failed;
    match k.code {
        KeyCode::Enter if !failed => app.exit = Some(Exit::Reboot),
        KeyCode::Char('b') | KeyCode::Char('B') => app.exit = Some(Exit::Reboot),
        KeyCode::Char('p') | KeyCode::Char('P') => app.exit = Some(Exit::PowerOff),
        KeyCode::Char('s') | KeyCode::Char('S') => app.exit = Some(Exit::Shell),
        KeyCode::Char('r') | KeyCode::Char('R') if failed => {
            if let Some(i) = app.disk {
                app.log.push("retry: looking at the disk again");
                // Detection must see what the failed run left behind.
                return disks::choose(app, i);
            }
        }
        _ => {}
    }
    Vec::new()
}

pub fn draw(f: &mut Frame, area: Rect, app: &App) -> &'static str {
    if app.show_log {
        log_view(f, area, app.log.lines());
        return "any key back";
    }
    let Some(o) = &app.outcome else {
        return "";
    };
    let mut lines = Vec::new();
    let hints;
    if o.ok {
        lines.push(Line::from(done_title(o.action)));
        lines.push(Line::from(""));
        lines.push(Line::from(format!(
            "{} {} is installed in slot {}; it starts at the next boot.",
            o.product, o.release, o.slot
        )));
        report_lines(&mut lines, o, app);
        lines.push(Line::from(""));
        if let Some(at) = app.finish_at {
            let left = at.saturating_duration_since(std::time::Instant::now());
            let what = match app.unattended.as_ref().map(|a| a.finish) {
                Some(crate::answer::Finish::PowerOff) => "Powering off",
                _ => "Rebooting",
            };
            lines.push(Line::from(format!(
                "{what} in {} s; press any key to stay.",
                left.as_secs() + 1
            )));
        }
        lines.push(Line::from("Remove the medium and press Enter to reboot"));
        lines.push(Line::from("(p power off, s rescue shell)"));
        hints = "Enter reboot  p power off  s shell  l log";
        f.render_widget(text(lines, "Done"), area);
    } else {
        lines.push(Line::from(failed_title(o)));
        lines.push(Line::from(""));
        if let Some(e) = &o.error {
            lines.push(Line::from(if o.cancelled {
                "Stopped at the technician's request.".to_string()
            } else {
                format!("What failed: {e}")
            }));
        }
        lines.push(Line::from(""));
        lines.push(Line::from(match (&o.keep_slot, o.wrote) {
            (Some(s), _) => format!(
                "The previous system (slot {s}) is still the default and starts as before."
            ),
            (None, false) => "Nothing was written; the disk is as it was.".to_string(),
            (None, true) => {
                "The disk was partly written and holds no working system: retry, or wipe and reinstall.".to_string()
            }
        }));
        report_lines(&mut lines, o, app);
        lines.push(Line::from(""));
        lines.push(Line::from(
            "[r] Retry   [s] Rescue shell   [b] Reboot   [l] Log",
        ));
        hints = "r retry  s shell  b reboot  l log";
        f.render_widget(text(lines, "Failed"), area);
    }
    hints
}

fn report_lines(lines: &mut Vec<Line<'static>>, o: &Outcome, app: &App) {
    if o.reports.is_empty() {
        lines.push(Line::from("The report could not be saved."));
    } else {
        lines.push(Line::from("Report saved to:"));
        for r in &o.reports {
            lines.push(Line::from(format!("  {r}")));
        }
    }
    if let Some(log) = &app.setup.log_file {
        lines.push(Line::from(format!("Log: {} (press l)", log.display())));
    }
}
