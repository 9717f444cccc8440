import { fixedContext, fromRatio, ratioToNumber, type Fixed } from './precise/fixed.js';
import { preciseStackKernel, type PreciseLayer } from './precise/stack.js';

/**
 * Spectrum of a dot-product kernel K(x, x') = Φ(⟨x, x'⟩/d) on the boolean cube {±1}ᵈ under the
 * uniform distribution (Yang & Salman 2019, "A fine-grained spectral perspective on neural networks",
 * Thm 3.1). The eigenfunctions are the parities χ_S(x) = Π_{i∈S} xᵢ; the eigenvalue depends on k = |S|:
 *
 *   μ_k = E_y[Φ(⟨1, y⟩/d)·χ_S(y)] = 2^{−d}·(I − T)^k (I + T)^{d−k} Φ(1),   T Φ(t) = Φ(t − 2/d),
 *       = 2^{−d}·Σ_{j=0..d} K_j(k)·Φ(1 − 2j/d),
 *
 * with `K_j(k) = [zʲ](1 − z)^k (1 + z)^{d−k}` the Krawtchouk numbers, multiplicity C(d, k), and
 * degree-k fractional variance C(d, k)·μ_k / Σᵢ C(d, i)·μᵢ (the denominator equals Φ(1)).
 *
 * Why not float64: the alternating sum cancels: Σ_j |K_j(k)|·|Φ_j| is up to 2^d·max|Φ| while
 * μ_k ≤ Φ(1)/C(d, k), so a relative error ε in the inputs moves a fractional variance by up to
 * ε·C(d, k) (≈ 10²¹ at d = 128, k = 64 for ε = 10⁻¹⁶). Here the sum is done in exact integer
 * arithmetic (BigInt) on exactly represented inputs, and the inputs themselves are either given as
 * float64 (their rounding error is then propagated into `errorBound`, which is honest about what is
 * lost) or evaluated by the high-precision network recursion (precise/stack.ts) at ≈ d + 128 bits,
 * which makes the result exact to float64 for every degree.
 */

export interface CubeSpectrum {
  readonly d: number;
  /** μ_k, k = 0..d: the eigenvalue of each of the C(d, k) parity functions of degree k. */
  readonly eigenvalues: Float64Array;
  /** C(d, k) (exact below 2^53, rounded above, +∞ past the float64 range, i.e. d ≳ 1030). */
  readonly multiplicities: Float64Array;
  /** C(d, k)·μ_k / Σᵢ C(d, i)·μᵢ, computed from the exact sums (accurate even where μ_k underflows). */
  readonly fractionalVariance: Float64Array;
  /**
   * A bound on |computed μ_k − true μ_k| that follows from the stated error of the Φ values
   * (0 when they are exact); the arithmetic after that is exact.
   */
  readonly errorBound: Float64Array;
  /** The same bound for the fractional variances. */
  readonly fractionalVarianceErrorBound: Float64Array;
}

/** The d + 1 distinct values of ⟨x, x'⟩/d on {±1}ᵈ: t_j = 1 − 2j/d (j coordinates differ). */
export function cubePoints(d: number): Float64Array {
  checkDim(d);
  const t = new Float64Array(d + 1);
  for (let j = 0; j <= d; j++) t[j] = (d - 2 * j) / d;
  return t;
}

function checkDim(d: number): void {
  if (!Number.isInteger(d) || d < 1)
    throw new RangeError(`cube spectrum: dim d must be an integer ≥ 1, got ${d}`);
}

/** C(d, k) for k = 0..d as exact integers. */
export function binomialRow(d: number): bigint[] {
  const row: bigint[] = [1n];
  for (let k = 1; k <= d; k++) row.push((row[k - 1] * BigInt(d - k + 1)) / BigInt(k));
  return row;
}

/**
 * The core: inputs F_j with Φ(t_j) = F_j / 2^s exactly (F_j integers); absolute input error bound
 * δ_j / 2^s (δ_j ≥ 0 integers, or null when exact). Returns the spectrum rounded once to float64.
 */
