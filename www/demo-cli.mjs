// The demo's first step: load the built package exactly as a partner would
// (`import ... from "peeker-partner"` resolves to pkg/ here) and check a
// customer's order before it costs anything.
import {
  requiredDomains,
  validateOrder,
  checkDomainSplit,
  planDomains,
} from "peeker-partner";

const bundle = { name: "Starter - 25k emails/month", monthly_sending_volume: 25000 };
const required = requiredDomains(bundle);
console.log(`Bundle "${bundle.name}" needs`, required);

// A customer's picks, as POST /domains/availability would answer for them.
const row = (domain, usable_for = ["google", "microsoft"]) => ({
  domain, available: true, price_cents: 1300, renewal_price_cents: 1500, currency: "usd", usable_for,
});
const candidates = [
  ...Array.from({ length: 17 }, (_, i) => row(`acme-mail-${i + 1}.com`)),
  row("acme-gonly-1.com", ["google"]),
  row("acme-gonly-2.com", ["google"]),
  row("acme-gonly-3.com", ["google"]),
  { domain: "premium-acme.com", available: false, premium: true, reason: "premium" },
];

const plan = planDomains(required, candidates);
console.log("Cheapest pick:", plan.ok
  ? `${plan.google.length} Google + ${plan.microsoft.length} Microsoft for $${(plan.total_price_cents / 100).toFixed(2)}`
  : plan.problems);

const picked = candidates.filter((r) => plan.ok && [...plan.google, ...plan.microsoft].includes(r.domain));
console.log("Split check of that pick:", checkDomainSplit(required, picked).ok ? "ok" : "not ok");

const order = {
  user: "client@example.com",
  bundle_id: "bun_01HZX0BU1A2B3C4D5E6F7G8H",
  sequencer: { provider: "smartlead", client_id: 366903, login_email: "ops@acme.com", login_password: "s3cret!" },
  forwarding_url: "https://acme.com",
  domains: plan.ok ? [...plan.google, ...plan.microsoft] : [],
  personas: [{ first_name: "Sam", last_name: "Lee", profile_picture_url: "" }],
};
console.log("validateOrder(valid order):", validateOrder(order));

const broken = {
  ...order,
  google_licenses: 10,
  domains: ["Acme-Mail-1.COM", "acme-mail-1.com", "not a domain", "münchen-mail.de"],
  personas: Array.from({ length: 11 }, () => ({ first_name: "Sam", last_name: "Lee", profile_picture_url: "" })),
  forwarding_url: "ftp://acme.com",
};
console.log("validateOrder(broken order):");
for (const p of validateOrder(broken)) console.log(`  ${p.code.padEnd(22)} ${p.field.padEnd(32)} ${p.message}`);
