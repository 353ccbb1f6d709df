//! `peeker`: the Peeker Partner API's command line. One module per command;
//! `args` declares them all (`resources` the one per endpoint), `exit` the
//! exit codes.

mod args;
mod completions;
mod exit;
mod listen;
mod raw_http;
mod resources;
mod sandbox_cmd;
mod sandbox_http;
mod secret;
mod term;
mod token;
mod trigger;
mod verify;

use args::{Cli, Command, TokenCommand};
use clap::FromArgMatches;
use std::process::ExitCode;

fn main() -> ExitCode {
    // clap exits 2 on a usage error and 0 for --help / --version.
    let matches = args::command().get_matches();
    let outcome = match resources::chosen(&matches) {
        Some((action, m)) => runtime().and_then(|rt| rt.block_on(resources::run(action, m))),
        None => run(&Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())),
    };
    match outcome {
        Ok(()) => ExitCode::from(exit::OK),
        Err(f) => {
            if !f.message.is_empty() {
                eprintln!("peeker: {f}");
            }
            ExitCode::from(f.code)
        }
    }
}

/// The commands declared in `args`.
fn run(cli: &Cli) -> exit::Outcome {
    match &cli.command {
        Command::Verify(a) => verify::run(a),
        Command::Token(TokenCommand::Mint(a)) => token::mint(a),
        Command::Completions { shell } => {
            completions::run(*shell);
            Ok(())
        }
        Command::Sandbox(a) => runtime().and_then(|rt| rt.block_on(sandbox_cmd::run(a))),
        Command::Listen(a) => runtime().and_then(|rt| rt.block_on(listen::run(a))),
        Command::Trigger(a) => runtime().and_then(|rt| rt.block_on(trigger::run(a))),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, exit::Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| exit::Failure::failed(format!("cannot start the async runtime: {e}")))
}
