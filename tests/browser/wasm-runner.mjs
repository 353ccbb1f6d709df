// Cargo's runner for `cargo test --target wasm32-unknown-unknown` in headless
// Chromium (the xtask sets it): wasm-bindgen-test-runner generates the test
// page's scripts, and this file serves and drives them with the same server and
// Chromium launcher as every other browser test.
//
// Why not the runner's own headless mode: its HTTP server (tiny_http 0.12) can
// leave an accepted connection unread for good when Chromium opens several at
// once (its thread pool counts a woken thread as still idle), so the page
// waits for a module forever, now and then under load.
import { spawn } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { launch, serveRoot } from "./harness.mjs";

const SECONDS = 120; // for each of: generating the scripts, running the tests

// index-headless.html of wasm-bindgen-test-runner, reduced to what run.js needs:
// the #output it reports into, and console output kept apart and handed to the harness.
const PAGE = `<!DOCTYPE html><meta charset="utf-8">
<pre id="output">Loading scripts...</pre><pre id="console_output"></pre>
<script>
  const nocapture = false, is_bench = false;
  for (const method of ["debug", "log", "info", "warn", "error"]) {
    console[method] = (...args) => {
      document.getElementById("console_output").append(args.map(String).join(" ") + "\\n");
      window["on_console_" + method]?.(args);
    };
  }
  window.__wbg_test_invoke = (f) => f();
</script>
<script src="run.js" type="module"></script>`;

/** Runs wasm-bindgen-test-runner in its interactive mode, which writes the page's
 *  scripts into a kept folder and then serves them; stops it once it serves. */
function generate(args) {
  const runner = spawn("wasm-bindgen-test-runner", args, {
    env: { ...process.env, NO_HEADLESS: "1", WASM_BINDGEN_KEEP_TEST_BUILD: "1", WASM_BINDGEN_TEST_ADDRESS: "127.0.0.1:0" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { runner.kill(); reject(new Error(`wasm-bindgen-test-runner wrote no page in ${SECONDS} s:\n${out}`)); }, SECONDS * 1000);
    runner.stdout.on("data", (chunk) => {
      out += chunk;
      const dir = /Retaining temporary build output folder: (.+)/.exec(out)?.[1];
      if (dir && out.includes("tests are now available at")) {
        clearTimeout(timer);
        runner.removeAllListeners("exit");
        runner.kill();
        resolve({ dir });
      }
    });
    // Exiting before it serves: no tests in this binary, or an error it printed.
    runner.on("exit", (code) => {
      clearTimeout(timer);
      process.stdout.write(out);
      resolve({ exit: code ?? 1 });
    });
  });
}

async function runPage(dir) {
  await writeFile(join(dir, "index.html"), PAGE);
  const server = await serveRoot(dir);
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${server.url}/index.html`);
    const done = await page
      .waitForFunction(() => document.getElementById("output").textContent.includes("test result: "), null, { timeout: SECONDS * 1000 })
      .then(() => true, () => false);
    const [output, consoleOutput] = await page.evaluate(() =>
      ["output", "console_output"].map((id) => document.getElementById(id).textContent));
    process.stdout.write(`${output}\n`);
    if (done && output.includes("test result: ok")) return 0;
    if (!done) console.log(`The tests did not finish in ${SECONDS} s.`);
    if (consoleOutput) console.log(`console output:\n${consoleOutput}`);
    if (errors.length) console.log(`page errors:\n${errors.join("\n")}`);
    return 1;
  } finally {
    await browser.close();
    await server.close();
  }
}

const generated = await generate(process.argv.slice(2));
if ("exit" in generated) process.exit(generated.exit);
try {
  process.exitCode = await runPage(generated.dir);
} finally {
  await rm(generated.dir, { recursive: true, force: true });
}
