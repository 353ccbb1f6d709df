// The ecosystem matrix, frameworks: the packed package in each framework's
// starter as a partner team sets it up. Jest 30 (testEnvironment "jsdom" and
// "node") and Vitest 4 (jsdom and node) run a test of every entry. Every tool
// is pinned in tests/ecosystem/frameworks/ (package.json and its lockfile).
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const HERE = join(ROOT, "tests/ecosystem");
const OUT = join(ROOT, "target/ecosystem-frameworks");
const TOOLS = join(OUT, "tools");
const APP = join(OUT, "app");
const bin = (name) => join(TOOLS, "node_modules/.bin", name);
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

let tarball, expected;

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
  await tools;
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
