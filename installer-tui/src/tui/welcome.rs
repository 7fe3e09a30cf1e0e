//! Welcome: what the medium carries, and the first choice.

use crate::l10n::t;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::Frame;

use super::context::{Component, Context, Exit, Go, LAYOUTS};
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

/// Shown first when the installer trusts a published demo key
/// (`payload::demo_key`): its private half is public.
pub const DEMO_KEY_WARNING: [&str; 2] = [
    "WARNING: this medium trusts the public demo key (for demos and tests only):",
    "anyone can sign software it installs, and machines it installs trust it.",
];

/// Shown on Welcome when the machine started the installer in legacy
/// BIOS mode: the engine refuses install and wipe there
/// (`install::Refusal::BiosMode`), and this says why and what to do
/// before the technician gets that far.
pub const BIOS_MODE_WARNING: [&str; 3] = [
    "THIS MACHINE STARTED THE INSTALLER IN LEGACY BIOS MODE: the system installed",
    "starts only with UEFI, so install and wipe are refused. Restart and choose",
    "the stick's UEFI entry in the firmware's boot menu (a DVD: the drive's).",
];

/// The Welcome screen.
#[derive(Debug, Clone, Default)]
pub struct WelcomeState {
    /// The highlighted menu entry.
    pub cursor: usize,
    /// A message shown on top (the answer file's mistakes), until the
    /// technician picks an entry.
    pub notice: Option<String>,
}

impl WelcomeState {
    /// Welcome with the cursor on the entry whose shortcut is `at`.
    pub fn at(at: char, notice: Option<String>) -> WelcomeState {
        WelcomeState {
            cursor: MENU.iter().position(|(k, _)| *k == at).unwrap_or(0),
            notice,
        }
    }
}

fn enabled(ctx: &Context, i: usize) -> bool {
    i != 0 || ctx.loaded.is_some()
}

impl Component for WelcomeState {
    fn key(&mut self, k: KeyEvent, ctx: &mut Context) -> Option<Go> {
        if moved(&mut self.cursor, MENU.len(), &k) {
            return None;
        }
        let i = match k.code {
            KeyCode::Enter => Some(self.cursor),
            KeyCode::Char(c) => MENU.iter().position(|(m, _)| *m == c.to_ascii_lowercase()),
            _ => None,
        }?;
        if !enabled(ctx, i) {
            return None;
        }
        self.cursor = i;
        self.notice = None;
        match MENU[i].0 {
            'i' => return Some(Go::Disks { cursor: 0 }),
            'c' => return Some(Go::Check),
            'k' => return Some(Go::Keyboard),
            's' => ctx.exit = Some(Exit::Shell),
            'b' => ctx.exit = Some(Exit::Reboot),
            'p' => ctx.exit = Some(Exit::PowerOff),
            _ => {}
        }
        None
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &Context) -> &'static str {
        let m = &ctx.setup.medium;
        let mut lines = Vec::new();
        if !ctx.setup.trust.demo_keys().is_empty() {
            let loud = Style::default().add_modifier(Modifier::BOLD);
            lines.push(Line::styled(DEMO_KEY_WARNING[0], loud));
            lines.push(Line::styled(DEMO_KEY_WARNING[1], loud));
            lines.push(Line::from(""));
        }
        match &ctx.loaded {
            Some(l) => {
                if let Some(main) = l.payloads.first() {
                    let mf = &main.manifest;
                    let others: Vec<String> = l.payloads[1..]
                        .iter()
                        .map(|p| match &p.manifest.hotfix_id {
                            Some(id) => format!("{} hotfix {id}", p.manifest.version),
                            None => p.manifest.version.to_string(),
                        })
                        .collect();
                    lines.push(Line::from(format!(
                        "Release on this medium: {} {} ({}){}",
                        mf.product,
                        mf.version,
                        mf.kind.to_string().to_lowercase(),
                        if others.is_empty() {
                            String::new()
                        } else {
                            format!("; also {}", others.join(", "))
                        }
                    )));
                    let mut keys: Vec<String> = Vec::new();
                    for p in &l.payloads {
                        let k = p.signer.short();
                        if !keys.contains(&k) {
                            keys.push(k);
                        }
                    }
                    lines.push(Line::from(format!(
                        "Signature verified: key {}",
                        keys.join(", ")
                    )));
                }
            }
            None if ctx.load_error.is_some() => {
                lines.push(Line::from("THE MEDIUM CANNOT BE USED TO INSTALL:"));
                if let Some(e) = &ctx.load_error {
                    lines.push(Line::from(e.to_string()));
                }
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
        match ctx.setup.firmware {
            Some(fw) if fw.is_uefi() => {
                lines.push(Line::from(format!(
                    "Machine started with: {}",
                    fw.describe()
                )));
            }
            Some(_) => {
                let loud = Style::default().add_modifier(Modifier::BOLD);
                lines.push(Line::from(""));
                lines.extend(BIOS_MODE_WARNING.map(|l| Line::styled(l, loud)));
            }
            None => {}
        }
        if let Some(n) = &self.notice {
            lines.push(Line::from(""));
            lines.push(Line::from(format!("! {n}")));
        }
        lines.push(Line::from(""));
        for (i, (k, label)) in MENU.iter().enumerate() {
            let label = if *k == 'k' {
                format!("{label}: {}", LAYOUTS[ctx.layout])
            } else {
                label.to_string()
            };
            lines.push(entry(self.cursor == i, *k, &label, enabled(ctx, i)));
        }
        if let Some(n) = &ctx.layout_note {
            lines.push(Line::from(format!("  {n}")));
        }
        f.render_widget(text(lines, &t!("screen-welcome")), area);
        "Up/Down move  Enter choose  i c k s b p shortcuts"
    }
}
