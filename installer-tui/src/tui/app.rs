//! The installer's state: what the screens share ([`Context`]) and the
//! screen shown, which owns its own state. Only [`super::event::update`]
//! changes it; [`super::draw::draw`] only reads it.

use super::action::ActionState;
use super::check::CheckState;
use super::context::{Component, Context, Setup};
use super::disks::DisksState;
use super::done::DoneState;
use super::keyboard::KeyboardState;
use super::language::LanguageState;
use super::progress::ProgressState;
use super::review::ReviewState;
use super::welcome::WelcomeState;

/// The screens, in the order a technician meets them, each with its state.
#[derive(Debug, Default)]
pub enum Screen {
    /// Verifying the payload and looking at the disks.
    #[default]
    Loading,
    Welcome(WelcomeState),
    Keyboard(KeyboardState),
    Language(LanguageState),
    Check(CheckState),
    Disks(DisksState),
    /// Planning every choice for disk `disk`.
    Inspecting {
        disk: usize,
    },
    /// What to do.
    Action(ActionState),
    Review(ReviewState),
    Progress(ProgressState),
    /// Done, or Failed.
    Done(DoneState),
}

impl Screen {
    /// The screen as a component; none while the installer is busy
    /// loading or inspecting.
    pub fn component(&self) -> Option<&dyn Component> {
        Some(match self {
            Screen::Loading | Screen::Inspecting { .. } => return None,
            Screen::Welcome(s) => s,
            Screen::Keyboard(s) => s,
            Screen::Language(s) => s,
            Screen::Check(s) => s,
            Screen::Disks(s) => s,
            Screen::Action(s) => s,
            Screen::Review(s) => s,
            Screen::Progress(s) => s,
            Screen::Done(s) => s,
        })
    }

    /// [`Screen::component`], to change.
    pub fn component_mut(&mut self) -> Option<&mut dyn Component> {
        Some(match self {
            Screen::Loading | Screen::Inspecting { .. } => return None,
            Screen::Welcome(s) => s,
            Screen::Keyboard(s) => s,
            Screen::Language(s) => s,
            Screen::Check(s) => s,
            Screen::Disks(s) => s,
            Screen::Action(s) => s,
            Screen::Review(s) => s,
            Screen::Progress(s) => s,
            Screen::Done(s) => s,
        })
    }
}

/// Everything the screens show.
#[derive(Debug)]
pub struct App {
    pub ctx: Context,
    pub screen: Screen,
}

impl App {
    pub fn new(setup: Setup) -> App {
        App {
            ctx: Context::new(setup),
            screen: Screen::Loading,
        }
    }

    /// Whether the engine is carrying out a plan.
    pub fn running(&self) -> bool {
        matches!(self.screen, Screen::Progress(_))
    }
}
