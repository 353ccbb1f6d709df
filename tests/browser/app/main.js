// A partner's frontend in miniature: one import, no init call, any bundler.
import * as api from "peeker-partner";
import { runScenarios, runScenariosAsync } from "../../js/webhook-scenarios.mjs";

const order = {
  user: "client@example.com",
  bundle_id: "bun_123",
  sequencer: { provider: "smartlead", client_id: 366903, login_email: "ops@acme.com", login_password: "pw" },
  domains: ["acme-mail.com", "München.de"],
  personas: [{ first_name: "Sam", last_name: "Lee", profile_picture_url: "" }],
};
const result = {
  valid: api.validateOrder(order),
  invalid: api.validateOrder({ ...order, domains: ["bad domain"] }).map((p) => p.field),
  required: api.requiredDomains({ monthly_sending_volume: 25000 }),
  webhooks: runScenarios(api),
};
// Published once verifyWebhookAsync (Web Crypto in the browser) has run too.
runScenariosAsync(api).then((r) => {
  window.__result = { ...result, webhooksAsync: r };
});
