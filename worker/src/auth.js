// Browser tokens at the Worker (docs/contract.md#browser-tokens): `Authorization: Bearer <JWT>`
// minted by the partner's backend with mintBrowserToken (or any HS256 JWT
// library), checked against PROXY_TOKEN_SECRET (comma-separated while rotating).
// Used by /api/* (the endpoint's name as scope) and /events (`events.read`).
import { verifyBrowserToken } from "peeker-partner";
import { fail } from "./respond.js";

const secretsOf = (env) => (env.PROXY_TOKEN_SECRET ?? "").split(",").map((s) => s.trim()).filter(Boolean);

/** Whether verified claims grant `scope` (their `scope` is space-separated names). */
export const hasScope = (claims, scope) => claims.scope.split(" ").includes(scope);

/**
 * The request's verified token claims, as {claims}, or the refusal as
 * {response}: 401 when the token is missing, malformed, badly signed, expired
 * or for another audience; 500 when PROXY_TOKEN_SECRET is not set or too
 * short. `headers` (CORS) go on refusals.
 */
export function authenticate(request, env, headers = {}) {
  const challenge = { ...headers, "www-authenticate": 'Bearer realm="peeker-proxy"' };
  const match = /^Bearer +([A-Za-z0-9_.-]+) *$/i.exec(request.headers.get("authorization") ?? "");
  if (!match) {
    return { response: fail(401, "unauthorized", "send Authorization: Bearer <browser token>", challenge) };
  }
  const secrets = secretsOf(env);
  if (secrets.length === 0) {
    return { response: fail(500, "not_configured", "PROXY_TOKEN_SECRET is not set", headers) };
  }
  try {
    return { claims: verifyBrowserToken(match[1], secrets) };
  } catch (e) {
    if (e?.code === "unauthorized") {
      return { response: fail(401, "unauthorized", "the browser token is not valid; get a fresh one", challenge) };
    }
    return {
      response: fail(500, "not_configured", "PROXY_TOKEN_SECRET is not usable (each secret at least 32 bytes)", headers),
    };
  }
}

/** `authenticate`, then 403 unless the token grants `scope` (e.g. "events.read"). */
export function authorize(request, env, scope, headers = {}) {
  const auth = authenticate(request, env, headers);
  if (auth.claims && !hasScope(auth.claims, scope)) {
    return { response: fail(403, "forbidden", "the browser token does not grant this endpoint", headers) };
  }
  return auth;
}
