// Shared by the browser tests: a static server on 127.0.0.1 and headless
// Debian Chromium through playwright-core (nothing is downloaded).
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TYPES = { ".js": "text/javascript", ".mjs": "text/javascript", ".html": "text/html", ".wasm": "application/wasm", ".json": "application/json" };

/** Serves `dir` (the repository root unless told) read-only; returns {url, close}. */
export async function serveRoot(dir = ROOT) {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
    // An import without its extension (wasm-bindgen-test's run.js writes one) is the .js file.
    for (const file of [path, `${path}.js`]) {
      try {
        const body = await readFile(join(dir, file));
        res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
        return res.end(body);
      } catch {}
    }
    res.writeHead(404).end();
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((ok) => server.close(ok)) };
}

export async function launch() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
  });
}

/** Opens `url` and waits for the page to publish `window.__result`. */
export async function resultOf(browser, url) {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(url);
  try {
    await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 30_000 });
  } catch {
    throw new Error(`${url} published no result; page errors: ${errors.join("; ")}`);
  }
  const result = await page.evaluate(() => window.__result);
  await page.close();
  return result;
}
