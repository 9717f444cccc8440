import { arccos } from '../../special/arccos.js';
import { rootProduct } from '../../special/rootProduct.js';

const INV_2PI = 1 / (2 * Math.PI);
const PI = Math.PI;
/** |ρ| from which the correlation is formed as the record-level dual forms it (see conv3x3Relu). */
const NEAR_ONE = 1 - 2 ** -16;

/**
 * One layer of the fused CNTK recursion on the region of one displacement (src/kernels/cntk/pairRecursion.ts),
 * in TypeScript: a 3×3 stride-1 'ntk' Conv on Σ and Θ (Arora et al. 2019, eq. 7), the nine taps summed row-major
 * over the window, then the ReLU dual (Cho & Saul 2009, 1/(2π) normalization):
 *   ρ = Σ'/√(q₁q₂),  Σ'' = √(q₁q₂)·(√(1 − ρ²) + (π − acos ρ)·ρ)/(2π),  Θ'' = Θ'·(π − acos ρ)/(2π).
 * With no division or square root per entry but the arccos's and √(1 − ρ²): the ReLU's variances of the two images
 * enter also as their roots √q and reciprocal roots 1/√q, computed once per pair of images
 * (src/kernels/cntk/pairRecursion.ts), so √(q₁q₂) = √q₁·√q₂ and ρ = Σ'·(1/√q₁·1/√q₂) — products that commute, so a
 * pair and its swap give the same bits — and the arccos is src/special/arccos.ts's, one division above 1/2. That ρ
 * is a few ulps from Σ'/√(q₁q₂); near ±1 the arccos multiplies such an error by 1/√(1 − ρ²) (an ulp at ρ = 1 − 10⁻¹⁶
 * moves Θ by 10⁻⁸), and where ρ is exactly 1 (a position with itself) it must stay 1. So where |ρ| ≥ NEAR_ONE
 * = 1 − 2⁻¹⁶ (below it, ρ's few ulps move π − acos ρ by ≤ 3·10⁻¹⁴ relative), or where 1/√q₁·1/√q₂ is not finite
 * (a variance 0 or subnormal), the correlation is the record-level dual's (src/kernels/fused.ts):
 * n = √(q₁q₂) (src/special/rootProduct.ts), ρ = Σ'/n, 0 where n = 0.
 *
 * S, T: row stride bw, padded by one all round; outputs at (nextTop, nextLeft) of dS, dT; the ReLU's variances,
 * their roots and reciprocal roots of the two images at v1[r1 + (u + sh)·wOut + sw + v], root1[r1 + …],
 * recip1[r1 + …] and v2[r2 + …], root2[r2 + …], recip2[r2 + …]; pin ≥ 0: the self-pair's variances v1[pin + …]
 * replace Σ' before the dual. The wasm kernel (../wasm/assembly/conv3x3Relu.ts) runs the same operations in the
 * same order, two entries per f64x2.
 */
