import { Matrix } from '../linalg/matrix.js';
import { Linearization } from './linearization.js';

/**
 * NTK-vector products (neural-tangents' `ntk_vector_products` implementation): Θ v = J (Jᵀ v), a VJP
 * (backward with cotangent v) followed by a JVP (forward mode with the resulting parameter tangent).
 * Neither the N×N kernel nor the N×P Jacobian is formed; memory is the forward caches plus O(P).
 */

/** A symmetric linear operator on ℝⁿ in the block form `lanczos` (src/linalg/lanczos.ts) accepts. */
export interface NtkOperator {
  readonly n: number;
  /** out ← Θ·V for V of shape n×b (column by column). */
  apply(V: Matrix, out: Matrix): void;
  /** Number of single-vector products applied so far. */
  readonly matvecs: number;
}

function checkBlock(n: number, V: Matrix, out: Matrix): void {
  if (V.rows !== n || out.rows !== n || out.cols !== V.cols) {
    throw new Error(
      `NTK operator: expected V and out of shape ${n}×b, got ${V.rows}×${V.cols} and ${out.rows}×${out.cols}`,
    );
  }
}

/** Θ v for one vector v (length N traced, N·O full) on a linearization. */
function ntkTimes(lin: Linearization, v: Float64Array, trace: boolean): Float64Array {
  const O = lin.outputs;
  if (!trace || O === 1) return lin.jvp(lin.vjp(v));
  // Traced: Θ v = (1/O)·Σ_o J_o (J_oᵀ v), with the cotangent v placed in output column o.
  const N = lin.n;
  const res = new Float64Array(N);
  const cot = new Float64Array(N * O);
  for (let o = 0; o < O; o++) {
    cot.fill(0);
    for (let i = 0; i < N; i++) cot[i * O + o] = v[i];
    const t = lin.jvp(lin.vjp(cot));
    for (let i = 0; i < N; i++) res[i] += t[i * O + o] / O;
  }
  return res;
}

/** The empirical NTK on the linearization's batch x as an implicit operator v ↦ Θ(x, x)·v = J(Jᵀv). */
export function ntkOperatorOf(lin: Linearization, trace = true): NtkOperator {
  const n = trace ? lin.n : lin.n * lin.outputs;
  let matvecs = 0;
  return {
    n,
    get matvecs() {
      return matvecs;
    },
    apply(V: Matrix, out: Matrix): void {
      checkBlock(n, V, out);
      const b = V.cols;
      const v = new Float64Array(n);
      for (let k = 0; k < b; k++) {
        for (let i = 0; i < n; i++) v[i] = V.data[i * b + k];
        const r = ntkTimes(lin, v, trace);
        for (let i = 0; i < n; i++) out.data[i * b + k] = r[i];
        matvecs++;
      }
    },
  };
}

/**
 * The kernel Θ(x1, x2) column by column: column (m, o') is J1·(J2ᵀ e_(m,o')) — one backward pass on the
 * batch of x2 holding m and one forward-mode pass over x1. Cost O(N2·O·(N1 + B)·P): for checks and
 * small N; `empiricalNtk` picks it only when asked.
 */
export function ntvpKernel(
  lin1: Linearization,
  lin2: Linearization,
  trace: boolean,
  out: Matrix,
  onProgress?: (done: number, total: number) => void,
): void {
  const O = lin1.outputs;
  const N1 = lin1.n;
  const N2 = lin2.n;
  const cols = out.cols;
  for (let m = 0; m < N2; m++) {
    for (let o2 = 0; o2 < O; o2++) {
      const t = lin1.jvp(lin2.gradientOf(m, o2));
      if (trace) {
        if (o2 === 0) for (let n = 0; n < N1; n++) out.data[n * cols + m] = 0;
        for (let n = 0; n < N1; n++) out.data[n * cols + m] += t[n * O + o2] / O;
      } else {
        for (let r = 0; r < N1 * O; r++) out.data[r * cols + m * O + o2] = t[r];
      }
    }
    onProgress?.(m + 1, N2);
  }
}
