
// ---- peeker-partner: browser and bundler entry. The module is inlined
// (deflated, then base64) and compiled synchronously at import: no top-level
// await, no bundler plugin, no asset rule, no init call.
import __peeker_wasm from "./__STEM___bg.wasm.b64.js";
initSync({ module: __peeker_inflate(Uint8Array.from(atob(__peeker_wasm), (c) => c.charCodeAt(0))) });

// Raw DEFLATE (RFC 1951) with table lookups. Base64 of the raw wasm gzips a
// third larger than the wasm; base64 of the deflated wasm gzips to about its
// size. Browsers have no synchronous inflate of their own.
function __peeker_inflate(src) {
  let out = new Uint8Array(src.length * 3), n = 0, pos = 0, buf = 0, cnt = 0;
  const need = (k) => {
    for (; cnt < k; cnt += 8) buf |= (src[pos++] | 0) << cnt;
  };
  const bits = (k) => {
    need(k);
    const v = buf & ((1 << k) - 1);
    buf >>>= k;
    cnt -= k;
    return v;
  };
  // (`out` and `n` are touched by no closure: V8 keeps them in registers.)
  const grow = (out, size) => {
    const bigger = new Uint8Array(Math.max(2 * out.length, size));
    bigger.set(out);
    return bigger;
  };
  // A canonical Huffman code as a table indexed by the next `max` bits read:
  // entry = symbol << 4 | code length.
  const huffman = (lengths) => {
    const max = Math.max(1, ...lengths), count = new Uint16Array(16), next = new Uint16Array(16);
    for (const l of lengths) count[l]++;
    count[0] = 0;
    for (let l = 1; l < 16; l++) next[l] = (next[l - 1] + count[l - 1]) << 1;
    const table = new Uint32Array(1 << max);
    lengths.forEach((l, sym) => {
      if (!l) return;
      let code = next[l]++, rev = 0;
      for (let i = 0; i < l; i++, code >>= 1) rev = (rev << 1) | (code & 1);
      for (let j = rev; j < table.length; j += 1 << l) table[j] = (sym << 4) | l;
    });
    return [table, max];
  };
  const decode = ([table, max]) => {
    need(max);
    const entry = table[buf & ((1 << max) - 1)], l = entry & 15;
    if (!l) throw new Error("peeker-partner: corrupt wasm data");
    buf >>>= l;
    cnt -= l;
    return entry >> 4;
  };
  const extra = (i, step) => Math.max(0, ((i / step) | 0) - 1);
  const LEXT = [], LBASE = [], DEXT = [], DBASE = [];
  for (let i = 0, b = 3; i < 29; b += 1 << LEXT[i++]) (LEXT[i] = i < 28 ? extra(i, 4) : 0), (LBASE[i] = i < 28 ? b : 258);
  for (let i = 0, b = 1; i < 30; b += 1 << DEXT[i++]) (DEXT[i] = extra(i, 2)), (DBASE[i] = b);
  const ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
  const codes = (type) => {
    if (type === 1) {
      const lit = Array.from({ length: 288 }, (_, i) => (i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8));
      return [huffman(lit), huffman(new Array(30).fill(5))];
    }
    const nlen = bits(5) + 257, ndist = bits(5) + 1, ncode = bits(4) + 4;
    const lengths = new Array(19).fill(0);
    for (let i = 0; i < ncode; i++) lengths[ORDER[i]] = bits(3);
    const code = huffman(lengths);
    const all = [];
    while (all.length < nlen + ndist) {
      const sym = decode(code);
      if (sym < 16) all.push(sym);
      else {
        const [times, value] = sym === 16 ? [3 + bits(2), all[all.length - 1]] : [sym === 17 ? 3 + bits(3) : 11 + bits(7), 0];
        for (let i = 0; i < times; i++) all.push(value);
      }
    }
    return [huffman(all.slice(0, nlen)), huffman(all.slice(nlen))];
  };
  for (let last = 0; !last; ) {
    last = bits(1);
    const type = bits(2);
    if (type === 0) {
      pos -= cnt >> 3; // whole bytes read ahead go back; the partial one is skipped
      buf = cnt = 0;
      const size = src[pos] | (src[pos + 1] << 8);
      pos += 4;
      if (n + size > out.length) out = grow(out, n + size);
      out.set(src.subarray(pos, pos + size), n);
      n += size;
      pos += size;
      continue;
    }
    if (type === 3) throw new Error("peeker-partner: corrupt wasm data");
    const [[lt, lmax], [dt, dmax]] = codes(type);
    // The hot loop, with the bit buffer in locals (closures are slow cold).
    let b = buf, c = cnt, p = pos;
    const lmask = (1 << lmax) - 1, dmask = (1 << dmax) - 1;
    for (;;) {
      for (; c < 15; c += 8) b |= (src[p++] | 0) << c;
      let e = lt[b & lmask], l = e & 15;
      if (!l) throw new Error("peeker-partner: corrupt wasm data");
      b >>>= l;
      c -= l;
      let sym = e >> 4;
      if (sym < 256) {
        if (n >= out.length) out = grow(out, n + 1);
        out[n++] = sym;
        continue;
      }
      if (sym === 256) break;
      sym -= 257;
      for (; c < 20; c += 8) b |= (src[p++] | 0) << c;
      const length = LBASE[sym] + (b & ((1 << LEXT[sym]) - 1));
      b >>>= LEXT[sym];
      c -= LEXT[sym];
      for (; c < 15; c += 8) b |= (src[p++] | 0) << c;
      e = dt[b & dmask];
      l = e & 15;
      if (!l) throw new Error("peeker-partner: corrupt wasm data");
      b >>>= l;
      c -= l;
      const d = e >> 4;
      for (; c < 13; c += 8) b |= (src[p++] | 0) << c;
      const back = DBASE[d] + (b & ((1 << DEXT[d]) - 1));
      b >>>= DEXT[d];
      c -= DEXT[d];
      if (back > n) throw new Error("peeker-partner: corrupt wasm data");
      if (n + length > out.length) out = grow(out, n + length);
      for (let i = 0; i < length; i++, n++) out[n] = out[n - back];
    }
    buf = b;
    cnt = c;
    pos = p;
  }
  if (pos - (cnt >> 3) > src.length) throw new Error("peeker-partner: truncated wasm data");
  return out.subarray(0, n);
}
export * from "./errors.js";
