//! Small process helpers: every command is echoed, every failure names the command.

use std::path::{Path, PathBuf};
use std::process::Command;

pub type Result<T = ()> = std::result::Result<T, String>;

/// The workspace root (the parent of xtask/).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace")
        .to_path_buf()
}

pub fn step(title: &str) {
    println!("\n==> {title}");
}

/// PATH with the workspace's npm binaries (wasm-opt from `binaryen`) first, so
/// Debian's broken wasm-opt 108 can never be picked up.
pub fn path_env() -> String {
    let bin = root().join("node_modules/.bin");
    let cargo_bin = home_cargo_bin();
    let old = std::env::var("PATH").unwrap_or_default();
    format!("{}:{}:{old}", bin.display(), cargo_bin.display())
}

pub fn home_cargo_bin() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cargo"))
        .join("bin")
}

pub fn command(program: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(program);
    cmd.args(args).env("PATH", path_env());
    cmd
}

pub fn run(mut cmd: Command) -> Result {
    let shown = format!("{cmd:?}");
    println!("$ {}", shown.replace('"', ""));
    let status = cmd
        .status()
        .map_err(|e| format!("could not start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

pub fn run_in(dir: &Path, program: &str, args: &[&str]) -> Result {
    let mut cmd = command(program, args);
    cmd.current_dir(dir);
    run(cmd)
}

pub fn cargo(args: &[&str]) -> Result {
    run_in(&root(), env!("CARGO"), args)
}

/// Output of a command, or None when it cannot run or fails.
pub fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = command(program, args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}
