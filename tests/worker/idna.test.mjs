// Domain names as browsers read them, in workerd: the package's main entry,
// bundled by wrangler as a partner's Worker imports it, answers Unicode's
// whole UTS #46 conformance file as tests/js/idna-conformance.mjs expects
// (the Worker answers, Node judges), and the six names.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, startWorker, tempDir } from "./wrangler.mjs";
import { parseIdnaTest, disagreement, tally } from "../js/idna-conformance.mjs";
import { TYPED } from "../js/idna-run.mjs";

let worker;
before(async () => {
  worker = await startWorker({
    config: join(ROOT, "tests/worker/fixture-full/wrangler.toml"),
    persistTo: tempDir("peeker-worker-idna-"),
    // No API is called here.
    vars: { PEEKER_API_BASE: "http://127.0.0.1:9", PEEKER_API_KEY: "pk_test_unused" },
  });
});
after(async () => {
  await worker?.stop();
});

async function inWorkerd(names) {
  const out = { answers: [], warnings: [] };
  // In chunks: each request stays small and quick.
  for (let i = 0; i < names.length; i += 1000) {
    const res = await fetch(`${worker.url}/idna`, { method: "POST", body: JSON.stringify(names.slice(i, i + 1000)) });
    assert.equal(res.status, 200, await res.clone().text());
    const got = await res.json();
    out.answers.push(...got.answers);
    out.warnings.push(...got.warnings);
  }
  return out;
}

test("workerd: the whole UTS #46 conformance file, every disagreement a failure", async () => {
  const rows = parseIdnaTest(readFileSync(join(ROOT, "tests/resources/IdnaTestV2.txt"), "utf8"));
  const { answers } = await inWorkerd(rows.map((r) => r.source));
  assert.equal(answers.length, rows.length);
  const failures = rows.map((row, i) => disagreement(row, answers[i])).filter(Boolean);
  console.log("UTS #46 conformance (workerd, peeker-partner):", JSON.stringify(tally(rows)), `disagreements: ${failures.length}`);
  assert.deepEqual(failures, []);
});

test("workerd: the issue's six names are sent as browsers send them; warnings", async () => {
  const { answers, warnings } = await inWorkerd([...TYPED.map(([typed]) => typed), "\u0430pple.com"]);
  TYPED.forEach(([typed, sent, shown], i) => {
    assert.deepEqual(answers[i], { ok: true, domain: sent, display: shown }, JSON.stringify(typed));
  });
  assert.deepEqual(warnings.slice(0, TYPED.length), TYPED.map(() => []));
  assert.deepEqual(warnings[TYPED.length].map((w) => [w.code, w.domain, w.scripts]), [
    ["mixed_script", "xn--pple-43d.com", ["Cyrillic", "Latin"]],
  ]);
});
