// Compiled with `tsc --noEmit --strict` by tests/js/types.test.mjs: the public
// signatures are precise (no `any`) and the mistakes below are caught.
import {
  buildRequest,
  checkDomainSplit,
  meterDomainSplit,
  planDomains,
  requiredDomains,
  validateOrder,
  validateImport,
  verifyWebhook,
  signWebhook,
  handleWebhook,
  PeekerError,
  ValidationError,
  WebhookVerificationError,
  type AvailabilityRow,
  type CreateOrder,
  type Problem,
} from "peeker-partner";
import { verifyWebhook as verifySmall } from "peeker-partner/webhooks";
import init from "peeker-partner/web";

const order: CreateOrder = {
  user: "client@example.com",
  bundle_id: "bun_123",
  sequencer: { provider: "smartlead", client_id: 366903, login_email: "ops@acme.com", login_password: "pw" },
  domains: ["acme-mail.com", { domain: "shop-acme.com", forwarding_url: "https://shop.acme.com" }],
  personas: [{ first_name: "Sam", last_name: "Lee", profile_picture_url: null }],
};
const problems: Problem[] = validateOrder(order);
const fields: string[] = problems.map((p) => p.field);
validateImport({ domains: [] });
validateImport({ domains: [] }, { job: true });

const rows: AvailabilityRow[] = [];
const split = checkDomainSplit({ google: 15, microsoft: 4 }, rows);
// A bundle's required_domains, written inline with its total, as the README does.
checkDomainSplit({ google: 15, microsoft: 4, total: 19 }, rows);
meterDomainSplit({ google: 15, microsoft: 4, total: 19 }, rows);
planDomains({ google: 15, microsoft: 4, total: 19 }, rows);
if (split.ok) {
  const g: string[] = split.google;
} else {
  const p: Problem[] = split.problems;
}
const plan = planDomains({ google: 1, microsoft: 1 }, rows);
if (plan.ok) {
  const cents: number = plan.total_price_cents;
}
const total: number = requiredDomains({ monthly_sending_volume: 25000 }).total;

const req = buildRequest("orders.create", order);
const body: Uint8Array | null = req.body;
const method: "GET" | "POST" | "PATCH" | "DELETE" = req.method;
buildRequest("orders.cancel", "ord_123");
buildRequest("orders.cancel", "ord_123", { domains: ["acme-mail.com"] });
buildRequest("me");
// @ts-expect-error: unknown endpoint names do not compile
buildRequest("orders.explode", {});
// @ts-expect-error: orders.create needs a body
buildRequest("orders.create");
// @ts-expect-error: the id is a string
buildRequest("orders.cancel", 42);

const headers = signWebhook("{}", "whsec", { timestamp: 1 });
const ts: string = headers["Peeker-Timestamp"];
const event = verifyWebhook("{}", headers, ["old", "new"], { toleranceSeconds: 60, now: 1 });
const type: string = event.type;
verifySmall(new Uint8Array(), new Headers(), "whsec");
// @ts-expect-error: options are typed
verifyWebhook("{}", headers, "whsec", { tolerance: 60 });

async function route(request: Request): Promise<Response> {
  return handleWebhook(request, { secret: "whsec", onEvent: async (e) => console.log(e.id) });
}

try {
  validateOrder(order);
} catch (e) {
  if (e instanceof ValidationError) {
    const list: Problem[] = e.problems;
  } else if (e instanceof WebhookVerificationError) {
    const code: "missing_header" | "invalid_header" | "timestamp_out_of_range" | "signature_mismatch" |
      "invalid_payload" | "event_id_mismatch" | "invalid_secret" = e.code;
  } else if (e instanceof PeekerError) {
    const field: string | undefined = e.field;
  }
}

await init();
export { fields, total, body, method, ts, type, route };
