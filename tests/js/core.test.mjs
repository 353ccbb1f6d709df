// The package as a partner imports it: `import ... from "peeker-partner"`
// resolves through the exports map to the Node entry, with no init call.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import {
  validateOrder,
  validateBundle,
  validateAvailabilityRequest,
  validateImport,
  validateForwarding,
  checkDomainSplit,
  meterDomainSplit,
  planDomains,
  requiredDomains,
  buildRequest,
  PeekerError,
  ValidationError,
} from "peeker-partner";

const fixture = (name) =>
  JSON.parse(readFileSync(new URL(`../resources/requests/${name}`, import.meta.url), "utf8"));

const row = (domain, usable_for = ["google", "microsoft"], price_cents = 1300) => ({
  domain, available: true, price_cents, renewal_price_cents: 1500, currency: "usd", usable_for,
});

test("every documented request example validates with no problems", () => {
  const validators = {
    order: validateOrder,
    bundle_create: validateBundle,
    availability: validateAvailabilityRequest,
    import_job: (b) => validateImport(b, { job: true }),
    import: validateImport,
    forwarding: validateForwarding,
  };
  let checked = 0;
  for (const file of readdirSync(new URL("../resources/requests/", import.meta.url))) {
    const kind = Object.keys(validators).find((k) => file.startsWith(k));
    if (!kind) continue;
    assert.deepEqual(validators[kind](fixture(file)), [], file);
    checked++;
  }
  assert.ok(checked >= 7, `checked ${checked} fixtures`);
});

test("validateOrder reports every problem with its field path", () => {
  const body = fixture("order_bundle.json");
  body.google_licenses = 4;
  body.domains = ["Acme-Mail.COM", "acme-mail.com", "not a domain", ...body.domains.slice(1)];
  body.personas = Array.from({ length: 11 }, () => ({ first_name: "A", last_name: "B", profile_picture_url: null }));
  body.personas[3].profile_picture_url = "ftp://x";
  body.forwarding_url = "not a url";
  const problems = validateOrder(body);
  const fields = problems.map((p) => `${p.code} ${p.field}`);
  assert.ok(fields.includes("order_shape_conflict bundle_id"), fields.join("\n"));
  assert.ok(fields.includes("invalid_request domains[1]"), fields.join("\n"));
  assert.ok(fields.includes("invalid_request domains[2]"), fields.join("\n"));
  assert.ok(fields.includes("invalid_request personas"), fields.join("\n"));
  assert.ok(fields.includes("invalid_request personas[3].profile_picture_url"), fields.join("\n"));
  assert.ok(fields.includes("invalid_request forwarding_url"), fields.join("\n"));
  for (const p of problems) {
    assert.equal(typeof p.message, "string");
    assert.ok(!p.message.includes("smartlead-password"), "the password never appears");
  }
});

test("IDN domains become punycode A-labels in the built request", () => {
  const req = buildRequest("domains.availability", { domains: ["München.de", "bücher.example"] });
  assert.deepEqual(JSON.parse(new TextDecoder().decode(req.body)), {
    domains: ["xn--mnchen-3ya.de", "xn--bcher-kva.example"],
  });
});

test("requiredDomains reproduces the docs' examples", () => {
  assert.deepEqual(requiredDomains({ monthly_sending_volume: 25000 }), { google: 15, microsoft: 4, total: 19 });
  assert.deepEqual(
    requiredDomains({ name: "Growth", monthly_sending_volume: 100000, google_percent: 70, microsoft_percent: 30 }),
    { google: 80, microsoft: 10, total: 90 },
  );
  assert.throws(() => requiredDomains({ monthly_sending_volume: 25000, google_percent: 70 }), (e) => {
    assert.ok(e instanceof ValidationError && e instanceof PeekerError);
    assert.ok(e.problems.some((p) => p.field === "microsoft_percent" || p.field === "google_percent"));
    return true;
  });
});

test("meterDomainSplit: slots filled so far, and what no further pick can fix", () => {
  const partial = meterDomainSplit({ google: 15, microsoft: 4 }, [row("a.com", ["google"]), row("b.com")]);
  assert.deepEqual(partial, { google: 1, microsoft: 1, blocking: [] });
  // A Microsoft-only row is not dual-capable: the second overflows its slot.
  const dead = meterDomainSplit({ google: 1, microsoft: 1 }, [row("m1.com", ["microsoft"]), row("m2.com", ["microsoft"])]);
  assert.equal(dead.microsoft, 1);
  assert.equal(dead.google, 0);
  assert.equal(dead.blocking[0].code, "domain_count_mismatch");
  assert.match(dead.blocking[0].message, /Microsoft-only/);
});

