// `cargo xtask bench`, the edge part: the webhook verifiers of
// bench/edge/contenders.js timed inside workerd (through Miniflare's API, no
// inspector attached, as a deployed Worker runs) and in headless Chromium,
// interleaved rounds of thousands of calls each.
//
//   node bench/edge.mjs            prints both tables (or: workerd, chromium, size)
//   import { edgeBenchRows }       rows for bench/run.mjs
import { createServer } from "node:http";
import { basename, join, resolve } from "node:path";
import { copyFile, readFile, readdir, writeFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { Miniflare } from "miniflare";
import { tempDir, ROOT } from "../tests/worker/wrangler.mjs";
import { launch } from "../tests/browser/harness.mjs";
import { edgeRows, interleaved } from "./edge/contenders.js";
import { printTable } from "./table.mjs";

const SIZE = 1024;

/**
 * The bench Worker bundled as wrangler bundles a Worker (esbuild, the
 * workerd export conditions, each imported `.wasm` a precompiled module);
 * its modules for Miniflare.
 */
async function bundleWorker(dir) {
  const wasm = new Map(); // file name → path
  await esbuild.build({
    entryPoints: [join(ROOT, "bench/edge/worker.js")], bundle: true, format: "esm", platform: "neutral",
    conditions: ["workerd", "worker", "browser"], mainFields: ["browser", "module", "main"],
    external: ["node:*", "cloudflare:*"], outfile: join(dir, "worker.js"), logLevel: "error",
    plugins: [{
      name: "compiled-wasm",
      setup(build) {
        build.onResolve({ filter: /\.wasm$/ }, (args) => {
          const path = resolve(args.resolveDir, args.path);
          wasm.set(basename(path), path);
          return { path: `./${basename(path)}`, external: true };
        });
      },
    }],
  });
  const modules = [{ type: "ESModule", path: join(dir, "worker.js") }];
  for (const [name, path] of wasm) {
    await copyFile(path, join(dir, name));
    modules.push({ type: "CompiledWasm", path: join(dir, name) });
  }
  return modules;
}

/**
 * Milliseconds the process `pid` has run on a CPU, all its threads (Linux's
 * schedstat); undefined where there is none. On a shared machine the time
 * on the CPU is what a call costs; the wall clock also counts the time the
 * process waited for one.
 */
async function cpuMillis(pid) {
  try {
    let ns = 0;
    for (const task of await readdir(`/proc/${pid}/task`)) {
      ns += Number((await readFile(`/proc/${pid}/task/${task}/schedstat`, "utf8")).split(" ")[0]);
    }
    return ns / 1e6;
  } catch {
    return undefined;
  }
}

/** The workerd process Miniflare started from this one, or undefined. */
async function workerdPid() {
  for (const pid of await readdir("/proc").catch(() => [])) {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
    // "pid (comm) state ppid ..."
    const [comm, rest] = [stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")), stat.slice(stat.lastIndexOf(")") + 2)];
    if (comm === "workerd" && Number(rest.split(" ")[1]) === process.pid) return Number(pid);
  }
  return undefined;
}

/**
 * Rows of median µs a call inside workerd, 10 rounds of 8,000 calls: workerd's
 * time on the CPU during each run where Linux tells it, else the Worker's own
 * clock. No `inspectorPort`: Miniflare then starts workerd without an
 * inspector (under one, as `wrangler dev` runs, calls are slower and building
 * an Error costs several µs).
 */
export async function workerdRows(size = SIZE) {
  const dir = tempDir("peeker-bench-workerd-");
  const mf = new Miniflare({ modules: await bundleWorker(dir), modulesRoot: dir, compatibilityDate: "2025-09-01" });
  try {
    const get = async (path) => {
      const res = await mf.dispatchFetch(`http://bench${path}`);
      if (res.status !== 200) throw new Error(`bench Worker ${path}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    const names = await get(`/names?size=${size}`);
    const pid = await workerdPid();
    const cpu = pid === undefined || (await cpuMillis(pid)) === undefined ? undefined : () => cpuMillis(pid);
    const us = await interleaved(names, async (name, calls) => {
      const before = await cpu?.();
      const { ms } = await get(`/run?size=${size}&calls=${calls}&c=${encodeURIComponent(name)}`);
      return cpu ? (await cpu()) - before : ms;
    }, { rounds: 10, calls: 8_000 });
    return edgeRows(`workerd (Miniflare, no inspector; ${cpu ? "CPU time" : "wall clock"})`, size, us);
  } finally {
    await mf.dispose();
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
    // The page runs the whole bench before its load event: wait for the result, not for it.
    await page.goto(`http://127.0.0.1:${server.address().port}/?size=${size}`, { waitUntil: "commit" });
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

// playwright drives the page over a DevTools connection: a debugger is
// attached (a thrown Error costs several µs more), so no targets there.
const CHROMIUM = "Chromium (DevTools attached)";

export async function edgeBenchRows(size = SIZE) {
  return [...await workerdRows(size), ...edgeRows(CHROMIUM, size, await chromiumMicros(size), { targets: false })];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const which = process.argv[2];
  const rows = which === "workerd" ? await workerdRows()
    : which === "chromium" ? edgeRows(CHROMIUM, SIZE, await chromiumMicros(), { targets: false })
    : which === "size" ? await bundledSizeRows()
    : [...(await bundledSizeRows()), ...(await edgeBenchRows())];
  printTable(rows);
}