function spectrumFromScaled(
  d: number,
  F: readonly bigint[],
  s: number,
  delta: readonly bigint[] | null,
): CubeSpectrum {
  const mu = new Float64Array(d + 1);
  const bound = new Float64Array(d + 1);
  const S: bigint[] = new Array<bigint>(d + 1);
  const A: bigint[] = new Array<bigint>(d + 1);
  const denom = 1n << BigInt(d + s);
  // For k ≤ d/2: K_j(k) by the three-term recurrence in j (exact integer division),
  //   (j + 1)·K_{j+1} = (d − 2k)·K_j − (d − j + 1)·K_{j−1},  K_0 = 1, K_1 = d − 2k;
  // and K_j(d − k) = (−1)^j·K_j(k) gives the mirror degree from the same numbers.
  for (let k = 0; 2 * k <= d; k++) {
    const a = BigInt(d - 2 * k);
    let kPrev = 0n;
    let kCur = 1n;
    let sum = 0n;
    let alt = 0n;
    let abs = 0n;
    for (let j = 0; j <= d; j++) {
      const term = kCur * F[j];
      sum += term;
      alt += j % 2 === 0 ? term : -term;
      if (delta !== null) abs += (kCur < 0n ? -kCur : kCur) * delta[j];
      const next = (a * kCur - BigInt(d - j + 1) * kPrev) / BigInt(j + 1);
      kPrev = kCur;
      kCur = next;
    }
    S[k] = sum;
    S[d - k] = alt;
    A[k] = abs;
    A[d - k] = abs;
  }
  const binom = binomialRow(d);
  let total = 0n;
  for (let k = 0; k <= d; k++) total += binom[k] * S[k];
  if (total <= 0n) {
    throw new Error(
      'cube spectrum: Σ_k C(d,k)·μ_k = Φ(1) must be positive (is Φ a positive-definite kernel?)',
    );
  }
  const fv = new Float64Array(d + 1);
  const fvBound = new Float64Array(d + 1);
  const mult = new Float64Array(d + 1);
  for (let k = 0; k <= d; k++) {
    mu[k] = ratioToNumber(S[k], denom);
    bound[k] = ratioToNumber(A[k], denom);
    mult[k] = Number(binom[k]);
    fv[k] = ratioToNumber(binom[k] * S[k], total);
    fvBound[k] = ratioToNumber(binom[k] * A[k], total);
  }
  return {
    d,
    eigenvalues: mu,
    multiplicities: mult,
    fractionalVariance: fv,
    errorBound: bound,
    fractionalVarianceErrorBound: fvBound,
  };
}

/**
 * Cube spectrum from float64 values phi[j] = Φ(1 − 2j/d), j = 0..d (d = phi.length − 1).
 * The values are taken as exact binary fractions, so the only error is theirs: `relErr` states it
 * (|Φ̃_j − Φ_j| ≤ relErr·|Φ̃_j|; e.g. a few ulps, 4·2^−53, for a float64 kernel map) and is propagated
 * into `errorBound`. Degrees whose bound exceeds the eigenvalue are not resolved by float64 inputs;
 * use `cubeSpectrumOfStack` for those.
 */
export function cubeSpectrumFromValues(phi: Float64Array, relErr = 0): CubeSpectrum {
  const d = phi.length - 1;
  checkDim(d);
  if (!(relErr >= 0 && Number.isFinite(relErr)))
    throw new RangeError(`cubeSpectrumFromValues: relErr must be a finite number ≥ 0, got ${relErr}`);
  const s = 1074 + 60; // every float64 is an integer multiple of 2^−1074; 60 more bits hold relErr
  const F: bigint[] = [];
  const delta: bigint[] | null = relErr > 0 ? [] : null;
  const relScaled = relErr > 0 ? BigInt(Math.ceil(relErr * 2 ** 60 * (1 + 1e-12))) : 0n;
  for (let j = 0; j <= d; j++) {
    const v = phi[j];
    if (!Number.isFinite(v))
      throw new RangeError(
        `cubeSpectrumFromValues: phi[${j}] (Φ at t = ${(d - 2 * j) / d}) is ${v}, expected a finite number`,
      );
    const f = floatToScaledInteger(v, 1074) << 60n;
    F.push(f);
    if (delta !== null) delta.push(((f < 0n ? -f : f) * relScaled) >> 60n);
  }
  return spectrumFromScaled(d, F, s, delta);
}

/**
 * Cube spectrum from high-precision values F[j] = Φ(1 − 2j/d)·2^P (fixed point, e.g. from
 * precise/fixed.ts), each within ±slack·2^−P of the true value.
 */
export function cubeSpectrumFromFixed(F: readonly bigint[], P: number, slack: bigint): CubeSpectrum {
  const d = F.length - 1;
  checkDim(d);
  return spectrumFromScaled(
    d,
    F,
    P,
    F.map(() => slack),
  );
}

const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);

