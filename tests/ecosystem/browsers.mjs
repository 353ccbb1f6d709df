// Firefox and WebKit (Safari's engine) for the ecosystem matrix, each from
// Debian's packages (xtask/src/setup.rs installs them; nothing is downloaded):
// firefox-esr driven by puppeteer-core over WebDriver BiDi, and WebKitGTK's
// MiniBrowser through webkit2gtk-driver (W3C WebDriver) under Xvfb. Each
// returns {name, resultOf(url), close()}, resultOf as tests/browser/harness.mjs's.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

const RESULT_TIMEOUT_MS = 30_000;

/** Firefox ESR headless; `puppeteer` is puppeteer-core's default export. */
export async function firefox(puppeteer) {
  const browser = await puppeteer.launch({
    browser: "firefox", protocol: "webDriverBiDi", executablePath: "/usr/bin/firefox-esr", headless: true,
  });
  return {
    name: `Firefox ${(await browser.version()).split("/")[1]}`,
    async resultOf(url) {
      const page = await browser.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(e.message));
      try {
        await page.goto(url);
        await page.waitForFunction(() => window.__result !== undefined, { timeout: RESULT_TIMEOUT_MS });
        return await page.evaluate(() => window.__result);
      } catch (e) {
        throw new Error(`${url} published no result in Firefox (${e.message}); page errors: ${errors.join("; ")}`);
      } finally {
        await page.close();
      }
    },
    close: () => browser.close(),
  };
}

/** A port free on 127.0.0.1 at the time of asking. */
async function freePort() {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  await new Promise((ok) => server.close(ok));
  return port;
}

/** WebKitGTK's MiniBrowser, through WebKitWebDriver, on a virtual display of its own. */
export async function webkit() {
  const children = [];
  const stop = () => children.forEach((child) => child.exitCode === null && child.kill());
  try {
    // -displayfd: Xvfb picks a free display and writes its number to fd 3.
    const xvfb = spawn("Xvfb", ["-displayfd", "3", "-nolisten", "tcp", "-screen", "0", "1280x800x24"],
      { stdio: ["ignore", "ignore", "ignore", "pipe"] });
    children.push(xvfb);
    const display = String((await Promise.race([once(xvfb.stdio[3], "data"), once(xvfb, "exit")]))[0]).trim();
    if (!/^\d+$/.test(display)) throw new Error(`Xvfb exited (${display})`);
    const port = await freePort();
    const driver = spawn("WebKitWebDriver", [`--port=${port}`], { env: { ...process.env, DISPLAY: `:${display}` }, stdio: "ignore" });
    children.push(driver);
    const base = `http://127.0.0.1:${port}`;
    const call = async (method, path, body) => {
      const res = await fetch(`${base}${path}`, { method, headers: { "content-type": "application/json" }, body: body && JSON.stringify(body),
        signal: AbortSignal.timeout(RESULT_TIMEOUT_MS) });
      const { value } = await res.json();
      if (!res.ok) throw new Error(`WebDriver ${method} ${path}: ${JSON.stringify(value)}`);
      return value;
    };
    for (let tries = 0; ; tries++) {
      try {
        await call("GET", "/status");
        break;
      } catch (e) {
        if (tries >= 100) throw e;
        await sleep(100);
      }
    }
    const { sessionId, capabilities } = await call("POST", "/session", { capabilities: {} });
    const session = `/session/${sessionId}`;
    return {
      name: `WebKit (${capabilities.browserName} ${capabilities.browserVersion})`,
      async resultOf(url) {
        await call("POST", `${session}/url`, { url });
        const deadline = Date.now() + RESULT_TIMEOUT_MS;
        while (Date.now() < deadline) {
          const result = await call("POST", `${session}/execute/sync`,
            { script: "return window.__result === undefined ? null : JSON.stringify(window.__result)", args: [] });
          if (result !== null) return JSON.parse(result);
          await sleep(100);
        }
        throw new Error(`${url} published no result in WebKit`);
      },
      async close() {
        await call("DELETE", session).catch(() => {});
        stop();
      },
    };
  } catch (e) {
    stop();
    throw e;
  }
}
