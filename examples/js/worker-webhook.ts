// A Cloudflare Worker that receives Peeker's webhooks: `handleWebhook` reads the
// raw body once, verifies it, calls `onEvent` and answers (200, or 400, 401,
// 413, or 500 so that Peeker retries). The same file serves Deno and Bun, which
// also run `export default { fetch }`. Set the secret with
// `npx wrangler secret put PEEKER_WEBHOOK_SECRET` ("old,new" while rotating).
import { handleWebhook, type WebhookEvent, type UnknownWebhookEvent } from "peeker-partner/webhooks";
import type { Domain } from "peeker-partner"; // a type only: nothing of the main entry is loaded

interface Env {
  PEEKER_WEBHOOK_SECRET: string;
}

export default {
  fetch: (request: Request, env: Env): Promise<Response> =>
    handleWebhook(request, {
      secret: env.PEEKER_WEBHOOK_SECRET.split(","),
      onEvent: (event) => {
        switch (event.type) {
          case "domain.connected":
            return markLive(event.data); // event.data: Domain
          case "order.failed":
            return alertOps(event.data.id, event.data.status); // event.data: OrderReceipt
          default:
            return store(event); // any other type, known or newer than this version
        }
      },
    }),
};

// Your application's side: here, logs.
async function markLive(domain: Domain): Promise<void> {
  console.log("live", domain.domain);
}

async function alertOps(orderId: string, status: string): Promise<void> {
  console.error("order failed", orderId, status);
}

async function store(event: WebhookEvent | UnknownWebhookEvent): Promise<void> {
  console.log("event", event.id, event.type);
}
