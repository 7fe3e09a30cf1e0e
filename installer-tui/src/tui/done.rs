//! Done and Failed: the result, where the report is, what to do next.

use crate::l10n::{engine, t};
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent};
use install::Action;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

use super::context::{Component, Context, Countdown, Exit, Go};
use super::failure::RunError;
use super::widgets::{action_code, log_view, text};
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
pub fn done_title(action: Action) -> String {
    t!("done-title", action = action_code(action))
}

/// Heading of the Failed screen: "Upgrade failed", "Upgrade cancelled".
pub fn failed_title(o: &Outcome) -> String {
    let action = action_code(o.action);
    if o.cancelled {
        t!("cancelled-title", action = action)
    } else {
        t!("failed-title", action = action)
    }
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

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &Context) -> String {
        if self.show_log {
            log_view(f, area, ctx.log.lines());
            return t!("hints-any-key");
        }
        let o = &self.outcome;
        let mut lines = Vec::new();
        let hints;
        if o.ok {
            lines.push(Line::from(done_title(o.action)));
            lines.push(Line::from(""));
            lines.push(Line::from(t!(
                "done-installed",
                product = o.product.as_str(),
                version = o.release.to_string(),
                slot = o.slot.to_string()
            )));
            report_lines(&mut lines, o, ctx);
            lines.push(Line::from(""));
            if let Some(c) = &self.countdown {
                let left = c.at.saturating_duration_since(std::time::Instant::now());
                let finish = match c.finish {
                    Finish::PowerOff => "poweroff",
                    _ => "reboot",
                };
                lines.push(Line::from(t!(
                    "done-countdown",
                    finish = finish,
                    seconds = left.as_secs() + 1
                )));
            }
            lines.push(Line::from(t!("done-remove")));
            lines.push(Line::from(t!("done-other-keys")));
            hints = t!("hints-done");
            f.render_widget(text(lines, &t!("screen-done")), area);
        } else {
            lines.push(Line::from(failed_title(o)));
            lines.push(Line::from(""));
            if let Some(e) = &o.error {
                lines.push(Line::from(if o.cancelled {
                    t!("failed-stopped")
                } else {
                    t!("failed-what", error = engine::run_error(e))
                }));
            }
            lines.push(Line::from(""));
            lines.push(Line::from(match (&o.keep_slot, o.wrote) {
                (Some(s), _) => t!("failed-kept", slot = s.to_string()),
                (None, false) => t!("failed-nothing-written"),
                (None, true) => t!("failed-partly-written"),
            }));
            report_lines(&mut lines, o, ctx);
            lines.push(Line::from(""));
            lines.push(Line::from(t!("failed-keys")));
            hints = t!("hints-failed");
            f.render_widget(text(lines, &t!("screen-failed")), area);
        }
        hints
    }
}

fn report_lines(lines: &mut Vec<Line<'static>>, o: &Outcome, ctx: &Context) {
    if o.reports.is_empty() {
        lines.push(Line::from(t!("report-not-saved")));
    } else {
        lines.push(Line::from(t!("report-saved")));
        // A report's path longer than an 80-column console is wide: its
        // directory, then its name, each whole.
        for r in &o.reports {
            match r.rsplit_once('/') {
                Some((dir, name)) if !dir.is_empty() && r.chars().count() > 74 => {
                    lines.push(Line::from(format!("  {dir}/")));
                    lines.push(Line::from(format!("    {name}")));
                }
                _ => lines.push(Line::from(format!("  {r}"))),
            }
        }
    }
    if let Some(log) = &ctx.setup.log_file {
        lines.push(Line::from(t!(
            "report-log",
            path = log.display().to_string()
        )));
    }
}
