// What only the JS PeekerClient has, against a peeker-sandbox on
// 127.0.0.1: its JS surfaces (toString, toJSON, inspect), the browser refusal
// of live keys, and options of the wrong JS type. Everything else a client
// does is in the shared suite (scenarios.json, run by scenarios.test.mjs and
// by tests/native_client.rs for the native client).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { PeekerClient, PeekerError } from "peeker-partner";
import { startSandbox } from "./harness.mjs";

const KEY = "pk_test_client_suite_key_9f8e7d";
let sb;
let client;

before(async () => {
  sb = await startSandbox({ rateLimit: 100_000, timeScale: 0.01 });
  client = new PeekerClient({ apiKey: KEY, baseUrl: sb.base, rateLimitPerMinute: 0 });
});
after(async () => {
  await sb?.stop();
});

test("the client never shows its key: String, JSON.stringify, inspect", async () => {
  assert.equal((await client.me()).data.api_key.environment, "test");
  for (const text of [String(client), inspect(client, { depth: 10, showHidden: true }), JSON.stringify(client)]) {
    assert.ok(!text.includes(KEY), `key leaked: ${text}`);
  }
  assert.equal(String(client), `PeekerClient(${sb.base})`);
  assert.deepEqual(JSON.parse(JSON.stringify(client)), { baseUrl: sb.base });
});

test("the browser refusal for pk_live_ keys", () => {
  globalThis.window = {};
  globalThis.document = {};
  try {
    assert.throws(() => new PeekerClient({ apiKey: "pk_live_abc123" }), (e) => e instanceof PeekerError && /Worker's proxy/.test(e.message) && !e.message.includes("pk_live_abc123"));
    assert.ok(new PeekerClient({ apiKey: "pk_live_abc123", dangerouslyAllowBrowser: true }));
    assert.ok(new PeekerClient({ apiKey: "pk_test_abc123" }));
  } finally {
    delete globalThis.window;
    delete globalThis.document;
  }
  assert.ok(new PeekerClient({ apiKey: "pk_live_abc123" }));
});

test("options of the wrong JS type are checked", () => {
  assert.throws(() => new PeekerClient(), PeekerError);
  assert.throws(() => new PeekerClient({ apiKey: KEY, maxRetries: -1 }), /maxRetries/);
  assert.throws(() => new PeekerClient({ apiKey: KEY, onRetry: 3 }), /onRetry/);
});
