//! Progress: the engine's steps, the bytes of the current one with rate
//! and ETA, the log one key away, and Cancel while it changes nothing.

use crate::l10n::{engine, t};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent};
use install::{Action, Plan, Progress, StepKind};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

use super::context::{Component, Context, Go, Picked};
use super::log::Log;
use super::widgets::{action_code, bar, clock, log_view, text};
use crate::l10n::{decimal, size};

/// State of a step on the Progress screen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StepState {
    Pending,
    Running,
    Done(f64),
}

/// A run of the engine.
#[derive(Debug, Clone)]
pub struct Run {
    pub plan: Box<Plan>,
    pub steps: Vec<(StepKind, String, StepState)>,
    /// Bytes of the current step: done, total, rate.
    pub bytes: Option<(u64, u64, f64)>,
    /// Payload bytes read from the medium in the current step, where they
    /// differ from the bytes written (a compressed image): done, total.
    pub medium: Option<(u64, u64)>,
    pub started: Instant,
    /// Set to stop the engine at its next read of the medium.
    pub cancel: Arc<AtomicBool>,
    pub cancel_requested: bool,
    /// Why cancel is not possible now, when it was pressed too late.
    pub cancel_note: Option<String>,
    /// An unattended run.
    pub unattended: bool,
}

impl Run {
    /// Whether stopping now leaves the disk as it was before, in what
    /// matters: for an upgrade, until the new slot becomes the default;
    /// for a fresh install, only before its first step that writes (while
    /// the payload is verified first, nothing is written).
    pub fn cancel_possible(&self) -> bool {
        let begun = |k: StepKind| {
            self.steps
                .iter()
                .any(|(s, _, st)| *s == k && *st != StepState::Pending)
        };
        match self.plan.action {
            Action::Upgrade | Action::Hotfix | Action::Repair => !begun(StepKind::SetDefault),
            Action::Install | Action::Wipe => !self
                .steps
                .iter()
                .any(|(s, _, st)| s.writes() && *st != StepState::Pending),
        }
    }
}

/// The Progress screen.
#[derive(Debug)]
pub struct ProgressState {
    pub run: Run,
    /// The log is shown instead of the steps.
    pub show_log: bool,
    /// The choice being carried out, to review again if the run cannot
    /// start.
    pub picked: Picked,
}

impl ProgressState {
    /// Begin carrying out `plan`, the plan of `picked`; the engine is
    /// started with [`Run::cancel`].
    pub fn start(plan: Box<Plan>, picked: Picked, unattended: bool, log: &mut Log) -> Self {
        log.push(format!(
            "starting: {} {} {} on {}",
            plan.action,
            plan.product,
            plan.to,
            plan.disk.display()
        ));
        let run = Run {
            steps: plan
                .steps
                .iter()
                .map(|s| (s.kind, engine::step(s), StepState::Pending))
                .collect(),
            plan,
            bytes: None,
            medium: None,
            started: Instant::now(),
            cancel: Arc::new(AtomicBool::new(false)),
            cancel_requested: false,
            cancel_note: None,
            unattended,
        };
        ProgressState {
            run,
            show_log: false,
            picked,
        }
    }

    /// Follow the engine.
    pub fn on_progress(&mut self, p: Progress, log: &mut Log) {
        let run = &mut self.run;
        let line = match &p {
            Progress::Step {
                index,
                total,
                title,
                ..
            } => {
                if let Some(s) = run.steps.get_mut(index - 1) {
                    s.2 = StepState::Running;
                }
                run.bytes = None;
                run.medium = None;
                Some(format!("[{index}/{total}] {title}"))
            }
            Progress::Bytes {
                done, total, rate, ..
            } => {
                run.bytes = Some((*done, *total, *rate));
                None
            }
            Progress::Medium { done, total, .. } => {
                run.medium = Some((*done, *total));
                None
            }
            Progress::StepDone { index, seconds, .. } => {
                if let Some(s) = run.steps.get_mut(index - 1) {
                    s.2 = StepState::Done(*seconds);
                }
                Some(format!("      done in {seconds:.1} s"))
            }
        };
        if let Some(l) = line {
            log.push(l);
        }
    }
}

/// What Cancel does now, in a sentence.
pub fn cancel_text(run: &Run) -> String {
    let plan = &run.plan;
    let keep = plan
        .keep_slot
        .map(|s| s.to_string())
        .unwrap_or_else(|| "?".into());
    if run.cancel_requested {
        return t!("cancel-requested");
    }
    match (plan.action, run.cancel_possible()) {
        (Action::Upgrade | Action::Hotfix | Action::Repair, true) => {
            t!("cancel-keep-slot", slot = keep)
        }
        (Action::Upgrade | Action::Hotfix | Action::Repair, false) => {
            t!("cancel-too-late", slot = keep)
        }
        (_, true) => t!("cancel-nothing-written"),
        (_, false) => t!("cancel-erasing"),
    }
}

