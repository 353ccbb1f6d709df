//! `cargo xtask demo`: build the package and the sandbox, then run
//! `www/demo.mjs`, which starts on 127.0.0.1 (free ports) peeker-sandbox, the
//! Worker (`wrangler dev --local`, webhook endpoint and `/api` proxy) and the
//! static server for `www/`, prints the URL, and on Ctrl-C stops each of them
//! by its process group. The same start/stop code runs the e2e tests.

use crate::{build, setup, util};

extern "C" {
    fn signal(signum: i32, handler: usize) -> usize;
}
const SIGINT: i32 = 2;
const SIG_IGN: usize = 1;

pub fn run() -> util::Result {
    setup::all()?;
    build::package()?;
    util::step("demo: the sandbox binary");
    util::cargo(&[
        "build",
        "-q",
        "-p",
        "peeker-sandbox",
        "--bin",
        "peeker-sandbox",
    ])?;
    util::step("demo: sandbox + Worker + www/ on 127.0.0.1 (Ctrl-C stops everything)");
    let mut cmd = util::command("node", &["www/demo.mjs", "--no-build"]);
    cmd.current_dir(util::root());
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("could not start node www/demo.mjs: {e}"))?;
    // Ctrl-C reaches node too (same terminal process group): it stops its
    // children and exits; xtask ignores it and waits, so the prompt comes back
    // only once everything is gone. Set after spawn: an ignored signal would
    // be inherited.
    // SAFETY: signal(2) with SIG_IGN installs no Rust code as a handler.
    unsafe { signal(SIGINT, SIG_IGN) };
    let status = child.wait().map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("node www/demo.mjs failed ({status})"))
    }
}
