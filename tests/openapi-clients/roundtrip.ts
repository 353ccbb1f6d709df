// A partner on another stack: a TypeScript client generated from
// pkg-template/openapi.json alone (openapi-typescript + openapi-fetch, pinned
// in package.json), one create-and-read per resource against peeker-sandbox.
// Run by `cargo xtask test` (xtask/src/openapi_clients.rs): compiled with
// `tsc --strict`, then `node out/roundtrip.js BASE_URL`.
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/schema.js";

type Schemas = components["schemas"];
// Node's own globals, without @types/node.
declare const process: { argv: string[]; exitCode?: number };

const base = process.argv[2];
if (!base) throw new Error("usage: node out/roundtrip.js BASE_URL");
const client = createClient<paths>({ baseUrl: base, headers: { Authorization: "Bearer pk_test_openapi_ts" } });

let passed = 0;
let failed = 0;
async function step(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
    passed += 1;
    console.log(`ok - ${name}`);
  } catch (e) {
    failed += 1;
    console.log(`not ok - ${name}: ${e instanceof Error ? e.stack : String(e)}`);
  }
}
function check(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(what);
}
/** The answer's data, or a thrown error naming the status and error code. */
function ok<T>(r: { data?: T; error?: unknown; response: Response }, status: number): T {
  check(r.response.status === status, `status ${r.response.status}, wanted ${status}: ${JSON.stringify(r.error)}`);
  check(r.data !== undefined, "no data");
  return r.data;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let bundle: Schemas["Bundle"] | undefined;
let user: Schemas["User"] | undefined;
let orderDomains: string[] = [];

await step("bundle: create and read", async () => {
  const created = ok(await client.POST("/bundles", { body: { name: "ts bundle", monthly_sending_volume: 1000 } }), 201).data;
  const read = ok(await client.GET("/bundles/{id}", { params: { path: { id: created.id } } }), 200).data;
  check(read.id === created.id && read.name === "ts bundle", `read ${JSON.stringify(read)}`);
  check(read.required_domains != null, "required_domains");
  bundle = read;
});

await step("user: create and read", async () => {
  const created = ok(
    await client.POST("/users", {
      body: { email: "ts-kate@example.com", sequencer: { provider: "smartlead", client_id: null }, first_name: "Kate" },
    }),
    201,
  ).data;
  const read = ok(await client.GET("/users/{id}", { params: { path: { id: created.id } } }), 200).data;
  check(read.id === created.id && read.email === "ts-kate@example.com", `read ${JSON.stringify(read)}`);
  user = read;
});

await step("import: create and read", async () => {
  const created = ok(await client.POST("/domains/import", { body: { domains: ["ts-imported.com"] } }), 200).data;
  const read = ok(await client.GET("/domains/import/{id}", { params: { path: { id: created.id } } }), 200).data;
  check(read.id === created.id, `read ${JSON.stringify(read)}`);
  check(read.domains.map((d) => d.domain).join() === "ts-imported.com", `rows ${JSON.stringify(read.domains)}`);
});

await step("order (bundle shape): create and read", async () => {
  check(bundle?.required_domains && user, "needs the bundle and the user");
  const need = bundle.required_domains.google + bundle.required_domains.microsoft;
  orderDomains = Array.from({ length: need }, (_, i) => `ts-order-${i}.com`);
  // Written in the call, as a partner writes it (openapi-fetch 0.17 reads a
  // `null`-only property as read-only, so a value typed `Schemas["BundleOrder"]`
  // beforehand would not be accepted as the body).
  const created = ok(
    await client.POST("/orders", {
      body: {
        user: user.id,
        bundle_id: bundle.id,
        sequencer: { provider: "smartlead", client_id: null, login_email: "ops@example.com", login_password: "secret-pw" },
        domains: orderDomains,
        personas: [{ first_name: "Kate", last_name: "Lee", profile_picture_url: null }],
      },
    }),
    200,
  ).data;
  // No GET /orders/{id}: read it from the user's orders, until it completes.
  for (let i = 0; ; i += 1) {
    const list = ok(await client.GET("/orders", { params: { query: { user_id: user.id } } }), 200);
    const row = list.data.find((o) => o.id === created.id);
    check(row, `order ${created.id} not listed`);
    if (row.status === "completed") break;
    check(i < 300, `order still ${row.status}`);
    await sleep(100);
  }
});

await step("forwarding: create and read", async () => {
  check(orderDomains.length > 0, "needs the order's domains");
  const created = ok(
    await client.POST("/domains/forwarding", { body: { domains: [orderDomains[0]], forwarding_url: "https://example.com/" } }),
    202,
  ).data;
  const read = ok(await client.GET("/domains/forwarding/{id}", { params: { path: { id: created.id } } }), 200).data;
  check(read.id === created.id, `read ${JSON.stringify(read)}`);
});

await step("swap: create and read", async () => {
  check(orderDomains.length > 0, "needs the order's domains");
  const created = ok(
    await client.POST("/swaps", { body: { type: "standard", domain_id: orderDomains[0], replacement_domain: "ts-swapped-in.com" } }),
    201,
  ).data;
  const read = ok(await client.GET("/swaps/{id}", { params: { path: { id: created.id } } }), 200).data;
  check(read.id === created.id && read.replacement_domain === "ts-swapped-in.com", `read ${JSON.stringify(read)}`);
});

await step("an error answer is the typed envelope", async () => {
  const r = await client.GET("/bundles/{id}", { params: { path: { id: "bun_missing" } } });
  check(r.response.status === 404, `status ${r.response.status}`);
  const code: Schemas["ErrorCode"] | undefined = r.error?.error.code;
  check(code === "not_found", `code ${code}`);
});

// The bundle-or-custom choice is a schema, not prose: both at once, or a
// custom order with a bundle_id, does not compile. (Never called.)
export function bothShapes(): void {
  const common = {
    user: "usr_1",
    sequencer: { provider: "smartlead", client_id: null, login_email: "a@example.com", login_password: "pw" },
    domains: ["a.com"],
    personas: [{ first_name: "A", last_name: "B", profile_picture_url: null }],
  } as const;
  void client.POST("/orders", {
    // @ts-expect-error: bundle_id and license counts together
    body: { ...common, personas: [...common.personas], domains: [...common.domains], bundle_id: "bun_1", google_licenses: 2 },
  });
  void client.POST("/orders", { body: { ...common, personas: [...common.personas], domains: [...common.domains], google_licenses: 2 } });
}

console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
