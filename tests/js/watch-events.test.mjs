// watchEvents against a real HTTP server on 127.0.0.1 speaking the Worker's
// stream contract (text/event-stream, `id:` = seq, Last-Event-ID on resume):
// a dropped connection is resumed, nothing is delivered twice, a refused
// token rejects. (The Worker itself: tests/worker/edge.test.mjs.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { watchEvents, PeekerError } from "peeker-partner";

const event = (seq) => ({ id: `evt_${seq}`, type: "order.in_progress", created_at: "t", data: { id: "ord_1", n: seq } });
const frame = (seq) => `id: ${seq}\nevent: order.in_progress\ndata: ${JSON.stringify(event(seq))}\n\n`;

async function serve(handler) {
  const server = createServer(handler);
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((ok) => server.close(ok)) };
}

test("resumes with Last-Event-ID after a dropped connection and never delivers twice", async () => {
  const seen = [];
  const requests = [];
  const server = await serve((req, res) => {
    requests.push({ url: req.url, auth: req.headers.authorization, last: req.headers["last-event-id"] });
    res.writeHead(200, { "content-type": "text/event-stream" });
    if (requests.length === 1) {
      res.write(": open\n\n" + frame(1) + frame(2) + frame(3));
      setTimeout(() => res.destroy(), 50); // the connection drops
    } else {
      // A resumed stream may repeat the last event: it must not be delivered again.
      res.write(frame(3) + frame(4) + "data: no id, ignored\n\n" + frame(5));
    }
  });
  const controller = new AbortController();
  try {
    await watchEvents(`${server.url}/`, {
      token: "tok_1", orderId: "ord_1", signal: controller.signal,
      onEvent: (e, { id }) => {
        seen.push([id, e.data.n]);
        if (id === 5) controller.abort();
      },
    });
  } finally {
    await server.close();
  }
  assert.deepEqual(seen, [[1, 1], [2, 2], [3, 3], [4, 4], [5, 5]]);
  assert.equal(requests.length, 2);
  assert.equal(requests[0].url, "/events/stream?order_id=ord_1");
  assert.equal(requests[0].auth, "Bearer tok_1");
  assert.equal(requests[0].last, undefined);
  assert.equal(requests[1].last, "3");
});

test("a refused token rejects with a PeekerError instead of retrying", async () => {
  let calls = 0;
  const server = await serve((req, res) => {
    calls++;
    res.writeHead(401, { "content-type": "application/json" }).end('{"error":{"code":"unauthorized"}}');
  });
  try {
    await assert.rejects(
      watchEvents(server.url, { token: "bad", orderId: "ord_1", onEvent: () => {} }),
      (e) => e instanceof PeekerError && e.code === "unauthorized",
    );
  } finally {
    await server.close();
  }
  assert.equal(calls, 1);
});

test("bad options are typed errors", async () => {
  await assert.rejects(watchEvents("http://127.0.0.1:9", { orderId: "o" }), { code: "invalid_request", field: "onEvent" });
  await assert.rejects(watchEvents("http://127.0.0.1:9", { onEvent: () => {} }), { code: "invalid_request", field: "orderId" });
});
