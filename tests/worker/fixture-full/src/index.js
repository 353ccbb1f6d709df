// The same import a partner writes; wrangler picks the package's `workerd`
// entry, which precompiles the wasm and initialises it on import.
import * as api from "peeker-partner";
import { handleWebhook, requiredDomains, validateOrder, PeekerClient, NotFoundError } from "peeker-partner";
import { answers } from "../../../js/idna-run.mjs";

let seen = [];

// PeekerClient as a partner's Worker uses it: the global fetch, setTimeout
// and Date.now of workerd, against the API at env.PEEKER_API_BASE.
async function clientRun(env) {
  const client = new PeekerClient({ apiKey: env.PEEKER_API_KEY, baseUrl: env.PEEKER_API_BASE, maxRetries: 1 });
  const me = await client.me();
  const created = await client.bundles.create({ name: "Edge", monthly_sending_volume: 25000 });
  const names = [];
  for await (const bundle of client.bundles.list({ per_page: 1 })) names.push(bundle.name);
  const rows = await client.domains.availability(["edge-a.com", "edge-taken.com"]);
  let notFound;
  try {
    await client.bundles.retrieve("bun_missing");
  } catch (e) {
    notFound = { isNotFound: e instanceof NotFoundError, status: e.status, requestId: typeof e.requestId };
  }
  return {
    preset: me.data.api_key.permission_preset,
    required: created.data.required_domains,
    names,
    available: rows.map((r) => r.available),
    notFound,
  };
}

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === "/client") return Response.json(await clientRun(env));
    if (pathname === "/hook") {
      // handleWebhook as a partner would use it in a Worker (the async path).
      return handleWebhook(request, { secret: ["s_old", "s_new"], onEvent: (e) => void seen.push(e.id) });
    }
    if (pathname === "/seen") return Response.json(seen);
    // Domain names as the package answers them in workerd (tests/worker/idna.test.mjs).
    if (pathname === "/idna") {
      const names = await request.json();
      return Response.json({
        answers: answers(api, names),
        warnings: names.map((n) => api.domainWarnings(n)),
      });
    }
    const order = await request.json();
    return Response.json({
      problems: validateOrder(order),
      required: requiredDomains({ monthly_sending_volume: 25000 }),
    });
  },
};
