// watchEvents: live events of one order from the Worker's
// GET /events/stream (Server-Sent Events), read over fetch so the token goes
// in a header (EventSource cannot send one). Reconnects with backoff and
// Last-Event-ID; an event is delivered at most once, in stream order.
import { PeekerError } from "./errors.js";

const BACKOFF_MS = [250, 500, 1000, 2000, 5000, 10000];

/**
 * Calls `onEvent(event, { id })` for every event of `orderId`, from the first
 * (or after `lastEventId`), until `signal` aborts (then resolves). Rejects
 * with a PeekerError when the Worker refuses the token (401/403) or the request (400).
 */
export async function watchEvents(url, { token, orderId, onEvent, signal, lastEventId } = {}) {
  if (typeof onEvent !== "function") {
    throw new PeekerError("watchEvents needs options.onEvent, a function", "invalid_request", "onEvent");
  }
  if (typeof orderId !== "string" || orderId === "") {
    throw new PeekerError("watchEvents needs options.orderId", "invalid_request", "orderId");
  }
  const stream = new URL("events/stream", String(url).replace(/\/*$/, "/"));
  stream.searchParams.set("order_id", orderId);
  let last = Number(lastEventId ?? 0);
  let failures = 0;
  while (!signal?.aborted) {
    const headers = { accept: "text/event-stream" };
    if (token) headers.authorization = `Bearer ${token}`;
    if (last > 0) headers["last-event-id"] = String(last);
    try {
      const res = await fetch(stream, { headers, signal, cache: "no-store" });
      if ([400, 401, 403].includes(res.status)) {
        await res.body?.cancel();
        throw new PeekerError(`the event stream answered ${res.status}`, res.status === 400 ? "invalid_request" : "unauthorized");
      }
      if (res.ok && res.body) {
        for await (const { id, data } of frames(res.body)) {
          failures = 0; // the connection works: the next reconnect is quick
          const seq = Number(id);
          if (!(seq > last)) continue; // never twice
          last = seq;
          let event;
          try {
            event = JSON.parse(data);
          } catch {
            continue;
          }
          await onEvent(event, { id: seq });
        }
      } else {
        await res.body?.cancel();
      }
    } catch (error) {
      if (signal?.aborted) break;
      if (error instanceof PeekerError) throw error;
    }
    if (signal?.aborted) break;
    await sleep(BACKOFF_MS[Math.min(failures++, BACKOFF_MS.length - 1)], signal);
  }
}

/** SSE frames `{id, event, data}` from a byte stream; comments and bare fields skipped. */
async function* frames(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let frame = { id: undefined, event: "message", data: [] };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += value;
      let end;
      while ((end = buffer.search(/\r?\n/)) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(buffer[end] === "\r" ? end + 2 : end + 1);
        if (line === "") {
          if (frame.data.length && frame.id !== undefined) yield { id: frame.id, event: frame.event, data: frame.data.join("\n") };
          frame = { id: undefined, event: "message", data: [] };
        } else if (!line.startsWith(":")) {
          const colon = line.indexOf(":");
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
          if (field === "data") frame.data.push(value);
          else if (field === "id") frame.id = value;
          else if (field === "event") frame.event = value;
        }
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

function sleep(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
