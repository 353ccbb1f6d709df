// A Next.js App Router route handler that receives Peeker's webhooks, as
// `app/webhooks/peeker/route.ts`: a route file exports its HTTP methods (and
// route segment options) only. `handleWebhook` reads the raw body itself, so
// nothing may parse it first. PEEKER_WEBHOOK_SECRET is "old,new" while rotating.
import { handleWebhook } from "peeker-partner/webhooks";

// The verifier runs on the Node.js runtime (the default) and on the Edge runtime.
export const runtime = "nodejs";

export function POST(request: Request): Promise<Response> {
  return handleWebhook(request, {
    secret: webhookSecrets(),
    onEvent: (event, { rawBody }) => {
      // Store `rawBody` byte for byte, keyed by `event.id` (a delivery may repeat).
      console.log(event.id, event.type, rawBody.length);
    },
  });
}

function webhookSecrets(): string[] {
  const secrets = process.env.PEEKER_WEBHOOK_SECRET;
  if (!secrets) throw new Error("PEEKER_WEBHOOK_SECRET is not set");
  return secrets.split(",");
}
