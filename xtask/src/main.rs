//! `cargo xtask <command>`: the project's build and test orchestration, in Rust,
//! so `cargo` is the only thing a newcomer needs (rust-analyzer's habit).
//!
//! Every command installs what it needs first, idempotently: the wasm32 target,
//! wasm-bindgen-cli pinned to Cargo.lock, npm packages (`npm ci`, which brings
//! `wasm-opt` from the npm `binaryen` package), the browsers from Debian (chromium,
//! firefox-esr, webkit2gtk-driver and xvfb).

mod build;
mod cli_npm;
mod codegen;
mod demo;
mod fuzz_api;
mod openapi_clients;
mod psl;
mod setup;
mod util;
mod worker;

use std::process::ExitCode;

const HELP: &str = "\
cargo xtask <command>

  setup   install the toolchain pieces the other commands need (idempotent)
  codegen [--check]
          write the generated TypeScript, JS (resource table, error classes)
          and openapi.json from the endpoint, model, error and options tables;
          --check fails when stale (as does `cargo test`)
  build   build the npm package into pkg/
  psl [--file PATH]
          refresh the vendored Public Suffix List (download, or a local copy)
          and the registrable-root table generated from it
  test    set up, build, and run every test (native, wasm in Node and Chromium, pkg/ from Node and bundlers)
  demo    build, then serve the partner demo on 127.0.0.1 (sandbox, Worker, www/)
  bench   build, then print the benchmark table
  docs    build, then the API reference from the package's .d.ts (typedoc) into target/docs/api/
  load    build, then bounded loads on the Worker: signed deliveries (10 s),
          200 stream watchers, forwarding to a target that is down
  openapi-clients
          generate a TypeScript and a Python client from openapi.json and run
          each against peeker-sandbox (one create-and-read per resource)
  fuzz-api [EXAMPLES]
          schemathesis against a running peeker-sandbox with openapi.json
          (default 100 examples per operation; `test` runs 10)
  cli-npm [--debug]
          build `peeker` (release; --debug for a quick local try) and write
          its npm packages into target/cli-npm/: the host's platform package
          and the wrapper `peeker-cli`, both packed (npm/release.json lists
          every platform)
  fuzz [SECONDS]
          run the cargo-fuzz target for webhook header and envelope parsing
          for a bounded time (default 60 s)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::all(),
        Some("codegen") => codegen::run(args.get(1).map(String::as_str) == Some("--check")),
        Some("psl") => psl::run(&args[1..]),
        Some("build") => setup::all().and_then(|_| build::package()),
        Some("test") => test(),
        Some("demo") => demo(),
        Some("bench") => bench(),
        Some("docs") => docs(),
        Some("load") => load(),
        Some("openapi-clients") => openapi_clients::run(),
        Some("cli-npm") => cli_npm::run(&args[1..]),
        Some("fuzz-api") => match args.get(1).map_or(Ok(100), |n| n.parse::<u32>()) {
            Ok(n) => fuzz_api::run(n),
            Err(_) => Err("fuzz-api takes a number of examples per operation".into()),
        },
        Some("fuzz") => fuzz(args.get(1).map_or("60", String::as_str)),
        _ => {
            print!("{HELP}");
            return if args.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            };
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn test() -> util::Result {
    use util::{cargo, run_in, step};
    setup::all()?;
    let root = util::root();
    step("generated files are up to date");
    codegen::run(true)?;
    step("openapi.json passes redocly's recommended rules");
    run_in(
        &root,
        "node_modules/.bin/redocly",
        &["lint", "--format=summary", codegen::OPENAPI],
    )?;
    step("format and lints");
    cargo(&["fmt", "--all", "--check"])?;
    cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--all-features",
        "--",
        "-D",
        "warnings",
    ])?;
    // Each package entry's wasm, with its own features.
    for entry in build::ENTRIES {
        let mut args = vec!["clippy", "--target", "wasm32-unknown-unknown", "--lib"];
        args.extend(
            entry
                .features
                .split_whitespace()
                .filter(|a| !a.starts_with("--config")),
        );
        args.extend_from_slice(&["--", "-D", "warnings"]);
        cargo(&args)?;
    }

    step("native unit, fixture and property tests");
    cargo(&["test", "--workspace"])?;
    step("the native client (feature native): the client suite against the sandbox, the examples");
    cargo(&[
        "test",
        "-p",
        "peeker-partner",
        "--features",
        "native",
        "--test",
        "native_client",
    ])?;
    cargo(&[
        "build",
        "-p",
        "peeker-partner",
        "--examples",
        "--features",
        "native",
    ])?;

    step("wasm-bindgen-test in Node");
    build::wasm_tests(false)?;
    step("wasm-bindgen-test in headless Chromium");
    build::wasm_tests(true)?;

    build::package()?;
    step("node:test against pkg/ (as a user imports it), in Node and headless Chromium");
    run_in(
        &root,
        "node",
        &[
            "--test",
            "tests/js/",
            "tests/browser/",
            "tests/client/",
            "tests/e2e/",
        ],
    )?;
    worker::test()?;
    // The debug binary `cargo test` built: the release profile's LTO costs
    // minutes, and `cargo xtask cli-npm` packs the release one.
    cli_npm::package(cli_npm::Profile::Debug)?;
    step("peeker from npm: installed offline with no Rust on PATH, then sandbox, listen, trigger (tests/cli/)");
    run_in(&root, "node", &["--test", "tests/cli/"])?;
    step("the sandbox against openapi.json (schemathesis)");
    fuzz_api::run(10)?;
    step("clients generated from openapi.json (TypeScript, Python) against the sandbox");
    openapi_clients::run()?;
    step("ecosystem matrix: npm pack, installed and run as partners do (tests/ecosystem/)");
    run_in(&root, "node", &["--test", "tests/ecosystem/"])?;
    Ok(())
}

