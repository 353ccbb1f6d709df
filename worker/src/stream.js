// Live progress: GET /events/stream?order_id=… as Server-Sent Events.
//
// One Durable Object per order (OrderStream) holds that order's open streams.
// Each stream has a cursor (the last `seq` it was written) and its own pump:
// when the stream opens, and whenever the receive path wakes the object after
// storing an event, the pump reads the order's events after that cursor from
// D1, in `seq` order, and writes them. D1 stays the one source: a wake
// carries no data, so deliveries stored concurrently can never reach a
// watcher out of order, a reconnect with Last-Event-ID (the `seq`) misses
// nothing, and no event is written twice to a stream.
//
// Bounded: at most MAX_PER_ORDER streams per order and MAX_PER_SUB per token
// subject on it (429 past either). A pump reads at most PAGE_BYTES (or one
// event) at a time and reads the next page only once the watcher's
// connection took all of it, so a stream never holds more than about two
// pages; a stream that takes nothing for STALL_MS while bytes wait for it is
// dropped (aborted: what was queued is freed at once; the watcher resumes
// with Last-Event-ID). Pumps never wait for each other: a slow watcher costs
// a good one nothing.
import { DurableObject } from "cloudflare:workers";
import { json } from "./respond.js";

const utf8 = new TextEncoder();
const HEARTBEAT_MS = 15_000;
// 32 streams of at most ~2 MiB each, and 8 MiB of shared frames, stay well
// inside a Durable Object's 128 MiB; 32 is more than the people who follow one order at once.
export const MAX_PER_ORDER = 32;
// A few tabs or devices of one customer, and a reconnect that arrives before
// the dead connection it replaces was noticed.
export const MAX_PER_SUB = 4;
// One page: this many bytes of bodies, or one event when it is larger (bodies
// are at most 1 MiB), and at most PAGE_ROWS events.
export const PAGE_BYTES = 1024 * 1024;
const PAGE_ROWS = 100;
// Framed events kept for the other streams of the order (one D1 read of an
// event serves every watcher that is near the head).
const FRAMES_BYTES = 8 * 1024 * 1024;
export const STALL_MS = 20_000;
// A place frees when a watcher leaves; a dead connection is found by the
// heartbeats, a stalled one within STALL_MS.
const RETRY_AFTER_SECONDS = 30;

/** One SSE frame: `id` is the event's seq, `data` its raw body (one line per line). */
function frame({ seq, type, body }) {
  const data = body.split(/\r?\n/).map((line) => `data: ${line}`).join("\n");
  return utf8.encode(`id: ${seq}\nevent: ${type}\n${data}\n\n`);
}

const limited = (message) =>
  json(429, { error: { code: "rate_limited", message, details: { retry_after_seconds: RETRY_AFTER_SECONDS } } },
    { "retry-after": String(RETRY_AFTER_SECONDS) });

