//! Check this medium: read all of it and compare with its checksums.

use crate::l10n::t;
use std::sync::Arc;
use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

use super::context::{Component, Context, Go};
use super::widgets::{bar, clock, text};
use crate::boot_medium::{CheckError, Checked};
use crate::l10n::{decimal, size};

/// The Check this medium screen.
#[derive(Debug, Clone, Default)]
pub struct CheckState {
    /// Bytes read so far, of `total`.
    pub done: u64,
    pub total: u64,
    /// What the check found, once it is over.
    pub result: Option<Result<Checked, Arc<CheckError>>>,
    pub started: Option<Instant>,
}

impl CheckState {
    /// A check starting now.
    pub fn start() -> CheckState {
        CheckState {
            started: Some(Instant::now()),
            ..CheckState::default()
        }
    }
}

impl Component for CheckState {
    fn key(&mut self, k: KeyEvent, _ctx: &mut Context) -> Option<Go> {
        (matches!(k.code, KeyCode::Esc | KeyCode::Enter) && self.result.is_some()
            || k.code == KeyCode::Esc)
            .then_some(Go::Welcome {
                at: 'c',
                notice: None,
            })
    }

    fn draw(&self, f: &mut Frame, area: Rect, _ctx: &Context) -> String {
        let mut lines = vec![
            Line::from(t!("check-intro-1")),
            Line::from(t!("check-intro-2")),
            Line::from(""),
        ];
        let width = area.width.saturating_sub(4).min(60) as usize;
        lines.push(Line::from(bar(self.done, self.total.max(1), width)));
        let elapsed = self.started.map_or(0.0, |s| s.elapsed().as_secs_f64());
        let rate = if elapsed > 0.0 {
            self.done as f64 / elapsed
        } else {
            0.0
        };
        let eta = if rate > 0.0 && self.total > self.done {
            let left = clock((self.total - self.done) as f64 / rate);
            format!("  {}", t!("eta", time = left))
        } else {
            String::new()
        };
        let bytes = t!(
            "bytes-of",
            done = size(self.done),
            total = size(self.total),
            rate = decimal(rate / 1e6)
        );
        lines.push(Line::from(format!("{bytes}{eta}")));
        lines.push(Line::from(""));
        let hints = match &self.result {
            None => t!("hints-check-running"),
            Some(Ok(s)) => {
                lines.push(Line::from(t!("check-passed")));
                lines.push(Line::from(s.sentence()));
                t!("hints-enter-back")
            }
            Some(Err(e)) => {
                lines.push(Line::from(t!("check-failed")));
                lines.push(Line::from(e.sentence()));
                lines.push(Line::from(t!("check-failed-advice")));
                t!("hints-enter-back")
            }
        };
        f.render_widget(text(lines, &t!("screen-check")), area);
        hints
    }
}