/** v·2^s as an exact integer; v must be a multiple of 2^−s (every float64 is one for s = 1074). */
function floatToScaledInteger(v: number, s: number): bigint {
  F64[0] = v;
  const bits = U64[0];
  const neg = bits >> 63n === 1n;
  const e = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & 0xfffffffffffffn;
  const m = e === 0 ? frac : frac | (1n << 52n);
  const exp = (e === 0 ? -1074 : e - 1075) + s;
  if (exp < 0) throw new RangeError(`floatToScaledInteger: ${v} is not a multiple of 2^−${s}`);
  const r = m << BigInt(exp);
  return neg ? -r : r;
}

/** Which kernel of a network a spectrum is of: the NNGP Σ or the NTK Θ. */
export type KernelPart = 'nngp' | 'ntk';

/**
 * Cube spectrum of any Φ that can be evaluated in fixed point: `evaluate(c, t)` returns Φ(t_j)·2^P for
 * the correlations t_j = 1 − 2j/d given in fixed point (context c, P = c.P), each within
 * ±2^slackBits units of 2^−P. The working precision starts at d + 128 + slackBits bits (the
 * cancellation costs ≈ d bits) and grows (doubling while some FV_k is not yet located, then by the
 * bits still missing) until every fractional variance carries a propagated error bound ≤ relTol·FV_k
 * or ≤ 2^−1000 absolute (a tiny FV_k needs ≈ log2(1/FV_k) bits more): the result is then exact to
 * float64 at every degree above 2^−1000, and `fractionalVarianceErrorBound` says by how much at most.
 */
export function cubeSpectrumPrecise(
  d: number,
  evaluate: (c: Fixed, t: readonly bigint[]) => readonly bigint[],
  slackBits = 64,
  relTol = 2 ** -60,
): CubeSpectrum {
  checkDim(d);
  let P = d + 128 + slackBits;
  for (let attempt = 0; ; attempt++) {
    const c = fixedContext(P);
    const t: bigint[] = [];
    for (let j = 0; j <= d; j++) t.push(fromRatio(c, BigInt(d - 2 * j), BigInt(d)));
    const s = cubeSpectrumFromFixed(evaluate(c, t), P, 1n << BigInt(slackBits));
    let worst = 0;
    let unresolved = false;
    for (let k = 0; k <= d; k++) {
      const fv = Math.abs(s.fractionalVariance[k]);
      const b = s.fractionalVarianceErrorBound[k];
      if (b <= 2 ** -1000) continue;
      if (b >= 0.5 * fv)
        unresolved = true; // FV_k not even located: its true size is unknown
      else worst = Math.max(worst, b / fv);
    }
    if ((!unresolved && worst <= relTol) || attempt === 8) return s;
    P = unresolved ? 2 * P : P + Math.ceil(Math.log2(worst / relTol)) + 16;
  }
}

/**
 * Cube spectrum of a network's NNGP or NTK, with Φ evaluated by the high-precision recursion
 * (precise/stack.ts) at inputs with ‖x‖² = d (so q⁰ = 1 and t = ⟨x, x'⟩/d = 1 − 2j/d); exact to float64
 * for every degree (see cubeSpectrumPrecise).
 */
export function cubeSpectrumOfStack(
  layers: readonly PreciseLayer[],
  d: number,
  part: KernelPart,
): CubeSpectrum {
  // Each elementary operation errs by a few units of 2^−P; the recursion compounds this by far less than
  // 2^(8L + 64) per value (the arccos near ±1 is the worst step; see the precision test).
  return cubeSpectrumPrecise(
    d,
    (c, t) => preciseStackKernel(c, layers, t, c.one)[part],
    8 * layers.length + 64,
  );
}

/**
 * Degree-k fractional variance as a function of depth (Yang & Salman 2019, §5): for each depth L in
 * `depths`, the spectrum of `stackForDepth(L)`; returns the table and, per degree, the depth that
 * maximizes it (the first on ties).
 */
export function fractionalVarianceByDepth(
  d: number,
  depths: readonly number[],
  stackForDepth: (depth: number) => readonly PreciseLayer[],
  part: KernelPart,
): { depths: number[]; fractionalVariance: Float64Array[]; bestDepth: Int32Array } {
  checkDim(d);
  if (depths.length === 0) throw new RangeError('fractionalVarianceByDepth: depths must not be empty');
  const table = depths.map((L) => cubeSpectrumOfStack(stackForDepth(L), d, part).fractionalVariance);
  const best = new Int32Array(d + 1);
  for (let k = 0; k <= d; k++) {
    let bi = 0;
    for (let i = 1; i < depths.length; i++) if (table[i][k] > table[bi][k]) bi = i;
    best[k] = depths[bi];
  }
  return { depths: [...depths], fractionalVariance: table, bestDepth: best };
}
