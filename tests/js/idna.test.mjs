// Domain names as browsers and registrars read them, through the package in
// Node: Unicode's UTS #46 conformance file, every line (expected answers and
// our stricter rules: ./idna-conformance.mjs), the six names, the
// display form and the mixed-script warning.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { domainToASCII } from "node:url";
import * as main from "peeker-partner";
import * as validate from "peeker-partner/validate";
import { parseIdnaTest, disagreement, expected, tally } from "./idna-conformance.mjs";
import { answers, TYPED } from "./idna-run.mjs";

const rows = parseIdnaTest(
  readFileSync(new URL("../resources/IdnaTestV2.txt", import.meta.url), "utf8"),
);

for (const [entry, api] of [["peeker-partner", main], ["peeker-partner/validate", validate]]) {
  test(`${entry}: the whole UTS #46 conformance file, every disagreement a failure`, () => {
    const got = answers(api, rows.map((r) => r.source));
    const failures = rows.map((row, i) => disagreement(row, got[i])).filter(Boolean);
    const counts = tally(rows);
    console.log(`UTS #46 conformance (Node ${process.version}, ${entry}):`, JSON.stringify(counts), `disagreements: ${failures.length}`);
    assert.deepEqual(failures, []);
    // The display form of every name sent is UTS #46 ToUnicode.
    const shown = rows.flatMap((row, i) => {
      const want = expected(row);
      if (!want.ok || row.toUnicodeErrors.some((e) => !["A4_1", "A4_2", "V2", "V3", "U1", "X4_2"].includes(e))) return [];
      const unicode = row.toUnicode.endsWith(".") ? row.toUnicode.slice(0, -1) : row.toUnicode;
      return got[i].display === unicode ? [] : [`line ${row.line}: ${got[i].display} != ${unicode}`];
    });
    assert.deepEqual(shown, []);
  });

  test(`${entry}: the issue's six names are sent as browsers send them`, () => {
    for (const [typed, sent, shown] of TYPED) {
      const [answer] = answers(api, [typed]);
      assert.deepEqual(answer, { ok: true, domain: sent, display: shown }, JSON.stringify(typed));
      assert.equal(domainToASCII(typed), sent, "Node's own url.domainToASCII agrees");
      assert.equal(new URL(`http://${typed}/`).hostname, sent, "and new URL()");
      const order = buildOrder(api, typed);
      assert.deepEqual(order.domains, [sent], "orders.create sends the A-label");
    }
  });

  test(`${entry}: displayDomain and domainWarnings`, () => {
    assert.equal(api.displayDomain("xn--mnchen-3ya.de"), "münchen.de");
    assert.equal(api.displayDomain("XN--MNCHEN-3YA.DE"), "münchen.de");
    assert.equal(api.displayDomain("acme.com"), "acme.com");
    assert.equal(api.displayDomain("xn--zz-.com"), "xn--zz-.com", "not a valid name: as given");
    assert.deepEqual(api.domainWarnings("münchen.de"), []);
    assert.deepEqual(api.domainWarnings("not a domain"), []);
    const [warning, more] = api.domainWarnings("\u0430pple.com");
    assert.equal(more, undefined);
    assert.deepEqual({ ...warning, message: undefined }, {
      code: "mixed_script", domain: "xn--pple-43d.com", label: "\u0430pple", scripts: ["Cyrillic", "Latin"], message: undefined,
    });
    assert.match(warning.message, /mixes Cyrillic and Latin letters/);
    // A warning, not a refusal: the name validates and is sent.
    assert.deepEqual(api.validateAvailabilityRequest({ domains: ["\u0430pple.com"] }), []);
  });

  test(`${entry}: refusals name the label and the rule`, () => {
    const why = (name) => answers(api, [name])[0].message;
    assert.match(why("xn--99999999999.com"), /'xn--99999999999', which is not valid punycode/);
    assert.match(why("a\u05D0.com"), /mixes right-to-left and left-to-right letters/);
    assert.match(why("a\u200Db.com"), /zero-width joiner \(U\+200D\) where it is not allowed/);
  });
}

function buildOrder(api, domain) {
  const body = {
    user: "client@example.com", bundle_id: "bun_123",
    sequencer: { provider: "smartlead", client_id: 1, login_email: "ops@acme.com", login_password: "pw" },
    domains: [domain], personas: [{ first_name: "Sam", last_name: "Lee", profile_picture_url: "" }],
  };
  return JSON.parse(new TextDecoder().decode(api.buildRequest("orders.create", body).body));
}
