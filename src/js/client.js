// PeekerClient's resource namespaces and page walker. Each method forwards to
// the wasm handle's `call(name, first, second, options)`, where validation,
// request building, rate limiting, retries, timeouts and errors are decided.

const one = (h, name) => (first, options) => h.call(name, first, undefined, options);
const two = (h, name) => (first, second, options) => h.call(name, first, second, options);
const list = (h, name) => (params, options) => new PageWalker(h, name, params, options);

/**
 * `for await (const item of client.orders.list(params))` walks every item of
 * every page; `.pages()` yields the pages themselves ({data, links, meta}).
 */
class PageWalker {
  #h;
  #name;
  #params;
  #options;
  constructor(h, name, params, options) {
    this.#h = h;
    this.#name = name;
    this.#params = params ?? {};
    this.#options = options;
  }

  async *pages() {
    let params = this.#params;
    const seen = new Set();
    for (;;) {
      const page = await this.#h.call(this.#name, params, undefined, this.#options);
      yield page;
      const next = page?.links?.next;
      if (typeof next !== "string" || next === "") return;
      // The token is opaque: copied from links.next, never built.
      let token;
      try {
        token = new URL(next, "http://localhost").searchParams.get("page_token");
      } catch {
        return;
      }
      if (!token || seen.has(token)) return;
      seen.add(token);
      params = { ...params, page_token: token };
    }
  }

  async *[Symbol.asyncIterator]() {
    for await (const page of this.pages()) {
      yield* page?.data ?? [];
    }
  }
}
Object.defineProperty(PageWalker.prototype, Symbol.toStringTag, { value: "PageWalker" });

export function makeResources(h) {
  return {
    bundles: {
      create: one(h, "bundles.create"),
      list: list(h, "bundles.list"),
      retrieve: one(h, "bundles.retrieve"),
      update: two(h, "bundles.update"),
      delete: one(h, "bundles.delete"),
    },
    users: {
      create: one(h, "users.create"),
      list: list(h, "users.list"),
      retrieve: one(h, "users.retrieve"),
      update: two(h, "users.update"),
      delete: one(h, "users.delete"),
    },
    domains: {
      availability: one(h, "domains.availability"),
      list: list(h, "domains.list"),
    },
    imports: {
      create: one(h, "imports.create"),
      createJob: one(h, "imports.createJob"),
      retrieve: one(h, "imports.retrieve"),
      retrieveJob: one(h, "imports.retrieveJob"),
      lookup: one(h, "imports.lookup"),
      wait: one(h, "imports.wait"),
    },
    forwarding: {
      create: one(h, "forwarding.create"),
      retrieve: one(h, "forwarding.retrieve"),
      wait: one(h, "forwarding.wait"),
    },
    orders: {
      create: one(h, "orders.create"),
      list: list(h, "orders.list"),
      cancel: two(h, "orders.cancel"),
      pending: list(h, "orders.pending"),
    },
    swaps: {
      create: one(h, "swaps.create"),
      list: list(h, "swaps.list"),
      retrieve: one(h, "swaps.retrieve"),
      userNames: one(h, "swaps.userNames"),
    },
  };
}
