//! `peeker completions bash|zsh|fish`.

use crate::args::Shell;
use clap_complete::{generate, shells};

/// Writes the completion script for `shell` to standard output.
pub fn run(shell: Shell) {
    let mut cmd = crate::args::command();
    let out = &mut std::io::stdout();
    match shell {
        Shell::Bash => generate(shells::Bash, &mut cmd, "peeker", out),
        Shell::Zsh => generate(shells::Zsh, &mut cmd, "peeker", out),
        Shell::Fish => generate(shells::Fish, &mut cmd, "peeker", out),
    }
}
