//! Done and Failed: the result, where the report is, what to do next.

use crate::l10n::t;
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent};
use install::Action;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

use super::context::{Component, Context, Countdown, Exit, Go};
use super::failure::RunError;
use super::widgets::{log_view, text};
use crate::answer::Finish;

/// How a run ended.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub ok: bool,
    pub action: Action,
    pub product: String,
    pub release: payload::Version,
    pub slot: detect::layout::Slot,
    /// The slot kept running (upgrade, hotfix).
    pub keep_slot: Option<detect::layout::Slot>,
    /// Why the run failed.
    pub error: Option<Arc<RunError>>,
    pub cancelled: bool,
    /// Where the report was saved.
    pub reports: Vec<String>,
    /// Whether anything was written before the failure.
    pub wrote: bool,
}

/// The Done screen, or the Failed screen when the run did not succeed.
#[derive(Debug, Clone)]
pub struct DoneState {
    pub outcome: Outcome,
    /// The log is shown instead of the result.
    pub show_log: bool,
    /// The disk the run was on (index into the disks offered), for retry.
    pub disk: usize,
    /// Unattended: the reboot or power off to come, until a key is pressed.
    pub countdown: Option<Countdown>,
}

/// Heading of the Done screen: "Upgrade complete".
pub fn done_title(action: Action) -> &'static str {
    match action {
        Action::Upgrade => "Upgrade complete",
        Action::Hotfix => "Hotfix complete",
        Action::Repair => "Reinstall complete",
        Action::Wipe => "Wipe and reinstall complete",
        Action::Install => "Install complete",
    }
}

/// Heading of the Failed screen: "Upgrade failed", "Upgrade cancelled".
pub fn failed_title(o: &Outcome) -> String {
    let what = match o.action {
        Action::Upgrade => "Upgrade",
        Action::Hotfix => "Hotfix",
        Action::Repair => "Reinstall",
        Action::Wipe => "Wipe and reinstall",
        Action::Install => "Install",
    };
    format!(
        "{what} {}",
        if o.cancelled { "cancelled" } else { "failed" }
    )
}

impl Component for DoneState {
    fn key(&mut self, k: KeyEvent, ctx: &mut Context) -> Option<Go> {
        // Any key stops an unattended countdown.
        if self.countdown.take().is_some() {
            ctx.log.push("the technician pressed a key: staying");
            return None;
        }
        if matches!(k.code, KeyCode::Char('l') | KeyCode::Char('L')) {
            self.show_log = !self.show_log;
            return None;
        }
        if self.show_log {
            self.show_log = false;
            return None;
        }
        let failed = !self.outcome.ok;
        match k.code {
            KeyCode::Enter if !failed => ctx.exit = Some(Exit::Reboot),
            KeyCode::Char('b') | KeyCode::Char('B') => ctx.exit = Some(Exit::Reboot),
            KeyCode::Char('p') | KeyCode::Char('P') => ctx.exit = Some(Exit::PowerOff),
            KeyCode::Char('s') | KeyCode::Char('S') => ctx.exit = Some(Exit::Shell),
            KeyCode::Char('r') | KeyCode::Char('R') if failed => {
                ctx.log.push("retry: looking at the disk again");
                // Detection must see what the failed run left behind.
                return Some(Go::Inspect(self.disk));
            }
            _ => {}
        }
        None
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &Context) -> &'static str {
        if self.show_log {
            log_view(f, area, ctx.log.lines());
            return "any key back";
        }
        let o = &self.outcome;
        let mut lines = Vec::new();
        let hints;
        if o.ok {
            lines.push(Line::from(done_title(o.action)));
            lines.push(Line::from(""));
            lines.push(Line::from(format!(
                "{} {} is installed in slot {}; it starts at the next boot.",
                o.product, o.release, o.slot
            )));
            report_lines(&mut lines, o, ctx);
            lines.push(Line::from(""));
            if let Some(c) = &self.countdown {
                let left = c.at.saturating_duration_since(std::time::Instant::now());
                let what = match c.finish {
                    Finish::PowerOff => "Powering off",
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
            f.render_widget(text(lines, &t!("screen-done")), area);
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
            report_lines(&mut lines, o, ctx);
            lines.push(Line::from(""));
            lines.push(Line::from(
                "[r] Retry   [s] Rescue shell   [b] Reboot   [l] Log",
            ));
            hints = "r retry  s shell  b reboot  l log";
            f.render_widget(text(lines, &t!("screen-failed")), area);
        }
        hints
    }
}

fn report_lines(lines: &mut Vec<Line<'static>>, o: &Outcome, ctx: &Context) {
    if o.reports.is_empty() {
        lines.push(Line::from("The report could not be saved."));
    } else {
        lines.push(Line::from("Report saved to:"));
        for r in &o.reports {
            lines.push(Line::from(format!("  {r}")));
        }
    }
    if let Some(log) = &ctx.setup.log_file {
        lines.push(Line::from(format!("Log: {} (press l)", log.display())));
    }
}
