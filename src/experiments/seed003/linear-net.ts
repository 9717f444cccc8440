import { Matrix } from '../../linalg/matrix.js';

/**
 * A two-layer linear network f(x) = n^{-1/2}·vᵀU·x (U ∈ ℝ^{n×d}, v ∈ ℝⁿ) — Lewkowycz et al.'s toy model with
 * d-dimensional inputs — with its Jacobian and the exact Hessian of L = ½Σ_k (f(x_k) − y_k)² (Lewkowycz et al. 2020,
 * "NTK and the Hessian of the loss"). Parameters θ = [vec(U) row-major, v], P = n(d + 1).
 */
export interface LinearNet {
  readonly n: number;
  readonly d: number;
  /** θ = [U (n·d entries, row-major), v (n entries)]. */
  readonly theta: Float64Array;
}

export function paramCount(n: number, d: number): number {
  return n * (d + 1);
}

function checkShapes(net: LinearNet, X: Matrix): void {
  if (X.cols !== net.d) throw new Error(`linear net: X must have d = ${net.d} columns, got ${X.cols}`);
  if (net.theta.length !== paramCount(net.n, net.d)) {
    throw new Error(
      `linear net: theta must have n(d + 1) = ${paramCount(net.n, net.d)} entries, got ${net.theta.length}`,
    );
  }
}

/** Hidden pre-activations h_k = U·x_k for every row x_k of X (N×n). */
function hidden(net: LinearNet, X: Matrix): Matrix {
  const { n, d, theta } = net;
  const H = new Matrix(X.rows, n);
  for (let k = 0; k < X.rows; k++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += theta[i * d + j] * X.data[k * d + j];
      H.data[k * n + i] = s;
    }
  }
  return H;
}

/** Outputs f(x_k) = n^{-1/2}·vᵀU·x_k. */
export function forward(net: LinearNet, X: Matrix): Float64Array {
  checkShapes(net, X);
  const { n, d, theta } = net;
  const H = hidden(net, X);
  const f = new Float64Array(X.rows);
  for (let k = 0; k < X.rows; k++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += theta[n * d + i] * H.data[k * n + i];
    f[k] = s / Math.sqrt(n);
  }
  return f;
}

/** J (N×P), J_kp = ∂f(x_k)/∂θ_p: ∂f/∂U_ij = n^{-1/2}v_i x_kj, ∂f/∂v_i = n^{-1/2}(U x_k)_i. */
export function jacobian(net: LinearNet, X: Matrix): Matrix {
  checkShapes(net, X);
  const { n, d, theta } = net;
  const P = paramCount(n, d);
  const H = hidden(net, X);
  const J = new Matrix(X.rows, P);
  const c = 1 / Math.sqrt(n);
  for (let k = 0; k < X.rows; k++) {
    const row = k * P;
    for (let i = 0; i < n; i++) {
      const vi = theta[n * d + i];
      for (let j = 0; j < d; j++) J.data[row + i * d + j] = c * vi * X.data[k * d + j];
      J.data[row + n * d + i] = c * H.data[k * n + i];
    }
  }
  return J;
}

/**
 * The exact Hessian of L = ½Σ_k r_k², r = f − y: H = JᵀJ + Σ_k r_k ∇²f_k, where the only nonzero second
 * derivatives of f_k are ∂²f_k/∂U_ij∂v_l = n^{-1/2}δ_il x_kj; so the residual term is the symmetric
 * U–v block n^{-1/2}δ_il g_j with g = Σ_k r_k x_k.
 */
export function lossHessian(net: LinearNet, X: Matrix, y: Float64Array): Matrix {
  const J = jacobian(net, X);
  const { n, d } = net;
  const P = paramCount(n, d);
  const H = new Matrix(P, P);
  // JᵀJ
  for (let k = 0; k < J.rows; k++) {
    const row = J.data.subarray(k * P, (k + 1) * P);
    for (let p = 0; p < P; p++) {
      const a = row[p];
      if (a === 0) continue;
      for (let q = 0; q < P; q++) H.data[p * P + q] += a * row[q];
    }
  }
  const r = residual(net, X, y);
  const g = new Float64Array(d);
  for (let k = 0; k < X.rows; k++) for (let j = 0; j < d; j++) g[j] += r[k] * X.data[k * d + j];
  const c = 1 / Math.sqrt(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const p = i * d + j;
      const q = n * d + i;
      H.data[p * P + q] += c * g[j];
      H.data[q * P + p] += c * g[j];
    }
  }
  return H;
}

/** r = f(X) − y. */
export function residual(net: LinearNet, X: Matrix, y: Float64Array): Float64Array {
  const f = forward(net, X);
  if (y.length !== X.rows) throw new Error(`linear net: y must have N = ${X.rows} entries, got ${y.length}`);
  return f.map((fk, k) => fk - y[k]);
}

/** ∇L = Jᵀr. */
export function lossGradient(net: LinearNet, X: Matrix, y: Float64Array): Float64Array {
  const J = jacobian(net, X);
  const r = residual(net, X, y);
  const P = J.cols;
  const grad = new Float64Array(P);
  for (let k = 0; k < J.rows; k++) for (let p = 0; p < P; p++) grad[p] += J.data[k * P + p] * r[k];
  return grad;
}