export class OrderStream extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    // {writer, last, sub, queued (bytes written, not yet taken), movedAt, gone, pumping, again, onMove}
    this.streams = new Set();
    this.orderId = undefined;
    this.heartbeat = undefined;
    // Framed events by seq, shared by the streams (oldest evicted first).
    this.frames = new Map();
    this.framesBytes = 0;
  }

  /** Called by the receive path after an event of this order was stored. */
  async wake() {
    for (const stream of [...this.streams]) this.pump(stream);
  }

  /**
   * Writes the stream what it has not had, page by page, each page once the
   * previous one was taken. One pump per stream; a wake during a pump makes
   * it read once more.
   */
  pump(stream) {
    if (stream.pumping) {
      stream.again = true;
      return;
    }
    stream.pumping = true;
    (async () => {
      do {
        stream.again = false;
        for (;;) {
          if (!(await this.drained(stream))) return;
          const page = await this.page(stream.last);
          if (page.length === 0 || stream.gone) break;
          for (const { seq, bytes } of page) {
            if (seq <= stream.last) continue;
            this.write(stream, bytes);
            stream.last = seq;
          }
        }
      } while (stream.again && !stream.gone);
    })()
      .catch(() => this.drop(stream)) // D1 failed: the watcher reconnects and resumes
      .finally(() => (stream.pumping = false));
  }

  /**
   * The framed events after `after`: at most PAGE_BYTES of bodies (or one
   * event), in seq order, as [{seq, bytes}]. Sizes first (no body is read
   * for them), then only the bodies not already framed for another stream.
   */
  async page(after) {
    const { results: sizes } = await this.env.DB.prepare(
      "SELECT seq, octet_length(body) AS size FROM events WHERE order_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
    ).bind(this.orderId, after, PAGE_ROWS).run();
    let total = 0;
    const wanted = [];
    for (const { seq, size } of sizes) {
      if (wanted.length > 0 && total + size > PAGE_BYTES) break;
      wanted.push(seq);
      total += size;
    }
    // Taken now: another stream may evict them while this one reads D1.
    const got = new Map(wanted.map((seq) => [seq, this.frames.get(seq)]).filter(([, bytes]) => bytes));
    const missing = wanted.filter((seq) => !got.has(seq));
    if (missing.length > 0) {
      const { results } = await this.env.DB.prepare(
        "SELECT seq, type, body FROM events WHERE order_id = ?1 AND seq >= ?2 AND seq <= ?3 ORDER BY seq",
      ).bind(this.orderId, missing[0], missing.at(-1)).run();
      for (const event of results) {
        const bytes = got.get(event.seq) ?? frame(event);
        got.set(event.seq, bytes);
        this.remember(event.seq, bytes);
      }
    }
    const page = [];
    for (const seq of wanted) {
      if (!got.has(seq)) break; // never a gap: the next page starts here
      page.push({ seq, bytes: got.get(seq) });
    }
    return page;
  }

  /** Keeps a framed event for the other streams: the newest FRAMES_BYTES at most. */
  remember(seq, bytes) {
    if (this.frames.has(seq)) return;
    this.frames.set(seq, bytes);
    this.framesBytes += bytes.byteLength;
    for (const [old, kept] of this.frames) {
      if (this.framesBytes <= FRAMES_BYTES || old === seq) break;
      this.frames.delete(old);
      this.framesBytes -= kept.byteLength;
    }
  }

  /**
   * Resolves true once the stream's connection took everything written to
   * it; false, with the stream dropped, when it took nothing for STALL_MS.
   */
  async drained(stream) {
    while (stream.queued > 0 && !stream.gone) {
      const moved = await new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), STALL_MS);
        stream.onMove = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
      if (!moved) this.drop(stream);
    }
    return !stream.gone;
  }

  /** Queues `bytes` on the stream, never waiting; counts them until the connection takes them. */
  write(stream, bytes) {
    if (stream.gone) return;
    if (stream.queued === 0) stream.movedAt = Date.now();
    stream.queued += bytes.byteLength;
    stream.writer.write(bytes).then(
      () => {
        stream.queued -= bytes.byteLength;
        stream.movedAt = Date.now();
        this.moved(stream);
      },
      () => this.drop(stream), // the watcher went away
    );
  }

  moved(stream) {
    const wake = stream.onMove;
    stream.onMove = undefined;
    wake?.();
  }

  /** Removes a stream for good; aborting frees what was queued for it. */
  drop(stream) {
    if (stream.gone) return;
    stream.gone = true;
    this.streams.delete(stream);
    stream.writer.abort().catch(() => {});
    this.moved(stream);
    if (this.streams.size === 0 && this.heartbeat) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
    }
  }

  /** GET https://order-stream/?order_id=…&after=<seq>&sub=…: the SSE response, or 429. */
  async fetch(request) {
    const url = new URL(request.url);
    this.orderId = url.searchParams.get("order_id");
    const sub = url.searchParams.get("sub") ?? "";
    if (this.streams.size >= MAX_PER_ORDER) {
      return limited(`at most ${MAX_PER_ORDER} streams of one order are open at once`);
    }
    if ([...this.streams].filter((s) => s.sub === sub).length >= MAX_PER_SUB) {
      return limited(`at most ${MAX_PER_SUB} streams of one order per token subject are open at once`);
    }
    const { readable, writable } = new TransformStream();
    const stream = {
      writer: writable.getWriter(), last: Number(url.searchParams.get("after") ?? 0), sub,
      queued: 0, movedAt: Date.now(), gone: false, pumping: false, again: false, onMove: undefined,
    };
    this.streams.add(stream);
    // However the watcher goes (its connection closed, the request aborted),
    // its stream leaves the set as soon as the runtime says so.
    stream.writer.closed.catch(() => this.drop(stream));
    request.signal?.addEventListener?.("abort", () => this.drop(stream));
    // A comment line now (headers reach the watcher at once), then every 15 s
    // to the streams with nothing waiting (proxies keep the connection; a
    // closed one is found and dropped); a stream with bytes waiting that took
    // nothing for STALL_MS is dropped.
    this.write(stream, utf8.encode(": stream open\n\n"));
    this.heartbeat ??= setInterval(() => {
      const now = Date.now();
      for (const s of [...this.streams]) {
        if (s.queued === 0) this.write(s, utf8.encode(": keep-alive\n\n"));
        else if (now - s.movedAt > STALL_MS) this.drop(s);
      }
    }, HEARTBEAT_MS);
    this.pump(stream);
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
 * to every answer (CORS); `sub` is the token's subject (its streams of one
 * order are limited).
 */
export async function streamEvents(request, env, url, headers = {}, { sub } = {}) {
  const orderId = url.searchParams.get("order_id") ?? "";
  const after = request.headers.get("last-event-id") ?? url.searchParams.get("after") ?? "0";
  if (!ORDER_ID.test(orderId) || !SEQ.test(after.trim())) {
    return Response.json(
      { error: { code: "invalid_request", message: "order_id: an order id; Last-Event-ID: a sequence number" } },
      { status: 400, headers },
    );
  }
  const stub = env.ORDER_STREAMS.get(env.ORDER_STREAMS.idFromName(orderId));
  const target = `https://order-stream/?order_id=${encodeURIComponent(orderId)}&after=${after.trim()}`
    + `&sub=${encodeURIComponent(sub ?? "")}`;
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