export function conv3x3Relu(
  oh: number,
  ow: number,
  S: Float64Array,
  T: Float64Array,
  dS: Float64Array,
  dT: Float64Array,
  bw: number,
  nextTop: number,
  nextLeft: number,
  w2: number,
  bb: number,
  inv: number,
  v1: Float64Array,
  root1: Float64Array,
  recip1: Float64Array,
  r1: number,
  v2: Float64Array,
  root2: Float64Array,
  recip2: Float64Array,
  r2: number,
  wOut: number,
  sh: number,
  sw: number,
  pin: number,
): void {
  const k = INV_2PI;
  for (let u = 0; u < oh; u++) {
    const i0 = u * bw;
    const i1 = i0 + bw;
    const i2 = i1 + bw;
    const rowOut = (u + nextTop) * bw + nextLeft;
    const pRow = (u + sh) * wOut + sw;
    let v = 0;
    // two entries per step: independent chains (window sums → products → arccos → √) overlap in the pipeline
    for (; v + 1 < ow; v += 2) {
      const accS =
        S[i0 + v] +
        S[i0 + v + 1] +
        S[i0 + v + 2] +
        S[i1 + v] +
        S[i1 + v + 1] +
        S[i1 + v + 2] +
        S[i2 + v] +
        S[i2 + v + 1] +
        S[i2 + v + 2];
      const accS2 =
        S[i0 + v + 1] +
        S[i0 + v + 2] +
        S[i0 + v + 3] +
        S[i1 + v + 1] +
        S[i1 + v + 2] +
        S[i1 + v + 3] +
        S[i2 + v + 1] +
        S[i2 + v + 2] +
        S[i2 + v + 3];
      const accT =
        T[i0 + v] +
        T[i0 + v + 1] +
        T[i0 + v + 2] +
        T[i1 + v] +
        T[i1 + v + 1] +
        T[i1 + v + 2] +
        T[i2 + v] +
        T[i2 + v + 1] +
        T[i2 + v + 2];
      const accT2 =
        T[i0 + v + 1] +
        T[i0 + v + 2] +
        T[i0 + v + 3] +
        T[i1 + v + 1] +
        T[i1 + v + 2] +
        T[i1 + v + 3] +
        T[i2 + v + 1] +
        T[i2 + v + 2] +
        T[i2 + v + 3];
      let s = w2 * (inv * accS) + bb;
      let s2 = w2 * (inv * accS2) + bb;
      const t = s + w2 * (inv * accT);
      const t2 = s2 + w2 * (inv * accT2);
      if (pin >= 0) {
        s = v1[pin + pRow + v];
        s2 = v1[pin + pRow + v + 1];
      }
      const a = r1 + pRow + v;
      const b = r2 + pRow + v;
      let n = root1[a] * root2[b];
      let n2 = root1[a + 1] * root2[b + 1];
      const m = recip1[a] * recip2[b];
      const m2 = recip1[a + 1] * recip2[b + 1];
      let cc = s * m;
      let cc2 = s2 * m2;
      if (!(m < Infinity && Math.abs(cc) < NEAR_ONE)) {
        n = rootProduct(v1[a], v2[b]);
        cc = n === 0 ? 0 : s / n;
      }
      if (!(m2 < Infinity && Math.abs(cc2) < NEAR_ONE)) {
        n2 = rootProduct(v1[a + 1], v2[b + 1]);
        cc2 = n2 === 0 ? 0 : s2 / n2;
      }
      const rho = cc > 1 ? 1 : cc < -1 ? -1 : cc;
      const rho2 = cc2 > 1 ? 1 : cc2 < -1 ? -1 : cc2;
      const pmt = PI - arccos(rho);
      const pmt2 = PI - arccos(rho2);
      dS[rowOut + v] = n * (Math.sqrt(1 - rho * rho) + pmt * rho) * k;
      dS[rowOut + v + 1] = n2 * (Math.sqrt(1 - rho2 * rho2) + pmt2 * rho2) * k;
      dT[rowOut + v] = t * (pmt * k);
      dT[rowOut + v + 1] = t2 * (pmt2 * k);
    }
    for (; v < ow; v++) {
      const accS =
        S[i0 + v] +
        S[i0 + v + 1] +
        S[i0 + v + 2] +
        S[i1 + v] +
        S[i1 + v + 1] +
        S[i1 + v + 2] +
        S[i2 + v] +
        S[i2 + v + 1] +
        S[i2 + v + 2];
      const accT =
        T[i0 + v] +
        T[i0 + v + 1] +
        T[i0 + v + 2] +
        T[i1 + v] +
        T[i1 + v + 1] +
        T[i1 + v + 2] +
        T[i2 + v] +
        T[i2 + v + 1] +
        T[i2 + v + 2];
      let s = w2 * (inv * accS) + bb;
      const t = s + w2 * (inv * accT);
      if (pin >= 0) s = v1[pin + pRow + v];
      const a = r1 + pRow + v;
      const b = r2 + pRow + v;
      let n = root1[a] * root2[b];
      const m = recip1[a] * recip2[b];
      let cc = s * m;
      if (!(m < Infinity && Math.abs(cc) < NEAR_ONE)) {
        n = rootProduct(v1[a], v2[b]);
        cc = n === 0 ? 0 : s / n;
      }
      const rho = cc > 1 ? 1 : cc < -1 ? -1 : cc;
      const pmt = PI - arccos(rho);
      dS[rowOut + v] = n * (Math.sqrt(1 - rho * rho) + pmt * rho) * k;
      dT[rowOut + v] = t * (pmt * k);
    }
  }
}

/** The layer's signature, shared by the TypeScript loop and the wasm kernel. */
export type Conv3x3Relu = typeof conv3x3Relu;
