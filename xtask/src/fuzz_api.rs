//! schemathesis against a running peeker-sandbox with the generated
//! openapi.json: every operation, positive and negative data, stateful links;
//! zero failures allowed. `cargo xtask test` runs a short fixed-seed run,
//! `cargo xtask fuzz-api [EXAMPLES]` a longer one.

use crate::util::{self, Result};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Stdio};

/// Pinned: schemathesis's checks and CLI change between versions.
const SCHEMATHESIS: &str = "schemathesis==4.32.5";
const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,\
response_schema_conformance,negative_data_rejection,response_headers_conformance";
/// A fixed seed: the same cases every run.
const SEED: &str = "20260508";

/// The schemathesis CLI in a project-local virtualenv (target/venv),
/// installed from PyPI when missing or of another version.
fn schemathesis() -> Result<PathBuf> {
    let venv = util::root().join("target/venv");
    let st = venv.join("bin/st");
    let pip = venv.join("bin/pip");
    let want = SCHEMATHESIS.split("==").nth(1).unwrap_or_default();
    let have = util::output(st.to_str().unwrap_or_default(), &["--version"]).unwrap_or_default();
    if have.contains(want) {
        return Ok(st);
    }
    util::step(&format!("install {SCHEMATHESIS} into target/venv"));
    util::run(util::command(
        "python3",
        &["-m", "venv", venv.to_str().unwrap_or_default()],
    ))?;
    util::run(util::command(
        pip.to_str().unwrap_or_default(),
        &["install", "--quiet", SCHEMATHESIS],
    ))?;
    Ok(st)
}

/// The sandbox on a free loopback port, its rate limit raised out of the
/// fuzzer's way. Stopped (by its PID) when dropped.
pub struct Sandbox {
    child: Child,
    pub base: String,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start_sandbox() -> Result<Sandbox> {
    util::cargo(&[
        "build",
        "--quiet",
        "-p",
        "peeker-sandbox",
        "--bin",
        "peeker-sandbox",
    ])?;
    let bin = util::root().join("target/debug/peeker-sandbox");
    let mut child = util::command(
        bin.to_str().unwrap_or_default(),
        &[
            "--port",
            "0",
            "--rate-limit",
            "1000000",
            "--time-scale",
            "0.01",
        ],
    )
    .stdout(Stdio::piped())
    .spawn()
    .map_err(|e| format!("start peeker-sandbox: {e}"))?;
    let stdout = child.stdout.take().ok_or("no sandbox stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let base = lines
        .by_ref()
        .map_while(std::result::Result::ok)
        .find_map(|l| {
            l.strip_prefix("peeker-sandbox listening on ")
                .map(str::to_owned)
        });
    // Keep draining its output so it never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    match base {
        Some(base) => Ok(Sandbox { child, base }),
        None => {
            let _ = child.kill();
            Err("peeker-sandbox did not say where it listens".into())
        }
    }
}

pub fn run(examples: u32) -> Result {
    let st = schemathesis()?;
    let sandbox = start_sandbox()?;
    util::step(&format!(
        "schemathesis: every operation, {examples} examples each, seed {SEED}, against {}",
        sandbox.base
    ));
    let schema = format!("{}/openapi.json", sandbox.base);
    let examples = examples.to_string();
    let mut cmd = util::command(
        st.to_str().unwrap_or_default(),
        &[
            "run",
            &schema,
            "--url",
            &sandbox.base,
            "--header",
            "Authorization: Bearer pk_test_schemathesis",
            "--checks",
            CHECKS,
            "--mode",
            "all",
            "--seed",
            SEED,
            "--max-examples",
            &examples,
            "--workers",
            "1",
            "--no-color",
        ],
    );
    cmd.current_dir(util::root().join("target"));
    let result = util::run(cmd);
    drop(sandbox);
    result
}
