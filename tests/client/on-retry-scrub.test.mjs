// onRetry gets the server's `code` and `requestId` scrubbed of the call's
// secrets (docs/contract.md#secrets), like the error the call ends with. A
// node:http stub on 127.0.0.1 answers POST /orders with a 429 (always
// retried) whose code and request id echo the key and the Smartlead
// credentials in several encodings, then a 400 doing the same.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { PeekerClient } from "peeker-partner";
import { orderBody } from "./harness.mjs";

const KEY = "pk_test_on_retry_5d4c3b2a";
const EMAIL = "ops+sl@example.com";
const PASSWORD = "Summer2024!(x)";

let stub;
let base;
let hits = 0;

// What a Python server's quote() makes of the password: `!()` encoded.
const pyQuote = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const b64 = (s) => Buffer.from(s).toString("base64");

before(async () => {
  stub = createServer((req, res) => {
    req.resume();
    if (req.method === "POST" && req.url.startsWith("/partner/v1/orders")) {
      hits += 1;
      const status = hits % 2 === 1 ? 429 : 400;
      res.writeHead(status, {
        "content-type": "application/json",
        "peeker-request-id": `req_${KEY}_${b64(`${EMAIL}:${PASSWORD}`)}_${pyQuote(PASSWORD)}`,
      });
      res.end(JSON.stringify({
        error: {
          code: `code_${KEY}_${pyQuote(PASSWORD)}_${encodeURIComponent(EMAIL)}`,
          message: `no (${PASSWORD})`,
          details: { retry_after_seconds: 0 },
        },
      }));
      return;
    }
    res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"code":"not_found","message":"no"}}');
  });
  await new Promise((ok) => stub.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${stub.address().port}/partner/v1`;
});
after(() => {
  stub.closeAllConnections?.();
  stub.close();
});

const order = () => orderBody("retry", {
  sequencer: { provider: "smartlead", login_email: EMAIL, login_password: PASSWORD, client_id: null },
});

/** Every form of a secret the stub echoes, and the secrets themselves. */
const forms = [KEY, EMAIL, PASSWORD, pyQuote(PASSWORD), encodeURIComponent(PASSWORD), encodeURIComponent(EMAIL),
  b64(`${EMAIL}:${PASSWORD}`), "Summer2024"];

test("onRetry's code and requestId are scrubbed of the key and the call's credentials", async () => {
  const seen = [];
  const client = new PeekerClient({ apiKey: KEY, baseUrl: base, maxRetries: 1, onRetry: (info) => seen.push(info) });
  const err = await client.orders.create(order()).then(() => assert.fail("resolved"), (e) => e);
  assert.equal(seen.length, 1, JSON.stringify(seen));
  const [info] = seen;
  assert.equal(info.status, 429);
  assert.equal(info.reason, "rate_limited");
  const shown = JSON.stringify(info);
  for (const form of forms) {
    assert.ok(!shown.includes(form), `${JSON.stringify(form)} in onRetry info:\n${shown}`);
    assert.ok(!decodeURIComponent(shown).includes(form), `${JSON.stringify(form)} in decoded onRetry info:\n${shown}`);
  }
  assert.match(info.code, /^code_\[redacted\]_\[redacted\]_\[redacted\]$/);
  assert.match(info.requestId, /^req_\[redacted\]_.*\[redacted\].*_\[redacted\]$/);
  // The call's error, as before: scrubbed the same way.
  assert.equal(err.status, 400);
  const errShown = [err.message, err.code, err.requestId, JSON.stringify(err.details)].join("\n");
  for (const form of forms) assert.ok(!errShown.includes(form), `${JSON.stringify(form)} in the error:\n${errShown}`);
});
