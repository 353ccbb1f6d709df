// The partner demo page: plain ES modules, the package's `web` entry (no
// bundler), every call through the Worker's /api proxy (no key in the page).
import init, {
  PeekerClient, checkDomainSplit, displayDomain, domainWarnings, meterDomainSplit, planDomains,
  requiredDomains, validateAvailabilityRequest, validateBundle, validateOrder, watchEvents,
} from "/pkg/web.js";

const $ = (id) => document.getElementById(id);
const money = (cents) => `$${(cents / 100).toFixed(2)}`;
const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
// A typed name as people read it (münchen.de); what is sent stays the A-label
// the SDK makes of it (xn--mnchen-3ya.de).
const shown = (name) => displayDomain(state.rows.get(name)?.domain ?? name);

const state = {
  config: null,
  client: null,
  bundles: new Map(), // id → bundle (server's)
  bundle: null,
  rows: new Map(), // typed name → availability row (or a local "invalid" row)
  inflight: new Set(),
  candidates: [],
  picks: [], // typed names, in pick order
  personas: [{ first_name: "Sam", last_name: "Lee", profile_picture_url: "" }],
  touched: new Set(),
  showAll: false,
  onRetry: null,
};

// ---------- problems next to their fields ----------

/** The data-problem-for key that shows `field` (the field, else its nearest parent). */
function problemKey(field, prefix = "") {
  for (let f = field; f; f = f.replace(/(\[\d+\]|\.[^.[\]]+)$/, "")) {
    if (document.querySelector(`[data-problem-for="${CSS.escape(prefix + f)}"]`)) return prefix + f;
    if (!/(\[\d+\]|\.[^.[\]]+)$/.test(f)) break;
  }
  return null;
}

/** Shows `problems` in the spans under `scope` whose key starts with `prefix`; returns the ones with no place. */
function showProblems(problems, prefix = "") {
  const spans = [...document.querySelectorAll("[data-problem-for]")].filter((s) =>
    prefix ? s.dataset.problemFor.startsWith(prefix) : !s.dataset.problemFor.startsWith("bundle."));
  const byKey = new Map();
  const unplaced = [];
  for (const p of problems) {
    const key = problemKey(p.field, prefix);
    if (!key) { unplaced.push(p); continue; }
    if (!byKey.has(key)) byKey.set(key, []);
    byKey.get(key).push(p.message);
  }
  for (const span of spans) {
    const key = span.dataset.problemFor;
    const field = key.slice(prefix.length);
    const visible = state.showAll || state.touched.has(key) || state.touched.has(field);
    const messages = visible ? byKey.get(key) ?? [] : [];
    span.textContent = messages.join(" ");
    span.id ||= `problem-${key.replace(/[^a-z0-9]+/gi, "-")}`;
    const input = document.querySelector(`[data-field="${CSS.escape(field)}"]`);
    if (input && (prefix ? key.startsWith(prefix) : true)) {
      input.setAttribute("aria-invalid", messages.length ? "true" : "false");
      input.setAttribute("aria-describedby", span.id);
    }
  }
  return unplaced;
}

// A field's problems appear once the user has left it (or on review), then
// update on every keystroke.
document.addEventListener("input", (e) => {
  if (e.target.dataset?.field && !e.target.closest("#bundle-new")) refresh();
});
document.addEventListener("focusout", (e) => {
  const f = e.target.dataset?.field;
  if (!f || e.target.value === "") return;
  state.touched.add(keyOf(e.target, f));
  if (e.target.closest("#bundle-new")) previewBundle();
  else refresh();
});
const keyOf = (el, f) => (el.closest("#bundle-new") ? `bundle.${f}` : f);

// ---------- bundles ----------

function bundleBody() {
  return {
    name: $("bundle-name").value,
    monthly_sending_volume: $("bundle-volume").value === "" ? null : Number($("bundle-volume").value),
    send_on_weekends: $("bundle-weekends").checked,
    google_inboxes_per_domain: Number($("bundle-inboxes").value),
  };
}

function previewBundle() {
  const body = bundleBody();
  const problems = validateBundle(body);
  showProblems(problems, "bundle.");
  if (problems.length) {
    $("bundle-preview").textContent = "Fix the bundle fields to see its domains.";
    return problems;
  }
  const r = requiredDomains(body);
  $("bundle-preview").textContent =
    `Preview: ${r.google} Google + ${r.microsoft} Microsoft domains (${r.total} in all).`;
  return [];
}

