//! Keyboard layout: the layouts offered on the VGA console. Choosing a
//! language brings the technician here with its layout proposed.

use crate::l10n::{t, Lang};
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
    /// The layout under the cursor is proposed for this language, just
    /// chosen: Enter takes it, Esc keeps the current one.
    pub proposed: Option<Lang>,
}

impl KeyboardState {
    /// The list with the cursor on `lang`'s layout, proposed.
    pub fn propose(lang: Lang, current: usize) -> KeyboardState {
        KeyboardState {
            cursor: LAYOUTS
                .iter()
                .position(|l| *l == lang.keyboard())
                .unwrap_or(current),
            proposed: Some(lang),
        }
    }
}

impl Component for KeyboardState {
    fn key(&mut self, k: KeyEvent, _ctx: &mut Context) -> Option<Go> {
        if moved(&mut self.cursor, LAYOUTS.len(), &k) {
            return None;
        }
        match k.code {
            KeyCode::Esc => Some(Go::Welcome {
                at: if self.proposed.is_some() { 'l' } else { 'k' },
                notice: None,
            }),
            KeyCode::Enter => Some(Go::Layout(self.cursor)),
            _ => None,
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &Context) -> String {
        let mut lines = vec![Line::from(t!("keyboard-intro")), Line::from("")];
        for (i, l) in LAYOUTS.iter().enumerate() {
            let mark = if i == self.cursor { "> " } else { "  " };
            let name = if i == ctx.layout {
                t!("item-current", item = *l)
            } else {
                l.to_string()
            };
            lines.push(Line::from(format!("{mark}{name}")));
        }
        let current = LAYOUTS[ctx.layout];
        if let Some(lang) = self.proposed {
            lines.push(Line::from(""));
            lines.push(Line::from(t!(
                "keyboard-proposed",
                language = lang.name(),
                layout = current
            )));
        }
        f.render_widget(text(lines, &t!("screen-keyboard")), area);
        match self.proposed {
            Some(_) => t!("hints-keyboard-proposed", layout = current),
            None => t!("hints-move-choose-back"),
        }
    }
}
