// The ecosystem matrix, frameworks: the packed package in each framework's
// starter as a partner team sets it up. Jest 30 (testEnvironment "jsdom" and
// "node") and Vitest 4 (jsdom and node) run a test of every entry; Next.js 15
// (webpack) and 16 (Turbopack) build an app with a client component on
// /validate and a webhook route handler (`next build`, strict TypeScript),
// then `next start` on 127.0.0.1 answers a signed and a tampered delivery
// and the page checks an order in Chromium; the browser entries and the
// domain names also run in Firefox and WebKit. Every tool is pinned:
// tests/ecosystem/frameworks/ (the test runners and puppeteer-core) and
// tests/ecosystem/next15/, next16/ (each app's own lockfile, as a partner's
// app has); tests/ecosystem/next/ is the apps' code.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { launch, resultOf, serveRoot } from "../browser/harness.mjs";
import { firefox, webkit } from "./browsers.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const HERE = join(ROOT, "tests/ecosystem");
const OUT = join(ROOT, "target/ecosystem-frameworks");
const TOOLS = join(OUT, "tools");
const APP = join(OUT, "app");
const bin = (name) => join(TOOLS, "node_modules/.bin", name);
const NEXT_BUILD_TIMEOUT_MS = 600_000;
const TIMEOUT_MS = 180_000;