function addBundleOption(b) {
  state.bundles.set(b.id, b);
  const opt = document.createElement("option");
  opt.value = b.id;
  opt.textContent = `${b.name} (${b.required_domains.google} Google + ${b.required_domains.microsoft} Microsoft)`;
  $("bundle-select").append(opt);
}

function chooseBundle(id) {
  state.bundle = state.bundles.get(id) ?? null;
  $("bundle-select").value = id ?? "";
  $("bundle-new").hidden = !!state.bundle;
  const b = state.bundle;
  $("bundle-required").textContent = b
    ? `“${b.name}” needs ${b.required_domains.google} Google + ${b.required_domains.microsoft} Microsoft domains (${b.required_domains.total} in all, from the API).`
    : "";
  refresh();
}

async function createBundle() {
  ["name", "monthly_sending_volume"].forEach((f) => state.touched.add(`bundle.${f}`));
  if (previewBundle().length) return;
  const button = $("bundle-create");
  button.disabled = true;
  const say = (t) => { $("app-status").textContent = t; };
  say("Creating the bundle…");
  try {
    const { data } = await state.client.bundles.create(bundleBody());
    addBundleOption(data);
    chooseBundle(data.id);
    say(`Bundle ${data.id} created.`);
    $("bundle-select").focus();
  } catch (e) {
    say(`Could not create the bundle: ${e.message}`);
  } finally {
    button.disabled = false;
  }
}

// ---------- domains: availability as you type ----------

const parseNames = (text) => [...new Set(text.split(/[\s,;]+/).map((s) => s.trim().toLowerCase()).filter(Boolean))];

let debounce;
function onCandidatesInput() {
  clearTimeout(debounce);
  debounce = setTimeout(checkAvailability, 300);
}

async function checkAvailability() {
  state.candidates = parseNames($("candidates").value);
  state.picks = state.picks.filter((n) => state.candidates.includes(n));
  const fresh = state.candidates.filter((n) => !state.rows.has(n) && !state.inflight.has(n));
  const valid = [];
  for (const name of fresh) {
    const problems = validateAvailabilityRequest({ domains: [name] });
    if (problems.length) state.rows.set(name, { domain: name, available: false, reason: "invalid", message: problems[0].message });
    else valid.push(name);
  }
  renderRows();
  refresh();
  if (!valid.length) return;
  valid.forEach((n) => state.inflight.add(n));
  $("availability-status").textContent = `Checking ${plural(valid.length, "name")}…`;
  try {
    // One batched call (the client sends 50 names a request).
    const rows = await state.client.domains.availability(valid);
    rows.forEach((row, i) => state.rows.set(valid[i], row));
    $("availability-status").textContent = `Checked ${plural(valid.length, "name")}.`;
  } catch (e) {
    $("availability-status").textContent = `Availability failed: ${e.message}`;
  } finally {
    valid.forEach((n) => state.inflight.delete(n));
  }
  renderRows();
  refresh();
}

const REASONS = { taken: "taken", premium: "premium: not orderable through the API", invalid: "invalid name",
  errored: "the check failed; try again", stale: "being refreshed; try again in a moment" };

function renderRows() {
  const focused = document.activeElement?.id;
  const tbody = $("domain-rows");
  tbody.replaceChildren();
  state.candidates.forEach((name, i) => {
    const row = state.rows.get(name);
    const tr = document.createElement("tr");
    tr.dataset.domain = name;
    const pick = document.createElement("td");
    const box = Object.assign(document.createElement("input"), { type: "checkbox", id: `pick-${i}-${name.replace(/[^a-z0-9]/g, "_")}` });
    box.checked = state.picks.includes(name);
    box.disabled = !row?.available;
    box.addEventListener("change", () => togglePick(name, box));
    const label = Object.assign(document.createElement("label"), { htmlFor: box.id, textContent: shown(name) });
    pick.append(box, " ", label);
    // The A-label it is sent as, when that reads differently.
    if (row && row.reason !== "invalid" && row.domain !== shown(name)) {
      pick.append(" ", Object.assign(document.createElement("small"), { className: "sent-as", textContent: row.domain }));
    }
    // Look-alike letters (a Cyrillic а in a Latin name): a warning, not a refusal.
    for (const w of row?.reason === "invalid" ? [] : domainWarnings(name)) {
      pick.append(Object.assign(document.createElement("div"), { className: "warning", textContent: `⚠ ${w.message}` }));
    }
    tr.append(pick);
    if (!row) {
      tr.append(cell("checking…", 3));
    } else if (row.available) {
      tr.append(cell(money(row.price_cents)), cell(money(row.renewal_price_cents)));
      const badges = cell("");
      for (const p of row.usable_for ?? []) {
        const b = Object.assign(document.createElement("span"), { className: `badge ${p}`, textContent: p === "google" ? "Google" : "Microsoft" });
        badges.append(b, " ");
      }
      tr.append(badges);
    } else {
      tr.className = "unavailable";
      tr.append(cell(`Unavailable: ${row.message ?? REASONS[row.reason] ?? row.reason}`, 3));
    }
    tbody.append(tr);
  });
  if (focused && $(focused)) $(focused).focus();
}

