//! Review: the plan as steps, the configuration diff of an upgrade, what
//! is erased; the confirmation. Nothing is written before Enter here.

use crate::l10n::t;
use crossterm::event::{KeyCode, KeyEvent};
use install::{Action, Plan};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::context::{Component, Context, Go, Picked};
use super::widgets::{action_code, boxed, rows_needed, text};

/// The confirmation word of the English screens, accepted whatever the
/// language.
const ENGLISH_WORD: &str = "ERASE";

/// The Review screen.
#[derive(Debug, Default)]
pub struct ReviewState {
    pub picked: Picked,
    /// The first line of the plan shown.
    pub scroll: u16,
    /// Why nothing was started, under the confirmation.
    pub note: Option<String>,
}

impl ReviewState {
    pub fn new(picked: Picked) -> ReviewState {
        ReviewState {
            picked,
            scroll: 0,
            note: None,
        }
    }

    /// The word that confirms erasing (`ERASE`, in the screens'
    /// language), when the plan erases something.
    pub fn confirm_word(&self, ctx: &Context) -> Option<String> {
        let plan = self.picked.plan()?;
        let blank = matches!(
            ctx.disks()
                .get(self.picked.planned.disk)
                .map(|d| &d.content),
            Some(detect::Content::Blank)
        );
        (plan.action == Action::Wipe || (plan.action == Action::Install && !blank))
            .then(|| t!("confirm-word"))
    }

    /// The disk's short name, also accepted as confirmation.
    pub fn disk_name(&self) -> Option<String> {
        self.picked
            .plan()
            .and_then(|p| p.disk.file_name())
            .map(|n| n.to_string_lossy().into_owned())
    }

    /// The lines the plan shows: the steps still to come after this one
    /// (an upgrade of several steps), then the plan.
    fn lines(&self, plan: &Plan) -> Vec<String> {
        let then = self
            .picked
            .planned
            .choices
            .get(self.picked.chosen)
            .map_or(&[][..], |c| &c.then[..]);
        let mut out = crate::l10n::engine::plan_lines(plan);
        let at = 1.min(out.len());
        out.splice(at..at, super::action::steps_note(plan, then));
        out
    }

    /// The confirmation's lines: what to type or press, and the note.
    fn confirm_lines(&self, plan: &Plan, word: Option<String>) -> Vec<Line<'static>> {
        let mut confirm = Vec::new();
        match word {
            Some(w) => {
                confirm.push(Line::from(match self.disk_name() {
                    Some(n) => t!("confirm-type-or-name", word = w, name = n),
                    None => t!("confirm-type", word = w),
                }));
                confirm.push(Line::from(format!("> {}_", self.picked.typed)));
            }
            None => confirm.push(Line::from(t!(
                "confirm-enter",
                action = action_code(plan.action)
            ))),
        }
        if let Some(n) = &self.note {
            confirm.push(Line::from(n.clone()));
        }
        confirm
    }

    /// Back to What to do, the cursor on `cursor`.
    fn back(&mut self, cursor: usize) -> Go {
        Go::Action {
            planned: std::mem::take(&mut self.picked.planned),
            cursor,
        }
    }
}

impl Component for ReviewState {
    fn key(&mut self, k: KeyEvent, ctx: &mut Context) -> Option<Go> {
        let Some(plan) = self.picked.plan().cloned() else {
            return Some(self.back(0));
        };
        let word = self.confirm_word(ctx);
        match k.code {
            KeyCode::Esc => return Some(self.back(self.picked.chosen)),
            KeyCode::Up => self.scroll = self.scroll.saturating_sub(1),
            KeyCode::Down => self.scroll = self.scroll.saturating_add(1),
            KeyCode::PageUp => self.scroll = self.scroll.saturating_sub(10),
            KeyCode::PageDown => self.scroll = self.scroll.saturating_add(10),
            KeyCode::Backspace if word.is_some() => {
                self.picked.typed.pop();
            }
            KeyCode::Char(c)
                if word.is_some() && !c.is_control() && self.picked.typed.len() < 64 =>
            {
                self.picked.typed.push(c);
                self.note = None;
            }
            KeyCode::Enter => {
                if let Some(w) = word {
                    let typed = self.picked.typed.trim();
                    let by_name = self.disk_name().is_some_and(|n| n == typed);
                    // The English word is accepted in every language: it
                    // is what the technician may have been told to type.
                    if typed != w && typed != ENGLISH_WORD && !by_name {
                        self.note = Some(t!("confirm-wrong", word = w));
                        self.picked.typed.clear();
                        return None;
                    }
                }
                return Some(Go::Start {
                    plan: Box::new(plan),
                    picked: std::mem::take(&mut self.picked),
                    unattended: false,
                });
            }
            _ => {}
        }
        let max = self.lines(&plan).len().saturating_sub(1) as u16;
        self.scroll = self.scroll.min(max);
        None
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &Context) -> String {
        let Some(plan) = self.picked.plan() else {
            return String::new();
        };
        let word = self.confirm_word(ctx);
        let confirm = self.confirm_lines(plan, word);
        // The confirmation is never cut: its box grows with what it says
        // (a longer language, a note under it), the plan scrolls above.
        let inner = area.width.saturating_sub(2).max(1) as usize;
        let rows: usize = confirm
            .iter()
            .map(|l| {
                let s: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
                rows_needed(&s, inner)
            })
            .sum();
        let height = (rows + 2).clamp(5, area.height.saturating_sub(4).max(5) as usize) as u16;
        let [top, bottom] =
            Layout::vertical([Constraint::Min(4), Constraint::Length(height)]).areas(area);
        let lines: Vec<Line> = self.lines(plan).into_iter().map(Line::from).collect();
        let total = lines.len();
        let title = t!(
            "review-title",
            action = action_code(plan.action),
            line = (self.scroll as usize + 1).min(total),
            total = total
        );
        f.render_widget(
            Paragraph::new(lines)
                .block(boxed(&title))
                .wrap(Wrap { trim: false })
                .scroll((self.scroll, 0)),
            top,
        );
        f.render_widget(text(confirm, &t!("screen-confirm")), bottom);
        t!("hints-review")
    }
}
