// LZMA (the raw stream of `xz --format=raw --lzma1`), synchronous: how the
// browser builds once inlined their wasm, kept here so bench/startup.mjs can
// still show what that costs a page (decoded in JS on the main thread, it
// lost to hex that HTTP compression shrinks). startup.mjs puts a 5-byte header first: the properties byte (lc + 9 (lp + 5 pb)) and the
// output size (u32, little-endian). Data cut short, or a match reaching
// back before the start, throws; other damage decodes to wrong bytes (the
// module then fails to compile). Any input ends.
export function unlzma(src) {
  const fail = () => { throw new Error("peeker-partner: corrupt wasm data"); };
  const props = src[0], lc = props % 9, lp = ((props / 9) | 0) % 5, pb = (props / 45) | 0;
  const size = (src[1] | (src[2] << 8) | (src[3] << 16) | (src[4] << 24)) >>> 0;
  const out = new Uint8Array(size);
  // The range decoder's range and code, u32s in a typed array: as variables
  // of the closures below, values of 2^30 and more would be boxed on every
  // store (much slower). Its first byte is always 0.
  let pos = 6;
  const rc = Uint32Array.of(0xffffffff, 0);
  for (const end = pos + 4; pos < end; ) rc[1] = (rc[1] << 8) | src[pos++];
  const probs = (n) => new Uint16Array(n).fill(1024);
  const normalize = () => {
    if (rc[0] < 16777216) (rc[0] <<= 8), (rc[1] = (rc[1] << 8) | src[pos++]);
  };
  const bit = (p, i) => {
    const prob = p[i], bound = (rc[0] >>> 11) * prob;
    let b = 0;
    if (rc[1] < bound) (rc[0] = bound), (p[i] = prob + ((2048 - prob) >> 5));
    else (rc[0] -= bound), (rc[1] -= bound), (p[i] = prob - (prob >> 5)), (b = 1);
    normalize();
    return b;
  };
  const tree = (p, base, bits) => {
    let m = 1;
    for (let i = 0; i < bits; i++) m = 2 * m + bit(p, base + m);
    return m - (1 << bits);
  };
  const reverse = (p, base, bits) => {
    let m = 1, r = 0;
    for (let i = 0; i < bits; i++) {
      const b = bit(p, base + m);
      m = 2 * m + b;
      r |= b << i;
    }
    return r;
  };
  // choice, choice2, then 16 low and 16 mid trees of 3 bits, one high tree of 8.
  const length = (p, posState) =>
    !bit(p, 0) ? tree(p, 2 + 8 * posState, 3) : !bit(p, 1) ? 8 + tree(p, 130 + 8 * posState, 3) : 16 + tree(p, 258, 8);
  const literal = probs(0x300 << (lc + lp)), isMatch = probs(192), isRep = probs(12), isRepG0 = probs(12);
  const isRepG1 = probs(12), isRepG2 = probs(12), isRep0Long = probs(192), posSlot = probs(256), posSpecial = probs(115);
  const align = probs(16), matchLen = probs(514), repLen = probs(514);
  let state = 0, rep0 = 0, rep1 = 0, rep2 = 0, rep3 = 0, n = 0;
  while (n < size) {
    const posState = n & ((1 << pb) - 1);
    if (!bit(isMatch, (state << 4) + posState)) {
      const base = 0x300 * (((n & ((1 << lp) - 1)) << lc) + ((n ? out[n - 1] : 0) >> (8 - lc)));
      let sym = 1;
      if (state >= 7) {
        // After a match: the byte at rep0 steers the first bits.
        for (let match = out[n - rep0 - 1]; sym < 0x100; match <<= 1) {
          const m = (match >> 7) & 1, b = bit(literal, base + ((1 + m) << 8) + sym);
          sym = 2 * sym + b;
          if (m !== b) break;
        }
      }
      while (sym < 0x100) sym = 2 * sym + bit(literal, base + sym);
      out[n++] = sym;
      state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
      continue;
    }
    let len;
    if (bit(isRep, state)) {
      if (!n) fail();
      if (!bit(isRepG0, state)) {
        if (!bit(isRep0Long, (state << 4) + posState)) {
          state = state < 7 ? 9 : 11;
          out[n] = out[n - rep0 - 1];
          n++;
          continue;
        }
      } else {
        let dist = rep1;
        if (bit(isRepG1, state)) {
          dist = rep2;
          if (bit(isRepG2, state)) (dist = rep3), (rep3 = rep2);
          rep2 = rep1;
        }
        rep1 = rep0;
        rep0 = dist;
      }
      len = length(repLen, posState);
      state = state < 7 ? 8 : 11;
    } else {
      (rep3 = rep2), (rep2 = rep1), (rep1 = rep0);
      len = length(matchLen, posState);
      state = state < 7 ? 7 : 10;
      const slot = tree(posSlot, 64 * Math.min(len, 3), 6);
      if (slot < 4) rep0 = slot;
      else {
        const direct = (slot >> 1) - 1;
        rep0 = (2 + (slot & 1)) * 2 ** direct;
        if (slot < 14) rep0 += reverse(posSpecial, rep0 - slot, direct);
        else {
          let high = 0;
          for (let i = direct - 4; i > 0; i--) {
            rc[0] >>>= 1;
            high = 2 * high + (rc[1] >= rc[0] ? ((rc[1] -= rc[0]), 1) : 0);
            normalize();
          }
          rep0 += 16 * high + reverse(align, 0, 4);
        }
      }
    }
    if (rep0 >= n) fail();
    for (let end = Math.min(n + len + 2, size); n < end; n++) out[n] = out[n - rep0 - 1];
  }
  if (pos > src.length) fail();
  return out;
}
