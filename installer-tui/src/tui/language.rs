//! Language: the languages the installer speaks, each by its own name.

use crate::l10n::{t, Lang};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

use super::context::{Component, Context, Go};
use super::widgets::{moved, text};

/// The Language screen.
#[derive(Debug, Clone, Default)]
pub struct LanguageState {
    /// The highlighted language (index into [`Lang::ALL`]).
    pub cursor: usize,
}

impl LanguageState {
    /// The list, the cursor on `lang`.
    pub fn at(lang: Lang) -> LanguageState {
        LanguageState {
            cursor: Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0),
        }
    }
}

impl Component for LanguageState {
    fn key(&mut self, k: KeyEvent, _ctx: &mut Context) -> Option<Go> {
        if moved(&mut self.cursor, Lang::ALL.len(), &k) {
            return None;
        }
        match k.code {
            KeyCode::Esc => Some(Go::Welcome {
                at: 'l',
                notice: None,
            }),
            KeyCode::Enter => Lang::ALL.get(self.cursor).copied().map(Go::Lang),
            _ => None,
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &Context) -> String {
        let mut lines = vec![Line::from(t!("language-intro")), Line::from("")];
        for (i, l) in Lang::ALL.iter().enumerate() {
            let mark = if i == self.cursor { "> " } else { "  " };
            let name = if *l == ctx.lang {
                t!("item-current", item = l.name())
            } else {
                l.name()
            };
            lines.push(Line::from(format!("{mark}{name}")));
        }
        f.render_widget(text(lines, &t!("screen-language")), area);
        t!("hints-move-choose-back")
    }
}
