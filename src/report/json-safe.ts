/**
 * Values for the report's JSON files: non-finite numbers (a divergent loss) become the strings
 * "Infinity", "-Infinity", "NaN" instead of JSON.stringify's silent null; typed arrays become arrays.
 */
export function jsonSafe(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return Array.from(v as ArrayLike<unknown>, jsonSafe);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = jsonSafe(x);
    return out;
  }
  return v;
}

export function toJsonText(v: unknown): string {
  return `${JSON.stringify(jsonSafe(v), null, 2)}\n`;
}
