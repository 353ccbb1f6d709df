// One end-to-end run as a JavaScript partner: the npm-installed `peeker`
// (sandbox, listen, trigger), and a small Node server that verifies every
// delivery with the packed `peeker-partner` package. Shared by the sandbox
// and the Worker variants (listen.test.mjs, listen-worker.test.mjs).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "../worker/wrangler.mjs";
import { sleep, start } from "./harness.mjs";

// The partner's dev server: the raw body verified with the secret `peeker
// listen` printed; one JSON line per request (id, type, verified).
const SERVER = `
import { createServer } from "node:http";
import { verifyWebhook } from "peeker-partner/webhooks";
const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    let line;
    try {
      const event = verifyWebhook(body, req.headers, process.env.WEBHOOK_SECRET);
      line = { id: event.id, type: event.type, verified: true };
    } catch (e) {
      line = { id: req.headers["peeker-event-id"], verified: false, error: String(e.message) };
    }
    console.log(JSON.stringify(line));
    res.writeHead(line.verified ? 200 : 401).end();
  });
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening"));
`;

/** The event types of `peeker trigger --list` (its first column). */
export function eventTypes(project) {
  const r = spawnSync(project.bin, ["trigger", "--list"], { env: project.env, encoding: "utf8", timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split("\n").map((l) => l.split(/\s+/)[0]);
}

/** Every recorded delivery of the sandbox, once per event id: [{id, type, attempts}]. */
async function recorded(sandboxUrl) {
  const res = await fetch(`${sandboxUrl}/_sandbox/deliveries`, { signal: AbortSignal.timeout(10_000) });
  const byId = new Map();
  for (const row of (await res.json()).data) byId.set(row.id, { id: row.id, type: row.type, attempts: row.attempts });
  return [...byId.values()];
}

/**
 * Starts `peeker sandbox` (with `sandboxArgs`), `peeker listen` (with
 * `listenArgs(sandboxUrl)`) and the dev server, triggers every event type,
 * waits until the server got every event the sandbox recorded, and checks
 * each arrived once and verified and listen's line for each. `track(p)`
 * registers a process for the file's `after`.
 */
export async function forwardEveryEventType(project, { sandboxArgs = [], listenArgs, track }) {
  const run = (args) => {
    const p = start(project.bin, args, { cwd: project.app, env: project.env });
    track(p);
    return p;
  };
  const sandbox = run(["sandbox", "--port", "0", "--time-scale", "0.01", "--quiet", ...sandboxArgs]);
  const ready = await sandbox.lineWith("listening on ", 60_000);
  const sandboxUrl = ready.split(" ").pop().replace(/\/partner\/v1$/, "");

  const port = await freePort();
  const hook = `http://127.0.0.1:${port}/webhooks/peeker`;
  const listen = run(["listen", "--forward-to", hook, ...listenArgs(sandboxUrl)]);
  const secret = (await listen.lineWith("signing secret is ")).match(/whsec_[0-9a-f]+/)?.[0];
  assert.ok(secret, "listen prints the secret");
  await listen.lineWith("Ready!");

  writeFileSync(join(project.app, "server.mjs"), SERVER);
  const server = start(process.execPath, ["server.mjs"], {
    cwd: project.app, env: { ...project.env, PORT: `${port}`, WEBHOOK_SECRET: secret },
  });
  track(server);
  await server.lineWith("listening");

  const types = eventTypes(project);
  assert.equal(types.length, 18, types.join(" "));
  for (const type of types) {
    const r = spawnSync(project.bin, ["trigger", type, "--sandbox-url", sandboxUrl, "--timeout", "60"],
      { env: project.env, encoding: "utf8", timeout: 90_000 });
    assert.equal(r.status, 0, `trigger ${type}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, new RegExp(`✓ triggered ${type.replaceAll(".", "\\.")} evt_`));
    assert.match(r.stdout, /· created /);
  }

  // Every event the sandbox recorded since listen started, and a moment more
  // so anything forwarded twice would show.
  const received = () => server.lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
  const deadline = Date.now() + 60_000;
  let events;
  for (;;) {
    events = await recorded(sandboxUrl);
    if (received().length >= events.length) break;
    if (Date.now() > deadline) {
      const got = new Set(received().map((e) => e.id));
      const missing = events.filter((e) => !got.has(e.id)).map((e) => `${e.type} ${e.id} ${JSON.stringify(e.attempts)}`);
      assert.fail(`the server got ${received().length} of ${events.length} events; missing (with the sandbox's `
        + `delivery attempts):\n${missing.join("\n")}\nlisten:\n${listen.lines.join("\n")}`);
    }
    await sleep(200);
  }
  await sleep(1000);
  assert.equal(await listen.stop("SIGINT"), 0, `listen stops cleanly on SIGINT:\n${listen.lines.join("\n")}`);

  const got = received();
  assert.deepEqual(got.filter((e) => !e.verified), [], "every delivery verifies");
  const times = new Map();
  for (const e of got) times.set(e.id, (times.get(e.id) ?? 0) + 1);
  for (const { id, type } of events) assert.equal(times.get(id), 1, `${type} ${id} arrives exactly once`);
  assert.equal(got.length, events.length, "nothing but the recorded events arrives");
  assert.deepEqual([...new Set(got.map((e) => e.type))].sort(), [...types].sort(), "all 18 types arrive");

  // One line per delivery: the time, the type, the event id, the status, the latency.
  for (const { id, type } of events) {
    const line = listen.lines.find((l) => l.includes(id));
    assert.ok(line, `no line for ${id}:\n${listen.lines.join("\n")}`);
    assert.match(line, new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\S*\\s+${type.replaceAll(".", "\\.")}\\s+${id}\\s+--> POST ${hook} \\[200\\] \\d+ ms$`));
  }
  assert.ok(listen.lines.includes(`Stopped: ${events.length} delivered, 0 failed.`), listen.lines.join("\n"));
  return { sandboxUrl, events };
}
