// The parts of one verifyWebhook, each timed alone inside the bench Worker, so
// the bench can show what is left where a target is not met: reading the
// headers, copying the body into wasm memory, the HMAC in wasm (with its hex),
// the envelope from JSON.parse, and the native HMAC under Web Crypto for
// comparison. The wasm is a second instance of the module the package entry
// uses, called directly (its `__peekerWebhook*` exports, src/js/webhook.rs).
import wasmModule from "../../pkg/peeker_webhooks_bg.wasm";
import { webhookEvent } from "../../src/js/envelope.js";
import { SECRET, eventBody } from "./contenders.js";

const utf8 = new TextEncoder();
// edgeRows (contenders.js) prints the names starting so as the breakdown.
const PART = "part: ";

/** name → a function doing one part of a verification of `pp` over `size` bytes. */
export async function parts(pp, size) {
  const body = eventBody(size);
  const now = Math.floor(Date.now() / 1000);
  const signed = pp.signWebhook(body, SECRET, { timestamp: now });
  const headers = new Headers({ "peeker-event-id": JSON.parse(body).id, ...signed });
  const withBody = wasmCheck(body, now, signed["Peeker-Signature"]);
  const noBody = wasmCheck("", now, pp.signWebhook("", SECRET, { timestamp: now })["Peeker-Signature"]);

  const cryptoKey = await crypto.subtle.importKey("raw", utf8.encode(SECRET), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const signedBytes = utf8.encode(`${now}.${body}`);

  const list = {
    [`${PART}read the three headers (Headers.get)`]: () => [
      headers.get("Peeker-Event-Id"), headers.get("Peeker-Timestamp"), headers.get("Peeker-Signature"),
    ],
    [`${PART}body into wasm memory (encodeInto)`]: withBody.copyBody,
    [`${PART}wasm HMAC-SHA256 of the body + hex compare`]: withBody.check,
    [`${PART}wasm HMAC + hex compare, empty body (the fixed cost)`]: noBody.check,
    [`${PART}envelope (JSON.parse + its checks)`]: () => webhookEvent(body, undefined, undefined),
    [`${PART}Web Crypto HMAC sign alone, cached key, bytes ready`]: () => crypto.subtle.sign("HMAC", cryptoKey, signedBytes),
  };
  // Each must do its job before it is timed.
  for (const [name, run] of Object.entries(list)) {
    const out = await run();
    if (out === undefined || out instanceof Error) throw new Error(`${name} failed: ${out}`);
  }
  return list;
}

/**
 * A wasm instance of its own whose buffer holds `[key][timestamp][signature]
 * [body]` as verifyWebhook fills it, once: `check()` decides the signature
 * (a check that holds writes nothing, so each call finds the buffer the
 * same); `copyBody()` writes the same body bytes again, as verifyWebhook does.
 */
function wasmCheck(body, now, signature) {
  // The imports only fill wasm-bindgen's externref table, which these calls never use.
  const imports = {};
  for (const { module, name, kind } of WebAssembly.Module.imports(wasmModule)) {
    if (kind === "function") (imports[module] ??= {})[name] = () => {};
  }
  const wasm = new WebAssembly.Instance(wasmModule, imports).exports;
  wasm.__wbindgen_start?.();
  let at = wasm.__peekerWebhookBuffer(SECRET.length * 3);
  const memory = (from, len) => new Uint8Array(wasm.memory.buffer, at + from, len);
  wasm.__peekerWebhookKey(utf8.encodeInto(SECRET, memory(0, SECRET.length * 3)).written);
  const parts = [memory(0, 64).slice(), utf8.encode(String(now)), utf8.encode(signature), utf8.encode(body)];
  at = wasm.__peekerWebhookBuffer(parts.reduce((n, b) => n + b.length, 0));
  let used = 0;
  for (const b of parts) {
    memory(used, b.length).set(b);
    used += b.length;
  }
  const bodyAt = used - parts[3].length;
  return {
    check: () => {
      if (wasm.__peekerWebhookCheck(1, false, parts[1].length, parts[2].length, parts[3].length, -1, now) !== 0) {
        throw new Error("the wasm refused a valid signature");
      }
      return true;
    },
    copyBody: () => utf8.encodeInto(body, memory(bodyAt, body.length)),
  };
}
