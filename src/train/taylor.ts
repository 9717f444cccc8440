import { Matrix, matmul } from '../linalg/index.js';
import { NtkInputError } from '../errors.js';
import { Linearization } from '../empirical/linearization.js';
import { flattenParams, paramCount, unflattenParams } from '../nn/params.js';
import type { Layer, Params, Tensor } from '../nn/types.js';
import { linearizedModel, type Evaluation, type TrainModel } from './model.js';

/**
 * The Taylor expansion of a network in its parameters around θ₀, to first or second order, as
 * neural-tangents' `taylor_expand(f, params, degree)`: order 1 is the linearized network (Lee et al. 2019,
 * eq. 5), order 2 the quadratic model of Bai & Lee 2020 ("Beyond linearization: on quadratic and
 * higher-order approximation of wide neural networks"):
 *
 *   order 1:  f(θ₀ + Δ) ≈ f + J·Δ                  (linearizedModel)
 *   order 2:  f(θ₀ + Δ) ≈ f + J·Δ + ½·ΔᵀH·Δ,  H = ∂²f/∂θ² per output, at θ₀.
 *
 * The layer contract has first-order rules only (VJP, JVP), so the second-order term is the second
 * directional derivative g″(0) of g(ε) = f(θ₀ + ε·u), u = Δ/‖Δ‖∞, by a central difference of exact JVPs
 * (Linearization at θ₀ ± h·u), ½ΔᵀHΔ = ½‖Δ‖∞²·g″(0), with one Richardson step:
 *
 *   D(h) = [J(θ₀ + h·u)·u − J(θ₀ − h·u)·u]/(2h) = g″(0) + (h²/6)·g⁗(0) + O(h⁴),
 *   R(h) = (4·D(h/2) − D(h))/3 = g″(0) + O(h⁴);   the result is R(h/2),
 *
 * plus rounding ≈ ε_mach·‖J·u‖/h. `errorEstimate` = ½‖Δ‖∞²·max|R(h/2) − R(h)| (≈ 15× the O(h⁴) error of
 * R(h/2): conservative). The gradient of the model is exact in the same sense: ∇θ⟨c, f₂⟩ = Jᵀc + Σ cₙₒ·Hₙₒ·Δ,
 * whose second term is d/dε [J(θ₀ + ε·u)ᵀc]·‖Δ‖∞ by the same differences of VJPs at the same points.
 * For a function quadratic in θ (a deep linear network) D(h) is exact for every h, so the model reproduces
 * the function to round-off. Valid where f is smooth along [θ₀ − h·u, θ₀ + h·u]: for ReLU networks no unit's
 * pre-activation may change sign within the step — use smooth activations or a small `step`.
 * Each evaluation at θ ≠ θ₀ costs six forward passes and JVPs; its tangent kernel (ntk) N·O gradients.
 */

export interface TaylorOptions {
  /** Step h of the central differences along u = Δ/‖Δ‖∞ (default 1e-3·max(1, ‖θ₀‖∞)). */
  readonly step?: number;
}

export interface TaylorEvaluation extends Evaluation {
  /** Estimated error of the second-order term, max over outputs (0 at first order or at θ = θ₀). */
  readonly errorEstimate: number;
}

export interface TaylorModel extends TrainModel {
  readonly order: 1 | 2;
  evaluate(theta: Float64Array, x: Tensor): TaylorEvaluation;
}

