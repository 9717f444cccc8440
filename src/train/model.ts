import type { Matrix } from '../linalg/matrix.js';
import { empiricalNtk } from '../empirical/empiricalNtk.js';
import { ntkOperator } from '../empirical/ntkOperator.js';
import type { BlockOperator } from '../linalg/lanczos.js';
import { Linearization } from '../empirical/linearization.js';
import { fusedNetwork } from './fusedNetwork.js';
import { flattenParams, paramCount, unflattenParams } from '../nn/params.js';
import type { Layer, Params, Tensor } from '../nn/types.js';

/**
 * What the trainer optimizes: a map θ ↦ f(θ, x) with outputs N×O and its vector–Jacobian product,
 * plus the tangent kernel that governs its dynamics (for NTK snapshots). Three models:
 *
 *  - network:     f(θ, x), the finite network itself;
 *  - linearized:  f_lin(θ, x) = f(θ₀, x) + J₀(x)·(θ − θ₀) (Lee et al. 2019, eq. 5; seed 003 "lazy training"),
 *                 by forward-mode JVPs at θ₀ — J₀ is never formed;
 *  - alpha:       g(θ, x) = α·(f(θ, x) − f(θ₀, x)) trained on L_α(θ) = (1/α²)·L(g) (Chizat & Bach, seed 003),
 *                 of any base model. ∇θL_α = (1/α)·Jᵀ·∂L/∂g, so `vjp` of this model already carries 1/α;
 *                 its dynamics kernel is the base model's Θ (g's own tangent kernel α²Θ times 1/α²);
 *  - taylor:      the second-order expansion f + JΔ + ½ΔᵀHΔ (taylor.ts).
 */
export interface Evaluation {
  /** Outputs, N×O row-major. */
  readonly f: Float64Array;
  readonly outputs: number;
  /** The θ-gradient of ⟨c, f⟩ (times 1/α² for the α-model's objective). */
  vjp(c: Float64Array): Float64Array;
  /**
   * Optional: the caller is done with this evaluation (`f` stays valid; `vjp` may not be called again), so
   * a model that keeps buffers between steps can reuse them without copying θ.
   */
  release?(): void;
}

/** What the trainer optimizes: θ ↦ f(θ, x) with its VJP, and the tangent kernel of its dynamics. */
export interface TrainModel {
  readonly kind: 'network' | 'linearized' | 'alpha' | 'taylor';
  readonly net: Layer;
  /** The parameter tree at θ₀ (its shape is the template for unflattenParams). */
  readonly params0: Params;
  readonly theta0: Float64Array;
  /** Outputs f(θ, x) and the VJP at θ. */
  evaluate(theta: Float64Array, x: Tensor): Evaluation;
  /** The tangent kernel that drives the dynamics on x at θ, traced over outputs (empiricalNtk). */
  ntk(theta: Float64Array, x: Tensor): Matrix;
  /** The same kernel as an implicit operator V ↦ Θ·V (for top-k eigenpairs by Lanczos without forming Θ). */
  ntkOperator(theta: Float64Array, x: Tensor): BlockOperator;
}

function outputsOf(y: Tensor, where: string): number {
  if (y.shape.length !== 2)
    throw new Error(`${where}: the network must output a [N, O] tensor, got shape [${y.shape.join(', ')}]`);
  return y.shape[1];
}

