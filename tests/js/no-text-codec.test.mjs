// Jest's jsdom environment (the usual setup for React component tests) has no
// global TextEncoder or TextDecoder, and Jest loads the package's CommonJS
// builds there. Each entry is required in a Node whose globals lack both, as
// in that environment, and must import and work (checked with jest 30.5.2 +
// jest-environment-jsdom by hand; this keeps it from coming back).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

const program = `
delete globalThis.TextEncoder;
delete globalThis.TextDecoder;
const main = require("peeker-partner");
const { validateOrder, displayDomain } = require("peeker-partner/validate");
const webhooks = require("peeker-partner/webhooks");
const { watchEvents } = require("peeker-partner/watch");
const body = '{"id":"evt_1","type":"order.completed","created_at":"x","data":{}}';
console.log(JSON.stringify({
  globals: [typeof TextEncoder, typeof TextDecoder],
  main: main.verifyWebhook(body, main.signWebhook(body, "whsec_a"), "whsec_a").id,
  request: main.buildRequest("bundles.retrieve", "bun_1").path,
  webhooks: webhooks.verifyWebhook(body, webhooks.signWebhook(body, "whsec_a"), "whsec_a").id,
  problems: validateOrder({ user: 1 }).length > 0,
  display: displayDomain("xn--mnchen-3ya.de"),
  watch: typeof watchEvents,
}));
`;

test("every CommonJS entry imports and works where TextEncoder and TextDecoder are not globals", () => {
  const r = spawnSync(process.execPath, ["-e", program], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    globals: ["undefined", "undefined"], main: "evt_1", request: "/bundles/bun_1", webhooks: "evt_1",
    problems: true, display: "münchen.de", watch: "function",
  });
});
