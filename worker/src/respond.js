// Answers of the Worker: always JSON, errors always the API's envelope
// {"error":{code,message}}. Fixed messages only: nothing of a request is echoed.

export const json = (status, value, headers) =>
  new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });

export const fail = (status, code, message, headers) => json(status, { error: { code, message } }, headers);

/** The origins allowed to call from a browser (ALLOWED_ORIGINS, comma-separated). */
export const allowedOrigins = (env) =>
  (env.ALLOWED_ORIGINS ?? "").split(",").map((s) => s.trim()).filter(Boolean);

/**
 * The Origin policy, for every route a browser may call: no Origin (a server
 * calling) is judged by its token alone; an Origin not in ALLOWED_ORIGINS,
 * `null` included, is refused outright (403), not just left unreadable.
 * Returns {cors} (headers to add) or {response} (the refusal).
 */
export function checkOrigin(request, env, { methods = "GET, OPTIONS" } = {}) {
  const origin = request.headers.get("origin");
  if (origin === null) return { cors: {} };
  if (!allowedOrigins(env).includes(origin)) {
    return { response: fail(403, "forbidden", "this origin may not call the proxy (ALLOWED_ORIGINS)") };
  }
  return {
    cors: {
      "access-control-allow-origin": origin,
      "access-control-allow-methods": methods,
      "access-control-allow-headers": "authorization, content-type, accept",
      "access-control-expose-headers": "peeker-request-id, retry-after",
      "access-control-max-age": "600",
      vary: "origin",
    },
  };
}

// The body, or null when it is over `limit`, by header or by actual size
// (a chunked body has no Content-Length); stops reading at the limit.
export async function readCapped(request, limit) {
  if (Number(request.headers.get("content-length")) > limit) return null;
  const chunks = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      size += r.value.byteLength;
      if (size > limit) {
        await reader.cancel();
        return null;
      }
      chunks.push(r.value);
    }
  }
  const out = new Uint8Array(size);
  chunks.reduce((at, c) => (out.set(c, at), at + c.byteLength), 0);
  return out;
}