/** Runs a program to completion without blocking the others; resolves to stdout, or fails with everything it printed. */
function run(program, args, { cwd = APP, env = {}, timeout = TIMEOUT_MS } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { cwd, env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let output = "";
    child.stdout.on("data", (d) => ((stdout += d), (output += d)));
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeout);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${relative(ROOT, program)} ${args.join(" ")} exited ${code ?? signal}:\n${output}`));
    });
  });
}

/** `npm ci` of a committed package folder into `dir`, skipped when `dir` already holds that lockfile's install. */
async function installPinned(from, dir) {
  mkdirSync(dir, { recursive: true });
  const lock = readFileSync(join(from, "package-lock.json"), "utf8");
  const stamp = join(dir, "node_modules/.package-lock.json");
  const current = existsSync(stamp) && existsSync(join(dir, "package-lock.json")) &&
    readFileSync(join(dir, "package-lock.json"), "utf8") === lock &&
    statSync(stamp).mtimeMs >= statSync(join(dir, "package-lock.json")).mtimeMs;
  if (current) return;
  for (const f of ["package.json", "package-lock.json"]) cpSync(join(from, f), join(dir, f));
  await run("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: dir });
}

/** The package as npm installs it (it has no dependencies): the tarball unpacked into node_modules/peeker-partner. */
function unpack(tarball, dir) {
  const target = join(dir, "node_modules/peeker-partner");
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  const r = spawnSync("tar", ["-xzf", tarball, "-C", target, "--strip-components=1"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
}

let tarball, expected, server;

before(async () => {
  mkdirSync(OUT, { recursive: true });
  const tools = installPinned(join(HERE, "frameworks"), TOOLS);
  for (const f of readdirSync(OUT).filter((f) => f.endsWith(".tgz"))) rmSync(join(OUT, f));
  const packed = JSON.parse(await run("npm", ["pack", join(ROOT, "pkg"), "--json", "--pack-destination", OUT], { cwd: OUT }));
  tarball = join(OUT, packed[0].filename);
  // The partner's project: the matrix's app, its Jest and Vitest tests, the package.
  rmSync(APP, { recursive: true, force: true });
  cpSync(join(HERE, "app"), APP, { recursive: true });
  for (const runner of ["jest", "vitest"]) cpSync(join(HERE, "frameworks", runner), join(APP, runner), { recursive: true });
  // Jest runs CommonJS: the same check, as a CommonJS module.
  writeFileSync(join(APP, "check.cjs"), readFileSync(join(APP, "check.mjs"), "utf8").replace(/^export function check/m, "exports.check = function check"));
  unpack(tarball, APP);
  expected = await run(process.execPath, ["node-esm.mjs"]);
  server = await serveRoot();
  await tools;
});

after(async () => {
  await server?.close();
});

describe("test runners: every entry imported and run in a test", { concurrency: 2 }, () => {
  const env = () => ({ ECOSYSTEM_EXPECTED: expected });
  for (const environment of ["jsdom", "node"]) {
    test(`Jest 30, testEnvironment "${environment}"`, async () => {
      // The environment by path: the tools are installed apart from the app.
      const config = { rootDir: join(APP, "jest"), testEnvironment: environment === "jsdom" ? join(TOOLS, "node_modules/jest-environment-jsdom") : "node" };
      await run(bin("jest"), ["--config", JSON.stringify(config), "--ci"], { env: env() });
    });
    test(`Vitest 4, environment "${environment}"`, async () => {
      await run(bin("vitest"), ["run", "--root", APP, "--dir", "vitest", "--environment", environment], { env: env() });
    });
  }
});

describe("Next.js: next build, then next start on 127.0.0.1", { concurrency: 2 }, () => {
  const body = '{"id":"evt_1","type":"order.completed","created_at":"2026-05-08T12:00:00Z","data":{}}';
  const env = { NEXT_TELEMETRY_DISABLED: "1", PEEKER_WEBHOOK_SECRET: "whsec_old,whsec_a" };

  /** `next start` on a free port of 127.0.0.1, in its own process group; resolves to {url, stop}. */
  async function start(dir) {
    const child = spawn(join(dir, "node_modules/.bin/next"), ["start", "-H", "127.0.0.1", "-p", "0"],
      { cwd: dir, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
    const stop = () => {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
    };
    let output = "";
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`next start printed no address:\n${output}`)), 60_000);
      const read = (d) => {
        output += d;
        const found = output.match(/http:\/\/127\.0\.0\.1:(\d+)/);
        if (found && found[1] !== "0") (clearTimeout(timer), resolve(found[0]));
      };
      child.stdout.on("data", read);
      child.stderr.on("data", read);
      child.on("exit", (code) => (clearTimeout(timer), reject(new Error(`next start exited ${code}:\n${output}`))));
    }).catch((e) => (stop(), Promise.reject(e)));
    return { url, stop, output: () => output };
  }

  for (const [version, bundler] of [["15", "webpack"], ["16", "Turbopack"]]) {
    test(`Next.js ${version} (${bundler}): a client component on /validate, a route handler verifying the raw body`, async () => {
      const dir = join(OUT, `next${version}`);
      await installPinned(join(HERE, `next${version}`), dir);
      for (const f of ["app", ".next", "next-env.d.ts", "next.config.mjs", "tsconfig.json"]) rmSync(join(dir, f), { recursive: true, force: true });
      cpSync(join(HERE, "next"), dir, { recursive: true });
      unpack(tarball, dir);
      const built = await run(join(dir, "node_modules/.bin/next"), ["build"], { cwd: dir, env, timeout: NEXT_BUILD_TIMEOUT_MS });
      if (version === "16") assert.match(built, /Turbopack/, "Next.js 16 builds with Turbopack");
      else assert.doesNotMatch(built, /Turbopack/, "Next.js 15 builds with webpack");
      const app = await start(dir);
      try {
        const { signWebhook } = createRequire(join(dir, "package.json"))("peeker-partner/webhooks");
        const deliver = (payload) => fetch(`${app.url}/api/webhooks`, {
          method: "POST", headers: { "content-type": "application/json", ...signWebhook(body, "whsec_a") }, body: payload,
        });
        const signed = await deliver(body);
        assert.equal(signed.status, 200, app.output());
        assert.deepEqual(await signed.json(), { received: "evt_1", type: "order.completed" });
        const tampered = await deliver(body.replace("evt_1", "evt_2"));
        assert.equal(tampered.status, 400);
        assert.deepEqual(await tampered.json(), { code: "signature_mismatch" });
        // The page: validated at render on the server, then on a click once hydrated.
        const html = await (await fetch(app.url)).text();
        assert.match(html, /id="at-render">domains\[0\]</);
        const browser = await launch();
        try {
          const page = await browser.newPage();
          await page.goto(app.url);
          // A click before hydration does nothing: click until React answers.
          await page.waitForFunction(() => {
            document.getElementById("check").click();
            return document.getElementById("on-click").textContent !== "not clicked";
          }, null, { timeout: 30_000, polling: 200 });
          assert.equal(await page.textContent("#on-click"), "0");
          assert.equal(await page.textContent("#at-render"), "domains[0]");
        } finally {
          await browser.close();
        }
      } finally {
        app.stop();
      }
    });
  }
});

describe("the browser entries in Firefox and WebKit (Safari's engine), as in Chromium", () => {
  const pages = {};
  before(async () => {
    // The matrix's page, bundled by esbuild as a partner's frontend is.
    await build({ entryPoints: [join(APP, "page/main.js")], bundle: true, minify: true, outfile: join(APP, "dist-page/main.js"), logLevel: "warning" });
    writeFileSync(join(APP, "dist-page/index.html"), `<!doctype html><meta charset="utf-8"><script src="./main.js"></script>`);
    // The domain names of tests/browser/idna.test.mjs: Unicode's UTS #46
    // conformance file through both entries, and the browser's own new URL().
    const names = join(APP, "names/main.js");
    mkdirSync(join(APP, "names"), { recursive: true });
    writeFileSync(names, `import * as main from "peeker-partner";
import * as validate from "peeker-partner/validate";
import { parseIdnaTest, disagreement } from ${JSON.stringify(join(ROOT, "tests/js/idna-conformance.mjs"))};
import { answers, TYPED } from ${JSON.stringify(join(ROOT, "tests/js/idna-run.mjs"))};
fetch("/tests/resources/IdnaTestV2.txt").then((r) => r.text()).then((text) => {
  const rows = parseIdnaTest(text);
  window.__result = Object.fromEntries(Object.entries({ main, validate }).map(([entry, api]) => {
    const got = answers(api, rows.map((r) => r.source));
    const typed = TYPED.map(([t, sent, shown]) => {
      let browser;
      try { browser = new URL("http://" + t + "/").hostname; } catch { browser = null; }
      return { typed: t, sent, shown, answer: answers(api, [t])[0], browser };
    });
    return [entry, { rows: rows.length, failures: rows.map((row, i) => disagreement(row, got[i])).filter(Boolean), typed,
      warnings: api.domainWarnings("\\u0430pple.com").map((w) => w.scripts) }];
  }));
});
`);
    await build({ entryPoints: [names], bundle: true, outfile: join(APP, "dist-names/main.js"), logLevel: "warning" });
    writeFileSync(join(APP, "dist-names/index.html"), `<!doctype html><meta charset="utf-8"><script src="./main.js"></script>`);
    for (const page of ["page", "names"]) pages[page] = `${server.url}/${relative(ROOT, join(APP, `dist-${page}/index.html`))}`;
  });

  const browsers = {
    Firefox: async () => firefox((await import(pathToFileURL(join(TOOLS, "node_modules/puppeteer-core/lib/esm/puppeteer/puppeteer-core.js")).href)).default),
    WebKit: webkit,
  };
  for (const [name, open] of Object.entries(browsers)) {
    test(`${name}: the bundled page, and the domain names as the browser itself sends them`, async () => {
      const browser = await open();
      try {
        const { webBeforeInit, ...want } = JSON.parse(expected);
        assert.deepEqual(await browser.resultOf(pages.page), want, browser.name);
        const names = await browser.resultOf(pages.names);
        for (const [entry, got] of Object.entries(names)) {
          console.log(`UTS #46 conformance (${browser.name}, ${entry}): ${got.rows} rows, disagreements: ${got.failures.length}`);
          assert.ok(got.rows > 6000, "the whole conformance file");
          assert.deepEqual(got.failures, [], `${browser.name}, ${entry}`);
          for (const t of got.typed) {
            assert.deepEqual(t.answer, { ok: true, domain: t.sent, display: t.shown }, JSON.stringify(t.typed));
            assert.equal(t.browser, t.sent, `${browser.name}'s own new URL() sends ${t.sent} for ${JSON.stringify(t.typed)}`);
          }
          assert.deepEqual(got.warnings, [["Cyrillic", "Latin"]]);
        }
      } finally {
        await browser.close();
      }
    });
  }
});
