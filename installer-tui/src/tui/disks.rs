//! Disks: every disk detection found, with what is on it.

use crate::l10n::t;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::context::{Component, Context, Go};
use super::widgets::{boxed, disk_summary, moved};
use crate::l10n::engine::issue as detect_issue;
use crate::l10n::size;

/// The Disks screen.
#[derive(Debug, Clone, Default)]
pub struct DisksState {
    /// The highlighted disk (index into the disks offered).
    pub cursor: usize,
}

impl Component for DisksState {
    fn key(&mut self, k: KeyEvent, ctx: &mut Context) -> Option<Go> {
        let n = ctx.disks().len();
        if moved(&mut self.cursor, n, &k) {
            return None;
        }
        let pick = match k.code {
            KeyCode::Esc => {
                return Some(Go::Welcome {
                    at: 'i',
                    notice: None,
                })
            }
            KeyCode::Enter => Some(self.cursor),
            KeyCode::Char(c) => c
                .to_digit(10)
                .and_then(|d| (d as usize).checked_sub(1))
                .filter(|&i| i < n),
            _ => None,
        };
        match pick {
            Some(i) if i < n => {
                self.cursor = i;
                Some(Go::Inspect(i))
            }
            _ => None,
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &Context) -> String {
        let mut lines = vec![Line::from(t!("disks-intro")), Line::from("")];
        let mut cursor_line = 0;
        for (i, d) in ctx.disks().iter().enumerate() {
            let selected = i == self.cursor;
            if selected {
                cursor_line = lines.len();
            }
            let style = if selected {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            // The bus before the model: two disks of one model and size
            // are told apart by where they are plugged.
            let name = [d.model.as_deref(), d.serial.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let mut words = vec![format!("{}. {}", i + 1, d.path.display())];
            words.extend(d.bus.map(|b| b.to_string()));
            words.extend((!name.is_empty()).then_some(name));
            words.push(size(d.size));
            lines.push(Line::from(vec![
                Span::raw(if selected { "> " } else { "  " }),
                Span::styled(words.join("  "), style),
            ]));
            lines.push(Line::from(format!("     {}", disk_summary(d))));
            for issue in d.issues.iter().take(2) {
                lines.push(Line::from(format!("     ! {}", detect_issue(issue))));
            }
        }
        if ctx.disks().is_empty() {
            lines.push(Line::from(t!("disks-none")));
        }
        let inner = area.height.saturating_sub(2) as usize;
        let scroll = (cursor_line + 3).saturating_sub(inner) as u16;
        f.render_widget(
            Paragraph::new(lines)
                .block(boxed(&t!("screen-disks")))
                .wrap(Wrap { trim: false })
                .scroll((scroll, 0)),
            area,
        );
        t!("hints-disks")
    }
}
