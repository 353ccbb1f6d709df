// Domain names as browsers read them, in headless Chromium: the package's
// browser entries (main and /validate) answer Unicode's whole UTS #46
// conformance file as tests/js/idna-conformance.mjs expects, and the
// issue's six names are sent as Chromium's own `new URL()` sends them.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ROOT, serveRoot, launch, resultOf } from "./harness.mjs";

const OUT = join(ROOT, "target/browser-tests");
let server;
let browser;

before(async () => {
  await mkdir(OUT, { recursive: true });
  server = await serveRoot();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

for (const entry of ["index", "validate"]) {
  test(`${entry}.browser.js in Chromium: the whole UTS #46 conformance file`, async () => {
    const name = `idna-${entry}`;
    await writeFile(join(OUT, `${name}.html`), `<!doctype html><meta charset="utf-8"><script type="module">
import * as api from "/pkg/${entry}.browser.js";
import { parseIdnaTest, disagreement, tally } from "/tests/js/idna-conformance.mjs";
import { answers, TYPED } from "/tests/js/idna-run.mjs";
const rows = parseIdnaTest(await (await fetch("/tests/resources/IdnaTestV2.txt")).text());
const got = answers(api, rows.map((r) => r.source));
const typed = TYPED.map(([t, sent, shown]) => {
  let browser;
  try { browser = new URL("http://" + t + "/").hostname; } catch { browser = null; }
  return { typed: t, sent, shown, answer: answers(api, [t])[0], browser };
});
window.__result = {
  userAgent: navigator.userAgent,
  counts: tally(rows),
  failures: rows.map((row, i) => disagreement(row, got[i])).filter(Boolean),
  typed,
  warnings: api.domainWarnings("\\u0430pple.com").map((w) => w.scripts),
};
</script>`);
    const result = await resultOf(browser, `${server.url}/target/browser-tests/${name}.html`);
    console.log(`UTS #46 conformance (${result.userAgent.match(/Chrom\w*\/[\d.]+/)?.[0]}, ${entry}.browser.js):`,
      JSON.stringify(result.counts), `disagreements: ${result.failures.length}`);
    assert.deepEqual(result.failures, []);
    for (const t of result.typed) {
      assert.deepEqual(t.answer, { ok: true, domain: t.sent, display: t.shown }, JSON.stringify(t.typed));
      assert.equal(t.browser, t.sent, `Chromium's own new URL() sends ${t.sent} for ${JSON.stringify(t.typed)}`);
    }
    assert.deepEqual(result.warnings, [["Cyrillic", "Latin"]]);
  });
}
