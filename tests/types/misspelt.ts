// Must NOT compile: tests/js/types.test.mjs expects exactly these errors
// (a misspelt payload field of a narrowed event, a misspelt response field).
import type { WebhookEvent, OrderReceipt } from "peeker-partner";

declare const event: WebhookEvent;
if (event.type === "order.completed") {
  const count = event.data.domain_cuont;
}
declare const receipt: OrderReceipt;
const s = receipt.statuss;
// On verifyWebhook's own result (known or unknown type), narrowed by `type`
// with no guard, a misspelt field is still an error.
import { verifyWebhook, checkWebhook } from "peeker-partner";
const got = verifyWebhook("{}", {}, "whsec");
if (got.type === "order.completed") {
  const count = got.data.domain_cuont;
}
const checked = checkWebhook("{}", {}, "whsec");
if (checked.ok && checked.event.type === "swap.completed") {
  const r = checked.event.data.replacment_domain;
}