function cell(text, span = 1) {
  const td = document.createElement("td");
  td.textContent = text;
  if (span > 1) td.colSpan = span;
  return td;
}

// ---------- the split meter ----------

const pickedRows = () => state.picks.map((n) => state.rows.get(n)).filter(Boolean);

// The split rule is the core's: meterDomainSplit fills the slots as an order
// would and names every problem that no further pick can fix.
function togglePick(name, box) {
  state.touched.add("domains");
  const message = $("split-message");
  message.textContent = "";
  if (!box.checked) {
    state.picks = state.picks.filter((n) => n !== name);
    return refresh();
  }
  const row = state.rows.get(name);
  const required = state.bundle?.required_domains;
  if (!required) {
    box.checked = false;
    message.textContent = "Choose or create a bundle first: it decides how many Google and Microsoft domains you need.";
    return;
  }
  const after = meterDomainSplit(required, [...pickedRows(), row]);
  if (after.blocking.length > 0) {
    box.checked = false;
    message.textContent = `${shown(name)} cannot be picked: ${after.blocking[0].message}.`;
    return;
  }
  const msOpen = required.microsoft - after.microsoft;
  if (!(row?.usable_for ?? []).includes("microsoft") && msOpen > 0) {
    message.textContent = `${shown(name)} is Google-only: it fills a Google slot. ${plural(msOpen, "Microsoft slot")} still need${msOpen === 1 ? "s" : ""} a domain marked Microsoft.`;
  }
  state.picks.push(name);
  refresh();
}

function fillCheapest() {
  state.touched.add("domains");
  const required = state.bundle?.required_domains;
  if (!required) {
    $("split-message").textContent = "Choose or create a bundle first.";
    return;
  }
  const available = state.candidates.map((n) => state.rows.get(n)).filter((r) => r?.available);
  const plan = planDomains(required, available);
  if (!plan.ok) {
    $("split-message").textContent = `No pick fits yet: ${plan.problems.map((p) => p.message).join(" ")}`;
    return;
  }
  const typed = new Map(state.candidates.map((n) => [state.rows.get(n)?.domain, n]));
  state.picks = [...plan.google, ...plan.microsoft].map((d) => typed.get(d) ?? d);
  $("split-message").textContent =
    `Picked the cheapest ${plural(state.picks.length, "domain")}: ${money(plan.total_price_cents)} for the first year.`;
  renderRows();
  refresh();
}

function splitProblems() {
  const required = state.bundle?.required_domains;
  if (!required) return [{ code: "invalid_request", field: "bundle_id", message: "choose or create a bundle first" }];
  const outcome = checkDomainSplit(required, pickedRows());
  return outcome.ok ? [] : outcome.problems;
}

function renderMeter() {
  const required = state.bundle?.required_domains ?? { google: 0, microsoft: 0 };
  const s = meterDomainSplit(required, pickedRows());
  $("split-meter").textContent = `Google ${s.google}/${required.google}, Microsoft ${s.microsoft}/${required.microsoft}`;
  Object.assign($("meter-google"), { max: Math.max(required.google, 1), value: s.google });
  Object.assign($("meter-microsoft"), { max: Math.max(required.microsoft, 1), value: s.microsoft });
}

// ---------- personas ----------

