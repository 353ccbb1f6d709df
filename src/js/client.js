// PeekerClient's resource namespaces and page walker. Each method forwards to
// the wasm handle's `call(name, first, second, options)`, where validation,
// request building, rate limiting, retries, timeouts and errors are decided.
// Which methods exist comes from the endpoint table (resources.gen.js).

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

const CALL = { one, two, list };

/**
 * The namespaces (`client.orders.create`, ...) from `table`, the generated
 * resource table (src/js/resources.gen.js): `{orders: {create: [name, kind]}}`.
 */
export function makeResources(h, table) {
  const resources = {};
  for (const [ns, methods] of Object.entries(table)) {
    resources[ns] = {};
    for (const [method, [name, kind]] of Object.entries(methods)) {
      resources[ns][method] = CALL[kind](h, name);
    }
  }
  return resources;
}
