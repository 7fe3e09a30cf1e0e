//! `installer-tui`: the program the Ferry boot medium starts.

mod answer;
mod boot_medium;
mod cli;
mod detect_cmd;
mod install_cmd;
mod l10n;
mod migrate_cmd;
mod say_cmd;
mod tui;
mod tui_cmd;

use clap::Parser;
use cli::{Cmd, Command};

fn main() -> anyhow::Result<()> {
    // The language of ferry.lang= (English without it) before anything is
    // said: a refused option, a medium not found. `--lang` and an answer
    // file's language come later, for the screens.
    l10n::set(boot_medium::boot_lang());
    let cmd = Cmd::parse();
    match cmd.command {
        None => tui_cmd::run(cmd.tui),
        Some(Command::Detect(args)) => detect_cmd::detect(args),
        Some(Command::Plan(args)) => install_cmd::plan(args),
        Some(Command::Apply(args)) => install_cmd::apply(args),
        Some(Command::Migrate(args)) => migrate_cmd::migrate(args),
        Some(Command::Say(args)) => say_cmd::say(args),
    }
}
