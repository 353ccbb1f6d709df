// Packs availability rows for the split and the plan: two strings and one
// Float64Array cross into wasm instead of the JSON text of every row (for a
// long list that text is most of planDomains' time). Anything that is
// not a plain, well-typed row answers undefined, and the caller takes the JSON
// path, which names every bad row.
const AVAILABLE = 1, PREMIUM = 2, HAS_USABLE_FOR = 4, GOOGLE = 8, MICROSOFT = 16;

export function packRows(rows) {
  if (!Array.isArray(rows)) return undefined;
  const n = rows.length;
  const numbers = new Float64Array(n * 2); // per row: flag bits, price_cents (NaN: none)
  const names = new Array(n);
  const reasons = new Array(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    if (r === null || typeof r !== "object") return undefined;
    const { domain, available, premium, usable_for, price_cents, reason } = r;
    if (typeof domain !== "string" || domain.includes("\n") || typeof available !== "boolean") return undefined;
    let bits = available ? AVAILABLE : 0;
    if (premium === true) bits |= PREMIUM;
    else if (premium != null && premium !== false) return undefined;
    if (usable_for != null) {
      if (!Array.isArray(usable_for)) return undefined;
      bits |= HAS_USABLE_FOR;
      for (const p of usable_for) {
        if (p === "google") bits |= GOOGLE;
        else if (p === "microsoft") bits |= MICROSOFT;
        else if (typeof p !== "string") return undefined;
      }
    }
    if (price_cents != null && !Number.isSafeInteger(price_cents)) return undefined;
    if (reason != null && (typeof reason !== "string" || reason.includes("\n"))) return undefined;
    numbers[2 * i] = bits;
    numbers[2 * i + 1] = price_cents ?? NaN;
    names[i] = domain;
    reasons[i] = reason ?? "";
  }
  return [names.join("\n"), reasons.join("\n"), numbers];
}
