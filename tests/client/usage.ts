import { PeekerClient, ApiError, NotFoundError, TimeoutError } from "peeker-partner";
const c = new PeekerClient({ apiKey: "pk_test_x", onRetry: (i) => console.log(i.delayMs) });
async function main() {
  const me = await c.me({ timeoutMs: 5 });
  const env: string = me.data.api_key.environment;
  for await (const o of c.orders.list({ status: "completed" })) console.log(o.id);
  for await (const p of c.bundles.list().pages()) console.log(p.meta.returned);
  const rows = await c.domains.availability(["a.com"], { onProgress: (d, t) => d + t });
  console.log(rows[0].available, env);
  try { await c.bundles.retrieve("x"); } catch (e) { if (e instanceof NotFoundError) console.log(e.requestId, e.status); if (e instanceof TimeoutError) console.log(e.code); if (e instanceof ApiError) console.log(e.field); }
}
main();
