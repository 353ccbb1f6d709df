// HMACs by Node's node:crypto (native SHA-256), which the Node entries hand to
// `webhookVerifier`; the other runtimes' bundles never load this file, and
// their wasm computes the HMAC.

/** `macs(secrets, timestamp, body)`: HMAC-SHA256 of "{timestamp}.{body}" under each secret, concatenated. */
export const nodeMacs = (createHmac) => (secrets, timestamp, body) => {
  const mac = (s) => createHmac("sha256", s).update(timestamp).update(".").update(body).digest();
  if (secrets.length === 1) return mac(secrets[0]);
  const out = new Uint8Array(32 * secrets.length);
  secrets.forEach((s, i) => out.set(mac(s), 32 * i));
  return out;
};
