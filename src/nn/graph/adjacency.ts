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
 * `net` for tools that run its forward pass on row ranges of known inputs (monteCarloKernel, empiricalNtk, the
 * linearization): each forward call on a row range [r0, r1) of one of `graphs`' x (a subarray view of its data, as
 * those tools pass) binds the adjacency rows [r0, r1); any other input is refused. Everything else is `net`'s own.
 */
export function graphNetwork(net: Layer, graphs: readonly GraphBatch[]): Layer {
  for (const [g, { x, adjacency }] of graphs.entries()) {
    if (x.shape.length !== 3)
      throw new NtkInputError(
        `graphNetwork: graphs[${g}].x must be node features [N, V, C], got [${x.shape.join(', ')}]`,
      );
    checkAdjacency(adjacency, x.shape[0], x.shape[1], `graphNetwork: graphs[${g}].adjacency`);
  }
  const rowsOf = (xb: Tensor): Tensor => {
    for (const { x, adjacency } of graphs) {
      const per = x.data.length / x.shape[0];
      const off = (xb.data.byteOffset - x.data.byteOffset) / 8;
      if (xb.data.buffer !== x.data.buffer || off % per !== 0) continue;
      const r0 = off / per;
      const r1 = r0 + xb.shape[0];
      if (r0 < 0 || r1 > x.shape[0]) continue;
      const V2 = adjacency.data.length / x.shape[0];
      return {
        shape: [r1 - r0, ...adjacency.shape.slice(1)],
        data: adjacency.data.subarray(r0 * V2, r1 * V2),
      };
    }
    throw new NtkInputError(
      `graphNetwork: the forward input [${xb.shape.join(', ')}] is not a row range of the graph inputs the network was given`,
    );
  };
  return {
    ...net,
    forward: (params, xf) => withAdjacency(rowsOf(xf as Tensor), () => net.forward(params, xf)),
  };
}
