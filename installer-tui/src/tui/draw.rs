//! Drawing: the frame every screen shares (title line, key line), with
//! the screen shown inside it.

use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::app::{App, Screen};
use super::widgets::boxed;
use super::{action, check, disks, done, progress, review, welcome};

/// Title of every screen; tests and the QEMU harness wait for it.
pub const TITLE: &str = "Ferry installer";

/// Draw the whole screen from the state; changes nothing.
pub fn draw(f: &mut Frame, app: &App) {
    let [head, body, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(f.area());
    let mut title = TITLE.to_string();
    if let Some(r) = app.release() {
        title.push_str(" - ");
        title.push_str(&r);
    }
    let right = if app.setup.boot {
        app.setup
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
    let body = if app.other_busy && app.screen != Screen::Progress {
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
    let hints = match app.screen {
        Screen::Loading => {
            f.render_widget(
                Paragraph::new(vec![
                    Line::from(""),
                    Line::from("Checking the medium's signature and looking at the disks..."),
                ])
                .block(boxed("Starting")),
                body,
            );
            ""
        }
        Screen::Welcome => welcome::draw(f, body, app),
        Screen::Keyboard => welcome::draw_layouts(f, body, app),
        Screen::Check => check::draw(f, body, app),
        Screen::Disks => disks::draw(f, body, app),
        Screen::Inspecting => {
            f.render_widget(
                Paragraph::new(vec![
                    Line::from(""),
                    Line::from("Looking at the disk and checking every choice..."),
                ])
                .block(boxed("Disk")),
                body,
            );
            ""
        }
        Screen::Action => action::draw(f, body, app),
        Screen::Review => review::draw(f, body, app),
        Screen::Progress => progress::draw(f, body, app),
        Screen::Done | Screen::Failed => done::draw(f, body, app),
    };
    f.render_widget(
        Paragraph::new(hints).style(Style::default().add_modifier(Modifier::REVERSED)),
        keys,
    );
}
