// The LZMA decoder (src/js/unlzma.js) of the browser entries that inline their
// wasm LZMA-compressed: every such shipped module decodes to its .wasm (real code of every entry's size: literals, matches,
// repeats and every distance slot), and damaged data throws, never hangs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { unlzma } from "../../src/js/unlzma.js";

const PKG = new URL("../../pkg/", import.meta.url);
const shipped = readdirSync(PKG)
  .filter((f) => f.endsWith("_bg.wasm.b64.js"))
  .map((file) => ({
    file,
    lzma: readFileSync(new URL(file, PKG), "utf8").includes(", LZMA, base64."),
    packed: Buffer.from(readFileSync(new URL(file, PKG), "utf8").match(/"([A-Za-z0-9+/=]+)"/)[1], "base64"),
    wasm: readFileSync(new URL(file.replace(".b64.js", ""), PKG)),
  }));

test("unlzma: every shipped LZMA module decodes to its .wasm; the others are their .wasm", () => {
  assert.equal(shipped.length, 3);
  assert.deepEqual(shipped.filter((s) => s.lzma).map((s) => s.file), ["peeker_webhooks_bg.wasm.b64.js"]);
  for (const { file, lzma, packed, wasm } of shipped) {
    if (!lzma) {
      assert.deepEqual(packed, wasm, file);
      continue;
    }
    assert.ok(packed.length < wasm.length / 2, file);
    assert.deepEqual(Buffer.from(unlzma(packed)), wasm, file);
  }
});

test("unlzma: cut or damaged data throws, or decodes to the wrong bytes, and always ends", () => {
  const { packed, wasm } = shipped.find((s) => s.file.startsWith("peeker_webhooks"));
  const refused = (bytes) => assert.throws(() => unlzma(bytes), /corrupt wasm data/);
  refused(packed.subarray(0, packed.length >> 1));
  refused(packed.subarray(0, 5));
  for (let i = 0; i < 300; i++) {
    const bad = Uint8Array.from(packed);
    bad[6 + ((i * 2654435761) % (bad.length - 6))] ^= 1 << i % 8;
    try {
      assert.notDeepEqual(Buffer.from(unlzma(bad)), wasm);
    } catch (e) {
      assert.match(e.message, /corrupt wasm data|Expected values to be loosely deep-equal|not be loosely deep-equal/);
    }
  }
});
