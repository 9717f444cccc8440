import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cubePoints,
  cubeSpectrumFromFixed,
  cubeSpectrumFromValues,
  cubeSpectrumOfStack,
  cubeSpectrumPrecise,
  fractionalVarianceByDepth,
} from './cube.js';
import { exp, fixedContext, fromRatio, toNumber } from './precise/fixed.js';
import { preciseStackKernel, type PreciseLayer } from './precise/stack.js';
import { eigvalsh } from '../linalg/eigh.js';
import { Matrix } from '../linalg/matrix.js';
import { reluKernel } from './testkit.testutil.js';

const SLOW = process.env.NTK_SLOW === '1';

function reluStack(depth: number, W = Math.SQRT2, b = 0.1): PreciseLayer[] {
  const out: PreciseLayer[] = [];
  for (let l = 0; l < depth; l++)
    out.push({ type: 'Dense', W_std: W, b_std: b }, { type: 'ABRelu', a: 0, b: 1 });
  out.push({ type: 'Dense', W_std: W, b_std: b });
  return out;
}

test('Φ(t) = t²: μ_0 = 1/d, μ_2 = 2/d², all others 0 (closed form, (Σyᵢ)² = d + 2Σ_{i<j} yᵢyⱼ)', () => {
  // d a power of two: t_j and t_j² are exact in float64, so the result must be exact
  for (const d of [1, 2, 4, 64, 256]) {
    const t = cubePoints(d);
    const s = cubeSpectrumFromValues(t.map((x) => x * x));
    for (let k = 0; k <= d; k++) {
      const want = k === 0 ? 1 / d : k === 2 ? 2 / (d * d) : 0;
      assert.equal(s.eigenvalues[k], want, `d=${d} k=${k}`);
    }
  }
  // otherwise the inputs are rounded, and the deviation stays within the propagated bound
  for (const d of [5, 300]) {
    const s = cubeSpectrumFromValues(
      cubePoints(d).map((x) => x * x),
      2 ** -52,
    );
    for (let k = 0; k <= d; k++) {
      const want = k === 0 ? 1 / d : k === 2 ? 2 / (d * d) : 0;
      assert.ok(
        Math.abs(s.eigenvalues[k] - want) <= s.errorBound[k] + 1e-16 * want,
        `d=${d} k=${k}: ${s.eigenvalues[k]} vs ${want}`,
      );
    }
  }
});

test('Φ(t) = exp(c·t): μ_k = sinh(c/d)^k·cosh(c/d)^(d−k) and FV_k is Binomial(d, (1 − e^{−2c/d})/2) — d = 128 and 1000', () => {
  const c0 = 3;
  for (const d of SLOW ? [8, 128, 1000] : [8, 128, 1000]) {
    const s = cubeSpectrumPrecise(d, (fx, t) => t.map((tj) => exp(fx, BigInt(c0) * tj)), 8);
    const a = c0 / d;
    const p = -Math.expm1(-2 * a) / 2;
    let lnC = 0;
    for (let k = 0; k <= d; k++) {
      if (k > 0) lnC += Math.log((d - k + 1) / k);
      const fvWant = Math.exp(lnC + k * Math.log(p) + (d - k) * Math.log1p(-p));
      const muWant = Math.exp(k * Math.log(Math.sinh(a)) + (d - k) * Math.log(Math.cosh(a)));
      if (fvWant > 1e-300) {
        assert.ok(
          Math.abs(s.fractionalVariance[k] - fvWant) <= 1e-10 * fvWant,
          `d=${d} k=${k}: FV ${s.fractionalVariance[k]} vs ${fvWant}`,
        );
      }
      if (muWant > 1e-290)
        assert.ok(
          Math.abs(s.eigenvalues[k] - muWant) <= 1e-10 * muWant,
          `d=${d} k=${k}: μ ${s.eigenvalues[k]} vs ${muWant}`,
        );
    }
  }
});

test('multiplicity-weighted eigenvalues sum to Φ(1); fractional variances sum to 1 (ReLU NTK, depth 3)', () => {
  for (const d of [4, 33, 128]) {
    const s = cubeSpectrumOfStack(reluStack(3), d, 'ntk');
    let sum = 0;
    let fv = 0;
    for (let k = 0; k <= d; k++) {
      sum += s.multiplicities[k] * s.eigenvalues[k];
      fv += s.fractionalVariance[k];
    }
    const phi1 = reluKernel(1, 3, Math.SQRT2, 0.1).ntk;
    assert.ok(Math.abs(sum - phi1) <= 1e-13 * phi1, `d=${d}: ${sum} vs Φ(1) = ${phi1}`);
    assert.ok(Math.abs(fv - 1) <= 1e-13);
    for (let k = 0; k <= d; k++) assert.ok(s.eigenvalues[k] >= 0, `μ_${k} < 0 for a PSD kernel`);
  }
});

test('equals the brute-force spectrum of the 2^d × 2^d Gram matrix / 2^d (ReLU NNGP and NTK, d ≤ 8; d = 10 under NTK_SLOW)', () => {
  for (const d of SLOW ? [3, 6, 8, 10] : [3, 6, 8]) {
    const n = 2 ** d;
    for (const part of ['nngp', 'ntk'] as const) {
      const G = new Float64Array(n * n);
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) {
          let diff = 0;
          for (let x = a ^ b; x; x &= x - 1) diff++;
          G[a * n + b] = reluKernel((d - 2 * diff) / d, 2, Math.SQRT2, 0.3)[part] / n;
        }
      }
      const brute = eigvalsh(new Matrix(n, n, G)); // LAPACK dsyevd or the pure-TS solver: independent of cube.ts
      const s = cubeSpectrumOfStack(reluStack(2, Math.SQRT2, 0.3), d, part);
      const mine: number[] = [];
      for (let k = 0; k <= d; k++) for (let m = 0; m < s.multiplicities[k]; m++) mine.push(s.eigenvalues[k]);
      mine.sort((x, y) => x - y);
      for (let i = 0; i < n; i++)
        assert.ok(
          Math.abs(mine[i] - brute[i]) <= 1e-10 * brute[n - 1],
          `d=${d} ${part} #${i}: ${mine[i]} vs ${brute[i]}`,
        );
    }
  }
});