/** f's Taylor model of `order` 1 or 2 at params; see the file comment. */
export function taylorExpand(
  net: Layer,
  params: Params,
  order: 1 | 2,
  opts: TaylorOptions = {},
): TaylorModel {
  if (order !== 1 && order !== 2)
    throw new NtkInputError(`taylorExpand: order must be 1 or 2, got ${String(order)}`);
  if (paramCount(params) === 0) throw new NtkInputError('taylorExpand: the network has no parameters');
  const theta0 = flattenParams(params);
  let tmax = 0;
  for (const v of theta0) tmax = Math.max(tmax, Math.abs(v));
  const h = opts.step ?? 1e-3 * Math.max(1, tmax);
  if (typeof h !== 'number' || !(h > 0) || !Number.isFinite(h))
    throw new NtkInputError(`taylorExpand: step must be a finite number > 0, got ${String(h)}`);
  if (order === 1) {
    const lin = linearizedModel(net, params);
    return {
      ...lin,
      order: 1,
      evaluate: (theta, x) => ({ ...lin.evaluate(theta, x), errorEstimate: 0 }),
    };
  }

  const P = theta0.length;
  const lins = new WeakMap<Tensor, Linearization>();
  const linAt0 = (x: Tensor): Linearization => {
    let l = lins.get(x);
    if (!l) {
      l = new Linearization(net, params, x, x.shape[0]);
      lins.set(x, l);
    }
    return l;
  };
  const linAt = (u: Float64Array, s: number, x: Tensor): Linearization => {
    const th = new Float64Array(P);
    for (let i = 0; i < P; i++) th[i] = theta0[i] + s * u[i];
    return new Linearization(net, unflattenParams(params, th), x, x.shape[0]);
  };

  const evaluate = (theta: Float64Array, x: Tensor): TaylorEvaluation => {
    if (!(theta instanceof Float64Array) || theta.length !== P)
      throw new NtkInputError(
        `taylorExpand: theta must be a Float64Array of length P = ${P}, got ${theta?.length}`,
      );
    const lin0 = linAt0(x);
    const delta = new Float64Array(P);
    let dmax = 0;
    for (let i = 0; i < P; i++) {
      delta[i] = theta[i] - theta0[i];
      dmax = Math.max(dmax, Math.abs(delta[i]));
    }
    const f = lin0.f.slice();
    if (dmax === 0) return { f, outputs: lin0.outputs, vjp: (c) => lin0.vjp(c), errorEstimate: 0 };
    const jd = lin0.jvp(delta);
    const u = delta.map((v) => v / dmax);
    // Linearizations at θ₀ ± s·u for s = h, h/2, h/4.
    const pts = [h, h / 2, h / 4].map((s) => ({ s, plus: linAt(u, s, x), minus: linAt(u, -s, x) }));
    const D = pts.map(({ s, plus, minus }) => {
      const jp = plus.jvp(u);
      const jm = minus.jvp(u);
      return jp.map((v, i) => (v - jm[i]) / (2 * s));
    });
    let err = 0;
    for (let i = 0; i < f.length; i++) {
      const r1 = (4 * D[1][i] - D[0][i]) / 3;
      const r2 = (4 * D[2][i] - D[1][i]) / 3;
      err = Math.max(err, Math.abs(r2 - r1));
      f[i] += jd[i] + 0.5 * dmax * dmax * r2;
    }
    const vjp = (c: Float64Array): Float64Array => {
      const g = lin0.vjp(c);
      const V = pts.map(({ s, plus, minus }) => {
        const gp = plus.vjp(c);
        const gm = minus.vjp(c);
        return gp.map((v, i) => (v - gm[i]) / (2 * s));
      });
      for (let i = 0; i < P; i++) g[i] += dmax * ((4 * V[2][i] - V[1][i]) / 3);
      return g;
    };
    return { f, outputs: lin0.outputs, vjp, errorEstimate: 0.5 * dmax * dmax * err };
  };

  // The model's own tangent kernel at θ, traced over outputs (mean, as empiricalNtk): Θ = (1/O)·Σₒ JₒJₒᵀ
  // with the rows of J_T(θ) = ∂f₂/∂θ formed by N·O gradients.
  const ntk = (theta: Float64Array, x: Tensor): Matrix => {
    const e = evaluate(theta, x);
    const O = e.outputs;
    const n = e.f.length / O;
    const K = new Matrix(n, n);
    const c = new Float64Array(n * O);
    for (let o = 0; o < O; o++) {
      const J = new Matrix(n, P);
      for (let r = 0; r < n; r++) {
        c.fill(0);
        c[r * O + o] = 1;
        J.data.set(e.vjp(c), r * P);
      }
      const G = matmul(J, J, { transB: true });
      for (let i = 0; i < K.data.length; i++) K.data[i] += G.data[i] / O;
    }
    return K;
  };

  return {
    kind: 'taylor',
    order: 2,
    net,
    params0: params,
    theta0,
    evaluate,
    ntk,
    ntkOperator(theta, x) {
      const K = ntk(theta, x);
      return { n: K.rows, apply: (V, out) => out.data.set(matmul(K, V).data) };
    },
  };
}
