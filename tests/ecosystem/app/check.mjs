// What every runtime and bundler case computes with the package; the runner
// compares it with the answer Node 20 gives.
const body = '{"id":"evt_1","type":"order.completed","created_at":"2026-05-08T12:00:00Z","data":{}}';
const order = {
  user: "client@example.com",
  bundle_id: "bun_123",
  sequencer: { provider: "smartlead", client_id: 1, login_email: "ops@acme.com", login_password: "pw" },
  domains: ["acme-mail.com", "München.de"],
  personas: [{ first_name: "Sam", last_name: "Lee", profile_picture_url: "" }],
};

export function check(main, validate, webhooks) {
  const headers = { "Peeker-Event-Id": "evt_1", ...webhooks.signWebhook(body, "whsec_a", { timestamp: 100 }) };
  let sameErrorClass;
  try {
    webhooks.verifyWebhook(body, headers, "whsec_wrong", { now: 100 });
  } catch (e) {
    sameErrorClass = e instanceof main.PeekerError && e instanceof validate.PeekerError && e.code;
  }
  const names = (m) => Object.keys(m).filter((k) => k !== "default" && k !== "__esModule").sort();
  return {
    valid: main.validateOrder(order),
    invalid: validate.validateOrder({ ...order, domains: ["bad domain"] }).map((p) => p.field),
    required: validate.requiredDomains({ monthly_sending_volume: 25000 }),
    request: validate.buildRequest("bundles.retrieve", "bun_1").path,
    verified: [main.verifyWebhook(body, headers, "whsec_a", { now: 100 }).id, webhooks.verifyWebhook(body, headers, "whsec_a", { now: 100 }).id],
    sameErrorClass,
    client: String(new main.PeekerClient({ apiKey: "pk_test_ecosystem" })),
    exports: { ".": names(main), "./validate": names(validate), "./webhooks": names(webhooks) },
  };
}
