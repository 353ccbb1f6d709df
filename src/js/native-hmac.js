// Node's synchronous native HMAC (`node:crypto`), registered by the Node
// entries; src/js/webhook.rs asks it first, and elsewhere the wasm computes
// it. A native failure falls back too.
let createHmac;
export function useNativeHmac(nodeCreateHmac) {
  createHmac = nodeCreateHmac;
}
export function hasNativeHmac() {
  return createHmac !== undefined;
}
export function nativeHmac(secret, timestamp, payload, body, out) {
  try {
    const data = typeof payload === "string" ? payload : body;
    out.set(createHmac("sha256", secret).update(timestamp).update(".").update(data).digest());
    return true;
  } catch {
    return false;
  }
}
