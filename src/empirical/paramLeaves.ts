import { NtkTypeError } from '../errors.js';
import type { Layer, Params, Tensor } from '../nn/types.js';

/**
 * A parameterized leaf layer of a network together with its parameter record and the position of its
 * parameters in the flat parameter vector θ ∈ ℝᴾ (depth-first over the layer tree, record keys in
 * insertion order, each tensor row-major — the order of `flattenParams` in src/nn/params.ts).
 */
export interface ParamLeaf {
  readonly layer: Layer;
  readonly params: { readonly [name: string]: Tensor };
  /** Offset of this leaf's first parameter in θ. */
  readonly offset: number;
  /** Number of scalar parameters of this leaf (P_l). */
  readonly count: number;
  /** Depth-first index among the parameterized leaves. */
  readonly index: number;
}

function isRecord(p: Params): p is { readonly [name: string]: Tensor } {
  return !Array.isArray(p);
}

/**
 * The parameterized leaves of `net` with their slices of θ. Walks the layer tree and the parameter tree
 * together and checks that they match (a combinator's params are the list of its children's params).
 */
export function paramLeaves(net: Layer, params: Params): ParamLeaf[] {
  const leaves: ParamLeaf[] = [];
  let offset = 0;
  const walk = (layer: Layer, p: Params, path: string): void => {
    if (layer.children.length > 0) {
      if (!Array.isArray(p) || p.length !== layer.children.length) {
        throw new Error(
          `params${path}: expected a list of ${layer.children.length} child parameter trees for the ` +
            `${layer.type} layer, got ${Array.isArray(p) ? `a list of ${p.length}` : 'a record'}`,
        );
      }
      layer.children.forEach((child, i) => walk(child, (p as readonly Params[])[i], `${path}[${i}]`));
      return;
    }
    if (!isRecord(p)) {
      throw new Error(
        `params${path}: expected a record of tensors for the ${layer.type} layer, got a list of ${p.length}`,
      );
    }
    let count = 0;
    for (const [name, t] of Object.entries(p)) {
      if (!(t.data instanceof Float64Array)) {
        throw new NtkTypeError(`params${path}.${name}: expected a Tensor with Float64Array data`);
      }
      count += t.data.length;
    }
    if (count === 0) return;
    if (typeof layer.perExampleGrads !== 'function') {
      throw new Error(
        `params${path}: the ${layer.type} layer has ${count} parameters but no perExampleGrads rule, ` +
          'so its empirical NTK cannot be formed',
      );
    }
    leaves.push({ layer, params: p, offset, count, index: leaves.length });
    offset += count;
  };
  walk(net, params, '');
  return leaves;
}

/** P = Σ_l P_l. */
export function totalParams(leaves: readonly ParamLeaf[]): number {
  return leaves.reduce((s, l) => s + l.count, 0);
}

/**
 * A lookup from the parameter record a `BackwardTap` receives to its leaf. Records are matched by
 * identity first; a layer whose records are copied on the way is matched by its Layer object when that
 * layer occurs once in the network.
 */
export function leafLookup(leaves: readonly ParamLeaf[]): (layer: Layer, params: Params) => ParamLeaf {
  const byParams = new Map<object, ParamLeaf>();
  const byLayer = new Map<Layer, ParamLeaf | null>();
  for (const l of leaves) {
    byParams.set(l.params, l);
    byLayer.set(l.layer, byLayer.has(l.layer) ? null : l);
  }
  return (layer, params) => {
    const hit = byParams.get(params as object) ?? byLayer.get(layer);
    if (!hit) {
      throw new Error(
        `backward tap: the ${layer.type} layer's parameters were not found in the parameter tree ` +
          '(the layer passes a copy of its parameter record to the tap and occurs more than once)',
      );
    }
    return hit;
  };
}
