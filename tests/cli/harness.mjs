// The `peeker` npm packages as a JavaScript partner installs them: the
// tarballs `cargo xtask cli-npm` packed into target/cli-npm/ installed into a
// fresh project in a temp dir (outside the repository, so nothing of ours
// resolves), offline, with an empty npm cache. Every process started here is
// bounded in time and killed by its PID (its process group) at the end.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const PACKED = join(ROOT, "target/cli-npm");

/** The two tarballs of `cargo xtask cli-npm`: the platform package and the wrapper. */
export function cliTarballs() {
  const files = existsSync(PACKED) ? readdirSync(PACKED).filter((f) => f.endsWith(".tgz")) : [];
  const platform = files.find((f) => f.startsWith("peeker-cli-linux-x64-"));
  const wrapper = files.find((f) => /^peeker-cli-\d/.test(f));
  assert.ok(platform && wrapper, `no packed peeker-cli in ${PACKED}: run \`cargo xtask cli-npm\` first`);
  return { platform: join(PACKED, platform), wrapper: join(PACKED, wrapper) };
}

/** `npm pack` of pkg/ (built by `cargo xtask build`) into `dir`; the tarball's path. */
export function packPartnerPackage(dir) {
  assert.ok(existsSync(join(ROOT, "pkg/package.json")), "no pkg/: run `cargo xtask build` first");
  const out = run("npm", ["pack", join(ROOT, "pkg"), "--json", "--pack-destination", dir], { cwd: dir });
  return join(dir, JSON.parse(out)[0].filename);
}

/** PATH with node and the system's tools only: no cargo, no rustc. */
export const NO_RUST_PATH = [...new Set([dirname(process.execPath), "/usr/bin", "/bin"])].join(":");

/**
 * A fresh Node project in a temp dir with `tarballs` installed offline (an
 * empty npm cache of its own: nothing can come from a registry). `env` is
 * the whole environment npm and the programs run with.
 */
export function freshProject(tarballs, { omitOptional = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "peeker-cli-npm-"));
  const home = join(dir, ".home");
  mkdirSync(home);
  const app = join(dir, "app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "partner-app", private: true, type: "module" }));
  const env = { PATH: NO_RUST_PATH, HOME: home, NO_COLOR: "1", npm_config_cache: join(dir, ".npm-cache") };
  const args = ["install", "--offline", "--no-audit", "--no-fund", "--loglevel", "error", ...tarballs];
  if (omitOptional) args.push("--omit=optional");
  run("npm", args, { cwd: app, env });
  return { dir, app, env, bin: join(app, "node_modules/.bin/peeker") };
}

/** Runs a program to completion (at most 120 s); its stdout, or fails with all it printed. */
export function run(program, args, { cwd, env = process.env } = {}) {
  const r = spawnSync(program, args, { cwd, env, encoding: "utf8", timeout: 120_000 });
  assert.equal(r.status, 0, `${program} ${args.join(" ")} exited ${r.status ?? r.signal}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

// Process groups still running: killed when this process ends, whatever happened.
const running = new Set();
process.on("exit", () => {
  for (const pid of running) try { process.kill(-pid, "SIGKILL"); } catch {}
});

/**
 * Starts a program in its own process group with its output lines
 * collected. `stop(signal)` signals it by PID (with `group`, its whole
 * process group, as a terminal's Ctrl-C does) and waits (10 s at most, then
 * SIGKILL to the group); its exit code, or null.
 */
export function start(program, args, { cwd, env }) {
  const child = spawn(program, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  running.add(child.pid);
  const lines = [];
  for (const stream of [child.stdout, child.stderr]) {
    let pending = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk) => {
      pending += chunk;
      const parts = pending.split("\n");
      pending = parts.pop();
      lines.push(...parts);
    });
  }
  const exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  let code;
  exited.then((c) => {
    code = c;
    running.delete(child.pid);
  });
  return {
    pid: child.pid,
    lines,
    exited: () => code !== undefined,
    /** The first line containing `needle`, waited for up to `ms`. */
    async lineWith(needle, ms = 30_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const line = lines.find((l) => l.includes(needle));
        if (line !== undefined) return line;
        assert.ok(Date.now() < deadline && code === undefined,
          `${program} ${args.join(" ")}: no line with ${JSON.stringify(needle)} (exit ${code}):\n${lines.join("\n")}`);
        await sleep(20);
      }
    },
    async stop(signal = "SIGINT", { group = false } = {}) {
      if (code === undefined) {
        try { process.kill(group ? -child.pid : child.pid, signal); } catch {}
        const late = setTimeout(() => { try { process.kill(-child.pid, "SIGKILL"); } catch {} }, 10_000);
        await exited;
        clearTimeout(late);
      }
      // The rest of its group (npx's children) has as long to end, then goes too.
      const deadline = Date.now() + 10_000;
      while (groupAlive(child.pid) && Date.now() < deadline) await sleep(50);
      this.leftBehind = groupAlive(child.pid);
      try { process.kill(-child.pid, "SIGKILL"); } catch {}
      running.delete(child.pid);
      return code;
    },
    /** After stop(): whether anything of its group had to be killed. */
    leftBehind: false,
  };
}

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
