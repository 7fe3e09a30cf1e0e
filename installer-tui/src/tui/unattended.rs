//! Unattended runs: the answer file drives the same screens. Anything it
//! gets wrong is shown on the Welcome screen, and the technician takes over.

use std::time::{Duration, Instant};

use super::app::{App, Exit, Screen};
use super::event::Command;
use super::{disks, progress};
use crate::answer::{AnswerError, AnswerProblem, Finish};

fn give_up(app: &mut App, e: &AnswerError) {
    app.log(format!("answer file: {e}"));
    app.notice = Some(format!("{e}. Continuing interactively."));
    app.unattended = None;
    app.go(Screen::Welcome);
}

/// After loading: follow the answer file, if there is one.
pub fn start(app: &mut App) -> Vec<Command> {
    let answer = match app.setup.answer.clone() {
        None => return Vec::new(),
        Some(Err(e)) => {
            give_up(app, &e);
            return Vec::new();
        }
        Some(Ok(a)) => a,
    };
    app.log(format!("answer file: {}", answer.source));
    match answer.pick_disk(app.disks()) {
        Ok(i) => {
            app.unattended = Some(answer);
            disks::choose(app, i)
        }
        Err(e) => {
            give_up(app, &e);
            Vec::new()
        }
    }
}

/// After the disk was planned: start the answer file's choice.
pub fn choose(app: &mut App) -> Vec<Command> {
    let Some(answer) = app.unattended.clone() else {
        return Vec::new();
    };
    let Some(disk) = app.disk_report().cloned() else {
        return Vec::new();
    };
    let action = match answer.action_for(&disk) {
        Ok(a) => a,
        Err(e) => {
            give_up(app, &e);
            return Vec::new();
        }
    };
    let Some(i) = app.choices.iter().position(|c| c.action == action) else {
        give_up(
            app,
            &answer.key_error("action", AnswerProblem::NotOffered(action)),
        );
        return Vec::new();
    };
    match app.choices[i].plan.clone() {
        Ok(plan) => {
            app.chosen = Some(i);
            progress::start(app, plan, true)
        }
        Err(why) => {
            give_up(app, &answer.refused(why));
            Vec::new()
        }
    }
}

/// After success: schedule the reboot or power off the file asks for.
pub fn finish(app: &mut App) {
    if let Some(a) = &app.unattended {
        if a.finish != Finish::Stay {
            app.finish_at = Some(Instant::now() + Duration::from_secs(a.delay));
        }
    }
}

/// Time passes: reboot or power off when the countdown ends.
pub fn tick(app: &mut App) -> Vec<Command> {
    if let (Some(at), Some(a)) = (app.finish_at, &app.unattended) {
        if Instant::now() >= at {
            app.exit = Some(match a.finish {
                Finish::PowerOff => Exit::PowerOff,
                _ => Exit::Reboot,
            });
        }
    }
    Vec::new()
}
