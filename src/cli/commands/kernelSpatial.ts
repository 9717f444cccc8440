import { NtkInputError } from '../../errors.js';
import { parseBytes } from '../../memoryLimit.js';
import { readNpy } from '../../io/npyFile.js';
import { loadGraphs } from '../../data/graphs.js';
import { kernelFn } from '../../kernels/kernelFn.js';
import type { GraphBatch } from '../../nn/graph/adjacency.js';
import type { Model } from '../../nn/model.js';
import type { Tensor } from '../../nn/types.js';
import { choice, optionalPositiveInt } from '../args.js';
import { tileProgress } from '../progress.js';
import { writeKernel } from './kernelOutput.js';

/**
 * The spatial branch of `ntk kernel`: inputs .npy of shape (N, H, W, C) (NHWC images) or
 * (N, L, C) (sequences) for models with Conv / AvgPool / GlobalAvgPool / Flatten layers, or node features (N, V, C) with
 * --adjacency (N, V, V) for graph models (Aggregate), e.g.
 *   {"type": "Conv", "channels": 256, "filter": [3, 3], "padding": "SAME", "W_std": 1.4, "b_std": 0.1}.
 * kernel.ts hands over when --x1 has rank > 2. The model's `inputShape` (if given) is checked against
 * (H, W, C): a rank or channel-count mismatch is an error naming both.
 */
export interface SpatialKernelArgs {
  model: string;
  x1: string;
  x2?: string;
  get: string;
  out: string;
  threads?: string;
  tile?: string;
  empirical?: boolean;
  mcWidth?: string;
  memoryLimit?: string;
  adjacency?: string;
  adjacency2?: string;
}

/** Rank of an input .npy (reads the file once more; inputs are small next to their kernels). */
export function npyRank(path: string): number {
  return readNpy(path).shape.length;
}

function readTensor(flag: string, path: string): Tensor {
  const a = readNpy(path);
  const data =
    a.data instanceof Float64Array ? a.data : Float64Array.from(a.data as ArrayLike<number>, Number);
  for (let k = 0; k < data.length; k++)
    if (!Number.isFinite(data[k]))
      throw new NtkInputError(`${flag} ${path}: entry ${k} is ${data[k]}; inputs must be finite`);
  return { shape: a.shape, data };
}

/** Graph inputs: --x1 / --x2 node features with --adjacency / --adjacency2 (src/data/graphs.ts), or null. */
function graphInputs(o: SpatialKernelArgs): { g1: GraphBatch; g2: GraphBatch | null } | null {
  if (o.adjacency === undefined) {
    if (o.adjacency2 !== undefined)
      throw new NtkInputError('--adjacency2 is given without --adjacency (the adjacencies of --x1)');
    return null;
  }
  if ((o.x2 === undefined) !== (o.adjacency2 === undefined))
    throw new NtkInputError(
      o.x2 === undefined
        ? '--adjacency2 is given without --x2 (it holds the adjacencies of --x2)'
        : `--x2 ${o.x2} needs --adjacency2: the adjacencies (N2, V, V) of its graphs`,
    );
  const g1 = loadGraphs(o.x1, o.adjacency, { features: '--x1', adjacency: '--adjacency' });
  const g2 =
    o.x2 === undefined
      ? null
      : loadGraphs(o.x2, o.adjacency2!, { features: '--x2', adjacency: '--adjacency2' });
  return { g1, g2 };
}

export async function spatialKernelCommand(o: SpatialKernelArgs, model: Model): Promise<void> {
  if (o.empirical || o.mcWidth !== undefined)
    throw new RangeError(
      'ntk kernel: --empirical / --mc-width are not available for spatial (N, H, W, C) inputs yet; use the library (empiricalNtk, monteCarloKernel)',
    );
  const graphs = graphInputs(o);
  const x1 = graphs?.g1.x ?? readTensor('--x1', o.x1);
  const x2 = graphs?.g2?.x ?? (o.x2 === undefined ? null : readTensor('--x2', o.x2));
  const feat = x1.shape.slice(1);
  if (x2 !== null && (x2.shape.length !== x1.shape.length || x2.shape.slice(1).some((s, i) => s !== feat[i])))
    throw new NtkInputError(
      `--x2 ${o.x2} has shape (${x2.shape.join(', ')}) but --x1 ${o.x1} has (${x1.shape.join(', ')}); the feature shapes must agree`,
    );
  const want = model.inputShape;
  if (want !== null && (want.length !== feat.length || want.some((s, i) => s !== feat[i]))) {
    const what =
      want.length !== feat.length
        ? `rank ${feat.length + 1} inputs but the model expects rank ${want.length + 1}`
        : want[want.length - 1] !== feat[feat.length - 1]
          ? `${feat[feat.length - 1]} channels but the model expects ${want[want.length - 1]}`
          : 'a different spatial size';
    throw new NtkInputError(
      `--x1 ${o.x1} of shape (${x1.shape.join(', ')}) has ${what}: model '${o.model}' has inputShape [${want.join(', ')}]`,
    );
  }
  // progress bar on a terminal: tiles of input pairs (each tile is t² pairs through every layer)
  const progress = await tileProgress(true);
  const onProgress = progress.onProgress;
  const r = kernelFn(model.net, x1, x2, {
    get: choice('--get', o.get, ['nngp', 'ntk'] as const),
    threads: optionalPositiveInt('--threads', o.threads),
    tileSize: optionalPositiveInt('--tile', o.tile),
    memoryLimitBytes: o.memoryLimit !== undefined ? parseBytes('--memory-limit', o.memoryLimit) : undefined,
    onProgress,
    ...(graphs === null ? {} : { pattern: { x1: graphs.g1.adjacency, x2: graphs.g2?.adjacency } }),
  });
  progress.stop();
  const K = o.get === 'nngp' ? r.nngp! : r.ntk!;
  writeKernel(o.out, o.get, K);
}
