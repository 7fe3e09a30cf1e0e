//! Events and what they change: keys from the technician, messages from
//! background work, and the commands the event loop carries out for the
//! handlers (so the handlers stay free of threads and I/O). Keys go to the
//! screen shown; where it leads ([`Go`]) and what background work reports
//! are carried out here.

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use install::{Progress, Report};

use super::action::ActionState;
use super::app::{App, Screen};
use super::check::CheckState;
use super::context::{Choice, Exit, Go, Loaded, Planned, LAYOUTS};
use super::disks::DisksState;
use super::done::{DoneState, Outcome};
use super::failure::{Failed, InspectError, LoadError};
use super::keyboard::KeyboardState;
use super::language::LanguageState;
use super::progress::ProgressState;
use super::review::ReviewState;
use super::unattended;
use super::welcome::WelcomeState;
use super::widgets::{disk_summary, logged};
use crate::l10n::in_english;
use crate::l10n::{self, t};

/// What background work reports.
#[derive(Debug)]
pub enum Msg {
    /// The payload was verified and the disks looked at, or why not.
    Loaded(Result<Box<Loaded>, LoadError>),
    /// The chosen disk was inspected and every choice planned.
    Inspected(Result<(Box<install::Target>, Vec<Choice>), InspectError>),
    /// The engine reports.
    Progress(Progress),
    /// The engine finished: the report, or the error and the report.
    Applied(Result<Box<Report>, Box<Failed>>),
    /// Before [`Msg::Applied`] of a step of several: whether the release
    /// written will start once from the disk, then the medium again.
    Continued(Result<install::continuation::Armed, std::sync::Arc<install::Error>>),
    /// The write lock is held by the installer on the other console.
    Busy,
    /// Bytes of the medium checked.
    CheckProgress(u64, u64),
    /// The medium check finished.
    Checked(Result<crate::boot_medium::Checked, std::sync::Arc<crate::boot_medium::CheckError>>),
    /// Whether the other console's installer is writing now.
    OtherBusy(bool),
    /// The keyboard layout was set, or why not.
    Layout(String),
    /// The disc's drive was opened (`true`), or why not.
    Ejected(std::io::Result<bool>),
}

/// What happens next.
#[derive(Debug)]
pub enum Event {
    Key(KeyEvent),
    Msg(Msg),
    /// Time passes (redraw rates, countdowns).
    Tick,
}

/// Work the event loop starts for a handler.
#[derive(Debug)]
pub enum Command {
    /// Verify the payload and detect the disks.
    Load,
    /// Inspect disk `usize` and plan every choice.
    Inspect(usize),
    /// Take the write lock and carry out the plan.
    /// Take the write lock and carry out the plan; when the last field
    /// is set, an unattended step of several: on success, arrange for the
    /// release written to start once from the disk, then the medium again
    /// ([`install::continuation`]).
    Apply(
        Box<install::Plan>,
        std::sync::Arc<std::sync::atomic::AtomicBool>,
        bool,
    ),
    /// Check the medium.
    Check,
    /// Set the console's keyboard layout.
    SetLayout(String),
    /// At boot, open the tray of the CD/DVD drive the medium is in.
    Eject,
}

/// Handle one event.
pub fn update(app: &mut App, event: Event) -> Vec<Command> {
    l10n::set(app.ctx.lang);
    match event {
        Event::Key(k) => key(app, k),
        Event::Msg(m) => message(app, m),
        Event::Tick => {
            tick(app);
            Vec::new()
        }
    }
}

fn key(app: &mut App, k: KeyEvent) -> Vec<Command> {
    if k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c') {
        if !app.running() {
            app.ctx.exit = Some(Exit::Quit);
        }
        return Vec::new();
    }
    let to = app
        .screen
        .component_mut()
        .and_then(|screen| screen.key(k, &mut app.ctx));
    to.map_or_else(Vec::new, |to| go(app, to))
}

