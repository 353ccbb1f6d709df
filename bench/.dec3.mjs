import { launch } from "../tests/browser/harness.mjs";
import { readFileSync } from "node:fs";
const variants = process.argv.slice(2);
const browser = await launch();
for (const stem of ["peeker_validate", "peeker_partner"]) {
  const b64 = readFileSync(`pkg/${stem}_bg.wasm.b64.js`, "utf8").match(/"([^"]+)"/)[1];
  for (let round = 0; round < 2; round++) for (const v of variants) {
    const src = readFileSync(v, "utf8").replace("export function", "function");
    const runs = [];
    for (let i = 0; i < 5; i++) {
      const page = await browser.newPage();
      runs.push(await page.evaluate(`(() => { ${src}; const bytes = Uint8Array.from(atob(${JSON.stringify(b64)}), (c) => c.charCodeAt(0));
        const t0 = performance.now(); unlzma(bytes); return performance.now() - t0; })()`));
      await page.close();
    }
    runs.sort((a, b) => a - b);
    console.log(stem, v, "cold median", runs[2].toFixed(1));
  }
}
await browser.close();
