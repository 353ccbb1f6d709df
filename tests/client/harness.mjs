// A peeker-sandbox on 127.0.0.1 (a free port) for the client tests and the
// client benchmark: built once with cargo, killed by its PID afterwards. Its
// request log (one line per request) is kept so tests can count requests.
import { spawn, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

const built = new Set();
/** The sandbox binary, built once per profile ("debug" for tests, "release" for benchmarks). */
function binary(profile = "debug") {
  const bin = join(ROOT, `target/${profile}/peeker-sandbox`);
  if (!built.has(profile) && !process.env.PEEKER_SANDBOX_NO_BUILD) {
    const args = ["build", "-q", "-p", "peeker-sandbox", "--bin", "peeker-sandbox"];
    if (profile === "release") args.push("--release");
    try {
      execFileSync("cargo", args, { cwd: ROOT, stdio: "inherit" });
    } catch (e) {
      // Someone may be mid-edit in sandbox/: an earlier binary still serves.
      if (!existsSync(bin)) throw e;
      console.error("harness: cargo build -p peeker-sandbox failed; using the existing binary");
    }
    built.add(profile);
  }
  return bin;
}

/**
 * Starts a sandbox. Returns {base, origin, log, count(re), faults(obj),
 * reset(), state(), stop()}.
 */
export async function startSandbox({ rateLimit = 100_000, timeScale = 0.01, extra = [], profile = "debug" } = {}) {
  const child = spawn(
    binary(profile),
    ["--host", "127.0.0.1", "--port", "0", "--rate-limit", String(rateLimit), "--time-scale", String(timeScale), ...extra],
    { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
  );
  const log = [];
  let buffered = "";
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("peeker-sandbox did not start within 30 s")), 30_000);
    child.on("exit", (code) => reject(new Error(`peeker-sandbox exited (${code})`)));
    child.stdout.on("data", (chunk) => {
      buffered += chunk.toString("utf8");
      const lines = buffered.split("\n");
      buffered = lines.pop();
      for (const line of lines) {
        log.push(line);
        const m = /listening on (http:\/\/\S+)/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      }
    });
  });
  const origin = new URL(base).origin;
  const control = async (method, path, body) => {
    const res = await fetch(`${origin}/_sandbox/${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`/_sandbox/${path}: ${JSON.stringify(json)}`);
    return json.data ?? json;
  };
  return {
    base,
    origin,
    log,
    /** Request log lines matching `re` (e.g. /POST \/partner\/v1\/swaps /). */
    count: (re) => log.filter((l) => re.test(l)).length,
    faults: (f) => control("POST", "faults", f ?? {}),
    reset: () => control("POST", "reset", {}),
    state: () => control("GET", "state"),
    deliveries: () => control("GET", "deliveries"),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", resolve);
        process.kill(child.pid, "SIGTERM");
      }),
  };
}

/** A sandbox account's order body: a custom order of 2 Google licences on one fresh domain. */
export function orderBody(tag, extra = {}) {
  return {
    user: `buyer-${tag}@example.com`,
    google_licenses: 2,
    microsoft_licenses: 0,
    sequencer: { provider: "smartlead", login_email: "sl@example.com", login_password: "Sm4rtl3ad-s3cret!", client_id: null },
    forwarding_url: "https://example.com",
    domains: [`${tag}-shop.com`],
    personas: [{ first_name: "Alex", last_name: "Rivera", profile_picture_url: null }],
    ...extra,
  };
}
