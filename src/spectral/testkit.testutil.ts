/**
 * Independent reference implementation for the spectral tests (never used by the library itself):
 * the float64 ReLU kernel recursion in its textbook form.
 */

/**
 * Φ_nngp(t), Φ_ntk(t) of [Dense(W, b), Relu] × depth + Dense(W, b) at unit input variance, float64
 * (Arora et al. 2019 eq. 3–4 in neural-tangents' 'ntk' parameterization; arc-cosine kernel of Cho & Saul).
 */
export function reluKernel(t: number, depth: number, W: number, b: number): { nngp: number; ntk: number } {
  let q = 1;
  let S = t;
  let T = 0;
  for (let l = 0; l <= depth; l++) {
    S = W * W * S + b * b;
    T = S + W * W * T;
    q = W * W * q + b * b;
    if (l === depth) break;
    const rho = Math.max(-1, Math.min(1, S / q));
    const th = Math.acos(rho);
    S = (q * (Math.sin(th) + (Math.PI - th) * Math.cos(th))) / (2 * Math.PI);
    T = T * ((Math.PI - th) / (2 * Math.PI));
    q = q / 2;
  }
  return { nngp: S, ntk: T };
}