function renderPersonas() {
  const list = $("personas");
  list.replaceChildren();
  state.personas.forEach((p, i) => {
    const li = document.createElement("li");
    const input = (key, label, type = "text") => {
      const id = `persona-${i}-${key}`;
      const wrap = Object.assign(document.createElement("div"), { className: "field" });
      const l = Object.assign(document.createElement("label"), { htmlFor: id, textContent: `Persona ${i + 1} ${label}` });
      const el = Object.assign(document.createElement("input"), { id, type, value: p[key] ?? "" });
      el.dataset.field = `personas[${i}].${key}`;
      el.addEventListener("input", () => { p[key] = el.value; });
      const problem = Object.assign(document.createElement("span"), { className: "problem" });
      problem.dataset.problemFor = `personas[${i}].${key}`;
      wrap.append(l, el, problem);
      return wrap;
    };
    const remove = Object.assign(document.createElement("button"), { type: "button", textContent: `Remove persona ${i + 1}` });
    remove.addEventListener("click", () => {
      state.personas.splice(i, 1);
      renderPersonas();
      refresh();
      $("add-persona").focus();
    });
    const problem = Object.assign(document.createElement("span"), { className: "problem" });
    problem.dataset.problemFor = `personas[${i}]`;
    li.append(input("first_name", "first name"), input("last_name", "last name"),
      input("profile_picture_url", "picture URL", "url"), remove, problem);
    list.append(li);
  });
}

function addPersona() {
  state.personas.push({ first_name: "", last_name: "", profile_picture_url: "" });
  state.touched.add("personas");
  renderPersonas();
  refresh();
  $(`persona-${state.personas.length - 1}-first_name`).focus();
}

// ---------- the order ----------

function orderBody() {
  const clientId = $("sl-client-id").value.trim();
  const body = {
    user: $("user-email").value.trim(),
    bundle_id: state.bundle?.id ?? "",
    sequencer: {
      provider: "smartlead",
      client_id: clientId === "" ? null : /^\d+$/.test(clientId) ? Number(clientId) : clientId,
      login_email: $("sl-email").value.trim(),
      login_password: $("sl-password").value,
    },
    domains: [...state.picks],
    personas: state.personas.map((p) => ({ first_name: p.first_name, last_name: p.last_name,
      profile_picture_url: p.profile_picture_url === "" ? null : p.profile_picture_url })),
  };
  const forwarding = $("forwarding-url").value.trim();
  if (forwarding) body.forwarding_url = forwarding;
  return body;
}

/** Every problem of the order as it stands: the core's validators, nothing sent. */
const orderProblems = () => [...splitProblems(), ...validateOrder(orderBody())];

function refresh() {
  renderMeter();
  const problems = orderProblems();
  const unplaced = showProblems(problems);
  const review = $("review-problems");
  if (state.showAll && problems.length) {
    review.textContent = `${plural(problems.length, "problem")} to fix before ordering (marked next to each field)` +
      (unplaced.length ? `: ${unplaced.map((p) => p.message).join(" ")}` : ".");
  } else {
    review.textContent = "";
  }
  if (problems.length) $("review-panel").hidden = true;
  return problems;
}

function costs() {
  const b = state.bundle;
  const rows = pickedRows();
  const lic = state.config.licenseCents;
  const lines = [
    [`Domain registration (${plural(rows.length, "domain")}, first year)`, rows.reduce((a, r) => a + r.price_cents, 0)],
    [`Google licenses (${b.required_domains.google} domains × ${b.google_inboxes_per_domain ?? 2} inboxes)`,
      b.required_domains.google * (b.google_inboxes_per_domain ?? 2) * lic.google],
    [`Microsoft licenses (${b.required_domains.microsoft})`, b.required_domains.microsoft * lic.microsoft],
  ];
  return { lines, total: lines.reduce((a, [, c]) => a + c, 0), renewal: rows.reduce((a, r) => a + r.renewal_price_cents, 0) };
}

function review() {
  state.showAll = true;
  const problems = refresh();
  if (problems.length) {
    const first = document.querySelector('[aria-invalid="true"]');
    (first ?? $("review-problems")).focus?.();
    return;
  }
  const { lines, total, renewal } = costs();
  const tbody = $("cost-table").tBodies[0];
  tbody.replaceChildren();
  for (const [what, cents] of [...lines, ["Total now", total], ["Domain renewals, per year", renewal]]) {
    const tr = document.createElement("tr");
    const th = Object.assign(document.createElement("th"), { scope: "row", textContent: what });
    tr.append(th, cell(money(cents)));
    if (what === "Total now") tr.id = "cost-total";
    tbody.append(tr);
  }
  $("review-panel").hidden = false;
  $("review-panel").focus();
}

