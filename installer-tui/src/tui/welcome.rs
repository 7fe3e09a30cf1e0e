//! Welcome: what the medium carries, and the first choice. Also the
//! keyboard layout list.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

use super::app::{App, Exit, Screen, LAYOUTS};
use super::event::Command;
use super::widgets::{entry, moved, text};

/// The menu: shortcut, label.
pub const MENU: [(char, &str); 6] = [
    ('i', "Install or upgrade"),
    ('c', "Check this medium"),
    ('k', "Keyboard layout"),
    ('s', "Rescue shell"),
    ('b', "Reboot"),
    ('p', "Power off"),
];

fn enabled(app: &App, i: usize) -> bool {
    i != 0 || app.loaded.is_some()
}

pub fn key(app: &mut App, k: KeyEvent) -> Vec<Command> {
    if moved(&mut app.cursor, MENU.len(), &k) {
        return Vec::new();
    }
    let pick = match k.code {
        KeyCode::Enter => Some(app.cursor),
        KeyCode::Char(c) => MENU.iter().position(|(m, _)| *m == c.to_ascii_lowercase()),
        _ => None,
    };
    let Some(i) = pick else {
        return Vec::new();
    };
    if !enabled(app, i) {
        return Vec::new();
    }
    app.cursor = i;
    app.notice = None;
    match MENU[i].0 {
        'i' => {
            app.go(Screen::Disks);
            Vec::new()
        }
        'c' => {
            app.check = Default::default();
            app.check.started = Some(std::time::Instant::now());
            app.go(Screen::Check);
            vec![Command::Check]
        }
        'k' => {
            app.screen = Screen::Keyboard;
            app.cursor = app.layout;
            Vec::new()
        }
        's' => {
            app.exit = Some(Exit::Shell);
            Vec::new()
        }
        'b' => {
            app.exit = Some(Exit::Reboot);
            Vec::new()
        }
        'p' => {
            app.exit = Some(Exit::PowerOff);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

pub fn draw(f: &mut Frame, area: Rect, app: &App) -> &'static str {
    let m = &app.setup.medium;
    let mut lines = Vec::new();
    match &app.loaded {
        Some(l) => {
            let mf = &l.payload.manifest;
            lines.push(Line::from(format!(
                "Release on this medium: {} {} ({})",
                mf.product,
                mf.version,
                mf.kind.to_string().to_lowercase()
            )));
            lines.push(Line::from(format!(
                "Signature verified: key {}",
                l.payload.signer.short()
            )));
        }
        None if app.load_error.is_some() => {
            lines.push(Line::from("THE MEDIUM CANNOT BE USED TO INSTALL:"));
            lines.push(Line::from(app.load_error.clone().unwrap_or_default()));
            lines.push(Line::from(
                "Nothing will be installed from it. Use another medium.",
            ));
        }
        None => lines.push(Line::from("Reading the medium...")),
    }
    lines.push(Line::from(format!(
        "Medium: {}{}",
        m.path.display(),
        m.id().map(|id| format!(" (id {id})")).unwrap_or_default()
    )));
    if let Some(n) = &app.notice {
        lines.push(Line::from(""));
        lines.push(Line::from(format!("! {n}")));
    }
    lines.push(Line::from(""));
    for (i, (k, label)) in MENU.iter().enumerate() {
        let label = if *k == 'k' {
            format!("{label}: {}", LAYOUTS[app.layout])
        } else {
            label.to_string()
        };
        lines.push(entry(app.cursor == i, *k, &label, enabled(app, i)));
    }
    if let Some(n) = &app.layout_note {
        lines.push(Line::from(format!("  {n}")));
    }
    f.render_widget(text(lines, "Welcome"), area);
    "Up/Down move  Enter choose  i c k s b p shortcuts"
}

pub fn layout_key(app: &mut App, k: KeyEvent) -> Vec<Command> {
    if moved(&mut app.cursor, LAYOUTS.len(), &k) {
        return Vec::new();
    }
    match k.code {
        KeyCode::Esc => {
            app.screen = Screen::Welcome;
            app.cursor = 2;
            Vec::new()
        }
        KeyCode::Enter => {
            app.layout = app.cursor;
            app.screen = Screen::Welcome;
            app.cursor = 2;
            if app.setup.serial {
                app.layout_note = Some("On a serial console your terminal sets the layout.".into());
                Vec::new()
            } else {
                vec![Command::SetLayout(LAYOUTS[app.layout].to_string())]
            }
        }
        _ => Vec::new(),
    }
}

pub fn draw_layouts(f: &mut Frame, area: Rect, app: &App) -> &'static str {
    let mut lines = vec![
        Line::from("Choose the layout of the keyboard attached to this machine."),
        Line::from(""),
    ];
    for (i, l) in LAYOUTS.iter().enumerate() {
        let mark = if i == app.cursor { "> " } else { "  " };
        let cur = if i == app.layout { " (current)" } else { "" };
        lines.push(Line::from(format!("{mark}{l}{cur}")));
    }
    f.render_widget(text(lines, "Keyboard layout"), area);
    "Up/Down move  Enter choose  Esc back"
}