test("checkDomainSplit gives the assignment or exactly what is missing", () => {
  const ok = checkDomainSplit({ google: 2, microsoft: 1 }, [row("a.com"), row("b.com", ["google"]), row("c.com")]);
  assert.deepEqual(ok, { ok: true, google: ["b.com", "c.com"], microsoft: ["a.com"] });

  const short = checkDomainSplit({ google: 1, microsoft: 2 }, [row("a.com"), row("b.com", ["google"]), row("c.com", ["google"])]);
  assert.equal(short.ok, false);
  const counts = short.problems.find((p) => p.details?.provider === "microsoft");
  assert.equal(counts.code, "domain_count_mismatch");
  assert.equal(counts.field, "domains");
  assert.match(counts.message, /Microsoft/);

  const bad = checkDomainSplit({ google: 1, microsoft: 0 }, [
    { domain: "premium-acme.com", available: false, premium: true, reason: "premium" },
  ]);
  assert.equal(bad.ok, false);
  assert.ok(bad.problems.some((p) => p.field === "domains[0]"));
});

test("planDomains picks the cheapest feasible set, ties by input order", () => {
  const plan = planDomains({ google: 1, microsoft: 1 }, [
    row("pricey.com", ["google", "microsoft"], 5000),
    row("cheap-g.com", ["google"], 900),
    row("cheap-both.com", ["google", "microsoft"], 1000),
    row("tie-both.com", ["google", "microsoft"], 1000),
  ]);
  assert.deepEqual(plan, { ok: true, google: ["cheap-g.com"], microsoft: ["cheap-both.com"], total_price_cents: 1900 });
  const none = planDomains({ google: 0, microsoft: 2 }, [row("g.com", ["google"])]);
  assert.equal(none.ok, false);
  assert.match(none.problems[0].message, /Microsoft/);
});

test("request bodies are canonical whatever the key order", () => {
  const body = fixture("order_bundle.json");
  const reversed = (v) =>
    Array.isArray(v) ? v.map(reversed)
      : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)]))
        : v;
  const a = buildRequest("orders.create", body);
  const b = buildRequest("orders.create", reversed(body));
  assert.equal(a.method, "POST");
  assert.equal(a.path, "/orders");
  assert.equal(a.retry_safe, true);
  assert.deepEqual(Buffer.from(a.body), Buffer.from(b.body));
  assert.equal(new TextDecoder().decode(a.body).includes(" "), false, "no insignificant whitespace");
});

test("buildRequest covers ids, queries and refuses bad input with a ValidationError", () => {
  const cancel = buildRequest("orders.cancel", "ord_1/2", { domains: ["acme-mail.com"] });
  assert.equal(cancel.path, "/orders/ord_1%2F2/cancel");
  assert.equal(cancel.retry_safe, false);
  const list = buildRequest("orders.list", { status: "completed", per_page: 100 });
  assert.equal(list.method, "GET");
  assert.deepEqual(Object.fromEntries(list.query), { status: "completed", per_page: "100" });
  assert.equal(buildRequest("me").body, null);
  assert.throws(() => buildRequest("orders.list", { per_page: 101 }), (e) => e instanceof ValidationError && e.problems[0].field === "per_page");
  assert.throws(() => buildRequest("orders.explode", {}), (e) => e instanceof PeekerError && e.field === "name");
});

test("secrets never appear in errors", () => {
  const body = fixture("order_bundle.json");
  body.sequencer.login_password = 42;
  body.user = 7;
  try {
    buildRequest("orders.create", body);
    assert.fail("should throw");
  } catch (e) {
    assert.ok(e instanceof ValidationError);
    const text = `${e} ${e.message} ${JSON.stringify(e.problems)} ${e.stack}`;
    assert.ok(!text.includes("smartlead-password"));
  }
});

test("rows of the wrong shape are named one by one", () => {
  assert.throws(() => planDomains({ google: 1, microsoft: 0 }, [row("a.com"), { domain: 5, available: true }]), (e) => {
    assert.ok(e instanceof ValidationError);
    assert.deepEqual(e.problems.map((p) => p.field), ["candidates[1]"]);
    assert.match(e.problems[0].message, /^not an availability row: domain must be a string;/);
    return true;
  });
  // Each field's own words (the rows are read by hand, not by serde's derive).
  for (const [bad, words] of [[{ price_cents: "13" }, "price_cents must be an integer"], [{ usable_for: "google" }, "usable_for must be an array"],
    [{ premium: 1 }, "premium must be true or false"], [{ reason: 3 }, "reason must be a string"], [{ available: "yes" }, "available must be true or false"]]) {
    assert.throws(() => checkDomainSplit({ google: 1, microsoft: 0 }, [row("a.com"), { ...row("b.com"), ...bad }]), (e) =>
      e instanceof ValidationError && e.problems[0].field === "rows[1]" && e.problems[0].message.includes(words), JSON.stringify(bad));
  }
  assert.throws(() => checkDomainSplit({ google: 1, microsoft: 0 }, [7]), (e) => e.problems[0].message.includes("is a number, not an object"));
  assert.throws(() => checkDomainSplit({ google: -1, microsoft: 0 }, []), (e) =>
    e instanceof ValidationError && e.problems[0].field === "required.google");
  // Unknown providers and extra fields are fine; premium: false is not premium.
  const ok = checkDomainSplit({ google: 1, microsoft: 1 }, [
    { ...row("a.com", ["google", "yahoo"]), premium: false, extra: { x: 1 } },
    row("b.com", ["microsoft"]),
  ]);
  assert.deepEqual(ok, { ok: true, google: ["a.com"], microsoft: ["b.com"] });
});
