// Compiled with `tsc --strict` by tests/js/types.test.mjs: every event type
// narrows `event.data` to its resource, and known responses carry no index
// signature (misspelt fields are compile errors; see misspelt.ts).
import {
  isKnownEvent,
  verifyWebhook,
  verifyWebhookAsync,
  handleWebhook,
  type Domain,
  type DomainImport,
  type ForwardingJob,
  type FullOrder,
  type OrderReceipt,
  type Swap,
  type UnknownWebhookEvent,
  type WebhookEvent,
  type EventType,
} from "peeker-partner";
import { isKnownEvent as isKnownSmall, type WebhookEvent as SmallEvent } from "peeker-partner/webhooks";

function handle(event: WebhookEvent): string {
  switch (event.type) {
    case "order.in_progress":
    case "order.failed":
    case "order.action_required":
    case "order.cancel_scheduled":
    case "order.cancelled": {
      const receipt: OrderReceipt = event.data;
      return receipt.status;
    }
    case "order.completed": {
      const order: FullOrder = event.data;
      const count: number = event.data.domain_count;
      return `${order.id} ${count}`;
    }
    case "domain.connected":
    case "domain.action_required": {
      const domain: Domain = event.data;
      return domain.domain;
    }
    case "domain.forwarding_updated":
    case "domain.forwarding_failed": {
      const job: ForwardingJob = event.data;
      return `${job.completed_count}/${job.failed_count}`;
    }
    case "domain_import.completed":
    case "domain_import.failed":
    case "domain_import.action_required": {
      const imp: DomainImport = event.data;
      return imp.nameserver_groups.map((g) => g.nameservers.join(",")).join(";");
    }
    case "swap.created":
    case "swap.in_progress":
    case "swap.completed":
    case "swap.failed":
    case "swap.action_required": {
      const swap: Swap = event.data;
      return swap.replacement_domain ?? "";
    }
    default: {
      // Every known type is handled above: nothing is left.
      const none: never = event;
      return none;
    }
  }
}

// One narrowing per event type, by `if` too.
declare const e: WebhookEvent;
if (e.type === "order.in_progress") { const d: OrderReceipt = e.data; }
if (e.type === "order.completed") { const d: FullOrder = e.data; }
if (e.type === "order.failed") { const d: OrderReceipt = e.data; }
if (e.type === "order.action_required") { const d: OrderReceipt = e.data; }
if (e.type === "order.cancel_scheduled") { const d: OrderReceipt = e.data; }
if (e.type === "order.cancelled") { const d: OrderReceipt = e.data; }
if (e.type === "domain.connected") { const d: Domain = e.data; }
if (e.type === "domain.action_required") { const d: Domain = e.data; }
if (e.type === "domain.forwarding_updated") { const d: ForwardingJob = e.data; }
if (e.type === "domain.forwarding_failed") { const d: ForwardingJob = e.data; }
if (e.type === "domain_import.completed") { const d: DomainImport = e.data; }
if (e.type === "domain_import.failed") { const d: DomainImport = e.data; }
if (e.type === "domain_import.action_required") { const d: DomainImport = e.data; }
if (e.type === "swap.created") { const d: Swap = e.data; }
if (e.type === "swap.in_progress") { const d: Swap = e.data; }
if (e.type === "swap.completed") { const d: Swap = e.data; }
if (e.type === "swap.failed") { const d: Swap = e.data; }
if (e.type === "swap.action_required") { const d: Swap = e.data; }
// @ts-expect-error: a type no event has
if (e.type === "order.exploded") {}
const t: EventType = e.type;

// No guard needed: on what verifyWebhook returns (known or not), `type`
// narrows `data` by `if` and by `switch`, as stripe-node's events do.
const got = verifyWebhook("{}", {}, "whsec");
if (got.type === "order.completed") {
  const n: number = got.data.domain_count;
  const order: FullOrder = got.data;
}
if (got.type === "domain_import.action_required") {
  const groups: string[][] = got.data.nameserver_groups.map((g) => g.nameservers);
}
switch (got.type) {
  case "order.cancelled":
  case "order.failed": {
    const receipt: OrderReceipt = got.data;
    break;
  }
  case "swap.completed": {
    const replacement: string | null = got.data.replacement_domain;
    break;
  }
  default: {
    // An unknown type reaches here too, and can be logged as it came.
    const name: string = got.type;
    const id: string = got.id;
    console.log(got.type, got.id, got.created_at, got.data, JSON.stringify(got));
  }
}
if (got.type === "order.completed") {
  // @ts-expect-error: a misspelt field of the narrowed resource
  got.data.domain_cuont;
}
if (got.type === "swap.created") {
  // @ts-expect-error: a field of another event's resource
  got.data.domain_count;
}
// A type this version does not know still compiles as a comparison (the
// caller may handle a newer type by name), and its event can be logged.
if (got.type === "order.teleported") {
  console.log(got.id, got.type, got.data);
  const raw = got.data as Record<string, unknown>;
}
// handleWebhook's onEvent and checkWebhook's result narrow the same way.
handleWebhook(new Request("http://x"), {
  secret: "whsec",
  onEvent: (ev) => {
    switch (ev.type) {
      case "order.completed":
        return ev.data.domain_count;
      case "domain.connected":
        return ev.data.domain;
      default:
        return ev.type;
    }
  },
});
const check = checkWebhook("{}", {}, "whsec");
if (check.ok) {
  switch (check.event.type) {
    case "order.completed": {
      const n: number = check.event.data.domain_count;
      break;
    }
    case "swap.failed": {
      const s: Swap = check.event.data;
      break;
    }
  }
  if (check.event.type === "domain.forwarding_failed") {
    const failed: number = check.event.data.failed_count;
  }
}
const asyncEvent = await verifyWebhookAsync("{}", {}, "whsec");
if (asyncEvent.type === "order.completed") {
  const n: number = asyncEvent.data.domain_count;
}

// Exhaustive handling: the guard leaves only known types, so `never` holds.
const event = verifyWebhook("{}", {}, "whsec");
if (isKnownEvent(event)) {
  handle(event);
} else {
  const unknownEvent: UnknownWebhookEvent = event;
  const raw: Record<string, unknown> = unknownEvent.data;
  const name: string = unknownEvent.type;
}
declare const small: SmallEvent | UnknownWebhookEvent;
if (isKnownSmall(small) && small.type === "order.completed") {
  const n: number = small.data.domain_count;
}

// checkWebhook: `ok` narrows to the event or to the refusal's typed code.
import { checkWebhook, type WebhookCheck, type WebhookErrorCode } from "peeker-partner/webhooks";
import { checkWebhook as checkFull } from "peeker-partner";
const checked: WebhookCheck = checkWebhook("{}", { "peeker-timestamp": "1" }, "whsec_x");
if (checked.ok) {
  const ok: WebhookEvent | UnknownWebhookEvent = checked.event;
  void ok;
} else {
  const code: WebhookErrorCode = checked.code;
  const why: string = checked.message;
  const field: string | undefined = checked.field;
  void [code, why, field];
}
void checkFull(new Uint8Array(0), new Headers(), ["a", "b"], { toleranceSeconds: 60 });
