// The browser entries' inflater (src/js/inflate.js) against node:zlib: every
// block type, the shipped modules, output larger than its first guess, and
// corrupt input refused.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { deflateRawSync, constants } from "node:zlib";
import { inflate } from "../../src/js/inflate.js";

const PKG = new URL("../../pkg/", import.meta.url);

/** Bytes with runs and noise, so every length and distance code turns up. */
function sample(seed, length) {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) >>> 0) >>> 16;
  return Uint8Array.from({ length }, (_, i) => (next() % 3 === 0 ? next() & 255 : (i % 13) * 7));
}

test("inflate: stored, fixed and dynamic blocks, any length, give back what zlib deflated", () => {
  for (let seed = 1; seed <= 60; seed++) {
    const data = sample(seed, (seed * 7919) % 70_000);
    for (const level of [0, 1, 6, 9]) {
      for (const strategy of [constants.Z_DEFAULT_STRATEGY, constants.Z_FIXED, constants.Z_HUFFMAN_ONLY]) {
        const packed = deflateRawSync(data, { level, strategy });
        assert.deepEqual(inflate(packed), data, `seed ${seed} level ${level} strategy ${strategy}`);
      }
    }
  }
});

test("inflate: output more than four times the input is decoded again at its size", () => {
  const data = new Uint8Array(1_000_000).fill(7);
  data[123_456] = 1;
  assert.deepEqual(inflate(deflateRawSync(data, { level: 9 })), data);
});

test("inflate: every shipped module inflates to its .wasm", () => {
  const stems = readdirSync(PKG).filter((f) => f.endsWith("_bg.wasm.b64.js"));
  assert.ok(stems.length >= 3, stems.join());
  for (const file of stems) {
    const b64 = readFileSync(new URL(file, PKG), "utf8").match(/"([A-Za-z0-9+/=]+)"/)[1];
    const wasm = readFileSync(new URL(file.replace(".b64.js", ""), PKG));
    assert.deepEqual(Buffer.from(inflate(Buffer.from(b64, "base64"))), wasm, file);
  }
});

test("inflate: corrupt or cut data throws, and never hangs", () => {
  const packed = deflateRawSync(sample(5, 50_000), { level: 9 });
  const refused = (bytes) => assert.throws(() => inflate(bytes), /corrupt wasm data/);
  refused(packed.subarray(0, packed.length >> 1));
  refused(Uint8Array.of(0b110)); // block type 3
  refused(new Uint8Array(16)); // empty stored blocks, none of them the last
  let thrown = 0;
  for (let i = 0; i < 200; i++) {
    const bad = Uint8Array.from(packed);
    bad[(i * 2654435761) % bad.length] ^= 1 << i % 8;
    try {
      inflate(bad);
    } catch (e) {
      assert.match(e.message, /corrupt wasm data/);
      thrown++;
    }
  }
  assert.ok(thrown > 0);
});
