// Raw DEFLATE (RFC 1951), synchronous: the browser entries inline their wasm
// deflated and base64-encoded (base64 of the raw wasm gzips a third larger
// than the wasm; of the deflated wasm, to about its size), and browsers have
// no synchronous inflate of their own. Sized for the bundle, not for speed:
// the full module inflates in about 4 ms.
//
// Output past `size` is dropped but counted, then decoded again into a buffer
// of the counted size. Corrupt data throws; it never loops.
export function inflate(src, size = 4 * src.length) {
  const out = new Uint8Array(size), fail = () => { throw new Error("peeker-partner: corrupt wasm data"); };
  let n = 0, pos = 0, buf = 0, cnt = 0;
  const bits = (k) => {
    for (; cnt < k; cnt += 8) buf |= (src[pos++] | 0) << cnt;
    const v = buf & ((1 << k) - 1);
    buf >>>= k;
    cnt -= k;
    return v;
  };
  // A canonical Huffman code as a table indexed by the next `max` bits read
  // (codes are packed first bit lowest): entry = symbol << 4 | code length.
  const huffman = (lengths) => {
    const max = Math.max(1, ...lengths), table = new Uint16Array(1 << max);
    for (let len = 1, code = 0; len <= max; len++, code <<= 1)
      lengths.forEach((l, sym) => {
        if (l !== len) return;
        let rev = 0;
        for (let i = 0, c = code++; i < len; i++, c >>= 1) rev = (rev << 1) | (c & 1);
        for (let j = rev; j < table.length; j += 1 << len) table[j] = (sym << 4) | len;
      });
    return [table, max];
  };
  const decode = ([table, max]) => {
    for (; cnt < max; cnt += 8) buf |= (src[pos++] | 0) << cnt;
    const entry = table[buf & ((1 << max) - 1)];
    if (!(entry & 15) || pos > src.length + 4) fail();
    buf >>>= entry & 15;
    cnt -= entry & 15;
    return entry >> 4;
  };
  // Base and extra bits of the length (257–285) and distance codes.
  const LEXT = [], LBASE = [], DEXT = [], DBASE = [];
  for (let i = 0, b = 3; i < 29; b += 1 << LEXT[i++]) (LEXT[i] = i < 28 ? Math.max(0, (i >> 2) - 1) : 0), (LBASE[i] = i < 28 ? b : 258);
  for (let i = 0, b = 1; i < 30; b += 1 << DEXT[i++]) (DEXT[i] = Math.max(0, (i >> 1) - 1)), (DBASE[i] = b);
  for (let last = 0; !last; ) {
    if (pos > src.length + 4) fail();
    last = bits(1);
    const type = bits(2);
    let lit, dist;
    if (type === 0) {
      pos -= cnt >> 3; // whole bytes read ahead go back; the partial one is skipped
      buf = cnt = 0;
      const len = src[pos] | (src[pos + 1] << 8);
      if (n + len <= size) out.set(src.subarray(pos + 4, pos + 4 + len), n);
      n += len;
      pos += 4 + len;
      continue;
    } else if (type === 1) {
      lit = huffman(Array.from({ length: 288 }, (_, i) => (i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8)));
      dist = huffman(new Array(30).fill(5));
    } else if (type === 2) {
      const nlen = bits(5) + 257, ndist = bits(5) + 1, ncode = bits(4) + 4, lengths = new Array(19).fill(0);
      for (let i = 0; i < ncode; i++) lengths[[16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15][i]] = bits(3);
      const code = huffman(lengths), all = [];
      while (all.length < nlen + ndist) {
        const sym = decode(code);
        if (sym < 16) all.push(sym);
        else for (let k = sym === 16 ? 3 + bits(2) : sym === 17 ? 3 + bits(3) : 11 + bits(7), v = sym === 16 ? all.at(-1) : 0; k--; ) all.push(v);
      }
      lit = huffman(all.slice(0, nlen));
      dist = huffman(all.slice(nlen));
    } else fail();
    for (let sym; (sym = decode(lit)) !== 256; ) {
      if (sym < 256) out[n++] = sym;
      else {
        const length = LBASE[sym - 257] + bits(LEXT[sym - 257]), d = decode(dist), back = DBASE[d] + bits(DEXT[d]);
        if (back > n) fail();
        for (let end = n + length; n < end; n++) out[n] = out[n - back];
      }
    }
  }
  return n > size ? inflate(src, n) : out.subarray(0, n);
}
