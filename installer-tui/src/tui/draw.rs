//! Drawing: the frame every screen shares (title line, key line, the
//! other console's banner), with the screen shown inside it.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::app::{App, Screen};
use super::widgets::boxed;
use crate::l10n::{self, t};

/// Draw the whole screen from the state, in its language; changes
/// nothing else. The title line starts with the installer's name
/// (`app-title`: tests and the QEMU harness wait for it).
pub fn draw(f: &mut Frame, app: &App) {
    let ctx = &app.ctx;
    l10n::set(ctx.lang);
    let [head, body, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(f.area());
    let mut title = t!("app-title");
    if let Some(r) = ctx.release() {
        title.push_str(" - ");
        title.push_str(&r);
    }
    let right = if ctx.setup.boot {
        ctx.setup
            .medium
            .id()
            .map(|id| t!("header-medium", id = id))
            .unwrap_or_default()
    } else {
        t!("header-simulation")
    };
    let pad = (head.width as usize).saturating_sub(title.chars().count() + right.chars().count());
    f.render_widget(
        Paragraph::new(format!("{title}{}{right}", " ".repeat(pad)))
            .style(Style::default().add_modifier(Modifier::REVERSED)),
        head,
    );
    let body = if ctx.other_busy && !app.running() {
        let [banner, rest] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(2)]).areas(body);
        f.render_widget(
            Paragraph::new(t!("other-console-busy"))
                .style(Style::default().add_modifier(Modifier::BOLD)),
            banner,
        );
        rest
    } else {
        body
    };
    let hints = match (&app.screen, app.screen.component()) {
        (_, Some(screen)) => screen.draw(f, body, ctx),
        (Screen::Inspecting { .. }, None) => {
            waiting(f, body, &t!("waiting-disk-title"), &t!("waiting-disk"))
        }
        (_, None) => waiting(f, body, &t!("waiting-start-title"), &t!("waiting-start")),
    };
    f.render_widget(
        Paragraph::new(hints).style(Style::default().add_modifier(Modifier::REVERSED)),
        keys,
    );
}

/// A box saying what the installer is busy with; no keys to hint at.
fn waiting(f: &mut Frame, area: Rect, title: &str, what: &str) -> String {
    f.render_widget(
        Paragraph::new(vec![Line::from(""), Line::from(what.to_string())]).block(boxed(title)),
        area,
    );
    String::new()
}
