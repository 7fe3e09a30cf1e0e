//! Keyboard layout: the layouts offered on the VGA console.

use crate::l10n::t;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

use super::context::{Component, Context, Go, LAYOUTS};
use super::widgets::{moved, text};

/// The Keyboard layout screen.
#[derive(Debug, Clone, Default)]
pub struct KeyboardState {
    /// The highlighted layout (index into [`LAYOUTS`]).
    pub cursor: usize,
}

impl Component for KeyboardState {
    fn key(&mut self, k: KeyEvent, _ctx: &mut Context) -> Option<Go> {
        if moved(&mut self.cursor, LAYOUTS.len(), &k) {
            return None;
        }
        match k.code {
            KeyCode::Esc => Some(Go::Welcome {
                at: 'k',
                notice: None,
            }),
            KeyCode::Enter => Some(Go::Layout(self.cursor)),
            _ => None,
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &Context) -> &'static str {
        let mut lines = vec![
            Line::from("Choose the layout of the keyboard attached to this machine."),
            Line::from(""),
        ];
        for (i, l) in LAYOUTS.iter().enumerate() {
            let mark = if i == self.cursor { "> " } else { "  " };
            let cur = if i == ctx.layout { " (current)" } else { "" };
            lines.push(Line::from(format!("{mark}{l}{cur}")));
        }
        f.render_widget(text(lines, &t!("screen-keyboard")), area);
        "Up/Down move  Enter choose  Esc back"
    }
}
