// Starts and stops `wrangler dev --local` (workerd from npm) for the Worker
// tests and the load benchmark. Offline: no login, no metrics, 127.0.0.1 only.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
// PEEKER_WORKER_CONFIG runs the tests against another copy of the Worker
// (e.g. an older commit's, to see a new test fail on the old behaviour).
export const WORKER_CONFIG = process.env.PEEKER_WORKER_CONFIG ?? join(ROOT, "worker/wrangler.toml");
const WRANGLER = join(ROOT, "node_modules/wrangler/bin/wrangler.js");

const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1", NO_COLOR: "1" };
delete env.CLOUDFLARE_API_TOKEN; // never talk to Cloudflare
delete env.CLOUDFLARE_ACCOUNT_ID;

// Groups still running; killed if this process ends without stop() (a crash,
// an assertion in a hook), so no wrangler or workerd is ever left behind.
const running = new Set();
process.on("exit", () => {
  for (const pid of running) try { process.kill(-pid, "SIGKILL"); } catch {}
});

export const tempDir = (prefix) => mkdtempSync(join(tmpdir(), prefix));

/** A TCP port free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Runs wrangler to completion (e.g. migrations); rejects with its output. */
export function wrangler(args, cwd = dirname(WORKER_CONFIG)) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRANGLER, ...args], { cwd, env });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`wrangler ${args.join(" ")} exited ${code}:\n${out}`)),
    );
  });
}

/** Applies the D1 migrations to the local database in `persistTo`. */
export const migrate = (persistTo, config = WORKER_CONFIG) =>
  wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo, "-c", config]);

/**
 * Starts `wrangler dev --local` in its own process group and waits until it
 * answers HTTP. `vars` become `--var NAME:value` (local secrets; nothing is
 * written next to wrangler.toml). Returns {url, pid, log(), stop()}.
 */
export async function startWorker({ config = WORKER_CONFIG, persistTo, vars = {}, timeoutMs = 60_000 }) {
  const [port, inspector] = [await freePort(), await freePort()];
  const args = [WRANGLER, "dev", "-c", config, "--local", "--ip", "127.0.0.1", "--port", `${port}`,
    "--inspector-port", `${inspector}`, "--show-interactive-dev-session=false", "--log-level", "warn"];
  if (persistTo) args.push("--persist-to", persistTo);
  for (const [name, value] of Object.entries(vars)) args.push("--var", `${name}:${value}`);
  // detached: a new process group, so stop() reaches workerd too.
  const child = spawn(process.execPath, args, {
    cwd: dirname(config), env, detached: true, stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  let gone = false;
  running.add(child.pid);
  exited.then(() => (gone = true));

  const worker = {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    log: () => output,
    async stop() {
      if (!gone) {
        try { process.kill(-child.pid, "SIGTERM"); } catch {}
        const timer = setTimeout(() => { try { process.kill(-child.pid, "SIGKILL"); } catch {} }, 5000);
        await exited;
        clearTimeout(timer);
      }
      // workerd may outlive wrangler for a moment: make sure the group is empty.
      try { process.kill(-child.pid, "SIGKILL"); } catch {}
      running.delete(child.pid);
    },
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone) {
      await worker.stop();
      throw new Error(`wrangler dev exited before answering:\n${output}`);
    }
    try {
      await fetch(`${worker.url}/__ready`, { signal: AbortSignal.timeout(2000) });
      return worker; // any HTTP answer (the Worker's 404) means it serves
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  await worker.stop();
  throw new Error(`wrangler dev did not answer within ${timeoutMs} ms:\n${output}`);
}
