//! Events and what they change: keys from the technician, messages from
//! background work, and the commands the event loop carries out for the
//! handlers (so the handlers stay free of threads and I/O).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use install::{Progress, Report};

use super::app::{App, Exit, Loaded, Outcome, Screen};
use super::{action, check, disks, done, progress, review, unattended, welcome};

/// What background work reports.
#[derive(Debug)]
pub enum Msg {
    /// The payload was verified and the disks looked at, or why not.
    Loaded(Result<Box<Loaded>, String>),
    /// The chosen disk was inspected and every choice planned.
    Inspected(Result<(Box<install::Target>, Vec<super::app::Choice>), String>),
    /// The engine reports.
    Progress(Progress),
    /// The engine finished: the report, or the error and the report.
    Applied(Result<Box<Report>, (String, Option<Box<Report>>)>),
    /// The write lock is held by the installer on the other console.
    Busy,
    /// Bytes of the medium checked.
    CheckProgress(u64, u64),
    /// The medium check finished.
    Checked(Result<String, String>),
    /// Whether the other console's installer is writing now.
    OtherBusy(bool),
    /// The keyboard layout was set, or why not.
    Layout(String),
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
    Apply(
        Box<install::Plan>,
        std::sync::Arc<std::sync::atomic::AtomicBool>,
    ),
    /// Check the medium.
    Check,
    /// Set the console's keyboard layout.
    SetLayout(String),
}

/// Handle one event.
pub fn update(app: &mut App, event: Event) -> Vec<Command> {
    match event {
        Event::Key(k) => key(app, k),
        Event::Msg(m) => message(app, m),
        Event::Tick => unattended::tick(app),
    }
}

fn key(app: &mut App, k: KeyEvent) -> Vec<Command> {
    if k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c') {
        if app.screen != Screen::Progress {
            app.exit = Some(Exit::Quit);
        }
        return Vec::new();
    }
    // Any key stops an unattended countdown.
    if app.finish_at.take().is_some() {
        app.log("the technician pressed a key: staying");
        return Vec::new();
    }
    match app.screen {
        Screen::Loading | Screen::Inspecting => Vec::new(),
        Screen::Welcome => welcome::key(app, k),
        Screen::Keyboard => welcome::layout_key(app, k),
        Screen::Check => check::key(app, k),
        Screen::Disks => disks::key(app, k),
        Screen::Action => action::key(app, k),
        Screen::Review => review::key(app, k),
        Screen::Progress => progress::key(app, k),
        Screen::Done | Screen::Failed => done::key(app, k),
    }
}

fn message(app: &mut App, m: Msg) -> Vec<Command> {
    match m {
        Msg::Loaded(Ok(l)) => {
            app.log(format!(
                "payload {} {} verified, signed by {}",
                l.payload.manifest.product, l.payload.manifest.version, l.payload.signer
            ));
            for d in &l.disks {
                app.log(format!("disk {}: {}", d.path.display(), disks::summary(d)));
            }
            app.loaded = Some(*l);
            app.go(Screen::Welcome);
            return unattended::start(app);
        }
        Msg::Loaded(Err(e)) => {
            app.log(format!("the medium cannot be used: {e}"));
            app.load_error = Some(e);
            app.go(Screen::Welcome);
            app.cursor = 1;
        }
        Msg::Inspected(r) => {
            if app.screen != Screen::Inspecting {
                return Vec::new();
            }
            match r {
                Ok((target, choices)) => {
                    app.target = Some(target);
                    app.inspect_error = None;
                    app.choices = choices;
                    app.go(Screen::Action);
                    app.cursor = app.choices.iter().position(|c| c.plan.is_ok()).unwrap_or(0);
                    return unattended::choose(app);
                }
                Err(e) => {
                    app.choices.clear();
                    app.inspect_error = Some(e);
                    app.go(Screen::Action);
                }
            }
        }
        Msg::Progress(p) => progress::on_progress(app, p),
        Msg::Applied(r) => finished(app, r),
        Msg::Busy => {
            app.other_busy = true;
            let unattended = app.run.take().is_some_and(|r| r.unattended);
            let note = "The installer on the other console is working; nothing was written here.";
            if unattended {
                app.unattended = None;
                app.notice = Some(note.into());
                app.go(Screen::Welcome);
            } else {
                app.go(Screen::Review);
                app.confirm_note = Some(note.into());
            }
        }
        Msg::OtherBusy(b) => app.other_busy = b,
        Msg::CheckProgress(done, total) => {
            app.check.done = done;
            app.check.total = total;
        }
        Msg::Checked(r) => {
            app.log(match &r {
                Ok(s) => format!("medium check: {s}"),
                Err(e) => format!("medium check failed: {e}"),
            });
            app.check.result = Some(r);
        }
        Msg::Layout(note) => app.layout_note = Some(note),
    }
    Vec::new()
}

fn finished(app: &mut App, r: Result<Box<Report>, (String, Option<Box<Report>>)>) {
    let Some(run) = app.run.take() else {
        return;
    };
    let plan = &run.plan;
    let (ok, error, report) = match r {
        Ok(rep) => (true, None, Some(rep)),
        Err((e, rep)) => (false, Some(e), rep),
    };
    let wrote = report.as_ref().is_some_and(|r| {
        r.steps
            .iter()
            .any(|s| s.result == install::StepResult::Done)
    });
    let saved = report.map(|r| r.saved_to).unwrap_or_default();
    for s in &saved {
        app.log(format!("report saved to {s}"));
    }
    match &error {
        None => app.log(format!(
            "{} of {} {} finished",
            plan.action, plan.product, plan.to
        )),
        Some(e) => app.log(format!("{} failed: {e}", plan.action)),
    }
    app.outcome = Some(Outcome {
        ok,
        action: plan.action,
        product: plan.product.clone(),
        release: plan.to.to_string(),
        slot: plan.slot.to_string(),
        keep_slot: plan.keep_slot.map(|s| s.to_string()),
        error,
        cancelled: run.cancel_requested && !ok,
        reports: saved,
        wrote,
    });
    app.show_log = false;
    app.go(if ok { Screen::Done } else { Screen::Failed });
    if ok {
        unattended::finish(app);
    }
}
