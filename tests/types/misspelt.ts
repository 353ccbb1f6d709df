// Must NOT compile: tests/js/types.test.mjs expects exactly these errors
// (a misspelt payload field of a narrowed event, a misspelt response field).
import type { WebhookEvent, OrderReceipt } from "peeker-partner";

declare const event: WebhookEvent;
if (event.type === "order.completed") {
  const count = event.data.domain_cuont;
}
declare const receipt: OrderReceipt;
const s = receipt.statuss;
