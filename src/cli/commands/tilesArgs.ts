import { NtkInputError } from '../../errors.js';

/** A positive integer option of the tile commands (undefined when not given). */
export function positiveInt(flag: string, s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const v = Number(s);
  if (s.trim() === '' || !Number.isInteger(v) || v < 1)
    throw new NtkInputError(`${flag} must be a positive integer, got '${s}'`);
  return v;
}
