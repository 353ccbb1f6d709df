import type { ErrorCode, HttpMethod, RetryReason } from "./peeker_partner.js";

/** What `onRetry` is told before each retry's wait. */
export interface RetryInfo {
  attempt: number;
  delayMs: number;
  reason: RetryReason;
  method: HttpMethod;
  path: string;
  status?: number;
  code?: ErrorCode;
  requestId?: string;
}

// PeekerClient, PageWalker and the options interfaces are generated from the
// endpoint table and the options table (src/options.rs).
export * from "./client.gen.js";
