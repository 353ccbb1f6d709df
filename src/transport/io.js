// The transport's timer primitives (setTimeout and AbortSignal plumbing),
// used from src/transport/mod.rs. No decisions here: Rust says how long.
import { readAtMost } from "../js/read-capped.js";

/** Resolves after `ms`; resolves early with `false` if `signal` aborts (else `true`). */
export function sleep(ms, signal) {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * One attempt's signal: it aborts when the caller's `signal` does, or after
 * `ms`. `timedOut()` tells which; `done()` clears the timer and listener.
 */
export class Attempt {
  constructor(signal, ms) {
    const controller = new AbortController();
    this.signal = controller.signal;
    this.expired = false;
    this.parent = signal ?? undefined;
    this.onAbort = () => controller.abort();
    if (this.parent?.aborted) controller.abort();
    else this.parent?.addEventListener("abort", this.onAbort, { once: true });
    this.timer = setTimeout(() => {
      this.expired = true;
      controller.abort();
    }, ms);
  }
  timedOut() {
    return this.expired;
  }
  done() {
    clearTimeout(this.timer);
    this.parent?.removeEventListener("abort", this.onAbort);
  }
}

/**
 * The answer's body as text (UTF-8, as `response.text()`), or null as soon
 * as it is over `limit` bytes: reading stops there and the rest is dropped.
 */
export async function readText(response, limit) {
  if (Number(response.headers.get("content-length")) > limit) {
    response.body?.cancel().catch(() => {});
    return null;
  }
  const bytes = await readAtMost(response, limit);
  return bytes === undefined ? null : new TextDecoder().decode(bytes);
}
