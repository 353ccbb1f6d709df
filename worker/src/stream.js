// Live progress: GET /events/stream?order_id=… as Server-Sent Events.
//
// One Durable Object per order (OrderStream) holds that order's open streams.
// The receive path wakes it after each newly stored event; on a wake, and when
// a stream opens, it reads the order's events after the oldest position any of
// its streams has reached, from D1, in `seq` order, and writes each stream the
// ones it has not had. D1 stays the one source: a wake carries no data, so
// deliveries stored concurrently can never reach a watcher out of order, a
// reconnect with Last-Event-ID (the `seq`) misses nothing, and no event is
// written twice to a stream.
import { DurableObject } from "cloudflare:workers";

const utf8 = new TextEncoder();
const PAGE = 200;
const HEARTBEAT_MS = 15_000;

/** One SSE frame: `id` is the event's seq, `data` its raw body (one line per line). */
function frame({ seq, type, body }) {
  const data = body.split(/\r?\n/).map((line) => `data: ${line}`).join("\n");
  return utf8.encode(`id: ${seq}\nevent: ${type}\n${data}\n\n`);
}

export class OrderStream extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.streams = new Set(); // {writer, last}
    this.orderId = undefined;
    this.running = Promise.resolve();
    this.heartbeat = undefined;
  }

  /** Called by the receive path after an event of this order was stored. */
  async wake() {
    await this.catchUp();
  }

  /** Serialised: one D1 read at a time, each stream written in seq order. */
  catchUp() {
    this.running = this.running.then(() => this.sendNew()).catch(() => {});
    return this.running;
  }

  async sendNew() {
    while (this.orderId !== undefined && this.streams.size > 0) {
      const from = Math.min(...[...this.streams].map((s) => s.last));
      const { results } = await this.env.DB.prepare(
        "SELECT seq, type, body FROM events WHERE order_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
      ).bind(this.orderId, from, PAGE).run();
      for (const stream of [...this.streams]) {
        for (const event of results) {
          if (event.seq <= stream.last) continue;
          stream.last = event.seq;
          this.write(stream, frame(event));
        }
      }
      if (results.length < PAGE) return;
    }
  }

  write(stream, bytes) {
    stream.writer.write(bytes).catch(() => this.drop(stream)); // the watcher went away
  }

  drop(stream) {
    this.streams.delete(stream);
    stream.writer.close().catch(() => {});
    if (this.streams.size === 0 && this.heartbeat) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
    }
  }

  /** GET https://order-stream/?order_id=…&after=<seq>: the SSE response. */
  async fetch(request) {
    const url = new URL(request.url);
    this.orderId = url.searchParams.get("order_id");
    const { readable, writable } = new TransformStream();
    const stream = { writer: writable.getWriter(), last: Number(url.searchParams.get("after") ?? 0) };
    this.streams.add(stream);
    request.signal?.addEventListener?.("abort", () => this.drop(stream));
    // A comment line now (headers reach the watcher at once), then every 15 s
    // (proxies keep the connection; a closed one is found and dropped).
    this.write(stream, utf8.encode(": stream open\n\n"));
    this.heartbeat ??= setInterval(() => {
      for (const s of [...this.streams]) this.write(s, utf8.encode(": keep-alive\n\n"));
    }, HEARTBEAT_MS);
    this.catchUp();
    return new Response(readable, {
      headers: { "content-type": "text/event-stream", "cache-control": "no-store", "x-accel-buffering": "no" },
    });
  }
}

const ORDER_ID = /^[A-Za-z0-9_-]{1,100}$/;
const SEQ = /^\d{1,15}$/;

/**
 * GET /events/stream?order_id=… (after the caller checked auth): resumes
 * after `Last-Event-ID` (or `?after=`), then stays open. `headers` are added
 * to every answer (CORS).
 */
export async function streamEvents(request, env, url, headers = {}) {
  const orderId = url.searchParams.get("order_id") ?? "";
  const after = request.headers.get("last-event-id") ?? url.searchParams.get("after") ?? "0";
  if (!ORDER_ID.test(orderId) || !SEQ.test(after.trim())) {
    return Response.json(
      { error: { code: "invalid_request", message: "order_id: an order id; Last-Event-ID: a sequence number" } },
      { status: 400, headers },
    );
  }
  const stub = env.ORDER_STREAMS.get(env.ORDER_STREAMS.idFromName(orderId));
  const target = `https://order-stream/?order_id=${encodeURIComponent(orderId)}&after=${after.trim()}`;
  const answer = await stub.fetch(target, { signal: request.signal });
  const out = new Headers(answer.headers);
  for (const [name, value] of Object.entries(headers)) out.set(name, value);
  return new Response(answer.body, { status: answer.status, headers: out });
}

/** Wakes the order's stream object after a new event of it was stored. */
export async function publishStored(env, orderId) {
  if (!orderId || !env.ORDER_STREAMS) return;
  await env.ORDER_STREAMS.get(env.ORDER_STREAMS.idFromName(orderId)).wake();
}
