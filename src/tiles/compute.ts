import { empiricalNtk } from '../empirical/empiricalNtk.js';
import { outputsOf, singleOutput } from '../empirical/features.js';
import { NtkInputError, NtkNumericalError } from '../errors.js';
import { readNpy } from '../io/npyFile.js';
import { readParamsDir } from '../io/paramsDir.js';
import { kernelFn } from '../kernels/kernelFn.js';
import { Matrix } from '../linalg/matrix.js';
import { matmul } from '../linalg/blas.js';
import { loadModel, type Model } from '../nn/model.js';
import type { Params, Tensor } from '../nn/types.js';
import { PRNGKey } from '../random/keys.js';
import type { Tile } from './grid.js';
import type { TilePlan } from './plan.js';

/** What every tile of a plan shares: the model, the inputs and (empirical) the parameters, read once. */
export interface TileContext {
  readonly plan: TilePlan;
  readonly model: Model;
  readonly x1: Tensor;
  readonly x2: Tensor;
  readonly params: Params | null;
}

function readInput(flag: string, path: string): Tensor {
  const a = readNpy(path);
  const data =
    a.data instanceof Float64Array ? a.data : Float64Array.from(a.data as ArrayLike<number>, Number);
  for (let k = 0; k < data.length; k++)
    if (!Number.isFinite(data[k]))
      throw new NtkInputError(`${flag} '${path}': entry ${k} is ${data[k]}; inputs must be finite`);
  return { shape: [...a.shape], data };
}

export function tileContext(plan: TilePlan): TileContext {
  const model = loadModel(plan.model.path);
  const x1 = readInput('--x1', plan.x1.path);
  const x2 = plan.x2 ? readInput('--x2', plan.x2.path) : x1;
  const feat = x1.shape.slice(1);
  if (model.inputShape !== null && model.inputShape.join(',') !== feat.join(','))
    throw new NtkInputError(
      `the inputs '${plan.x1.path}' have features (${feat.join(', ')}) but the model '${plan.model.path}' expects inputShape [${model.inputShape.join(', ')}]`,
    );
  let params: Params | null = null;
  if (plan.method === 'empirical') {
    if (feat.length !== 1)
      throw new NtkInputError(
        `empirical tile plans take inputs of shape (N, d), got (${x1.shape.join(', ')})`,
      );
    params = plan.params
      ? readParamsDir(plan.params.path, model.net, feat)
      : model.net.init(PRNGKey(plan.seed!), feat);
  }
  return { plan, model, x1, x2, params };
}

/** Rows [r0, r1) of a batch tensor, as a view. */
function rows(t: Tensor, r0: number, r1: number): Tensor {
  const per = t.shape[0] === 0 ? 0 : t.data.length / t.shape[0];
  return { shape: [r1 - r0, ...t.shape.slice(1)], data: t.data.subarray(r0 * per, r1 * per) };
}

const asMatrix = (t: Tensor): Matrix => new Matrix(t.shape[0], t.shape[1], t.data);

/**
 * The kernel block K[r0:r1, c0:c1] of the plan. A diagonal tile of a symmetric plan is computed as the
 * symmetric kernel of its rows (as the whole kernel computes it: each pair once, Σ⁰(x, x) exact), an
 * off-diagonal one as the kernel between its row and column inputs.
 */
export function computeTile(ctx: TileContext, t: Tile, threads?: number): Matrix {
  const { plan, model } = ctx;
  const a = rows(ctx.x1, t.r0, t.r1);
  const diagonal = plan.symmetric && t.r0 === t.c0;
  const b = diagonal ? null : rows(ctx.x2, t.c0, t.c1);
  let K: Matrix;
  if (plan.method === 'analytic') {
    const r = kernelFn(model.net, a, b, { get: plan.get, threads });
    K = plan.get === 'ntk' ? r.ntk! : r.nngp!;
  } else if (plan.get === 'ntk') {
    K = empiricalNtk(model.net, ctx.params!, asMatrix(a), b === null ? null : asMatrix(b));
  } else {
    // empirical NNGP of one network (neural-tangents' empirical_nngp_fn): f(x1)·f(x2)ᵀ / O
    const f1 = singleOutput(model.net.forward(ctx.params!, a).y, 'tile');
    const f2 = b === null ? f1 : singleOutput(model.net.forward(ctx.params!, b).y, 'tile');
    const O = outputsOf(f1);
    K = matmul(new Matrix(a.shape[0], O, f1.data), new Matrix(f2.shape[0], O, f2.data), {
      transB: true,
      alpha: 1 / O,
    });
  }
  for (let k = 0; k < K.data.length; k++)
    if (!Number.isFinite(K.data[k]))
      throw new NtkNumericalError(
        `tile ${t.index}: kernel entry (${t.r0 + Math.floor(k / K.cols)}, ${t.c0 + (k % K.cols)}) is ${K.data[k]}`,
      );
  return K;
}
