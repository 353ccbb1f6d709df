// The benchmark table every bench script prints: one row per measure,
// columns padded to their widest cell.
const COLUMNS = ["measure", "value", "peer", "ratio", "goal", "ok"];

export function printTable(rows, cols = COLUMNS) {
  const width = Object.fromEntries(cols.map((c) => [c, Math.max(c.length, ...rows.map((r) => `${r[c]}`.length))]));
  const line = (r) => cols.map((c) => `${r[c]}`.padEnd(width[c])).join(" │ ");
  console.log(line(Object.fromEntries(cols.map((c) => [c, c]))));
  console.log(cols.map((c) => "─".repeat(width[c])).join("─┼─"));
  for (const r of rows) console.log(line(r));
}
