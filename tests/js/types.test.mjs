// The package's TypeScript declarations compile under `--strict`, contain no
// `any`, and reject the mistakes tests/types/usage.ts expects them to.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));

test("tsc --strict accepts the typed usage and its expected errors", () => {
  try {
    execFileSync(`${root}node_modules/.bin/tsc`, ["-p", "tests/types/tsconfig.json"], { cwd: root, encoding: "utf8" });
  } catch (e) {
    assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`);
  }
});

test("misspelt fields of a narrowed event and of a response do not compile", () => {
  let out = "";
  try {
    execFileSync(`${root}node_modules/.bin/tsc`, ["-p", "tests/types/tsconfig.misspelt.json"], { cwd: root, encoding: "utf8" });
  } catch (e) {
    out = `${e.stdout}${e.stderr}`;
  }
  assert.match(out, /misspelt\.ts\(7,\d+\): error TS2551: Property 'domain_cuont' does not exist on type 'FullOrder'/);
  assert.match(out, /misspelt\.ts\(10,\d+\): error TS2551: Property 'statuss' does not exist on type 'OrderReceipt'/);
  // verifyWebhook's and checkWebhook's results, narrowed by `type` alone (no isKnownEvent).
  assert.match(out, /misspelt\.ts\(16,\d+\): error TS2551: Property 'domain_cuont' does not exist on type 'FullOrder'/);
  assert.match(out, /misspelt\.ts\(20,\d+\): error TS2551: Property 'replacment_domain' does not exist on type 'Swap'/);
  assert.equal(out.match(/error TS/g)?.length, 4, out);
});

test("no `any` in the public declarations", () => {
  for (const file of readdirSync(`${root}pkg`).filter((f) => f.endsWith(".d.ts") && !f.includes("_bg.wasm"))) {
    const code = readFileSync(`${root}pkg/${file}`, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
    const hits = code.split("\n").filter((l) => /[:<(,|]\s*any\b|\bany\[\]/.test(l) && !/^\s+readonly \w+: \(/.test(l));
    // (wasm-bindgen's InitOutput lists the raw wasm exports; they are not API.)
    assert.deepEqual(hits, [], file);
  }
});
