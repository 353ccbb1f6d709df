import type { ErrorCode, HttpMethod, RetryReason } from "./peeker_partner.js";

/** Options of `new PeekerClient(...)`. */
export interface PeekerClientOptions {
  /** `pk_test_…` or `pk_live_…`. May be left out only with a `baseUrl` (a proxy that adds it). */
  apiKey?: string;
  /**
   * A browser token (`mintBrowserToken`, from your backend) for the Worker's
   * `/api` proxy: sent as `Authorization: Bearer …`; needs `baseUrl`, never with `apiKey`.
   */
  token?: string;
  /**
   * Default `https://api.peeker.ai/partner/v1`. No user or password; `https:`
   * unless the host is loopback (`127.0.0.1`, `localhost`, `[::1]`).
   */
  baseUrl?: string;
  /** Retries after the first attempt (default 2). */
  maxRetries?: number;
  /** Per attempt, in ms (default 30,000). */
  timeoutMs?: number;
  /** The client's token bucket, shared by every call (default 600; 0 = off). */
  rateLimitPerMinute?: number;
  /** Allow a `pk_live_` key where `window` and `document` exist (default false). */
  dangerouslyAllowBrowser?: boolean;
  /** Called before each retry's wait; holds no secret. */
  onRetry?: (info: RetryInfo) => void;
}

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

/** Per-call options: override the client's. */
export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  maxRetries?: number;
}

export interface AvailabilityOptions extends CallOptions {
  /** After each call of 50: names done so far, and all names. */
  onProgress?: (done: number, total: number) => void;
}

export interface WaitOptions extends CallOptions {
  /** The first pause between polls (default 1000 ms; grows ×1.5 up to 60 s). */
  pollIntervalMs?: number;
  /** Give up (TimeoutError) after this long (default 600,000 ms). */
  maxWaitMs?: number;
}

// PeekerClient and PageWalker are generated from the endpoint table.
export * from "./client.gen.js";
