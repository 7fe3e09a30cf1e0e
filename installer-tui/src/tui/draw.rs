//! Drawing: the frame every screen shares (title line, key line, the
//! other console's banner), with the screen shown inside it.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::app::{App, Screen};
use super::widgets::boxed;

/// Title of every screen; tests and the QEMU harness wait for it.
pub const TITLE: &str = "Ferry installer";

/// Draw the whole screen from the state; changes nothing.
pub fn draw(f: &mut Frame, app: &App) {
    let ctx = &app.ctx;
    let [head, body, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(f.area());
    let mut title = TITLE.to_string();
    if let Some(r) = ctx.release() {
        title.push_str(" - ");
        title.push_str(&r);
    }
    let right = if ctx.setup.boot {
        ctx.setup
            .medium
            .id()
            .map(|id| format!("medium {id}"))
            .unwrap_or_default()
    } else {
        "simulation".to_string()
    };
    let pad = (head.width as usize).saturating_sub(title.len() + right.len());
    f.render_widget(
        Paragraph::new(format!("{title}{}{right}", " ".repeat(pad)))
            .style(Style::default().add_modifier(Modifier::REVERSED)),
        head,
    );
    let body = if ctx.other_busy && !app.running() {
        let [banner, rest] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(2)]).areas(body);
        f.render_widget(
            Paragraph::new("! The installer on the other console is working.")
                .style(Style::default().add_modifier(Modifier::BOLD)),
            banner,
        );
        rest
    } else {
        body
    };
    let hints = match (&app.screen, app.screen.component()) {
        (_, Some(screen)) => screen.draw(f, body, ctx),
        (Screen::Inspecting { .. }, None) => waiting(
            f,
            body,
            "Disk",
            "Looking at the disk and checking every choice...",
        ),
        (_, None) => waiting(
            f,
            body,
            "Starting",
            "Checking the medium's signature and looking at the disks...",
        ),
    };
    f.render_widget(
        Paragraph::new(hints).style(Style::default().add_modifier(Modifier::REVERSED)),
        keys,
    );
}

/// A box saying what the installer is busy with; no keys to hint at.
fn waiting(f: &mut Frame, area: Rect, title: &str, what: &str) -> &'static str {
    f.render_widget(
        Paragraph::new(vec![Line::from(""), Line::from(what.to_string())]).block(boxed(title)),
        area,
    );
    ""
}
