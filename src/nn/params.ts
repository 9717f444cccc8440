import { NtkInputError } from '../errors.js';
import type { Params, Tensor } from './types.js';

/**
 * Flattening of parameter trees (src/nn/types.ts `Params`) into one vector: depth-first over
 * combinators' lists, record keys in insertion order (Dense: W then b), each tensor row-major.
 * Every helper of the project that needs "the parameter vector θ" (empirical NTK, training) uses this order.
 */

function isRecord(p: Params): p is { readonly [name: string]: Tensor } {
  return !Array.isArray(p);
}

function visit(p: Params, f: (t: Tensor) => void): void {
  if (isRecord(p)) for (const k of Object.keys(p)) f(p[k]);
  else for (const c of p as readonly Params[]) visit(c, f);
}

/** Total number of scalar parameters in the tree. */
export function paramCount(params: Params): number {
  let n = 0;
  visit(params, (t) => (n += t.data.length));
  return n;
}

/** θ as one Float64Array, in the order described above. */
export function flattenParams(params: Params): Float64Array {
  const out = new Float64Array(paramCount(params));
  let at = 0;
  visit(params, (t) => {
    out.set(t.data, at);
    at += t.data.length;
  });
  return out;
}

/** The tree of `template`'s shape filled from `vec` (copied); inverse of flattenParams. */
export function unflattenParams(template: Params, vec: Float64Array): Params {
  const n = paramCount(template);
  if (vec.length !== n)
    throw new NtkInputError(
      `unflattenParams: vec has length ${vec.length}, expected paramCount(template) = ${n}`,
    );
  let at = 0;
  const build = (p: Params): Params => {
    if (isRecord(p)) {
      const out: { [name: string]: Tensor } = {};
      for (const k of Object.keys(p)) {
        const len = p[k].data.length;
        out[k] = { shape: [...p[k].shape], data: vec.slice(at, at + len) };
        at += len;
      }
      return out;
    }
    return (p as readonly Params[]).map(build);
  };
  return build(template);
}

/** A tree of the same shape as `template` with every tensor zero (gradient accumulators, zero tangents). */
export function zerosLikeParams(template: Params): Params {
  return unflattenParams(template, new Float64Array(paramCount(template)));
}
