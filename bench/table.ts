/** Plain-text tables for the benchmark summary. */

const NUMBER = /^[-+]?[\d.]+(e[-+]?\d+)?( ?[×x%])?$/;

/** Columns padded to their widest cell; a column whose cells are all numbers (or '—') is right-aligned. */
export function formatTable(header: string[], body: string[][]): string {
  const widths = header.map((h, j) => Math.max(h.length, ...body.map((r) => (r[j] ?? '').length)));
  const right = header.map(
    (_, j) =>
      body.length > 0 &&
      body.some((r) => NUMBER.test(r[j] ?? '')) &&
      body.every((r) => NUMBER.test(r[j] ?? '') || (r[j] ?? '') === '—'),
  );
  const line = (cells: string[]): string =>
    cells
      .map((c, j) => (right[j] ? c.padStart(widths[j]) : c.padEnd(widths[j])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** A number with `digits` significant figures, without exponent noise for the usual ranges. */
export function fmt(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  const mag = Math.floor(Math.log10(Math.abs(x)));
  return x.toFixed(Math.max(0, digits - 1 - mag));
}
