import { NtkInputError } from '../errors.js';
import type { Config, Experiment, Json } from './types.js';

/**
 * Knobs of one experiment varied from its preset (`ntk reproduce ID --set key=value`), for sensitivity
 * studies: which setting a verdict depends on. Each value takes the JSON type of the preset's own field —
 * a number, a comma-separated list of numbers, a string or true/false — and the experiment's `cost` then
 * checks it (integer counts, ranges), so a varied config is refused with the same error as a bad preset.
 * Whether a number must be an integer is the experiment's to say, not the preset value's: a step-size factor
 * of 1 takes 0.5.
 */
export type Overrides = Readonly<Record<string, Json>>;

/** `key=value` pairs, as given on the command line (types are settled against a preset by `applyOverrides`). */
export function parseOverrides(sets: readonly string[]): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new NtkInputError(`--set must be key=value, got '${s}'`);
    const key = s.slice(0, eq).trim();
    if (key in out) throw new NtkInputError(`--set: '${key}' given twice`);
    out[key] = s.slice(eq + 1).trim();
  }
  return out;
}

function parseNumber(key: string, text: string): number {
  const v = Number(text);
  if (text === '' || !Number.isFinite(v))
    throw new NtkInputError(`--set ${key}: expected a finite number, got '${text}'`);
  return v;
}

/** The preset's config of `e` with `sets` in place of its fields; throws NtkInputError naming the field. */
export function applyOverrides(e: Experiment, base: Config, sets: Readonly<Record<string, string>>): Config {
  const out: Record<string, Json> = { ...base };
  for (const [key, text] of Object.entries(sets)) {
    if (!Object.prototype.hasOwnProperty.call(base, key))
      throw new NtkInputError(
        `--set ${key}: ${e.id} has no such setting (it has: ${Object.keys(base).join(', ')})`,
      );
    const was = base[key];
    if (typeof was === 'number') {
      out[key] = parseNumber(key, text);
    } else if (Array.isArray(was) && was.every((x) => typeof x === 'number')) {
      out[key] = text.split(',').map((t) => parseNumber(key, t.trim()));
    } else if (typeof was === 'string') {
      out[key] = text;
    } else if (typeof was === 'boolean') {
      if (text !== 'true' && text !== 'false')
        throw new NtkInputError(`--set ${key}: expected true or false, got '${text}'`);
      out[key] = text === 'true';
    } else {
      throw new NtkInputError(`--set ${key}: only numbers, number lists, strings and true/false can be set`);
    }
  }
  e.cost(out);
  return out;
}

/** `key=value` for every field of `config` that differs from `base` (JSON-equal fields are the same). */
export function variedFields(base: Config, config: Config): string[] {
  return Object.keys(config)
    .filter((k) => JSON.stringify(config[k]) !== JSON.stringify(base[k]))
    .map((k) => `${k}=${JSON.stringify(config[k])}`);
}
