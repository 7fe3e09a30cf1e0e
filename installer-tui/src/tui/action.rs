//! What to do: what can be done with the chosen disk. Every choice is
//! planned before it is shown; the ones `plan` refuses are dimmed, with the
//! reason.

use crate::l10n::{engine, t};
use crossterm::event::{KeyCode, KeyEvent};
use detect::Content;
use install::{Action, PayloadInfo, Target};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

use super::context::{Choice, Component, Context, Go, Picked, Planned, Setup};
use super::widgets::{disk_summary, entry, moved, text};

/// The What to do screen.
#[derive(Debug, Default)]
pub struct ActionState {
    pub planned: Planned,
    /// The highlighted choice.
    pub cursor: usize,
}

/// What the plans of a disk depend on besides the disk and the payload.
#[derive(Debug, Clone, Default)]
pub struct Given {
    /// The configuration values of the answer file being carried out.
    pub answers: Option<install::Answers>,
    /// The medium check passed in this boot: every chunk of the payload
    /// was read and verified already.
    pub verified: bool,
    /// The unattended run (medium and answer file) being carried out.
    pub unattended: Option<detect::state::UnattendedRun>,
}

/// Plan every choice the engine offers for `target` from the medium's
/// `payloads` ([`install::offer::offers`]). Pure apart from the machine
/// id, which the caller picks.
pub fn choices(
    setup: &Setup,
    payloads: &[PayloadInfo],
    target: &Target,
    machine_id: &str,
    given: &Given,
) -> Vec<Choice> {
    let manifests: Vec<&payload::Manifest> = payloads.iter().map(|p| &p.manifest).collect();
    let installed = install::offer::Installed::of(target);
    let offers = install::offer::offers(&target.report.content, installed.as_ref(), &manifests);
    offers
        .into_iter()
        .filter_map(|o| {
            let payload = payloads.get(o.payload)?;
            let m = &payload.manifest;
            let v = &m.version;
            let then: Vec<payload::Version> = o
                .then
                .iter()
                .filter_map(|&i| payloads.get(i).map(|p| p.manifest.version.clone()))
                .collect();
            let v = v.to_string();
            let (key, label) = match (o.action, &target.report.content) {
                (Action::Hotfix, _) => (
                    'h',
                    t!(
                        "action-hotfix",
                        id = m.hotfix_id.clone().unwrap_or_default(),
                        version = v
                    ),
                ),
                (Action::Upgrade, _) if !then.is_empty() => (
                    'u',
                    t!("action-upgrade-then", version = v, then = list(&then)),
                ),
                (Action::Upgrade, _) => ('u', t!("action-upgrade", version = v)),
                (Action::Repair, _) => ('r', t!("action-repair", version = v)),
                (Action::Install, _) => ('i', t!("action-install", version = v)),
                (Action::Wipe, Content::Ferry(_)) => ('w', t!("action-wipe", version = v)),
                (Action::Wipe, _) => ('i', t!("action-install-erase", version = v)),
            };
            let mut c = install::Choice::new(o.action);
            c.sizes = setup.sizes;
            c.boot_loader = setup.boot_loader.clone();
            c.shim = setup.shim.clone();
            c.report_dirs = setup.medium.report_dirs();
            c.medium = setup.medium.id().map(str::to_string);
            c.payload_verified = given.verified;
            c.firmware = setup.firmware;
            c.machine = setup.machine.clone();
            c.log = setup.log_file.clone();
            if matches!(o.action, Action::Install | Action::Wipe) {
                c.machine_id = Some(machine_id.to_string());
                c.answers = given.answers.clone();
                c.unattended = given.unattended.clone();
            }
            Some(Choice {
                key,
                label,
                action: o.action,
                plan: install::plan(target, payload, &c).map(Box::new),
                then,
            })
        })
        .collect()
}

/// "1.2.0 and 2.0.0", "1.1.0, 1.2.0 and 2.0.0".
fn list(versions: &[payload::Version]) -> String {
    let names: Vec<String> = versions.iter().map(ToString::to_string).collect();
    match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => t!("list-and", rest = rest.join(", "), last = last.as_str()),
        None => String::new(),
    }
}

/// What the technician reads about an upgrade that is one step of
/// several: which release comes now, what remains, and how to go on.
/// Empty for any other plan.
pub fn steps_note(plan: &install::Plan, then: &[payload::Version]) -> Vec<String> {
    let Some(last) = then.last() else {
        return Vec::new();
    };
    let from = plan
        .from
        .as_ref()
        .map_or_else(|| t!("steps-this-release"), ToString::to_string);
    let to = plan.to.to_string();
    vec![
        t!(
            "steps-note-1",
            from = from,
            last = last.to_string(),
            to = to.as_str()
        ),
        t!("steps-note-2", to = to.as_str(), then = list(then)),
    ]
}

impl Component for ActionState {
    fn key(&mut self, k: KeyEvent, _ctx: &mut Context) -> Option<Go> {
        let choices = &self.planned.choices;
        if moved(&mut self.cursor, choices.len(), &k) {
            return None;
        }
        let i = match k.code {
            KeyCode::Esc => {
                return Some(Go::Disks {
                    cursor: self.planned.disk,
                })
            }
            KeyCode::Enter => Some(self.cursor),
            KeyCode::Char(c) => choices
                .iter()
                .position(|ch| ch.key == c.to_ascii_lowercase()),
            _ => None,
        }?;
        self.cursor = i;
        let possible = choices.get(i).is_some_and(|c| c.plan.is_ok());
        possible.then(|| {
            Go::Review(Picked {
                planned: std::mem::take(&mut self.planned),
                chosen: i,
                typed: String::new(),
            })
        })
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &Context) -> String {
        let planned = &self.planned;
        let mut lines = Vec::new();
        if let Some(d) = ctx.disks().get(planned.disk) {
            lines.push(Line::from(t!(
                "action-disk",
                disk = d.path.display().to_string()
            )));
            lines.push(Line::from(format!("  {}", disk_summary(d))));
            lines.push(Line::from(""));
        }
        if let Some(e) = &planned.error {
            lines.push(Line::from(t!(
                "action-disk-unusable",
                error = engine::inspect_error(e)
            )));
        }
        for (i, c) in planned.choices.iter().enumerate() {
            lines.push(entry(i == self.cursor, c.key, &c.label, c.plan.is_ok()));
            match &c.plan {
                Err(why) => lines.push(Line::from(format!("      {}", engine::refusal(why)))),
                Ok(plan) => {
                    for note in steps_note(plan, &c.then) {
                        lines.push(Line::from(format!("      {note}")));
                    }
                }
            }
        }
        if planned.choices.iter().all(|c| c.plan.is_err()) {
            lines.push(Line::from(""));
            lines.push(Line::from(t!("action-nothing")));
        }
        f.render_widget(text(lines, &t!("screen-action")), area);
        t!("hints-move-choose-back")
    }
}
