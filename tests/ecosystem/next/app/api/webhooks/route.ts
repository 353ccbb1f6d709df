// A partner's webhook receiver as a Next.js route handler on the Node
// runtime: the raw body, verified before anything is parsed.
import { verifyWebhook, WebhookVerificationError } from "peeker-partner/webhooks";

export const runtime = "nodejs";

export async function POST(request: Request): Promise<Response> {
  const secret = process.env.PEEKER_WEBHOOK_SECRET;
  if (!secret) return new Response("PEEKER_WEBHOOK_SECRET is not set", { status: 500 });
  try {
    const event = verifyWebhook(await request.text(), request.headers, secret.split(","));
    return Response.json({ received: event.id, type: event.type });
  } catch (error) {
    if (error instanceof WebhookVerificationError) return Response.json({ code: error.code }, { status: 400 });
    throw error;
  }
}
