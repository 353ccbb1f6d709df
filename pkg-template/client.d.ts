import type {
  AvailabilityRow, Bundle, BundleDeleted, CancelOrder, CreateBundle, CreateOrder, CreateSwap, CreateUser,
  DataEnvelope, Domain, DomainImport, ForwardingJob, ForwardingRequest, ImportJobRequest, ImportLookup,
  ImportLookupQuery, ImportRequest, List, ListBundlesQuery, ListDomainsQuery, ListOrdersQuery, ListPendingQuery,
  ListSwapsQuery, ListUsersQuery, MeResponse, OrderCancellation, OrderReceipt, FullOrder, PendingAction, Swap,
  UpdateBundle, UpdateUser, User, UserNameSwap, UserNameSwaps,
} from "./peeker_partner.js";

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

export interface RetryInfo {
  attempt: number;
  delayMs: number;
  reason: "rate_limited" | "server_error" | "connection_error" | "timeout";
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  status?: number;
  code?: string;
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

/** `for await (const item of walker)` walks every item of every page. */
export interface PageWalker<T> extends AsyncIterable<T> {
  /** The pages themselves. */
  pages(): AsyncIterable<List<T>>;
}

type One<T> = Promise<DataEnvelope<T>>;

export declare class PeekerClient {
  constructor(options: PeekerClientOptions);
  me(options?: CallOptions): One<MeResponse>;
  readonly bundles: {
    create(body: CreateBundle, options?: CallOptions): One<Bundle>;
    list(query?: ListBundlesQuery, options?: CallOptions): PageWalker<Bundle>;
    retrieve(id: string, options?: CallOptions): One<Bundle>;
    update(id: string, body: UpdateBundle, options?: CallOptions): One<Bundle>;
    delete(id: string, options?: CallOptions): One<BundleDeleted>;
  };
  readonly users: {
    create(body: CreateUser, options?: CallOptions): One<User>;
    list(query?: ListUsersQuery, options?: CallOptions): PageWalker<User>;
    retrieve(id: string, options?: CallOptions): One<User>;
    update(id: string, body: UpdateUser, options?: CallOptions): One<User>;
    delete(id: string, options?: CallOptions): One<User>;
  };
  readonly domains: {
    /** Any number of names, sent 50 a call within the rate limit; rows in input order. */
    availability(names: string[], options?: AvailabilityOptions): Promise<AvailabilityRow[]>;
    list(query?: ListDomainsQuery, options?: CallOptions): PageWalker<Domain>;
  };
  readonly imports: {
    create(body: ImportRequest, options?: CallOptions): One<DomainImport>;
    createJob(body: ImportJobRequest, options?: CallOptions): One<DomainImport>;
    retrieve(id: string, options?: CallOptions): One<DomainImport>;
    retrieveJob(id: string, options?: CallOptions): One<DomainImport>;
    lookup(query: ImportLookupQuery, options?: CallOptions): One<ImportLookup>;
    /** Polls until `completed` or `failed`. */
    wait(id: string, options?: WaitOptions): One<DomainImport>;
  };
  readonly forwarding: {
    create(body: ForwardingRequest, options?: CallOptions): One<ForwardingJob>;
    retrieve(id: string, options?: CallOptions): One<ForwardingJob>;
    /** Polls until `completed`, `partial_success` or `failed`. */
    wait(id: string, options?: WaitOptions): One<ForwardingJob>;
  };
  readonly orders: {
    create(body: CreateOrder, options?: CallOptions): One<OrderReceipt>;
    list(query?: ListOrdersQuery, options?: CallOptions): PageWalker<FullOrder>;
    cancel(id: string, body?: CancelOrder, options?: CallOptions): One<OrderCancellation>;
    pending(query?: ListPendingQuery, options?: CallOptions): PageWalker<PendingAction>;
  };
  readonly swaps: {
    create(body: CreateSwap, options?: CallOptions): One<Swap>;
    list(query?: ListSwapsQuery, options?: CallOptions): PageWalker<Swap>;
    retrieve(id: string, options?: CallOptions): One<Swap>;
    userNames(body: UserNameSwap, options?: CallOptions): One<UserNameSwaps>;
  };
  /** `PeekerClient(<baseUrl>)`: never the key. */
  toString(): string;
  toJSON(): { baseUrl: string };
}