/** The finite network f(θ, x) itself, from θ₀ = params0. */
export function networkModel(net: Layer, params0: Params): TrainModel {
  const theta0 = flattenParams(params0);
  // Dense/activation chains take the fused step (the same numbers, less memory traffic); others the per-layer route.
  const fused = fusedNetwork(net, params0);
  return {
    kind: 'network',
    net,
    params0,
    theta0,
    evaluate(theta, x) {
      if (
        fused !== null &&
        x.shape.length === 2 &&
        x.shape[1] === fused.inputs &&
        theta.length === theta0.length
      )
        return fused.evaluate(theta, x);
      const params = unflattenParams(params0, theta);
      const { y, cache } = net.forward(params, x);
      if (Array.isArray(y))
        throw new Error('train: the network ends in a list of tensors; add a FanIn layer');
      const out = y as Tensor;
      const outputs = outputsOf(out, 'train');
      return {
        f: out.data,
        outputs,
        vjp: (c) => flattenParams(net.backward(params, cache, { shape: out.shape, data: c.slice() }).gparams),
      };
    },
    ntk(theta, x) {
      return empiricalNtk(net, unflattenParams(params0, theta), x);
    },
    ntkOperator(theta, x) {
      return ntkOperator(net, unflattenParams(params0, theta), x);
    },
  };
}

/** The linearized network f_lin(θ, x) = f(θ₀, x) + J₀(x)·(θ − θ₀) (Lee et al. 2019, eq. 5), by JVPs at θ₀; J₀ is never formed. */
export function linearizedModel(net: Layer, params0: Params): TrainModel {
  const theta0 = flattenParams(params0);
  if (paramCount(params0) === 0) throw new Error('linearizedModel: the network has no parameters');
  const lins = new WeakMap<Tensor, Linearization>();
  const kernels = new WeakMap<Tensor, Matrix>();
  const linOf = (x: Tensor): Linearization => {
    let l = lins.get(x);
    if (!l) {
      l = new Linearization(net, params0, x, x.shape[0]);
      lins.set(x, l);
    }
    return l;
  };
  const dtheta = new Float64Array(theta0.length);
  return {
    kind: 'linearized',
    net,
    params0,
    theta0,
    evaluate(theta, x) {
      const lin = linOf(x);
      for (let i = 0; i < dtheta.length; i++) dtheta[i] = theta[i] - theta0[i];
      const jt = lin.jvp(dtheta);
      const f = new Float64Array(lin.f.length);
      for (let i = 0; i < f.length; i++) f[i] = lin.f[i] + jt[i];
      return { f, outputs: lin.outputs, vjp: (c) => lin.vjp(c) };
    },
    ntk(_theta, x) {
      let k = kernels.get(x);
      if (!k) {
        k = empiricalNtk(net, params0, x);
        kernels.set(x, k);
      }
      return k;
    },
    ntkOperator(_theta, x) {
      return ntkOperator(net, params0, x);
    },
  };
}

/** g(θ, x) = α·(f(θ, x) − f(θ₀, x)) trained on L_α = (1/α²)·L(g) (Chizat & Bach 2019, lazy training); its dynamics kernel is the base model’s Θ. */
export function alphaScaledModel(base: TrainModel, alpha: number): TrainModel {
  if (!Number.isFinite(alpha) || alpha <= 0)
    throw new RangeError(`alphaScaledModel: alpha must be a finite number > 0, got ${alpha}`);
  const centre = new WeakMap<Tensor, Float64Array>();
  const f0Of = (x: Tensor): Float64Array => {
    let f0 = centre.get(x);
    if (!f0) {
      const e0 = base.evaluate(base.theta0, x);
      f0 = e0.f.slice();
      e0.release?.();
      centre.set(x, f0);
    }
    return f0;
  };
  return {
    kind: 'alpha',
    net: base.net,
    params0: base.params0,
    theta0: base.theta0,
    evaluate(theta, x) {
      const f0 = f0Of(x);
      const e = base.evaluate(theta, x);
      const f = new Float64Array(e.f.length);
      for (let i = 0; i < f.length; i++) f[i] = alpha * (e.f[i] - f0[i]);
      return {
        f,
        outputs: e.outputs,
        release: () => e.release?.(),
        vjp: (c) => {
          const g = e.vjp(c);
          for (let i = 0; i < g.length; i++) g[i] /= alpha;
          return g;
        },
      };
    },
    ntk: (theta, x) => base.ntk(theta, x),
    ntkOperator: (theta, x) => base.ntkOperator(theta, x),
  };
}
