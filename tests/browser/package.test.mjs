// The npm package in headless Chromium, loaded every way a partner would:
// the `web` entry with init() in a plain <script type="module">, the browser
// entry directly, an esbuild bundle and a Vite build. Plus an esbuild bundle
// for Node. Every page runs the webhook scenario set and a few validations.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdir, writeFile, rm } from "node:fs/promises";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { build as viteBuild } from "vite";
import { ROOT, serveRoot, launch, resultOf } from "./harness.mjs";

const OUT = join(ROOT, "target/browser-tests");
let server;
let browser;

before(async () => {
  await rm(OUT, { recursive: true, force: true });
  await mkdir(OUT, { recursive: true });
  server = await serveRoot();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

function checkResult(result) {
  assert.deepEqual(result.valid, []);
  assert.deepEqual(result.invalid, ["domains[0]"]);
  assert.deepEqual(result.required, { google: 15, microsoft: 4, total: 19 });
  assert.deepEqual(result.webhooks.failures, []);
  assert.ok(result.webhooks.count >= 30);
  assert.deepEqual(result.webhooksAsync.failures, [], "verifyWebhookAsync (Web Crypto)");
  assert.equal(result.webhooksAsync.count, result.webhooks.count);
}

async function page(name, html) {
  await writeFile(join(OUT, `${name}.html`), html);
  return `${server.url}/target/browser-tests/${name}.html`;
}

const inline = (imports) => `<!doctype html><meta charset="utf-8"><script type="module">
${imports}
import { runScenarios, runScenariosAsync } from "/tests/js/webhook-scenarios.mjs";
const order = { user: "client@example.com", bundle_id: "bun_123",
  sequencer: { provider: "smartlead", client_id: 1, login_email: "ops@acme.com", login_password: "pw" },
  domains: ["acme-mail.com", "München.de"], personas: [{ first_name: "Sam", last_name: "Lee", profile_picture_url: "" }] };
const result = {
  valid: api.validateOrder(order),
  invalid: api.validateOrder({ ...order, domains: ["bad domain"] }).map((p) => p.field),
  required: api.requiredDomains({ monthly_sending_volume: 25000 }),
  webhooks: runScenarios(api),
};
runScenariosAsync(api).then((r) => { window.__result = { ...result, webhooksAsync: r }; });
</script>`;

test("plain <script type=module> with peeker-partner/web and init()", async () => {
  const url = await page("web", inline(`import init, * as api from "/pkg/web.js"; await init();`));
  checkResult(await resultOf(browser, url));
});

test("plain <script type=module> with the browser entry, no init call", async () => {
  const url = await page("browser-entry", inline(`import * as api from "/pkg/index.browser.js";`));
  checkResult(await resultOf(browser, url));
});

test("the verifier-only entry (peeker-partner/webhooks) in Chromium: both scenario sets", async () => {
  const url = await page("webhooks-entry", `<!doctype html><meta charset="utf-8"><script type="module">
import * as api from "/pkg/webhooks.browser.js";
import { runScenarios, runScenariosAsync } from "/tests/js/webhook-scenarios.mjs";
const webhooks = runScenarios(api);
runScenariosAsync(api).then((r) => { window.__result = { webhooks, webhooksAsync: r }; });
</script>`);
  const result = await resultOf(browser, url);
  assert.deepEqual(result.webhooks.failures, []);
  assert.deepEqual(result.webhooksAsync.failures, []);
  assert.ok(result.webhooksAsync.count >= 30);
});

test("esbuild bundle for the browser, no plugin, no init call", async () => {
  await esbuild.build({
    entryPoints: [join(ROOT, "tests/browser/app/main.js")],
    bundle: true,
    format: "esm",
    platform: "browser",
    outfile: join(OUT, "esbuild/main.js"),
    logLevel: "error",
  });
  const url = await page("esbuild", `<!doctype html><script type="module" src="./esbuild/main.js"></script>`);
  checkResult(await resultOf(browser, url));
});

test("Vite production build, no plugin, no init call", async () => {
  await viteBuild({
    root: join(ROOT, "tests/browser/app"),
    base: "./",
    logLevel: "error",
    build: { outDir: join(OUT, "vite"), emptyOutDir: true },
  });
  checkResult(await resultOf(browser, `${server.url}/target/browser-tests/vite/index.html`));
});

test("esbuild bundle for Node runs with no init call", async () => {
  const entry = join(OUT, "node-app.mjs");
  await writeFile(entry, `import { requiredDomains, verifyWebhook, signWebhook } from "peeker-partner";
const h = signWebhook('{"id":"evt_1","type":"x","created_at":"t","data":{}}', "s", { timestamp: 100 });
const e = verifyWebhook('{"id":"evt_1","type":"x","created_at":"t","data":{}}', h, "s", { now: 100 });
console.log(JSON.stringify({ total: requiredDomains({ monthly_sending_volume: 100000, google_percent: 70, microsoft_percent: 30 }).total, id: e.id }));`);
  await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "node",
    outfile: join(OUT, "node-bundle/app.mjs"),
    nodePaths: [join(ROOT, "node_modules")],
    logLevel: "error",
  });
  const out = execFileSync(process.execPath, [join(OUT, "node-bundle/app.mjs")], { encoding: "utf8" });
  assert.deepEqual(JSON.parse(out), { total: 90, id: "evt_1" });
});
