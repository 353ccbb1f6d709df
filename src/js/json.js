// The JSON bridge (src/js/mod.rs): the JSON text of a JS value for the wasm
// side; undefined when JSON.stringify throws (cycles, BigInts, a throwing
// getter or a revoked Proxy), so no exception crosses into wasm. Functions,
// symbols and undefined at the top become "null". A value too deep for the
// engine's stack is cut below MAX_JSON_DEPTH + 1 levels: the core then
// reports the depth as a problem.
const MAX_JSON_DEPTH = 128;
export function jsonText(value, keys) {
  try {
    return JSON.stringify(value, keys) ?? "null";
  } catch (e) {
    if (!(e instanceof RangeError)) return undefined;
  }
  try {
    const depths = new WeakMap();
    return JSON.stringify(value, function (key, v) {
      const depth = key === "" && depths.get(this) === undefined ? 0 : (depths.get(this) ?? 0) + 1;
      if (depth > MAX_JSON_DEPTH + 1) return null;
      if (typeof v === "object" && v !== null) depths.set(v, depth);
      return v;
    }) ?? "null";
  } catch {
    return undefined;
  }
}
