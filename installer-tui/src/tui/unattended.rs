//! Unattended runs: the answer file drives the same screens. Anything it
//! gets wrong is shown on the Welcome screen, and the technician takes over.

use std::time::{Duration, Instant};

use install::Refusal;

use super::context::{Context, Countdown, Go, Picked, Planned};
use super::widgets::{action_code, logged};
use crate::answer::{AnswerFileError, AnswerProblem, Finish};
use crate::l10n::{engine, t, t_log};

fn give_up(ctx: &mut Context, e: impl Into<AnswerFileError>) -> Go {
    let e = e.into();
    ctx.log
        .push(t_log!("notice-continuing", error = e.to_string()).to_string());
    ctx.unattended = None;
    Go::Welcome {
        at: 'i',
        notice: Some(t!(
            "notice-continuing",
            error = engine::answer_file_error(&e)
        )),
    }
}

/// After loading: follow the answer file, if there is one.
pub fn start(ctx: &mut Context) -> Option<Go> {
    let answer = match ctx.setup.answer.clone() {
        None => return None,
        Some(Err(e)) => return Some(give_up(ctx, e)),
        Some(Ok(a)) => a,
    };
    ctx.log.push(format!("answer file: {}", answer.source));
    match answer.pick_disk(ctx.disks()) {
        Ok(i) => {
            ctx.unattended = Some(answer);
            Some(Go::Inspect(i))
        }
        Err(e) => Some(give_up(ctx, e)),
    }
}

/// After the disk was planned: start the answer file's choice. Without an
/// answer file, the technician chooses on What to do, its cursor on
/// `cursor`.
pub fn choose(ctx: &mut Context, planned: Planned, cursor: usize) -> Go {
    let answer = ctx.unattended.clone();
    let disk = ctx.disks().get(planned.disk).cloned();
    let (Some(answer), Some(disk)) = (answer, disk) else {
        return Go::Action { planned, cursor };
    };
    let action = match answer.action_for(&disk) {
        Ok(a) => a,
        Err(e) => return give_up(ctx, e),
    };
    let Some(i) = planned.choices.iter().position(|c| c.action == action) else {
        return give_up(
            ctx,
            answer.key_error("action", AnswerProblem::NotOffered(action)),
        );
    };
    match planned.choices[i].plan.clone() {
        Ok(plan) => Go::Start {
            plan,
            picked: Picked {
                planned,
                chosen: i,
                typed: String::new(),
            },
            unattended: true,
        },
        Err(why @ Refusal::AlreadyDone { .. }) => {
            // Not a mistake: the run is over. Rebooting into the disk is
            // the way on, never a second wipe.
            ctx.log
                .push(logged("notice-already-done", format!("answer file: {why}")));
            ctx.unattended = None;
            Go::AlreadyDone {
                notice: t!(
                    "notice-already-done",
                    source = answer.source.as_str(),
                    why = engine::refusal(&why)
                ),
            }
        }
        Err(why @ Refusal::BiosMode { .. }) => {
            // Welcome says why and what to do already (its legacy BIOS
            // warning): a line that points there keeps the menu on an
            // 80x24 screen.
            ctx.log
                .push(logged("notice-bios-refused", format!("answer file: {why}")));
            ctx.unattended = None;
            Go::Welcome {
                at: 'i',
                notice: Some(t!(
                    "notice-bios-refused",
                    source = answer.source.as_str(),
                    action = action_code(action)
                )),
            }
        }
        Err(why) => give_up(ctx, answer.refused(why)),
    }
}

/// Whether the upgrade `picked` is a step of several that the machine
/// continues by itself: the answer file reboots after success, and the
/// installer runs at boot on UEFI (it sets `BootNext`; in simulation the
/// firmware variables are the host's, never touched).
pub fn continues(ctx: &Context, picked: &Picked) -> bool {
    let several = picked
        .planned
        .choices
        .get(picked.chosen)
        .is_some_and(|c| !c.then.is_empty());
    let reboots = ctx
        .unattended
        .as_ref()
        .is_some_and(|a| a.finish == Finish::Reboot);
    let uefi = ctx.setup.firmware.is_some_and(|f| f.is_uefi());
    several && reboots && ctx.setup.boot && uefi
}

/// After success: the reboot or power off the answer file asks for.
pub fn countdown(ctx: &Context) -> Option<Countdown> {
    let a = ctx.unattended.as_ref()?;
    (a.finish != Finish::Stay).then(|| Countdown {
        at: Instant::now() + Duration::from_secs(a.delay),
        finish: a.finish,
    })
}
