//! `media-builder`: the admin's tool for keys, signed payloads and media.

use anyhow::Result;
use clap::Parser;

mod bootkit_cli;
mod cli;
mod key;
mod media_cli;
mod media_cmd;
mod payload_cmd;
mod progress;
mod reports_cmd;

use cli::{Cli, Command, KeyCommand, PayloadCommand};

fn main() {
    let cli = Cli::parse();
    if let Err(e) = run(cli) {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Key(KeyCommand::Generate(args)) => key::generate(args),
        Command::Key(KeyCommand::Show(args)) => key::show(args),
        Command::Payload(PayloadCommand::Build(args)) => payload_cmd::build(*args),
        Command::Payload(PayloadCommand::Verify(args)) => payload_cmd::verify(args),
        Command::Payload(PayloadCommand::Inspect(args)) => payload_cmd::inspect(args),
        Command::Iso(args) => media_cmd::iso(args),
        Command::UsbImage(args) => media_cmd::usb_image(args),
        Command::Usb(media_cli::UsbCommand::Write(args)) => media_cmd::usb_write(args),
        Command::Bootkit(args) => bootkit_cli::bootkit(args),
        Command::Demo(bootkit_cli::DemoCommand::Build(args)) => bootkit_cli::demo_build(args),
        Command::Reports(args) => reports_cmd::reports(args),
    }
}
