import { NtkInputError } from '../errors.js';

/**
 * The one set of option parsers of the `ntk` sub-commands: each error names the flag, what it expects and
 * what was given.
 */

/** A number option: finite, with optional bounds and integrality. */
export function parseNumber(
  flag: string,
  s: string,
  opts: { integer?: boolean; min?: number; minExclusive?: number; max?: number } = {},
): number {
  const v = Number(s);
  const what =
    `${opts.integer ? 'an integer' : 'a number'}` +
    `${opts.min !== undefined ? ` ≥ ${opts.min}` : ''}` +
    `${opts.minExclusive !== undefined ? ` > ${opts.minExclusive}` : ''}` +
    `${opts.max !== undefined ? `${opts.min !== undefined || opts.minExclusive !== undefined ? ' and' : ''} ≤ ${opts.max}` : ''}`;
  if (
    typeof s !== 'string' ||
    s.trim() === '' ||
    !Number.isFinite(v) ||
    (opts.integer && !Number.isSafeInteger(v)) ||
    (opts.min !== undefined && v < opts.min) ||
    (opts.minExclusive !== undefined && v <= opts.minExclusive) ||
    (opts.max !== undefined && v > opts.max)
  ) {
    throw new NtkInputError(`${flag} must be ${what}, got '${String(s)}'`);
  }
  return v;
}

/** An integer option ≥ `min` (and ≤ `max` when given). */
export function intArg(flag: string, s: string, min: number, max?: number): number {
  return parseNumber(flag, s, { integer: true, min, ...(max !== undefined ? { max } : {}) });
}

/** A positive-integer option. */
export function positiveInt(flag: string, s: string): number {
  const v = Number(s);
  if (typeof s !== 'string' || s.trim() === '' || !Number.isSafeInteger(v) || v < 1)
    throw new NtkInputError(`${flag} must be a positive integer, got '${String(s)}'`);
  return v;
}

/** An optional positive-integer option (undefined stays undefined). */
export function optionalPositiveInt(flag: string, s: string | undefined): number | undefined {
  return s === undefined ? undefined : positiveInt(flag, s);
}

/** A seed: any safe integer. */
export function parseSeed(flag: string, s: string): number {
  return parseNumber(flag, s, { integer: true });
}

/** A feature shape: "10" or "8,8,1". */
export function parseInputShape(flag: string, s: string): number[] {
  const parts = s.split(',').map((t) => t.trim());
  const shape = parts.map(Number);
  if (parts.length === 0 || shape.some((v, i) => parts[i] === '' || !Number.isInteger(v) || v < 1)) {
    throw new NtkInputError(
      `${flag} must be positive integers separated by commas (e.g. 10 or 8,8,1), got '${s}'`,
    );
  }
  return shape;
}

/** One of a fixed set of words. */
export function choice<T extends string>(flag: string, s: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(s)) {
    const q = allowed.map((a) => `'${a}'`);
    const list = q.length > 1 ? `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}` : q.join('');
    throw new NtkInputError(`${flag} must be ${list}, got '${s}'`);
  }
  return s as T;
}
