// The partner demo end to end: the page (www/) in headless Debian Chromium
// through playwright-core, the Worker (`wrangler dev --local`) as API proxy
// and webhook endpoint, and peeker-sandbox delivering signed webhooks — all
// started here on 127.0.0.1 with free ports (www/stack.mjs, the same code
// `cargo xtask demo` runs) and stopped by PID. Screenshots of each state go
// to target/e2e-screenshots/.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { launch } from "../browser/harness.mjs";
import { ROOT, startStack } from "../../www/stack.mjs";

const SHOTS = join(ROOT, "target/e2e-screenshots");
let stack, browser;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  stack = await startStack({ timeScale: 0.5, build: !process.env.PEEKER_SANDBOX_NO_BUILD });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await stack?.stop();
});

async function open() {
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && page.errors.push(m.text()));
  await page.goto(stack.url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 30_000 });
  return page;
}
const shot = (page, name) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const text = (page, sel) => page.locator(sel).innerText();

/** Creates a bundle of `volume` emails a month from the page; returns the server's line. */
async function createBundle(page, name, volume) {
  await page.fill("#bundle-name", name);
  await page.fill("#bundle-volume", String(volume));
  await page.locator("#bundle-create").click();
  await page.waitForFunction(() => document.getElementById("bundle-required").textContent.includes("from the API"));
  return text(page, "#bundle-required");
}

/** Types candidates and waits until every row has its answer. */
async function typeCandidates(page, names) {
  await page.fill("#candidates", names.join("\n"));
  await page.waitForFunction((n) => {
    const rows = [...document.querySelectorAll("#domain-rows tr")];
    return rows.length === n && rows.every((r) => !r.textContent.includes("checking…"));
  }, names.length, { timeout: 15_000 });
}
const pick = (page, domain) => page.locator(`#domain-rows tr[data-domain="${domain}"] input[type=checkbox]`);

async function fillCustomer(page) {
  await page.fill("#sl-email", "ops@acme.com");
  await page.fill("#sl-password", "Sm4rtl3ad-s3cret!");
}

