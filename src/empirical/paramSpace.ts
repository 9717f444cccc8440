import { NtkInputError } from '../errors.js';
import type { BlockOperator } from '../linalg/lanczos.js';
import { Matrix } from '../linalg/matrix.js';
import { syrkInto } from '../linalg/unchecked.js';
import { flattenParams, unflattenParams } from '../nn/params.js';
import type { Layer, Params, Tensor } from '../nn/types.js';
import { jacobianRows } from './blocks.js';
import { asBatch, collectFeatures } from './features.js';
import { Linearization } from './linearization.js';
import { paramLeaves, totalParams } from './paramLeaves.js';

/**
 * The parameter-space view of a finite network (seed 003, Yarotsky: "NTK = JJᵀ vs Hessian ≈ JᵀJ near a
 * minimum"). J = ∂f(x)/∂θ is N·O × P with rows ordered (n, o) and columns in `flattenParams` order.
 * The empirical NTK (full) is J Jᵀ; the Gauss–Newton matrix of the MSE loss L = (1/2N)·Σ‖f(x_n) − y_n‖²
 * (docs/conventions.md §1) is Jᵀ J / N, and ∇²L = Jᵀ J / N + (1/N)·Σ_{n,o} r_{n,o}·∇²f_o(x_n), r = f − y.
 */

/** J explicitly (N·O × P): for small P. Built from each layer's per-example gradient rule. */
export function parameterJacobian(net: Layer, params: Params, x: Matrix | Tensor): Matrix {
  const X = asBatch('x', x);
  const leaves = paramLeaves(net, params);
  const P = totalParams(leaves);
  const f = collectFeatures(net, params, leaves, X, Math.min(X.shape[0], 1024));
  const N = f.n;
  const O = f.outputs;
  const J = new Matrix(N * O, P);
  for (const lf of f.leaves) {
    for (let o = 0; o < O; o++) {
      const rows = jacobianRows(lf, o, 0, N);
      const c = lf.leaf.count;
      for (let n = 0; n < N; n++)
        J.data.set(rows.data.subarray(n * c, (n + 1) * c), (n * O + o) * P + lf.leaf.offset);
    }
  }
  return J;
}

/** JᵀJ (P × P) explicitly, by a symmetric rank-k update on J. */
export function jtjMatrix(net: Layer, params: Params, x: Matrix | Tensor): Matrix {
  const J = parameterJacobian(net, params, x);
  const G = new Matrix(J.cols, J.cols);
  syrkInto(true, 1, J, 0, G);
  return G;
}

/** The operator u ↦ Jᵀ(J u) on ℝᴾ (a JVP then a VJP), never forming J; block form for `lanczos`. */
export function jtjOperator(net: Layer, params: Params, x: Matrix | Tensor): BlockOperator {
  const lin = new Linearization(net, params, asBatch('x', x));
  const P = lin.paramCount;
  return {
    n: P,
    apply(V: Matrix, out: Matrix): void {
      if (V.rows !== P || out.rows !== P || out.cols !== V.cols) {
        throw new Error(
          `JᵀJ operator: expected V and out of shape ${P}×b, got ${V.rows}×${V.cols} and ${out.rows}×${out.cols}`,
        );
      }
      const b = V.cols;
      const u = new Float64Array(P);
      for (let k = 0; k < b; k++) {
        for (let i = 0; i < P; i++) u[i] = V.data[i * b + k];
        const r = lin.vjp(lin.jvp(u));
        for (let i = 0; i < P; i++) out.data[i * b + k] = r[i];
      }
    },
  };
}

function targets(y: Matrix | Float64Array, N: number, O: number): Float64Array {
  const data = y instanceof Matrix ? y.data : y;
  if (!(data instanceof Float64Array) || data.length !== N * O) {
    throw new NtkInputError(
      `y: expected ${N}×${O} targets (N·O = ${N * O} values), got ${data?.length ?? 'none'}`,
    );
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new NtkInputError(`y: non-finite target ${data[i]} at index ${i}`);
  }
  return data;
}

/** L = (1/2N)·Σ‖f(x_n) − y_n‖² and ∇L = (1/N)·Jᵀ(f − y) (flattenParams order). */
export function mseLossAndGradient(
  net: Layer,
  params: Params,
  x: Matrix | Tensor,
  y: Matrix | Float64Array,
): { loss: number; gradient: Float64Array } {
  const lin = new Linearization(net, params, asBatch('x', x));
  const t = targets(y, lin.n, lin.outputs);
  const r = new Float64Array(t.length);
  let s = 0;
  for (let i = 0; i < r.length; i++) {
    r[i] = lin.f[i] - t[i];
    s += r[i] * r[i];
  }
  const g = lin.vjp(r);
  for (let i = 0; i < g.length; i++) g[i] /= lin.n;
  return { loss: s / (2 * lin.n), gradient: g };
}

/** Options of the Hessian-vector products (`mseHessianVectorProduct`, `mseHessian`, `mseHessianOperator`). */
export interface HvpOptions {
  /** Step h of the central difference along v/‖v‖∞ (default 1e-3·max(1, ‖θ‖∞)). */
  step?: number;
}

