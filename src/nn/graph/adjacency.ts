import { NtkInputError, NtkTypeError } from '../../errors.js';
import type { Cache, Flow, Layer, Params, Tensor } from '../types.js';

/**
 * The adjacency of graph inputs on the finite-network side (neural-tangents passes it as `pattern=` to
 * `apply_fn`): inputs x (N, V, C) are node features, A (N, V, V) one adjacency per example, A[n, i, j] the weight
 * with which node i aggregates node j. A Layer's forward takes only (params, x), so the adjacency is bound for the
 * duration of a synchronous call by {@link withAdjacency}; Aggregate reads it in its forward and keeps it in its
 * cache, so backward and JVP use the same A.
 */

const bound: Tensor[] = [];

/** Check that `a` is an adjacency [N, V, V] for N examples of V nodes; `what` names the argument. */
export function checkAdjacency(a: Tensor, N: number, V: number, what: string): void {
  if (a === undefined || a === null || !(a.data instanceof Float64Array) || !Array.isArray(a.shape))
    throw new NtkTypeError(`${what}: the adjacency must be a Tensor [N, V, V] (float64), got ${typeof a}`);
  const s = a.shape;
  if (s.length !== 3 || s[0] !== N || s[1] !== V || s[2] !== V)
    throw new NtkInputError(
      `${what}: the adjacency must have shape [N, V, V] = [${N}, ${V}, ${V}] for inputs of ${N} graphs with ${V} nodes, got [${s.join(', ')}]`,
    );
  if (a.data.length !== N * V * V)
    throw new NtkInputError(
      `${what}: the adjacency has ${a.data.length} entries, expected N·V·V = ${N * V * V}`,
    );
  for (let k = 0; k < a.data.length; k++)
    if (!Number.isFinite(a.data[k]))
      throw new NtkInputError(`${what}: adjacency entry ${k} is ${a.data[k]}; entries must be finite`);
}

/** Run `fn` with `adjacency` bound for the Aggregate layers it reaches (nested calls restore the outer one). */
export function withAdjacency<T>(adjacency: Tensor, fn: () => T): T {
  bound.push(adjacency);
  try {
    return fn();
  } finally {
    bound.pop();
  }
}

/** The adjacency bound by {@link withAdjacency}, checked against inputs of N graphs with V nodes. */
export function boundAdjacency(N: number, V: number, where: string): Tensor {
  const a = bound[bound.length - 1];
  if (a === undefined)
    throw new NtkInputError(
      `${where}: no adjacency is bound; run the network through graphForward(net, params, x, adjacency) or withAdjacency(adjacency, …)`,
    );
  checkAdjacency(a, N, V, where);
  return a;
}

/** The forward pass of a graph network: `net.forward(params, x)` with `adjacency` [N, V, V] for its Aggregate layers. */
export function graphForward(
  net: Layer,
  params: Params,
  x: Tensor,
  adjacency: Tensor,
): { y: Flow<Tensor>; cache: Cache } {
  if (x.shape.length !== 3)
    throw new NtkInputError(`graphForward: x must be node features [N, V, C], got [${x.shape.join(', ')}]`);
  checkAdjacency(adjacency, x.shape[0], x.shape[1], 'graphForward: adjacency');
  return withAdjacency(adjacency, () => net.forward(params, x));
}

/** Graph inputs: node features x [N, V, C] and their adjacencies [N, V, V]. */
export interface GraphBatch {
  readonly x: Tensor;
  readonly adjacency: Tensor;
}

/**
 * `net` for tools that run its forward pass on parts of known inputs (monteCarloKernel, empiricalNtk, the
 * linearization, minibatch training): each forward call binds, for every row of its input, the adjacency of that
 * graph among `graphs` — found as a row range of one of their x (a subarray view, as the kernel tools pass) or else
 * by equal node features (gathered minibatches). Rows not found, or whose features occur with two different
 * adjacencies, are refused. Everything else is `net`'s own.
 */
export function graphNetwork(net: Layer, graphs: readonly GraphBatch[]): Layer {
  for (const [g, { x, adjacency }] of graphs.entries()) {
    if (x.shape.length !== 3)
      throw new NtkInputError(
        `graphNetwork: graphs[${g}].x must be node features [N, V, C], got [${x.shape.join(', ')}]`,
      );
    checkAdjacency(adjacency, x.shape[0], x.shape[1], `graphNetwork: graphs[${g}].adjacency`);
  }
  const rowKey = (d: Float64Array, r: number, per: number): string =>
    Array.prototype.join.call(d.subarray(r * per, (r + 1) * per), ',');
  // the adjacency rows by node features, built on the first gathered batch; null = features with two adjacencies
  let byFeatures: Map<string, Float64Array | null> | null = null;
  const featureIndex = (): Map<string, Float64Array | null> => {
    if (byFeatures !== null) return byFeatures;
    const m = new Map<string, Float64Array | null>();
    for (const { x, adjacency } of graphs) {
      const per = x.data.length / x.shape[0];
      const B = adjacency.data.length / x.shape[0];
      for (let r = 0; r < x.shape[0]; r++) {
        const key = rowKey(x.data, r, per);
        const a = adjacency.data.subarray(r * B, (r + 1) * B);
        const seen = m.get(key);
        if (seen === undefined) m.set(key, a);
        else if (seen !== null && seen.some((v, i) => v !== a[i])) m.set(key, null);
      }
    }
    return (byFeatures = m);
  };
  const rowsOf = (xb: Tensor): Tensor => {
    for (const { x, adjacency } of graphs) {
      const per = x.data.length / x.shape[0];
      const off = (xb.data.byteOffset - x.data.byteOffset) / 8;
      if (xb.data.buffer !== x.data.buffer || off % per !== 0) continue;
      const r0 = off / per;
      const r1 = r0 + xb.shape[0];
      if (r0 < 0 || r1 > x.shape[0]) continue;
      const B = adjacency.data.length / x.shape[0];
      return { shape: [r1 - r0, ...adjacency.shape.slice(1)], data: adjacency.data.subarray(r0 * B, r1 * B) };
    }
    const n = xb.shape[0];
    const per = n === 0 ? 0 : xb.data.length / n;
    const V = xb.shape[1];
    const out = new Float64Array(n * V * V);
    const index = featureIndex();
    for (let r = 0; r < n; r++) {
      const a = index.get(rowKey(xb.data, r, per));
      if (a === null)
        throw new NtkInputError(
          `graphNetwork: row ${r} of the forward input has the node features of two given graphs with different adjacencies`,
        );
      if (a === undefined || a.length !== V * V)
        throw new NtkInputError(
          `graphNetwork: row ${r} of the forward input [${xb.shape.join(', ')}] is none of the graphs the network was given`,
        );
      out.set(a, r * V * V);
    }
    return { shape: [n, V, V], data: out };
  };
  return {
    ...net,
    forward: (params, xf) => withAdjacency(rowsOf(xf as Tensor), () => net.forward(params, xf)),
  };
}
