// peeker-partner/webhooks: the webhook verifier alone (a much smaller wasm),
// for Workers and servers that only receive webhooks.
export {
  verifyWebhook,
  verifyWebhookAsync,
  signWebhook,
  handleWebhook,
  isKnownEvent,
  type WebhookEvent,
  type UnknownWebhookEvent,
  type EventData,
  type VerifyWebhookOptions,
  type WebhookHeadersInit,
  type HandleWebhookOptions,
  type EventType,
} from "./peeker_partner.js";
export * from "./errors.js";
export * from "./watch.js";
