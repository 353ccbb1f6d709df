// The bench Worker: times the edge contenders (contenders.js) inside workerd.
// GET /run?c=<name>&calls=<n>&size=<bytes> → {ms}. Timers in `wrangler dev`
// advance in whole milliseconds, so each request times thousands of calls.
import * as pp from "peeker-partner/webhooks";
import { contenders, timeCalls } from "./contenders.js";

const bySize = new Map();

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const size = Number(url.searchParams.get("size") ?? 1024);
    if (!bySize.has(size)) bySize.set(size, contenders(pp, size));
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
