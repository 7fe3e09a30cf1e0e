//! `installer-tui`: the program the Ferry boot medium starts.

mod cli;
mod detect_cmd;
mod install_cmd;
mod migrate_cmd;

use clap::Parser;
use cli::{Cmd, Command};

fn main() -> anyhow::Result<()> {
    let cmd = Cmd::parse();
    match cmd.command {
        Command::Detect(args) => detect_cmd::detect(args),
        Command::Plan(args) => install_cmd::plan(args),
        Command::Apply(args) => install_cmd::apply(args),
        Command::Migrate(args) => migrate_cmd::migrate(args),
    }
}
