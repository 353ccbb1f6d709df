// End to end as a JavaScript partner, from a deployed Worker: the sandbox
// delivers to the Worker under `wrangler dev --local`, which stores each
// event; `peeker listen --worker --token` takes them from its /events and
// forwards them to a Node server that verifies with the packed package.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrate, startWorker, tempDir } from "../worker/wrangler.mjs";
import { cliTarballs, freshProject, packPartnerPackage } from "./harness.mjs";
import { forwardEveryEventType } from "./forward.mjs";

const WEBHOOK_SECRET = "whsec_cli_worker_test_7e21";
const TOKEN_SECRET = "proxy-token-secret-for-cli-tests-5c0a-0123456789";

let project, packDir, worker;
const persistTo = tempDir("peeker-cli-worker-");
const started = [];

before(async () => {
  const { platform, wrapper } = cliTarballs();
  packDir = mkdtempSync(join(tmpdir(), "peeker-partner-pack-"));
  project = freshProject([wrapper, platform, packPartnerPackage(packDir)]);
  await migrate(persistTo);
  worker = await startWorker({
    persistTo,
    vars: { PEEKER_WEBHOOK_SECRET: WEBHOOK_SECRET, PROXY_TOKEN_SECRET: TOKEN_SECRET },
  });
});

after(async () => {
  for (const p of started) await p.stop("SIGKILL");
  await worker?.stop();
  for (const dir of [project?.dir, packDir, persistTo]) if (dir) rmSync(dir, { recursive: true, force: true });
});

test("every event type the Worker stores reaches the dev server once and verifies", { timeout: 600_000 }, async () => {
  // /events reads the whole account's events with events.readAll, an account scope.
  const mint = spawnSync(project.bin, ["token", "mint", "--secret", TOKEN_SECRET, "--sub", "ops@acme.com",
    "--scope", "events.readAll", "--account-scopes", "--ttl", "3600"], { env: project.env, encoding: "utf8" });
  assert.equal(mint.status, 0, mint.stderr);
  const token = mint.stdout.trim();
  const { events } = await forwardEveryEventType(project, {
    sandboxArgs: ["--webhook-url", `${worker.url}/webhooks/peeker`, "--webhook-secret", WEBHOOK_SECRET],
    listenArgs: () => ["--worker", worker.url, "--token", token],
    track: (p) => started.push(p),
  });
  // Each came through the Worker: it stored every one.
  const stored = await fetch(`${worker.url}/events?limit=500`, { headers: { Authorization: `Bearer ${token}` } });
  const ids = new Set((await stored.json()).events.map((e) => e.id));
  for (const { id } of events) assert.ok(ids.has(id), `the Worker stored ${id}`);
});
