//! Small process helpers: every command is echoed, every failure names the command.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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

/// How a watched command ended.
pub enum Watched {
    Passed,
    /// It failed; its stdout.
    Failed(String),
    /// It ran past its limit and was killed.
    Stopped,
}

/// Runs `cmd` in its own process group, its stdout shown as it comes and
/// kept; past `limit` the whole group (browser and driver too) is killed.
pub fn run_watched(cmd: &mut Command, limit: Duration) -> Result<Watched> {
    let shown = format!("{cmd:?}");
    println!("$ {}", shown.replace('"', ""));
    let mut child = cmd
        .process_group(0)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start {shown}: {e}"))?;
    let kept = Arc::new(Mutex::new(String::new()));
    let reader = {
        let kept = Arc::clone(&kept);
        let stdout = child.stdout.take().expect("stdout is piped");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(|l| l.ok()) {
                println!("{line}");
                let mut kept = kept.lock().unwrap_or_else(|e| e.into_inner());
                kept.push_str(&line);
                kept.push('\n');
            }
        })
    };
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break Some(status);
        }
        if start.elapsed() > limit {
            println!(
                "xtask: {shown} ran past {} s; stopping its process group",
                limit.as_secs()
            );
            let _ = Command::new("kill")
                .args(["-s", "KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    // A browser process that left the group could hold stdout open: wait for
    // the reader a little, not forever.
    let drained = Instant::now();
    while !reader.is_finished() && drained.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = std::mem::take(&mut *kept.lock().unwrap_or_else(|e| e.into_inner()));
    Ok(match status {
        None => Watched::Stopped,
        Some(status) if status.success() => Watched::Passed,
        Some(_) => Watched::Failed(out),
    })
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
