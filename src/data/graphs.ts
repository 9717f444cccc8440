import { NtkInputError } from '../errors.js';
import type { NpyArray } from '../io/npy.js';
import { readNpy } from '../io/npyFile.js';
import type { GraphBatch } from '../nn/graph/adjacency.js';
import type { Tensor } from '../nn/types.js';

/**
 * Graph data sets as two .npy files, the inputs of graph networks (Aggregate; Du et al. 2019, §4):
 *  - node features, shape (N, V, C): N graphs of V nodes (smaller graphs padded with zero-feature nodes that
 *    have no edges), C features per node;
 *  - adjacency, shape (N, V, V): A[n, i, j] the weight with which node i aggregates node j (self-loops on the
 *    diagonal when a node keeps its own features), any float or integer dtype.
 * Errors name the argument (`names`, e.g. the CLI flags) with the expected and the given shape.
 */
export interface GraphArgumentNames {
  readonly features: string;
  readonly adjacency: string;
}

const DEFAULT_NAMES: GraphArgumentNames = { features: 'features', adjacency: 'adjacency' };

function asFloat64(a: NpyArray, what: string): Tensor {
  const data =
    a.data instanceof Float64Array ? a.data : Float64Array.from(a.data as ArrayLike<number>, Number);
  for (let k = 0; k < data.length; k++)
    if (!Number.isFinite(data[k]))
      throw new NtkInputError(`${what}: entry ${k} is ${data[k]}; entries must be finite`);
  return { shape: [...a.shape], data };
}

/** Graph inputs from parsed arrays: features (N, V, C), adjacency (N, V, V), shapes checked against each other. */
export function graphsFromArrays(
  features: NpyArray,
  adjacency: NpyArray,
  names: GraphArgumentNames = DEFAULT_NAMES,
): GraphBatch {
  const f = features.shape;
  if (f.length !== 3 || f.some((s) => s < 1))
    throw new NtkInputError(
      `${names.features}: node features must have shape (N, V, C) with N, V, C ≥ 1, got (${f.join(', ')})`,
    );
  const [N, V] = f;
  const a = adjacency.shape;
  if (a.length !== 3 || a[0] !== N || a[1] !== V || a[2] !== V)
    throw new NtkInputError(
      `${names.adjacency}: the adjacency must have shape (N, V, V) = (${N}, ${V}, ${V}) for the ${N} graphs of ${V} nodes of ${names.features}, got (${a.join(', ')})`,
    );
  return { x: asFloat64(features, names.features), adjacency: asFloat64(adjacency, names.adjacency) };
}

/** Read a graph data set: node features (N, V, C) and adjacency (N, V, V) .npy files. */
export function loadGraphs(
  featuresPath: string,
  adjacencyPath: string,
  names: GraphArgumentNames = DEFAULT_NAMES,
): GraphBatch {
  return graphsFromArrays(readNpy(featuresPath), readNpy(adjacencyPath), {
    features: `${names.features} ${featuresPath}`,
    adjacency: `${names.adjacency} ${adjacencyPath}`,
  });
}