test('float64 inputs: the naive sum loses the high degrees, and errorBound says so; the precise path does not', () => {
  const d = 128;
  const t = cubePoints(d);
  const exact = cubeSpectrumOfStack(reluStack(2), d, 'ntk');
  const phi = t.map((x) => reluKernel(x, 2, Math.SQRT2, 0.1).ntk);
  const rel = 2 ** -46; // acos/sin/cos of libm and the recursion: a generous few hundred ulps
  const f = cubeSpectrumFromValues(phi, rel);
  for (let k = 0; k <= d; k++) {
    const err = Math.abs(f.fractionalVariance[k] - exact.fractionalVariance[k]);
    assert.ok(
      err <= f.fractionalVarianceErrorBound[k] + 1e-15,
      `k=${k}: error ${err} exceeds the stated bound ${f.fractionalVarianceErrorBound[k]}`,
    );
  }
  // The bound is useless (> 1) at middle degrees: exactly the cancellation the precise path avoids.
  assert.ok(f.fractionalVarianceErrorBound[64] > 1);
  assert.ok(exact.fractionalVarianceErrorBound[64] < 1e-30);
});

test('precision: 256 more guard bits change no fractional variance at d = 128 and 1000 (ReLU NTK depth 4) beyond 1e-8 (relative)', () => {
  for (const d of [128, 1000]) {
    const layers = reluStack(4);
    const pub = cubeSpectrumOfStack(layers, d, 'ntk');
    const bits = d + 128 + 8 * layers.length + 64 + 256;
    const c = fixedContext(bits);
    const t: bigint[] = [];
    for (let j = 0; j <= d; j++) t.push(fromRatio(c, BigInt(d - 2 * j), BigInt(d)));
    const ref = cubeSpectrumFromFixed(preciseStackKernel(c, layers, t, c.one).ntk, bits, 1n);
    for (let k = 0; k <= d; k++) {
      const b = ref.fractionalVariance[k];
      assert.ok(
        Math.abs(pub.fractionalVariance[k] - b) <= 1e-8 * Math.abs(b) + 1e-300,
        `d=${d} k=${k}: ${pub.fractionalVariance[k]} vs ${b}`,
      );
      assert.ok(
        Math.abs(pub.fractionalVariance[k] - b) <= pub.fractionalVarianceErrorBound[k] + 1e-300,
        `d=${d} k=${k}: beyond the stated bound`,
      );
    }
  }
});

test('precise stack agrees with the float64 recursion (ReLU, erf) away from the cancellation', () => {
  const c = fixedContext(200);
  for (const tv of [-1, -0.3, 0, 0.77, 1]) {
    const t = [fromRatio(c, BigInt(Math.round(tv * 100)), 100n)];
    const r = preciseStackKernel(c, reluStack(3, 1.3, 0.2), t, c.one);
    const want = reluKernel(tv, 3, 1.3, 0.2);
    assert.ok(Math.abs(toNumber(c, r.nngp[0]) - want.nngp) <= 1e-13 * want.nngp);
    assert.ok(Math.abs(toNumber(c, r.ntk[0]) - want.ntk) <= 1e-13 * want.ntk);
    // erf: one hidden layer, Σ' = (2/π)·asin(2Σ/(1 + 2q)), Σ̇ = (4/π)/√((1+2q)² − 4Σ²) (Williams 1997)
    const e = preciseStackKernel(
      c,
      [
        { type: 'Dense', W_std: 1, b_std: 0 },
        { type: 'Erf', a: 1, b: 1, c: 0 },
        { type: 'Dense', W_std: 1, b_std: 0 },
      ],
      t,
      c.one,
    );
    const s1 = (2 / Math.PI) * Math.asin((2 * tv) / 3);
    const d1 = 4 / Math.PI / Math.sqrt(9 - 4 * tv * tv);
    assert.ok(Math.abs(toNumber(c, e.nngp[0]) - s1) <= 1e-14);
    assert.ok(Math.abs(toNumber(c, e.ntk[0]) - (s1 + d1 * tv)) <= 1e-14);
  }
});

test('depth that maximizes the degree-k fractional variance: interior optimum, growing with k (Yang & Salman §5)', () => {
  const d = 32;
  const depths = [1, 2, 4, 8, 16, 32];
  const r = fractionalVarianceByDepth(d, depths, (L) => reluStack(L, Math.SQRT2, 0.5), 'ntk');
  // brute force argmax over the table
  for (let k = 0; k <= d; k++) {
    let best = 0;
    for (let i = 1; i < depths.length; i++)
      if (r.fractionalVariance[i][k] > r.fractionalVariance[best][k]) best = i;
    assert.equal(r.bestDepth[k], depths[best]);
  }
  assert.ok(
    r.bestDepth[1] <= r.bestDepth[3],
    `best depth should not decrease from k=1 (${r.bestDepth[1]}) to k=3 (${r.bestDepth[3]})`,
  );
});

test('bad input', () => {
  assert.throws(() => cubePoints(0), /dim d must be an integer ≥ 1, got 0/);
  assert.throws(() => cubeSpectrumFromValues(new Float64Array([1, NaN])), /phi\[1\]/);
  assert.throws(() => cubeSpectrumFromValues(new Float64Array([0, 0])), /must be positive/);
});
