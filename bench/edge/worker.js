// The bench Worker: times the edge contenders (contenders.js) and the parts
// of one verification (parts.js) inside workerd, run by bench/edge.mjs
// through Miniflare with no inspector, as a deployed Worker runs.
// GET /run?c=<name>&calls=<n>&size=<bytes> → {ms}. workerd's clock advances
// in whole milliseconds, so each request times thousands of calls.
import * as pp from "peeker-partner/webhooks";
import { contenders, timeCalls } from "./contenders.js";
import { parts } from "./parts.js";

const bySize = new Map();

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const size = Number(url.searchParams.get("size") ?? 1024);
    if (!bySize.has(size)) bySize.set(size, Promise.all([contenders(pp, size), parts(pp, size)]).then(([a, b]) => ({ ...a, ...b })));
    const list = await bySize.get(size);
    if (url.pathname === "/names") return Response.json(Object.keys(list));
    if (url.pathname === "/run") {
      const run = list[url.searchParams.get("c")];
      if (!run) return new Response("no such contender", { status: 404 });
      const ms = await timeCalls(run, Number(url.searchParams.get("calls") ?? 10_000));
      return Response.json({ ms });
    }
    return new Response("not found", { status: 404 });
  },
};