/// `s` in `width` characters: shortened after its last whole word that
/// fits, with `...`, never in the middle of a word.
fn fit(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    let head: String = s.chars().take(width.saturating_sub(3)).collect();
    let between = head.ends_with(' ') || s.chars().nth(head.chars().count()) == Some(' ');
    let at = if between {
        // The cut falls between two words already.
        head.len()
    } else {
        head.rfind(' ').unwrap_or(head.len())
    };
    format!("{}...", head[..at].trim_end())
}

impl Component for ProgressState {
    fn key(&mut self, k: KeyEvent, ctx: &mut Context) -> Option<Go> {
        match k.code {
            KeyCode::Char('l') | KeyCode::Char('L') => self.show_log = !self.show_log,
            KeyCode::Char('c') | KeyCode::Char('C') | KeyCode::Esc => {
                let run = &mut self.run;
                if run.cancel_possible() {
                    run.cancel.store(true, Ordering::SeqCst);
                    run.cancel_requested = true;
                    ctx.log.push("cancel requested by the technician");
                } else {
                    run.cancel_note = Some(cancel_text(run));
                }
            }
            _ => {}
        }
        None
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &Context) -> String {
        if self.show_log {
            log_view(f, area, ctx.log.lines());
            return t!("hints-progress-log");
        }
        let run = &self.run;
        let plan = &run.plan;
        let width = area.width.saturating_sub(4) as usize;
        let heading = t!(
            "progress-heading",
            action = action_code(plan.action),
            disk = plan.disk.display().to_string(),
            product = plan.product.to_string(),
            version = plan.to.to_string()
        );
        let mut lines = vec![Line::from(fit(&heading, width))];
        if run.unattended {
            lines.push(Line::from(t!("progress-unattended")));
        }
        lines.push(Line::from(""));
        let mut current = None;
        for (i, (_, title, state)) in run.steps.iter().enumerate() {
            let (mark, tail) = match state {
                StepState::Pending => ("[ ]", String::new()),
                StepState::Running => {
                    current = Some(title.clone());
                    ("[>]", String::new())
                }
                StepState::Done(s) => ("[x]", format!(" {}s", decimal(*s))),
            };
            let head = format!("{mark} {:>2}. ", i + 1);
            let room = width.saturating_sub(head.len() + tail.chars().count());
            lines.push(Line::from(format!("{head}{}{tail}", fit(title, room))));
        }
        lines.push(Line::from(""));
        if let (Some((done, total, rate)), Some(_)) = (run.bytes, &current) {
            let eta = if rate > 0.0 && total > done {
                let left = clock((total - done) as f64 / rate);
                format!("  {}", t!("eta", time = left))
            } else {
                String::new()
            };
            let pct = (done * 100).checked_div(total).unwrap_or(100);
            lines.push(Line::from(format!(
                "{} {pct:>3}%",
                bar(done, total, width.saturating_sub(6).min(60))
            )));
            let bytes = t!(
                "bytes-of",
                done = size(done),
                total = size(total),
                rate = decimal(rate / 1e6)
            );
            lines.push(Line::from(format!("{bytes}{eta}")));
            if let Some((read, stored)) = run.medium {
                lines.push(Line::from(t!(
                    "progress-medium-read",
                    done = size(read),
                    total = size(stored)
                )));
            }
        } else {
            lines.push(Line::from(t!(
                "progress-elapsed",
                time = clock(run.started.elapsed().as_secs_f64())
            )));
        }
        lines.push(Line::from(
            run.cancel_note.clone().unwrap_or_else(|| cancel_text(run)),
        ));
        f.render_widget(text(lines, &t!("screen-progress")), area);
        t!("hints-progress")
    }
}

#[cfg(test)]
mod fit_tests {
    use super::fit;

    #[test]
    fn fit_shortens_after_a_whole_word() {
        assert_eq!(fit("Write slot b", 20), "Write slot b");
        assert_eq!(fit("Write slot b (root, kernel)", 20), "Write slot b...");
        assert_eq!(fit("Write slot b (root)", 16), "Write slot b...");
        assert_eq!(fit("Écrire l'emplacement b", 14), "Écrire...");
        assert!(fit("Writeslotbrootkernel", 10).chars().count() <= 10);
    }
}
