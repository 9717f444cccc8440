import { NtkInputError } from '../../errors.js';
import { activationLayer, correlation } from '../activation.js';
import type { EntrywiseLayer } from '../entrywise.js';
import { rootProduct } from '../../special/rootProduct.js';

/**
 * RectifiedMonomial(k): φ(x) = xᵏ for x ≥ 0, 0 otherwise (neural-tangents `stax.RectifiedMonomial`). Its dual
 * is the arc-cosine kernel of degree k (Cho & Saul 2009, eqs. 1–4):
 *   Σ' = (q1·q2)^{k/2}·J_k(θ)/(2π),   θ = arccos ρ,
 *   J_k(θ) = (−1)ᵏ·sin^{2k+1}θ·((1/sinθ)·∂/∂θ)ᵏ((π − θ)/sinθ),
 * and Σ̇ = k²·(q1·q2)^{(k−1)/2}·J_{k−1}(θ)/(2π) (φ' = k·x^{k−1} on x > 0); for k = 0 (the step) φ' = 0 almost
 * everywhere and Σ̇ = 0, as in neural-tangents. J_k is written J_k = (−1)ᵏ[P_k(c)·(π − θ) + Q_k(c)·sinθ],
 * c = cosθ, with polynomials from applying the operator once per degree (P_0 = 1, Q_0 = 0):
 *   P_{n+1} = −(1 − c²)·P_n' − (2n + 1)·c·P_n,   Q_{n+1} = −P_n − (1 − c²)·Q_n' − 2n·c·Q_n.
 */
export function RectifiedMonomial(opts: { degree: number }): EntrywiseLayer {
  const k = opts?.degree;
  if (!Number.isInteger(k) || k < 0 || k > 12)
    throw new NtkInputError(`RectifiedMonomial: degree must be an integer in 0…12, got ${String(k)}`);
  const J = arcCosineJ(k);
  const Jm1 = k > 0 ? arcCosineJ(k - 1) : null;
  return activationLayer({
    config: { type: 'RectifiedMonomial', degree: k },
    fn: (x) => (x >= 0 ? x ** k : 0),
    dfn: (x) => (k === 0 || x <= 0 ? 0 : k * x ** (k - 1)),
    dual(s, q1, q2, out) {
      const p = rootProduct(q1, q2);
      if (p === 0) {
        // a zero-variance input is 0, where φ(0) = 0ᵏ (1 for the step, else 0) and φ'(0) = 0
        out[0] = k === 0 ? (q1 === 0 ? 1 : 0.5) * (q2 === 0 ? 1 : 0.5) : 0;
        out[1] = 0;
        return;
      }
      const c = correlation(s, q1, q2);
      out[0] = (p ** k * J(c)) / (2 * Math.PI);
      out[1] = Jm1 === null ? 0 : (k * k * p ** (k - 1) * Jm1(c)) / (2 * Math.PI);
    },
  });
}

/** J_k as a function of c = cos θ (see RectifiedMonomial). */
function arcCosineJ(k: number): (c: number) => number {
  let P = [1];
  let Q = [0];
  for (let n = 0; n < k; n++) {
    // (1 − c²)·f' as coefficient arrays
    const oneMinusC2TimesD = (f: number[]): number[] => {
      const d = f.slice(1).map((v, i) => v * (i + 1));
      const out = new Array<number>(d.length + 2).fill(0);
      d.forEach((v, i) => {
        out[i] += v;
        out[i + 2] -= v;
      });
      return out;
    };
    const times = (f: number[], scale: number): number[] => [0, ...f.map((v) => v * scale)];
    const add = (...fs: number[][]): number[] => {
      const out = new Array<number>(Math.max(...fs.map((f) => f.length))).fill(0);
      for (const f of fs) f.forEach((v, i) => (out[i] += v));
      return out;
    };
    const nextP = add(
      oneMinusC2TimesD(P).map((v) => -v),
      times(P, -(2 * n + 1)),
    );
    const nextQ = add(
      P.map((v) => -v),
      oneMinusC2TimesD(Q).map((v) => -v),
      times(Q, -2 * n),
    );
    P = nextP;
    Q = nextQ;
  }
  const sign = k % 2 === 0 ? 1 : -1;
  const Pc = Float64Array.from(P);
  const Qc = Float64Array.from(Q);
  const horner = (f: Float64Array, x: number): number => {
    let acc = 0;
    for (let i = f.length - 1; i >= 0; i--) acc = acc * x + f[i];
    return acc;
  };
  return (c) => {
    const theta = Math.acos(c);
    const sin = Math.sqrt(Math.max(1 - c * c, 0));
    return sign * (horner(Pc, c) * (Math.PI - theta) + horner(Qc, c) * sin);
  };
}
