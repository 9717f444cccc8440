import { NtkNumericalError } from '../errors.js';

/**
 * The one JSON policy of the `ntk` results: JSON has no NaN or ±∞, and a non-finite number never leaves
 * with exit code 0. So the serializer refuses any non-finite number (NtkNumericalError naming its place in
 * the result); where a value is legitimately absent (a loss after divergence, an unbounded error bound) the
 * command writes null explicitly (`finiteOrNull`) and says why in the result. Typed arrays become arrays.
 */
export function resultJson(value: unknown): string {
  const walk = (v: unknown, where: string): unknown => {
    if (typeof v === 'number') {
      if (!Number.isFinite(v))
        throw new NtkNumericalError(
          `the result has a non-finite number ${v} at ${where}; refusing to write it (JSON has no such numbers)`,
        );
      return v;
    }
    if (Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView)))
      return Array.from(v as ArrayLike<unknown>, (x, i) => walk(x, `${where}[${i}]`));
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = walk(x, `${where}.${k}`);
      return out;
    }
    return v;
  };
  return `${JSON.stringify(walk(value, '$'), null, 1)}\n`;
}

/** A number that may legitimately be absent: itself when finite, else null. */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
