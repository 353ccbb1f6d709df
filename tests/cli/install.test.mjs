// `npx peeker sandbox` in a fresh Node project with no Rust on PATH: the
// wrapper and the linux-x64 platform package installed from their tarballs,
// offline, and the launcher's answers when the platform package is missing.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "../worker/wrangler.mjs";
import { cliTarballs, freshProject, start } from "./harness.mjs";

let project;
const started = [];

before(() => {
  const { platform, wrapper } = cliTarballs();
  project = freshProject([wrapper, platform]);
});

after(async () => {
  for (const p of started) await p.stop("SIGKILL");
  if (project) rmSync(project.dir, { recursive: true, force: true });
});

test("the project has no Rust toolchain on PATH", () => {
  for (const tool of ["cargo", "rustc"]) {
    const r = spawnSync("sh", ["-c", `command -v ${tool}`], { env: project.env, encoding: "utf8" });
    assert.notEqual(r.status, 0, `${tool} is on PATH: ${r.stdout}`);
  }
});

test("npm installs the wrapper and the one platform package, the binary executable", () => {
  const modules = join(project.app, "node_modules");
  const wrapper = JSON.parse(readFileSync(join(modules, "peeker-cli/package.json"), "utf8"));
  assert.deepEqual(Object.keys(wrapper.optionalDependencies).sort(), [
    "@peeker-cli/darwin-arm64", "@peeker-cli/darwin-x64", "@peeker-cli/linux-arm64",
    "@peeker-cli/linux-x64", "@peeker-cli/win32-x64",
  ]);
  const binary = join(modules, "@peeker-cli/linux-x64/bin/peeker");
  assert.ok(statSync(binary).mode & 0o111, "the binary is executable");
  const r = spawnSync("npx", ["peeker", "--version"], { cwd: project.app, env: project.env, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^peeker ${wrapper.version.replaceAll(".", "\\.")}\\n$`));
});

test("npx peeker sandbox starts, answers GET /partner/v1/me, and stops on SIGINT", async () => {
  const port = await freePort();
  const sandbox = start("npx", ["peeker", "sandbox", "--port", `${port}`], { cwd: project.app, env: project.env });
  started.push(sandbox);
  const ready = await sandbox.lineWith("listening on ", 60_000);
  assert.ok(ready.endsWith(`http://127.0.0.1:${port}/partner/v1`), ready);
  const me = await fetch(`http://127.0.0.1:${port}/partner/v1/me`, {
    headers: { Authorization: "Bearer pk_test_npm_install" },
    signal: AbortSignal.timeout(10_000),
  });
  assert.equal(me.status, 200);
  assert.equal(typeof (await me.json()), "object");
  // Ctrl-C as a terminal sends it, to the whole group (npm exec does not
  // forward a SIGINT of its own, and ends by it as a shell does): the
  // launcher and the binary stop, nothing is left to kill.
  await sandbox.stop("SIGINT", { group: true });
  assert.equal(sandbox.leftBehind, false, "every process of npx's group ended on Ctrl-C");
  await assert.rejects(fetch(`http://127.0.0.1:${port}/partner/v1/me`, { signal: AbortSignal.timeout(2000) }));
});

test("the launcher passes the binary's exit code through", () => {
  const r = spawnSync(project.bin, ["trigger", "no.such_event"], { env: project.env, encoding: "utf8" });
  assert.equal(r.status, 2, "a usage error is exit code 2");
  assert.match(r.stderr, /not an event type/);
});

test("without the platform package, the launcher names it and the platforms there are", () => {
  const { wrapper } = cliTarballs();
  const bare = freshProject([wrapper], { omitOptional: true });
  try {
    const r = spawnSync(bare.bin, ["--version"], { env: bare.env, encoding: "utf8" });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /the package @peeker-cli\/linux-x64 is not installed/);
    assert.match(r.stderr, /Prebuilt for: .*@peeker-cli\/darwin-arm64.*@peeker-cli\/win32-x64/);
    assert.match(r.stderr, /--omit=optional/);
  } finally {
    rmSync(bare.dir, { recursive: true, force: true });
  }
});