async function placeOrder() {
  if (refresh().length) return review();
  const button = $("place-order");
  button.disabled = true;
  $("review").disabled = true;
  status("Placing the order…");
  state.onRetry = (info) => status(
    `The API did not answer cleanly (${info.status ?? info.reason}); retrying in ${Math.round(info.delayMs)} ms with the same bytes, so it is charged once (retry ${info.attempt})…`);
  try {
    const body = orderBody();
    const { data: order } = await (await clientFor(body.user)).orders.create(body);
    status(`Order ${order.id} ${order.status.replace("_", " ")}: ${money(order.costs.total_cents)} charged. Connecting domains…`);
    $("order-status").dataset.orderId = order.id;
    await follow(order);
  } catch (e) {
    status(`The order failed: ${e.message}${e.requestId ? ` (request ${e.requestId})` : ""}`);
    button.disabled = false;
    $("review").disabled = false;
  } finally {
    state.onRetry = null;
  }
}

/**
 * The client for `customer`, with a browser token from the demo server's
 * /token (the partner backend's part): fetched again for another customer
 * or a minute before it expires. The page never holds the API key.
 */
async function clientFor(customer) {
  if (state.customer !== customer || Date.now() > state.tokenRenewAt) {
    const res = await fetch(`/token?customer=${encodeURIComponent(customer)}`);
    if (!res.ok) throw new Error("the demo server gave no token for this customer email");
    const { token, expires_at } = await res.json();
    state.customer = customer;
    state.token = token;
    state.tokenRenewAt = (expires_at - 60) * 1000;
    state.client = new PeekerClient({ baseUrl: state.config.api, token, onRetry: (info) => state.onRetry?.(info) });
  }
  return state.client;
}

// Where an order's progress stops, and what the partner is told to do.
const STOPS = {
  "order.completed": "completed",
  "order.failed": "failed",
  "order.action_required": "blocked",
  "order.cancelled": "cancelled",
};

/**
 * Follows the order live (watchEvents on the Worker's /events/stream: pushed,
 * not polled) until it completes, fails, is cancelled or needs an action.
 */
async function follow(order) {
  const base = state.config.events.replace(/\/events$/, "");
  const connected = new Set();
  let done;
  const progress = $("order-progress");
  progress.max = order.domain_count;
  const show = () => {
    progress.value = done === "completed" ? order.domain_count : connected.size;
    $("order-progress-text").textContent = `${progress.value}/${order.domain_count} domains connected`;
  };
  show();
  const controller = new AbortController();
  await watchEvents(base, {
    token: state.token,
    orderId: order.id,
    signal: controller.signal,
    onEvent: (e) => {
      if (e.type === "domain.connected") connected.add(e.data.domain);
      if (STOPS[e.type]) {
        done = STOPS[e.type];
        controller.abort();
      }
      show();
    },
  });
  status(await stopMessage(order, done));
  $("order-status").dataset.state = done;
}

/** What the partner must do now. */
async function stopMessage(order, done) {
  switch (done) {
    case "completed":
      return `Order ${order.id} completed: ${plural(order.domain_count, "domain")} and their inboxes are live.`;
    case "cancelled":
      return `Order ${order.id} was cancelled; its domains are released. Place a new order to start again.`;
    case "blocked": {
      let actions = [];
      try {
        for await (const a of state.client.orders.pending({ order_id: order.id, status: "open" })) actions.push(a);
      } catch {
        actions = [];
      }
      const what = actions.map((a) => `${a.message}${a.domain ? ` (${displayDomain(a.domain)})` : ""}`).join("; ");
      return `Order ${order.id} is waiting on you: ${what || "an open pending action (GET /orders/pending)"}. ` +
        "Resolve it, then the order continues.";
    }
    default:
      return `Order ${order.id} failed. Check its domains and personas, then place it again.`;
  }
}

const status = (text) => { $("order-status").textContent = text; };

// ---------- start ----------

async function main() {
  await init();
  state.config = await (await fetch("/config.json")).json();
  await clientFor($("user-email").value.trim());
  $("bundle-select").addEventListener("change", (e) => chooseBundle(e.target.value || null));
  $("bundle-new").addEventListener("input", previewBundle);
  $("bundle-create").addEventListener("click", createBundle);
  $("candidates").addEventListener("input", onCandidatesInput);
  $("fill-cheapest").addEventListener("click", fillCheapest);
  $("add-persona").addEventListener("click", addPersona);
  $("review").addEventListener("click", review);
  $("place-order").addEventListener("click", placeOrder);
  renderPersonas();
  previewBundle();
  for await (const b of state.client.bundles.list({ status: "active" })) addBundleOption(b);
  refresh();
  $("app-status").textContent = "Ready.";
  document.body.dataset.ready = "true";
}

main().catch((e) => {
  $("app-status").textContent = `The page could not start: ${e.message}`;
});
