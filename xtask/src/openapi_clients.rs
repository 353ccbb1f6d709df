//! Clients generated from pkg-template/openapi.json alone, as a partner on
//! another stack would make them, each run against peeker-sandbox for one
//! create-and-read per resource (tests/openapi-clients/):
//!
//! - TypeScript: openapi-typescript + openapi-fetch, pinned in
//!   tests/openapi-clients/package.json and its lockfile (`npm ci`), checked
//!   with `tsc --strict`, then run by Node;
//! - Python: openapi-python-client, pinned here, in target/openapi-venv.
//!
//! Bounded: the generators take a few seconds, each round trip about one.

use crate::util::{self, Result};
use std::path::Path;

/// Pinned: the generated code changes between versions.
const OPENAPI_PYTHON_CLIENT: &str = "openapi-python-client==0.29.1";

pub fn run() -> Result {
    let root = util::root();
    let dir = root.join("tests/openapi-clients");
    npm_tools(&dir)?;
    let python = python_generator(&root)?;
    let spec = root.join(crate::codegen::OPENAPI);
    let spec = spec.to_str().unwrap_or_default();

    util::step("TypeScript client from openapi.json (openapi-typescript, openapi-fetch): generate, tsc --strict");
    util::run_in(
        &dir,
        "node_modules/.bin/openapi-typescript",
        &[
            spec,
            // A `default` means "left out, the server uses this": the default
            // (true) would make such request fields required.
            "--default-non-nullable",
            "false",
            "-o",
            "generated/schema.d.ts",
        ],
    )?;
    util::run_in(&dir, "node_modules/.bin/tsc", &["-p", "tsconfig.json"])?;

    util::step(&format!(
        "Python client from openapi.json ({OPENAPI_PYTHON_CLIENT}): generate"
    ));
    let out = root.join("target/openapi-clients/python");
    let _ = std::fs::remove_dir_all(&out);
    let package = out.join("peeker_api");
    util::run_in(
        &root,
        python
            .join("bin/openapi-python-client")
            .to_str()
            .unwrap_or_default(),
        &[
            "generate",
            "--path",
            spec,
            "--output-path",
            package.to_str().unwrap_or_default(),
            "--meta",
            "none",
            "--overwrite",
            "--fail-on-warning",
            "--config",
            "tests/openapi-clients/python-client.yaml",
        ],
    )?;

    let sandbox = crate::fuzz_api::start_sandbox()?;
    util::step(&format!(
        "generated clients: one create-and-read per resource against {}",
        sandbox.base
    ));
    let ts = util::run_in(&dir, "node", &["out/roundtrip.js", &sandbox.base]);
    let mut py = util::command(
        python.join("bin/python").to_str().unwrap_or_default(),
        &["tests/openapi-clients/roundtrip.py", &sandbox.base],
    );
    py.current_dir(&root).env("PYTHONPATH", &out);
    let py = util::run(py);
    drop(sandbox);
    ts.and(py)
}

/// `npm ci` from the folder's lockfile, skipped when node_modules matches it.
fn npm_tools(dir: &Path) -> Result {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let (stamp, lock) = (
        modified(&dir.join("node_modules/.package-lock.json")),
        modified(&dir.join("package-lock.json")),
    );
    if matches!((stamp, lock), (Some(s), Some(l)) if s >= l) {
        return Ok(());
    }
    util::step("npm ci in tests/openapi-clients");
    util::run_in(
        dir,
        "npm",
        &["ci", "--ignore-scripts", "--no-audit", "--no-fund"],
    )
}

/// openapi-python-client in its own virtualenv (target/openapi-venv),
/// installed from PyPI when missing or of another version.
fn python_generator(root: &Path) -> Result<std::path::PathBuf> {
    let venv = root.join("target/openapi-venv");
    let bin = venv.join("bin/openapi-python-client");
    let want = OPENAPI_PYTHON_CLIENT.split("==").nth(1).unwrap_or_default();
    let have = util::output(bin.to_str().unwrap_or_default(), &["--version"]).unwrap_or_default();
    if have.split_whitespace().last() == Some(want) {
        return Ok(venv);
    }
    util::step(&format!(
        "install {OPENAPI_PYTHON_CLIENT} into target/openapi-venv"
    ));
    util::run(util::command(
        "python3",
        &["-m", "venv", venv.to_str().unwrap_or_default()],
    ))?;
    util::run(util::command(
        venv.join("bin/pip").to_str().unwrap_or_default(),
        &["install", "--quiet", OPENAPI_PYTHON_CLIENT],
    ))?;
    Ok(venv)
}
