// Unicode's UTS #46 conformance file (tests/resources/IdnaTestV2.txt) read
// into rows, and what the SDK must answer for each: the UTS #46 result with
// the WHATWG URL flags (CheckHyphens, VerifyDnsLength and UseSTD3ASCIIRules
// false; CheckBidi, CheckJoiners true; nontransitional), then our stricter
// DNS rules, which are listed apart (docs/contract.md#domain-names). Shared by
// the Node, Chromium and workerd tests; the Rust test (tests/idna.rs) reads
// the file the same way.

/** Status codes that the WHATWG flags switch off (the file's own table). */
export const IGNORED = new Set(["A4_1", "A4_2", "V2", "V3", "U1", "X4_2"]);

/**
 * Our stricter rules, in the order the SDK checks them, each with a test on
 * the UTS #46 A-label (one trailing dot removed) and a piece of the message
 * the SDK gives for it.
 */
export const STRICT_RULES = [
  { rule: "empty", test: (a) => a === "", message: "is empty" },
  { rule: "empty_label", test: (a) => a.split(".").some((l) => l === ""), message: "empty label" },
  { rule: "ldh", test: (a) => /[^a-z0-9.-]/.test(a), message: "only letters, digits and hyphens" },
  { rule: "hyphen", test: (a) => a.split(".").some((l) => l.startsWith("-") || l.endsWith("-")), message: "starts or ends with a hyphen" },
  { rule: "label_length", test: (a) => a.split(".").some((l) => l.length > 63), message: "longer than 63" },
  { rule: "length", test: (a) => a.length > 253, message: "longer than 253" },
  { rule: "two_labels", test: (a) => a.split(".").length < 2, message: "at least two labels" },
  { rule: "numeric_tld", test: (a) => /^[0-9]+$/.test(a.split(".").pop()), message: "all-numeric top-level label" },
];

function unescape(s) {
  return s
    .replace(/\\u([0-9A-Fa-f]{4})/g, (_, h) => String.fromCharCode(parseInt(h, 16)))
    .replace(/\\x\{([0-9A-Fa-f]+)\}/g, (_, h) => String.fromCodePoint(parseInt(h, 16)));
}

function statuses(s) {
  s = s.trim();
  if (s === "" || s === "[]") return [];
  return s.replace(/^\[|\]$/g, "").split(",").map((x) => x.trim()).filter(Boolean);
}

/**
 * The rows of the file: `{line, source, toUnicode, toUnicodeErrors,
 * toAsciiN, toAsciiNErrors}`, blanks filled in as the file's header says.
 */
export function parseIdnaTest(text) {
  const rows = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.split("#")[0];
    if (line.trim() === "") return;
    const cols = line.split(";").map((c) => c.trim());
    const source = cols[0] === '""' ? "" : unescape(cols[0]);
    const toUnicode = cols[1] === "" ? source : cols[1] === '""' ? "" : unescape(cols[1]);
    const toUnicodeErrors = statuses(cols[2]);
    const toAsciiN = cols[3] === "" ? toUnicode : cols[3] === '""' ? "" : unescape(cols[3]);
    const toAsciiNErrors = cols[4] === "" ? toUnicodeErrors : statuses(cols[4]);
    rows.push({ line: i + 1, source, toUnicode, toUnicodeErrors, toAsciiN, toAsciiNErrors });
  });
  return rows;
}

/**
 * What the SDK must answer for a row: `{ok: true, domain}` (the A-label to
 * send), `{ok: false, uts46: true}` (UTS #46 itself marks an error: refused,
 * any reason), or `{ok: false, rules}` (UTS #46 accepts it, our stricter
 * rules refuse it: the message names one of these rules).
 */
export function expected(row) {
  if (row.toAsciiNErrors.some((e) => !IGNORED.has(e))) return { ok: false, uts46: true };
  const a = row.toAsciiN.endsWith(".") ? row.toAsciiN.slice(0, -1) : row.toAsciiN;
  const rules = STRICT_RULES.filter((r) => r.test(a));
  return rules.length ? { ok: false, rules } : { ok: true, domain: a };
}

/**
 * Checks one answer of the SDK (`{ok: true, domain}` or `{ok: false,
 * message}`) against a row: the disagreement as a string, or null.
 */
export function disagreement(row, answer) {
  const want = expected(row);
  const at = `line ${row.line} ${JSON.stringify(row.source)}`;
  if (want.ok) {
    if (!answer.ok) return `${at}: refused (${answer.message}), UTS #46 gives ${want.domain}`;
    if (answer.domain !== want.domain) return `${at}: sent ${answer.domain}, UTS #46 gives ${want.domain}`;
    return null;
  }
  if (answer.ok) return `${at}: accepted as ${answer.domain}, must be refused (${want.uts46 ? "UTS #46 error" : want.rules.map((r) => r.rule).join(", ")})`;
  if (want.rules && !want.rules.some((r) => answer.message.includes(r.message))) {
    return `${at}: refused with "${answer.message}", expected the rule ${want.rules.map((r) => r.rule).join(" or ")}`;
  }
  return null;
}

/** Counts per kind: accepted, refused by UTS #46, refused by each stricter rule. */
export function tally(rows) {
  const counts = { rows: rows.length, accepted: 0, uts46: 0 };
  for (const row of rows) {
    const want = expected(row);
    if (want.ok) counts.accepted++;
    else if (want.uts46) counts.uts46++;
    else counts[want.rules[0].rule] = (counts[want.rules[0].rule] ?? 0) + 1;
  }
  return counts;
}
