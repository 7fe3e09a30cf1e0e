//! Welcome: what the medium carries, and the first choice.

use crate::l10n::{engine, t};
use crossterm::event::{KeyCode, KeyEvent};
use detect::Firmware;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::Frame;

use super::context::{Component, Context, Exit, Go, LAYOUTS};
use super::widgets::{entry, moved, rows_needed, text};

/// The menu's shortcuts, in order.
pub const MENU: [char; 7] = ['i', 'c', 'k', 'l', 's', 'b', 'p'];

/// The label of the menu entry `key`.
pub fn label(key: char, ctx: &Context) -> String {
    match key {
        'i' => t!("menu-install"),
        'c' => t!("menu-check"),
        'k' => t!("menu-keyboard", layout = LAYOUTS[ctx.layout]),
        'l' => t!("menu-language", language = ctx.lang.name()),
        's' => t!("menu-shell"),
        'b' => t!("menu-reboot"),
        _ => t!("menu-poweroff"),
    }
}

/// Shown first when the installer trusts a published demo key
/// (`payload::demo_key`): its private half is public.
pub fn demo_key_warning() -> [String; 2] {
    [t!("demo-key-warning-1"), t!("demo-key-warning-2")]
}

/// Shown on Welcome when the machine started the installer in legacy
/// BIOS mode: the engine refuses install and wipe there
/// (`install::Refusal::BiosMode`), and this says why and what to do
/// before the technician gets that far.
pub fn bios_mode_warning() -> [String; 3] {
    [
        t!("bios-warning-1"),
        t!("bios-warning-2"),
        t!("bios-warning-3"),
    ]
}

/// How the machine started, as Welcome says it (`UEFI, Secure Boot on`).
fn firmware(fw: Firmware) -> String {
    match fw {
        Firmware::Bios => t!("firmware-bios"),
        Firmware::Uefi {
            secure_boot,
            setup_mode,
        } => {
            let sb = match secure_boot {
                Some(true) => "on",
                Some(false) => "off",
                None => "unknown",
            };
            if setup_mode == Some(true) {
                t!("firmware-uefi-setup-mode", secure_boot = sb)
            } else {
                t!("firmware-uefi", secure_boot = sb)
            }
        }
    }
}

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
            cursor: MENU.iter().position(|k| *k == at).unwrap_or(0),
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
            KeyCode::Char(c) => MENU.iter().position(|m| *m == c.to_ascii_lowercase()),
            _ => None,
        }?;
        if !enabled(ctx, i) {
            return None;
        }
        self.cursor = i;
        self.notice = None;
        match MENU[i] {
            'i' => return Some(Go::Disks { cursor: 0 }),
            'c' => return Some(Go::Check),
            'k' => return Some(Go::Keyboard),
            'l' => return Some(Go::Language),
            's' => ctx.exit = Some(Exit::Shell),
            'b' => ctx.exit = Some(Exit::Reboot),
            'p' => ctx.exit = Some(Exit::PowerOff),
            _ => {}
        }
        None
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &Context) -> String {
        let m = &ctx.setup.medium;
        let mut lines = Vec::new();
        if !ctx.setup.trust.demo_keys().is_empty() {
            let loud = Style::default().add_modifier(Modifier::BOLD);
            lines.extend(demo_key_warning().map(|l| Line::styled(l, loud)));
            lines.push(Line::from(""));
        }
        match &ctx.loaded {
            Some(l) => {
                if let Some(main) = l.payloads.first() {
                    let mf = &main.manifest;
                    let others: Vec<String> = l.payloads[1..]
                        .iter()
                        .map(|p| match &p.manifest.hotfix_id {
                            Some(id) => t!(
                                "welcome-hotfix-item",
                                version = p.manifest.version.to_string(),
                                id = id.as_str()
                            ),
                            None => p.manifest.version.to_string(),
                        })
                        .collect();
                    let kind = match mf.kind {
                        payload::Kind::Release => t!("kind-release"),
                        payload::Kind::Hotfix => t!("kind-hotfix"),
                    };
                    let (product, version) = (mf.product.to_string(), mf.version.to_string());
                    lines.push(Line::from(if others.is_empty() {
                        t!(
                            "welcome-release",
                            product = product,
                            version = version,
                            kind = kind
                        )
                    } else {
                        t!(
                            "welcome-release-also",
                            product = product,
                            version = version,
                            kind = kind,
                            others = others.join(", ")
                        )
                    }));
                    let mut keys: Vec<String> = Vec::new();
                    for p in &l.payloads {
                        let k = p.signer.short();
                        if !keys.contains(&k) {
                            keys.push(k);
                        }
                    }
                    lines.push(Line::from(t!(
                        "welcome-signature",
                        count = keys.len(),
                        keys = keys.join(", ")
                    )));
                }
            }
            None if ctx.load_error.is_some() => {
                lines.push(Line::from(t!("welcome-unusable")));
                if let Some(e) = &ctx.load_error {
                    lines.push(Line::from(engine::load_error(e)));
                }
                lines.push(Line::from(t!("welcome-unusable-advice")));
            }
            None => lines.push(Line::from(t!("welcome-reading"))),
        }
        let path = m.path.display().to_string();
        lines.push(Line::from(match m.id() {
            Some(id) => t!("welcome-medium-id", path = path, id = id),
            None => t!("welcome-medium", path = path),
        }));
        match ctx.setup.firmware {
            Some(fw) if fw.is_uefi() => {
                lines.push(Line::from(t!("welcome-firmware", firmware = firmware(fw))));
            }
            Some(_) => {
                let loud = Style::default().add_modifier(Modifier::BOLD);
                lines.push(Line::from(""));
                lines.extend(bios_mode_warning().map(|l| Line::styled(l, loud)));
            }
            None => {}
        }
        if let Some(n) = &self.notice {
            lines.push(Line::from(""));
            lines.push(Line::from(t!("welcome-notice", notice = n.as_str())));
        }
        lines.push(Line::from(""));
        for (i, k) in MENU.iter().enumerate() {
            lines.push(entry(
                self.cursor == i,
                *k,
                &label(*k, ctx),
                enabled(ctx, i),
            ));
        }
        if let Some(n) = &ctx.layout_note {
            lines.push(Line::from(format!("  {n}")));
        } else if !ctx.setup.serial
            && !ctx.layout_chosen
            && ctx.lang.keyboard() != LAYOUTS[ctx.layout]
        {
            let n = t!(
                "layout-proposed-at-start",
                language = ctx.lang.name(),
                layout = ctx.lang.keyboard()
            );
            lines.push(Line::from(format!("  {n}")));
        }
        // At 80x24 the warnings, a notice and the menu may not all fit
        // with their spacing: the blank lines go first, from the top, so
        // that the menu stays whole.
        let (width, height) = (
            usize::from(area.width.saturating_sub(2)),
            usize::from(area.height.saturating_sub(2)),
        );
        let rows =
            |ls: &[Line]| -> usize { ls.iter().map(|l| rows_needed(&l.to_string(), width)).sum() };
        while rows(&lines) > height {
            match lines.iter().position(|l| l.width() == 0) {
                Some(i) => {
                    lines.remove(i);
                }
                None => break,
            }
        }
        f.render_widget(text(lines, &t!("screen-welcome")), area);
        t!("hints-welcome")
    }
}