/// Show the screen `to` leads to, and start the work it needs.
fn go(app: &mut App, to: Go) -> Vec<Command> {
    let ctx = &mut app.ctx;
    let mut cmds = Vec::new();
    app.screen = match to {
        Go::Welcome { at, notice } => Screen::Welcome(WelcomeState::at(at, notice)),
        // Until a layout is chosen, the list opens on the language's
        // (`Context::layout_chosen`).
        Go::Keyboard => Screen::Keyboard(KeyboardState {
            cursor: if ctx.layout_chosen {
                ctx.layout
            } else {
                LAYOUTS
                    .iter()
                    .position(|l| *l == ctx.lang.keyboard())
                    .unwrap_or(ctx.layout)
            },
            proposed: None,
        }),
        Go::Language => Screen::Language(LanguageState::at(ctx.lang)),
        Go::Lang(lang) => {
            ctx.lang = lang;
            l10n::set(lang);
            ctx.log.push(format!(
                "language chosen: {} ({})",
                lang.code(),
                super::context::english_name(lang)
            ));
            // A serial console's keyboard is the remote terminal's.
            if ctx.setup.serial {
                Screen::Welcome(WelcomeState::at('l', None))
            } else {
                Screen::Keyboard(KeyboardState::propose(lang, ctx.layout))
            }
        }
        Go::Layout(i) => {
            // The layout is the console's, not a screen's.
            ctx.layout = i;
            ctx.layout_chosen = true;
            if ctx.setup.serial {
                ctx.layout_note = Some(t!("layout-serial"));
            } else {
                cmds.push(Command::SetLayout(LAYOUTS[i].to_string()));
            }
            Screen::Welcome(WelcomeState::at('k', None))
        }
        Go::Check => {
            cmds.push(Command::Check);
            Screen::Check(CheckState::start())
        }
        Go::Disks { cursor } => Screen::Disks(DisksState { cursor }),
        Go::Inspect(disk) => {
            cmds.push(Command::Inspect(disk));
            Screen::Inspecting { disk }
        }
        Go::Action { planned, cursor } => Screen::Action(ActionState { planned, cursor }),
        Go::Review(picked) => Screen::Review(ReviewState::new(picked)),
        // The disc stays in: the technician may still choose another
        // action from it; the notice asks to remove it.
        Go::AlreadyDone { notice } => Screen::Welcome(WelcomeState::at('b', Some(notice))),
        Go::Start {
            plan,
            picked,
            unattended,
        } => {
            let continues = unattended && unattended::continues(ctx, &picked);
            let state = ProgressState::start(plan.clone(), picked, unattended, &mut ctx.log);
            cmds.push(Command::Apply(plan, state.run.cancel.clone(), continues));
            Screen::Progress(state)
        }
    };
    cmds
}

/// The run under way, taken off the screen.
fn take_run(app: &mut App) -> Option<ProgressState> {
    match std::mem::take(&mut app.screen) {
        Screen::Progress(p) => Some(p),
        other => {
            app.screen = other;
            None
        }
    }
}