test("the full flow: bundle, availability, split, cheapest fill, review, order, progress to completed", async () => {
  const page = await open();
  // Every control has a label.
  const unlabelled = await page.$$eval("input, select, textarea",
    (els) => els.filter((e) => e.labels.length === 0).map((e) => e.id || e.outerHTML));
  assert.deepEqual(unlabelled, []);

  // requiredDomains preview while typing, the server's numbers after create.
  await page.fill("#bundle-volume", "100000");
  assert.match(await text(page, "#bundle-preview"), /Preview: 57 Google \+ 16 Microsoft domains \(73 in all\)/);
  assert.match(await createBundle(page, "Starter - 25k emails/month", 25000), /15 Google \+ 4 Microsoft domains \(19 in all/);

  const names = [...Array.from({ length: 17 }, (_, i) => `acme-mail-${i + 1}.com`),
    "acme-gonly-1.com", "acme-gonly-2.com", "acme-taken.com", "premium-acme.com", "not_a_domain"];
  await typeCandidates(page, names);
  const row = page.locator('#domain-rows tr[data-domain="acme-mail-1.com"]');
  assert.match(await row.innerText(), /\$13\.00\s+\$15\.00\s+Google Microsoft/);
  assert.match(await page.locator('#domain-rows tr[data-domain="acme-gonly-1.com"]').innerText(), /Google\s*$/);
  assert.match(await page.locator('#domain-rows tr[data-domain="acme-taken.com"]').innerText(), /Unavailable: taken/);
  assert.match(await page.locator('#domain-rows tr[data-domain="premium-acme.com"]').innerText(), /Unavailable: premium/);
  assert.match(await page.locator('#domain-rows tr[data-domain="not_a_domain"]').innerText(), /Unavailable:/);
  assert.equal(await pick(page, "acme-taken.com").isDisabled(), true);

  // Keyboard: focus a checkbox, Space picks it; the meter follows every pick.
  await pick(page, "acme-gonly-1.com").focus();
  await page.keyboard.press("Space");
  assert.equal(await text(page, "#split-meter"), "Google 1/15, Microsoft 0/4");
  assert.match(await text(page, "#split-message"), /Google-only: it fills a Google slot\. 4 Microsoft slots still need/);
  await pick(page, "acme-mail-1.com").check();
  assert.equal(await text(page, "#split-meter"), "Google 1/15, Microsoft 1/4");
  await shot(page, "1-availability-and-split");

  await page.locator("#fill-cheapest").click();
  assert.equal(await text(page, "#split-meter"), "Google 15/15, Microsoft 4/4");
  assert.match(await text(page, "#split-message"), /Picked the cheapest 19 domains: \$247\.00/);
  await page.locator("section").nth(1).screenshot({ path: join(SHOTS, "domains-section.png") });

  await fillCustomer(page);
  await page.locator("#review").click();
  await page.waitForSelector("#review-panel:not([hidden])");
  // 19 × $13 + 15 × 2 × $1 + 4 × $9
  assert.match(await text(page, "#cost-total"), /\$313\.00/);
  await shot(page, "2-review");

  await page.locator("#place-order").click();
  await page.waitForSelector("#order-status[data-state=completed]", { timeout: 30_000 });
  assert.match(await text(page, "#order-status"), /ord_\w+ completed: 19 domains/);
  assert.equal(await page.locator("#order-progress").evaluate((p) => [p.value, p.max].join("/")), "19/19");
  assert.equal(await text(page, "#order-progress-text"), "19/19 domains connected");
  await shot(page, "3-completed");

  const { charges } = await stack.sandbox.state();
  const orderId = await page.locator("#order-status").getAttribute("data-order-id");
  assert.deepEqual(charges.filter((c) => c.order_id === orderId).map((c) => c.amount_cents ?? c.total_cents), [31300]);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("a Google-only pick is blocked while Microsoft slots are open", async () => {
  const page = await open();
  assert.match(await createBundle(page, "Tiny", 1000), /1 Google \+ 1 Microsoft/);
  await typeCandidates(page, ["tiny-gonly-a.com", "tiny-gonly-b.com", "tiny-ok.com"]);
  await pick(page, "tiny-gonly-a.com").check();
  assert.equal(await text(page, "#split-meter"), "Google 1/1, Microsoft 0/1");
  await pick(page, "tiny-gonly-b.com").click();
  assert.equal(await pick(page, "tiny-gonly-b.com").isChecked(), false);
  assert.equal(await text(page, "#split-meter"), "Google 1/1, Microsoft 0/1");
  assert.match(await text(page, "#split-message"),
    /tiny-gonly-b\.com cannot be picked: 1 more Microsoft-capable domain is needed.*Google-only/);
  await shot(page, "4-google-only-blocked");
  await pick(page, "tiny-ok.com").check();
  assert.equal(await text(page, "#split-meter"), "Google 1/1, Microsoft 1/1");
  await page.close();
});

test("names are shown as people read them, sent as A-labels, and look-alike letters are flagged", async () => {
  const page = await open();
  // Typed decomposed (u + U+0308), and with a Cyrillic а in a Latin name.
  await typeCandidates(page, ["mu\u0308nchen-mail.de", "\u0430pple-mail.com"]);
  const rows = page.locator("#domain-rows tr");
  const munich = await rows.nth(0).innerText();
  assert.match(munich, /münchen-mail\.de\s+xn--mnchen-mail-thb\.de/);
  assert.doesNotMatch(munich, /⚠/);
  const spoof = await rows.nth(1).innerText();
  assert.match(spoof, /xn--pple-mail-zyh\.com/);
  assert.match(spoof, /⚠ the label '\u0430pple-mail' mixes Cyrillic and Latin letters/);
  await shot(page, "idn-names");
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("11 personas and a bad forwarding URL are refused next to their fields, and nothing is sent", async () => {
  const orders = () => stack.sandbox.count(/POST \/partner\/v1\/orders /);
  const before = orders();
  const page = await open();
  await createBundle(page, "Refusals", 1000);
  await typeCandidates(page, ["ref-a.com", "ref-b.com"]);
  await page.locator("#fill-cheapest").click();
  await fillCustomer(page);

  for (let i = 0; i < 10; i++) await page.locator("#add-persona").click();
  assert.equal(await page.locator("#personas li").count(), 11);
  assert.match(await text(page, '[data-problem-for="personas"]'), /at most 10 entries.*got 11/);
  await page.locator("#review").click();
  assert.equal(await page.locator("#review-panel").isHidden(), true);
  assert.match(await text(page, "#review-problems"), /problems? to fix/);
  await shot(page, "5-eleven-personas");

  for (let i = 11; i > 1; i--) await page.getByRole("button", { name: `Remove persona ${i}` }).click();
  await page.fill("#forwarding-url", "ftp://acme.com");
  await page.locator("#forwarding-url").blur();
  assert.match(await text(page, '[data-problem-for="forwarding_url"]'), /not a valid URL.*http:\/\/ or https:\/\//);
  assert.equal(await page.locator("#forwarding-url").getAttribute("aria-invalid"), "true");
  assert.equal(await text(page, '[data-problem-for="personas"]'), "");
  await page.locator("#review").click();
  assert.equal(await page.locator("#review-panel").isHidden(), true);
  await shot(page, "6-bad-forwarding-url");
  assert.equal(orders(), before, "nothing reached POST /orders");
  await page.close();
});

test("a dropped POST /orders (a 5xx at the proxy) is retried with the same bytes: one order, one charge", async () => {
  const page = await open();
  await createBundle(page, "Retry", 1000);
  await typeCandidates(page, ["retry-a.com", "retry-b.com"]);
  await page.locator("#fill-cheapest").click();
  await fillCustomer(page);
  await page.fill("#user-email", "retry@example.com");
  await page.locator("#review").click();
  await page.waitForSelector("#review-panel:not([hidden])");
  // Watch the status line for the retry message.
  await page.evaluate(() => {
    window.statusLog = [];
    new MutationObserver(() => window.statusLog.push(document.getElementById("order-status").textContent))
      .observe(document.getElementById("order-status"), { childList: true, characterData: true, subtree: true });
  });
  const posts = stack.sandbox.count(/POST \/partner\/v1\/orders /);
  await stack.sandbox.faults({ drop_after_commit: "POST /orders", drop_count: 1 });
  try {
    await page.locator("#place-order").click();
    await page.waitForSelector("#order-status[data-state=completed]", { timeout: 30_000 });
  } finally {
    await stack.sandbox.faults({});
  }
  const log = await page.evaluate(() => window.statusLog);
  assert.ok(log.some((l) => /\(502\); retrying .* charged once \(retry 1\)/.test(l)), JSON.stringify(log));
  await shot(page, "7-retried-then-completed");
  assert.equal(stack.sandbox.count(/POST \/partner\/v1\/orders /) - posts, 2, "sent twice");
  const orderId = await page.locator("#order-status").getAttribute("data-order-id");
  const { charges } = await stack.sandbox.state();
  assert.equal(charges.filter((c) => c.order_id === orderId).length, 1, "charged once");
  const res = await fetch(`${stack.config.api}/orders?user_email=retry@example.com`,
    { headers: { authorization: `Bearer ${stack.token("retry@example.com", "orders.list")}` } });
  assert.equal((await res.json()).data.length, 1, "one order for this customer");
  await page.close();
});

test("a persona picture that is not public stops the progress at order.action_required and says what to do", async () => {
  const page = await open();
  assert.match(await createBundle(page, "Blocked", 1000), /1 Google \+ 1 Microsoft/);
  await typeCandidates(page, ["blk-a.com", "blk-b.com"]);
  await page.locator("#fill-cheapest").click();
  assert.equal(await text(page, "#split-meter"), "Google 1/1, Microsoft 1/1");
  await page.fill("#persona-0-profile_picture_url", "http://127.0.0.1/sam.jpg"); // loopback: not public
  await fillCustomer(page);
  await page.locator("#review").click();
  await page.waitForSelector("#review-panel:not([hidden])");
  await page.locator("#place-order").click();
  await page.waitForSelector("#order-status[data-state=blocked]", { timeout: 30_000 });
  const said = await text(page, "#order-status");
  assert.match(said, /ord_\w+ is waiting on you: .+\. Resolve it, then the order continues\./);
  assert.doesNotMatch(said, /an open pending action/, "the pending action itself is named");
  await shot(page, "4-action-required");
  assert.deepEqual(page.errors, []);
  await page.close();
});