fn demo() -> util::Result {
    demo::run()
}

fn bench() -> util::Result {
    setup::all()?;
    build::package()?;
    util::step("benchmarks: package sizes, core, webhook verifiers");
    util::run_in(&util::root(), "node", &["bench/run.mjs"])?;
    util::step("benchmarks: peeker-sandbox on loopback (release build)");
    util::cargo(&[
        "run",
        "--release",
        "--quiet",
        "-p",
        "peeker-sandbox",
        "--bin",
        "peeker-sandbox-bench",
    ])
}

/// The HTML API reference of the public .d.ts (typedoc, pinned in
/// package.json; options in docs/typedoc.json). Lists any export without a
/// summary as a warning.
fn docs() -> util::Result {
    setup::all()?;
    build::package()?;
    util::step("typedoc: the API reference into target/docs/api/");
    let root = util::root();
    util::run_in(
        &root.join("docs"),
        "typedoc",
        &["--options", "typedoc.json"],
    )?;
    println!("open {}", root.join("target/docs/api/index.html").display());
    Ok(())
}

fn load() -> util::Result {
    setup::all()?;
    build::package()?;
    util::step("Worker load: signed deliveries for 10 s on 127.0.0.1");
    util::run_in(
        &util::root(),
        "node",
        &["bench/worker-load.mjs", "--seconds", "10"],
    )?;
    util::step("Worker edge load: 200 stream watchers; forwarding to a target down 30 s, and one never back");
    util::run_in(&util::root(), "node", &["bench/edge-load.mjs"])
}

/// cargo-fuzz needs nightly flags; `RUSTC_BOOTSTRAP=1` lets the one stable
/// toolchain here accept them (no nightly can be fetched).
fn fuzz(seconds: &str) -> util::Result {
    let seconds: u32 = seconds
        .parse()
        .map_err(|_| format!("fuzz takes a number of seconds, not {seconds:?}"))?;
    if util::output("cargo", &["fuzz", "--version"]).is_none() {
        util::step("cargo install cargo-fuzz");
        util::cargo(&["install", "cargo-fuzz", "--locked"])?;
    }
    util::step(&format!("fuzz webhook_parse for {seconds} s"));
    let mut cmd = util::command(
        env!("CARGO"),
        &[
            "fuzz",
            "run",
            "webhook_parse",
            "--",
            &format!("-max_total_time={seconds}"),
        ],
    );
    cmd.current_dir(util::root().join("fuzz"))
        .env("RUSTC_BOOTSTRAP", "1");
    util::run(cmd)
}
