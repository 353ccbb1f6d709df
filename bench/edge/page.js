// The same contenders as the bench Worker, in a browser page (bundled by
// bench/edge.mjs with esbuild, as a partner's bundler would).
import * as pp from "peeker-partner/webhooks";
import { contenders, interleaved, timeCalls } from "./contenders.js";

const size = Number(new URLSearchParams(location.search).get("size") ?? 1024);
try {
  const list = await contenders(pp, size);
  window.__result = { us: await interleaved(Object.keys(list), (name, calls) => timeCalls(list[name], calls)) };
} catch (e) {
  window.__result = { error: String(e?.stack ?? e) };
}
