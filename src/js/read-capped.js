// Reading a request's or response's body up to a limit, shared by
// handleWebhook (deliveries over 1 MiB) and the client's transport (answers
// over 16 MiB): no more is read past the limit.

/** The body's bytes (of a Request or Response), or undefined as soon as it is over `limit` (no more is read). */
export async function readAtMost(message, limit) {
  if (!message.body) return new Uint8Array(0);
  const reader = message.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}
