// Node's synchronous native HMAC (`node:crypto`), registered by the Node
// entries; elsewhere the wasm computes it.
let createHmac;
export const hasNativeHmac = () => createHmac !== undefined;
export function useNativeHmac(nodeCreateHmac) {
  createHmac = nodeCreateHmac;
}

/** HMAC-SHA256 of "{timestamp}.{body}" under each secret, by node:crypto, concatenated. */
export function nativeMacs(secrets, timestamp, body) {
  const mac = (s) => createHmac("sha256", s).update(timestamp).update(".").update(body).digest();
  if (secrets.length === 1) return mac(secrets[0]);
  const out = new Uint8Array(32 * secrets.length);
  secrets.forEach((s, i) => out.set(mac(s), 32 * i));
  return out;
}
