//! The webhook Worker under `wrangler dev --local` (workerd from npm, local D1):
//! start it (D1 migrations first), wait until it answers, stop it by its
//! process group so no wrangler or workerd is left behind.
//!
//! Offline by construction: `--local`, metrics off, no Cloudflare token passed.

use crate::util::{self, Result};
use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// A running `wrangler dev`; stopped on `stop()` or when dropped.
pub struct Dev {
    child: Child,
    pub url: String,
    log: PathBuf,
    stopped: bool,
}

/// A wrangler command with the project's offline environment.
fn wrangler(args: &[&str]) -> Command {
    let root = util::root();
    let script = root.join("node_modules/wrangler/bin/wrangler.js");
    let mut cmd = util::command("node", &[]);
    cmd.arg(script)
        .args(args)
        .current_dir(root.join("worker"))
        .env("WRANGLER_SEND_METRICS", "false")
        .env_remove("CLOUDFLARE_API_TOKEN")
        .env_remove("CLOUDFLARE_ACCOUNT_ID");
    cmd
}

/// A port free on 127.0.0.1 right now.
fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

/// Applies the D1 migrations to the local database in `persist`, then starts
/// the Worker on a free port and waits (up to 60 s) until it answers HTTP.
/// `vars` are passed as `--var NAME:value` (local secrets: nothing is written
/// next to wrangler.toml).
pub fn start(persist: &Path, vars: &[(&str, &str)]) -> Result<Dev> {
    let dir = persist.to_str().ok_or("persist dir must be UTF-8")?;
    let mut migrate = wrangler(&[
        "d1",
        "migrations",
        "apply",
        "DB",
        "--local",
        "--persist-to",
        dir,
    ]);
    migrate.stdout(Stdio::null());
    util::run(migrate)?;

    let port = free_port()?.to_string();
    let inspector = free_port()?.to_string();
    let mut cmd = wrangler(&[
        "dev",
        "--local",
        "--ip",
        "127.0.0.1",
        "--port",
        &port,
        "--inspector-port",
        &inspector,
        "--persist-to",
        dir,
        "--show-interactive-dev-session=false",
    ]);
    for (name, value) in vars {
        cmd.arg("--var").arg(format!("{name}:{value}"));
    }
    let log = persist.join("wrangler-dev.log");
    let out = File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
    let err = out.try_clone().map_err(|e| e.to_string())?;
    // Its own process group: stop() signals wrangler and workerd together.
    cmd.process_group(0)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err);
    println!("$ wrangler dev --local --ip 127.0.0.1 --port {port} --persist-to {dir}");
    let child = cmd
        .spawn()
        .map_err(|e| format!("could not start wrangler dev: {e}"))?;
    let mut dev = Dev {
        child,
        url: format!("http://127.0.0.1:{port}"),
        log,
        stopped: false,
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(Some(status)) = dev.child.try_wait() {
            return Err(format!(
                "wrangler dev exited ({status}):\n{}",
                dev.log_text()
            ));
        }
        if dev.get("/__ready").is_ok() {
            return Ok(dev);
        }
        sleep(Duration::from_millis(200));
    }
    let log = dev.log_text();
    dev.stop()?;
    Err(format!("wrangler dev did not answer within 60 s:\n{log}"))
}

impl Dev {
    /// Status code of a GET on `path` (any answer means the Worker serves).
    pub fn get(&self, path: &str) -> Result<u16> {
        let addr = self.url.trim_start_matches("http://");
        let mut stream = TcpStream::connect(addr).map_err(|e| e.to_string())?;
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .map_err(|e| e.to_string())?;
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .map_err(|e| e.to_string())?;
        let mut head = [0u8; 12];
        stream.read_exact(&mut head).map_err(|e| e.to_string())?;
        std::str::from_utf8(&head[9..12])
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| "not an HTTP answer".to_owned())
    }

    fn log_text(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn signal_group(&self, signal: &str) {
        // Negative pid = the whole group; errors only mean it is already gone.
        let _ = Command::new("kill")
            .args([signal, "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
    }

    /// SIGTERM to the group, SIGKILL after 5 s, then SIGKILL once more for any
    /// workerd that outlived wrangler.
    pub fn stop(mut self) -> Result {
        self.shutdown();
        Ok(())
    }

    fn shutdown(&mut self) {
        if std::mem::replace(&mut self.stopped, true) {
            return;
        }
        if matches!(self.child.try_wait(), Ok(None)) {
            self.signal_group("-TERM");
            let deadline = Instant::now() + Duration::from_secs(5);
            while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
                sleep(Duration::from_millis(50));
            }
        }
        self.signal_group("-KILL");
        let _ = self.child.wait();
    }
}

impl Drop for Dev {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The Worker's tests: a smoke start/stop from here (the code path `cargo
/// xtask` uses), then the node:test files, which start their own Workers.
pub fn test() -> Result {
    util::step("the webhook Worker in workerd (wrangler dev --local)");
    let persist = std::env::temp_dir().join(format!("peeker-xtask-worker-{}", std::process::id()));
    fs::create_dir_all(&persist).map_err(|e| e.to_string())?;
    let dev = start(&persist, &[])?;
    let status = dev.get("/events");
    let pid = dev.child.id();
    dev.stop()?;
    let _ = fs::remove_dir_all(&persist);
    match status {
        Ok(401) => {}
        other => {
            return Err(format!(
                "GET /events without a token answered {other:?}, not 401"
            ))
        }
    }
    // `kill -0 -pgid` fails once the whole group is gone (an orphan's zombie
    // may need a moment to be reaped by init).
    let alive = || {
        Command::new("kill")
            .args(["-0", "--", &format!("-{pid}")])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let deadline = Instant::now() + Duration::from_secs(5);
    while alive() && Instant::now() < deadline {
        sleep(Duration::from_millis(100));
    }
    if alive() {
        return Err(format!(
            "processes of wrangler dev (group {pid}) outlived stop()"
        ));
    }
    util::run_in(&util::root(), "node", &["--test", "tests/worker/"])
}