fn message(app: &mut App, m: Msg) -> Vec<Command> {
    let ctx = &mut app.ctx;
    match m {
        Msg::Loaded(Ok(l)) => {
            for p in &l.payloads {
                ctx.log.push(format!(
                    "payload {} verified, signed by {}",
                    p.manifest.title(),
                    p.signer
                ));
            }
            for d in &l.disks {
                let summary = in_english(|| disk_summary(d));
                ctx.log
                    .push(format!("disk {}: {summary}", d.path.display()));
            }
            ctx.loaded = Some(*l);
            let notice = ctx.setup.lang_unknown.as_ref().map(|v| lang_unknown(v));
            app.screen = Screen::Welcome(WelcomeState::at('i', notice));
            if let Some(to) = unattended::start(&mut app.ctx) {
                return go(app, to);
            }
        }
        Msg::Loaded(Err(e)) => {
            ctx.log.push(logged(
                "welcome-unusable",
                format!("the medium cannot be used: {e}"),
            ));
            ctx.load_error = Some(e);
            let notice = ctx.setup.lang_unknown.as_ref().map(|v| lang_unknown(v));
            app.screen = Screen::Welcome(WelcomeState::at('c', notice));
        }
        Msg::Inspected(r) => {
            let Screen::Inspecting { disk } = app.screen else {
                return Vec::new();
            };
            let to = match r {
                Ok((_, choices)) => {
                    let cursor = choices.iter().position(|c| c.plan.is_ok()).unwrap_or(0);
                    let planned = Planned {
                        disk,
                        choices,
                        error: None,
                    };
                    unattended::choose(ctx, planned, cursor)
                }
                Err(e) => Go::Action {
                    planned: Planned {
                        disk,
                        error: Some(e),
                        ..Planned::default()
                    },
                    cursor: 0,
                },
            };
            return go(app, to);
        }
        Msg::Progress(p) => {
            if let Screen::Progress(s) = &mut app.screen {
                s.on_progress(p, &mut ctx.log);
            }
        }
        Msg::Applied(r) => return finished(app, r),
        Msg::Continued(Ok(armed)) => {
            ctx.log.push(format!(
                "continuing: {} starts once from the disk ({} set as BootNext), then the \
                 medium takes the next step",
                armed.release, armed.option
            ));
            ctx.continuing = Some(armed);
        }
        Msg::Continued(Err(e)) => ctx.log.push(format!(
            "cannot continue by itself ({e}): start the machine once from its disk, then \
             from the medium again"
        )),
        Msg::Busy => {
            ctx.other_busy = true;
            let note = t!("notice-other-console");
            if let Some(p) = take_run(app) {
                if p.run.unattended {
                    app.ctx.unattended = None;
                    return go(
                        app,
                        Go::Welcome {
                            at: 'i',
                            notice: Some(note),
                        },
                    );
                }
                let mut review = ReviewState::new(p.picked);
                review.note = Some(note);
                app.screen = Screen::Review(review);
            }
        }
        Msg::OtherBusy(b) => ctx.other_busy = b,
        Msg::CheckProgress(done, total) => {
            if let Screen::Check(c) = &mut app.screen {
                c.done = done;
                c.total = total;
            }
        }
        Msg::Checked(r) => {
            ctx.medium_verified |= r.is_ok();
            ctx.log.push(match &r {
                Ok(s) => format!("medium check: {s}"),
                Err(e) => logged("check-failed", format!("medium check failed: {e}")),
            });
            if let Screen::Check(c) = &mut app.screen {
                c.result = Some(r);
            }
        }
        Msg::Layout(note) => ctx.layout_note = Some(note),
        Msg::Ejected(r) => {
            let drive = ctx.setup.medium.path().display();
            match r {
                Ok(true) => ctx
                    .log
                    .push(format!("the drive {drive} was opened: take the disc")),
                Ok(false) => {}
                Err(e) => ctx.log.push(format!(
                    "the drive {drive} could not be opened ({e}); take the disc out by hand"
                )),
            }
        }
    }
    Vec::new()
}

/// The run ended: Done or Failed. After success the disc comes out, so
/// the machine starts from its disk next.
fn finished(app: &mut App, r: Result<Box<Report>, Box<Failed>>) -> Vec<Command> {
    let Some(ProgressState { run, picked, .. }) = take_run(app) else {
        return Vec::new();
    };
    let log = &mut app.ctx.log;
    let plan = &run.plan;
    let (ok, error, report) = match r {
        Ok(rep) => (true, None, Some(rep)),
        Err(failed) => (false, Some(Arc::new(failed.error)), failed.report),
    };
    let wrote = report.as_ref().is_some_and(|r| {
        r.steps
            .iter()
            .any(|s| s.step.writes() && s.result == install::StepResult::Done)
    });
    let saved = report.map(|r| r.saved_to).unwrap_or_default();
    for s in &saved {
        log.push(format!("report saved to {s}"));
    }
    match &error {
        None => log.push(format!(
            "{} of {} {} finished",
            plan.action, plan.product, plan.to
        )),
        Some(e) => log.push(logged(
            "failed-what",
            format!("{} failed: {e}", plan.action),
        )),
    }
    let outcome = Outcome {
        ok,
        action: plan.action,
        product: plan.product.clone(),
        release: plan.to.clone(),
        slot: plan.slot,
        keep_slot: plan.keep_slot,
        error,
        cancelled: run.cancel_requested && !ok,
        reports: saved,
        wrote,
    };
    app.screen = Screen::Done(DoneState {
        countdown: if ok {
            unattended::countdown(&app.ctx)
        } else {
            None
        },
        outcome,
        show_log: false,
        disk: picked.planned.disk,
    });
    // A medium that continues after the release starts once stays in.
    if ok && app.ctx.continuing.is_none() {
        vec![Command::Eject]
    } else {
        Vec::new()
    }
}

/// Time passes: an unattended run reboots or powers off when its
/// countdown ends.
fn tick(app: &mut App) {
    if let Screen::Done(d) = &app.screen {
        if let Some(exit) = d.countdown.as_ref().and_then(|c| c.due()) {
            app.ctx.exit = Some(exit);
        }
    }
}

/// Welcome's notice about a `ferry.lang=` the installer does not speak.
fn lang_unknown(value: &str) -> String {
    let known: Vec<&str> = l10n::Lang::ALL.iter().map(|l| l.code()).collect();
    t!("lang-unknown", value = value, known = known.join(", "))
}
