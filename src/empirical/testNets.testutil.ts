import { Matrix } from '../linalg/matrix.js';
import { relativeFrobeniusError } from '../linalg/elementwise.js';
import type { Params, Tensor } from '../nn/types.js';

/**
 * Test support (not exported from the package): an independent, loop-by-loop reference of an MLP's
 * per-example Jacobian, written without the layer rules, so tests of the empirical NTK compare against
 * something other than the code under test. The MLP is Dense → φ → Dense → φ → … → Dense with the
 * docs/conventions.md §1 conventions: 'ntk': z = (W_std/√n_in)·x·W + b_std·b; 'standard': z = x·W + b.
 */
export interface RefDense {
  W: Float64Array; // n_in × n_out
  b: Float64Array | null;
  nIn: number;
  nOut: number;
  cW: number;
  cb: number;
}

export interface RefMlp {
  dense: RefDense[];
  phi: (u: number) => number;
  dphi: (u: number) => number;
}

/** Read the Dense layers' parameters of a serial MLP's parameter tree (every record with a W). */
export function refMlpFromParams(
  params: Params,
  spec: { W_std: number; b_std: number | null; parameterization: 'ntk' | 'standard' },
  phi: (u: number) => number,
  dphi: (u: number) => number,
): RefMlp {
  const dense: RefDense[] = [];
  const walk = (p: Params): void => {
    if (Array.isArray(p)) {
      for (const c of p) walk(c);
      return;
    }
    const rec = p as { [k: string]: Tensor };
    if (!rec.W) return;
    const [nIn, nOut] = rec.W.shape;
    const ntk = spec.parameterization === 'ntk';
    dense.push({
      W: rec.W.data,
      b: rec.b ? rec.b.data : null,
      nIn,
      nOut,
      cW: ntk ? spec.W_std / Math.sqrt(nIn) : 1,
      cb: ntk ? (spec.b_std ?? 0) : 1,
    });
  };
  walk(params);
  return { dense, phi, dphi };
}

/** Outputs f(x) (N × O) and the Jacobian rows ∂f_o(x_n)/∂θ (rows (n, o), θ in W-then-b layer order). */
export function refJacobian(net: RefMlp, x: Matrix): { f: Matrix; J: Matrix } {
  const L = net.dense.length;
  const P = net.dense.reduce((s, d) => s + d.nIn * d.nOut + (d.b ? d.nOut : 0), 0);
  const O = net.dense[L - 1].nOut;
  const f = new Matrix(x.rows, O);
  const J = new Matrix(x.rows * O, P);
  for (let n = 0; n < x.rows; n++) {
    // Forward: a[0] = x, z[l] = cW·a[l]·W + cb·b, a[l+1] = φ(z[l]) except after the last layer.
    const a: number[][] = [Array.from(x.row(n))];
    const z: number[][] = [];
    for (let l = 0; l < L; l++) {
      const d = net.dense[l];
      const zl: number[] = [];
      for (let j = 0; j < d.nOut; j++) {
        let s = 0;
        for (let i = 0; i < d.nIn; i++) s += a[l][i] * d.W[i * d.nOut + j];
        zl.push(d.cW * s + (d.b ? d.cb * d.b[j] : 0));
      }
      z.push(zl);
      if (l < L - 1) a.push(zl.map(net.phi));
    }
    for (let o = 0; o < O; o++) {
      f.data[n * O + o] = z[L - 1][o];
      // Backward for output o: δ[L−1] = e_o; δ[l] = φ'(z[l]) ⊙ (cW_{l+1}·W_{l+1}·δ[l+1]).
      let delta: number[] = Array.from({ length: O }, (_, j) => (j === o ? 1 : 0));
      const grads: number[][] = [];
      for (let l = L - 1; l >= 0; l--) {
        const d = net.dense[l];
        const g: number[] = [];
        for (let i = 0; i < d.nIn; i++) for (let j = 0; j < d.nOut; j++) g.push(d.cW * a[l][i] * delta[j]);
        if (d.b) for (let j = 0; j < d.nOut; j++) g.push(d.cb * delta[j]);
        grads[l] = g;
        if (l > 0) {
          const prev: number[] = [];
          for (let i = 0; i < d.nIn; i++) {
            let s = 0;
            for (let j = 0; j < d.nOut; j++) s += d.W[i * d.nOut + j] * delta[j];
            prev.push(d.cW * s * net.dphi(z[l - 1][i]));
          }
          delta = prev;
        }
      }
      J.data.set(grads.flat(), (n * O + o) * P);
    }
  }
  return { f, J };
}

/** K = A·Bᵀ by plain loops. */
export function naiveABt(A: Matrix, B: Matrix): Matrix {
  const K = new Matrix(A.rows, B.rows);
  for (let i = 0; i < A.rows; i++) {
    for (let j = 0; j < B.rows; j++) {
      let s = 0;
      for (let k = 0; k < A.cols; k++) s += A.data[i * A.cols + k] * B.data[j * B.cols + k];
      K.data[i * B.rows + j] = s;
    }
  }
  return K;
}

/** Traced kernel from a full one: (1/O)·Σ_o K[(n,o),(m,o)]. */
export function traceOutputs(K: Matrix, O: number): Matrix {
  const n1 = K.rows / O;
  const n2 = K.cols / O;
  const T = new Matrix(n1, n2);
  for (let n = 0; n < n1; n++) {
    for (let m = 0; m < n2; m++) {
      let s = 0;
      for (let o = 0; o < O; o++) s += K.data[(n * O + o) * K.cols + m * O + o];
      T.data[n * n2 + m] = s / O;
    }
  }
  return T;
}

/** ‖A − B‖_F / ‖B‖_F (linalg's relativeFrobeniusError, for matrices or flat arrays of equal length). */
export function relFrobenius(A: Matrix | Float64Array, B: Matrix | Float64Array): number {
  const flat = (v: Matrix | Float64Array): Matrix =>
    v instanceof Matrix ? new Matrix(1, v.data.length, v.data) : new Matrix(1, v.length, v);
  return relativeFrobeniusError(flat(A), flat(B));
}

/** A deterministic well-spread input batch (no randomness needed): x[n, i] = sin(1.3·n + 0.7·i + 0.4). */
export function testInputs(N: number, d: number, phase = 0): Matrix {
  const X = new Matrix(N, d);
  for (let n = 0; n < N; n++)
    for (let i = 0; i < d; i++) X.data[n * d + i] = Math.sin(1.3 * n + 0.7 * i + 0.4 + phase) * (1 + 0.1 * i);
  return X;
}