/**
 * Hessian-vector product of the MSE loss, ∇²L·v, by central differences of exact gradients with one
 * Richardson step. The layer contract has first-order rules only (VJP, JVP), so forward-over-backward
 * is not available; instead, with D(h) = [∇L(θ + h·u) − ∇L(θ − h·u)]/(2h), u = v/‖v‖∞,
 *   D(h) = ∇²L·u + (h²/6)·∇³L[u, u] + O(h⁴),   R(h) = (4·D(h/2) − D(h))/3 = ∇²L·u + O(h⁴),
 * plus rounding ≈ ε_mach·‖∇L‖/h. The result is R(h/2)·‖v‖∞; `errorEstimate` = ‖R(h/2) − R(h)‖∞·‖v‖∞,
 * which is ≈ 15× the O(h⁴) error of R(h/2) (a conservative estimate). Six gradient evaluations.
 * Valid where L is smooth along [θ − h·u, θ + h·u] (for ReLU nets: no unit's pre-activation may change
 * sign within the step — use smooth activations or a small step).
 */
export function mseHessianVectorProduct(
  net: Layer,
  params: Params,
  x: Matrix | Tensor,
  y: Matrix | Float64Array,
  v: Float64Array,
  opts: HvpOptions = {},
): { hv: Float64Array; errorEstimate: number } {
  const theta = flattenParams(params);
  const P = theta.length;
  if (!(v instanceof Float64Array) || v.length !== P) {
    throw new NtkInputError(`v: expected a Float64Array of length P = ${P}, got ${v?.length ?? 'none'}`);
  }
  let vmax = 0;
  let tmax = 0;
  for (let i = 0; i < P; i++) {
    if (!Number.isFinite(v[i])) throw new NtkInputError(`v: non-finite value ${v[i]} at index ${i}`);
    vmax = Math.max(vmax, Math.abs(v[i]));
    tmax = Math.max(tmax, Math.abs(theta[i]));
  }
  if (vmax === 0) return { hv: new Float64Array(P), errorEstimate: 0 };
  const h = opts.step ?? 1e-3 * Math.max(1, tmax);
  if (!(h > 0) || !Number.isFinite(h))
    throw new NtkInputError(`step: expected a positive finite number, got ${h}`);
  const X = asBatch('x', x);
  const grad = (s: number): Float64Array => {
    const th = new Float64Array(P);
    for (let i = 0; i < P; i++) th[i] = theta[i] + (s * v[i]) / vmax;
    return mseLossAndGradient(net, unflattenParams(params, th), X, y).gradient;
  };
  const D = (step: number): Float64Array => {
    const gp = grad(step);
    const gm = grad(-step);
    const d = new Float64Array(P);
    for (let i = 0; i < P; i++) d[i] = (gp[i] - gm[i]) / (2 * step);
    return d;
  };
  const d1 = D(h);
  const d2 = D(h / 2);
  const d4 = D(h / 4);
  const hv = new Float64Array(P);
  let err = 0;
  for (let i = 0; i < P; i++) {
    const r1 = (4 * d2[i] - d1[i]) / 3;
    const r2 = (4 * d4[i] - d2[i]) / 3;
    err = Math.max(err, Math.abs(r2 - r1));
    hv[i] = r2 * vmax;
  }
  return { hv, errorEstimate: err * vmax };
}

/** The P × P Hessian of the MSE loss by P Hessian-vector products (symmetrized), for small P. */
export function mseHessian(
  net: Layer,
  params: Params,
  x: Matrix | Tensor,
  y: Matrix | Float64Array,
  opts: HvpOptions = {},
): { hessian: Matrix; errorEstimate: number } {
  const P = flattenParams(params).length;
  const H = new Matrix(P, P);
  let err = 0;
  const e = new Float64Array(P);
  for (let j = 0; j < P; j++) {
    e.fill(0);
    e[j] = 1;
    const { hv, errorEstimate } = mseHessianVectorProduct(net, params, x, y, e, opts);
    for (let i = 0; i < P; i++) H.data[i * P + j] = hv[i];
    err = Math.max(err, errorEstimate);
  }
  for (let i = 0; i < P; i++) {
    for (let j = i + 1; j < P; j++) {
      const s = 0.5 * (H.data[i * P + j] + H.data[j * P + i]);
      H.data[i * P + j] = s;
      H.data[j * P + i] = s;
    }
  }
  return { hessian: H, errorEstimate: err };
}

/**
 * The MSE-loss Hessian as an implicit symmetric operator on ℝᴾ (each column one `mseHessianVectorProduct`,
 * six gradient evaluations), for `lanczos` when P is too large for `mseHessian`. `maxErrorEstimate` is the
 * largest error estimate of the products applied so far.
 */
export function mseHessianOperator(
  net: Layer,
  params: Params,
  x: Matrix | Tensor,
  y: Matrix | Float64Array,
  opts: HvpOptions = {},
): {
  n: number;
  /** out ← ∇²L·V, column by column. */
  apply(V: Matrix, out: Matrix): void;
  readonly maxErrorEstimate: number;
} {
  const P = flattenParams(params).length;
  const X = asBatch('x', x);
  let maxErr = 0;
  return {
    n: P,
    get maxErrorEstimate() {
      return maxErr;
    },
    apply(V: Matrix, out: Matrix): void {
      if (V.rows !== P || out.rows !== P || out.cols !== V.cols) {
        throw new Error(
          `Hessian operator: expected V and out of shape ${P}×b, got ${V.rows}×${V.cols} and ${out.rows}×${out.cols}`,
        );
      }
      const b = V.cols;
      const v = new Float64Array(P);
      for (let k = 0; k < b; k++) {
        for (let i = 0; i < P; i++) v[i] = V.data[i * b + k];
        const { hv, errorEstimate } = mseHessianVectorProduct(net, params, X, y, v, opts);
        maxErr = Math.max(maxErr, errorEstimate);
        for (let i = 0; i < P; i++) out.data[i * b + k] = hv[i];
      }
    },
  };
}
