// `cargo xtask bench`, the edge part: the webhook verifiers of
// bench/edge/contenders.js timed inside workerd (wrangler dev --local) and in
// headless Chromium, interleaved, 15 rounds of 10,000 calls each.
//
//   node bench/edge.mjs            prints both tables (or: workerd, chromium, size)
//   import { edgeBenchRows }       rows for bench/run.mjs
import { createServer } from "node:http";
import { join } from "node:path";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { startWorker, tempDir, ROOT } from "../tests/worker/wrangler.mjs";
import { launch } from "../tests/browser/harness.mjs";
import { edgeRows, interleaved } from "./edge/contenders.js";
import { printTable } from "./table.mjs";

const SIZE = 1024;

export async function workerdMicros(size = SIZE) {
  const worker = await startWorker({ config: join(ROOT, "bench/edge/wrangler.toml"), persistTo: tempDir("peeker-bench-edge-") });
  try {
    const get = async (path) => {
      const res = await fetch(`${worker.url}${path}`);
      if (res.status !== 200) throw new Error(`bench Worker ${path}: ${res.status} ${await res.text()}\n${worker.log()}`);
      return res.json();
    };
    const names = await get(`/names?size=${size}`);
    return await interleaved(names, async (name, calls) =>
      (await get(`/run?size=${size}&calls=${calls}&c=${encodeURIComponent(name)}`)).ms);
  } finally {
    await worker.stop();
  }
}

export async function chromiumMicros(size = SIZE) {
  const dir = tempDir("peeker-bench-page-");
  await esbuild.build({
    entryPoints: [join(ROOT, "bench/edge/page.js")], bundle: true, minify: true, format: "esm",
    platform: "browser", outfile: join(dir, "page.js"), logLevel: "error",
  });
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    if (path === "/page.js") {
      res.writeHead(200, { "content-type": "text/javascript" }).end(await readFile(join(dir, "page.js")));
    } else {
      res.writeHead(200, { "content-type": "text/html" }).end('<!doctype html><script type="module" src="/page.js"></script>');
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/?size=${size}`);
    await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 300_000, polling: 500 });
    const result = await page.evaluate(() => window.__result);
    if (result.error) throw new Error(`Chromium bench: ${result.error}`);
    return result.us;
  } finally {
    await browser.close();
    server.close();
  }
}

/**
 * The verifier-only entry as a bundler emits it: esbuild, minified, for a
 * receiver (`import { verifyWebhook }`) and with everything it exports
 * (`export *`); every output file (JS, and the .wasm when the runtime's entry
 * imports it) gzip -9. 1 KB = 1,000 bytes, as in the budgets.
 */
export async function bundledSizeRows() {
  const dir = tempDir("peeker-bench-size-");
  const rows = [];
  const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
  for (const [what, text] of [
    ["{ verifyWebhook }", 'export { verifyWebhook } from "peeker-partner/webhooks";\n'],
    ["*", 'export * from "peeker-partner/webhooks";\n'],
  ]) {
    const entry = join(ROOT, "bench/edge/.size-entry.mjs"); // inside the repo: resolves node_modules
    await writeFile(entry, text);
    try {
      for (const [runtime, options] of [
        ["browser", { platform: "browser" }],
        ["workerd", { platform: "neutral", conditions: ["workerd", "worker", "import"], loader: { ".wasm": "file" } }],
        ["node", { platform: "node" }],
      ]) {
        const outdir = join(dir, what === "*" ? "all" : "one", runtime);
        await esbuild.build({ entryPoints: [entry], bundle: true, minify: true, format: "esm", outdir, logLevel: "error",
          external: ["node:*"], ...options });
        let js = 0, wasm = 0;
        for (const file of await readdir(outdir)) {
          const gz = gzipSync(await readFile(join(outdir, file)), { level: 9 }).length;
          if (file.endsWith(".wasm")) wasm += gz; else js += gz;
        }
        rows.push({ measure: `peeker-partner/webhooks, import ${what}, bundled for ${runtime} (esbuild -minify, gzip -9)`,
          value: kb(js + wasm), peer: wasm ? `JS ${kb(js)} + wasm ${kb(wasm)}` : "JS with the wasm inlined", ratio: "",
          goal: "≤ 12 KB", ok: js + wasm <= 12_000 ? "yes" : "NO" });
      }
    } finally {
      await (await import("node:fs/promises")).rm(entry, { force: true });
    }
  }
  return rows;
}

/**
 * What a browser entry costs at import besides its download: decoding the
 * inlined LZMA wasm (src/js/unlzma.js), first call on a fresh page (the
 * decoder not yet optimised, as at a real import), against compiling the
 * decoded module (`new WebAssembly.Module`, as the entry does). Median of 5
 * pages per entry.
 */
export async function edgeBenchRows(size = SIZE) {
  return [...edgeRows("workerd", size, await workerdMicros(size)), ...edgeRows("Chromium", size, await chromiumMicros(size))];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const which = process.argv[2];
  const rows = which === "workerd" ? edgeRows("workerd", SIZE, await workerdMicros())
    : which === "chromium" ? edgeRows("Chromium", SIZE, await chromiumMicros())
    : which === "size" ? await bundledSizeRows()
    : [...(await bundledSizeRows()), ...(await edgeBenchRows())];
  printTable(rows);
}
