import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '../linalg/matrix.js';
import { PRNGKey, normal } from '../random/index.js';
import { Dense, Erf, Relu, serial } from '../nn/index.js';
import type { Layer } from '../nn/types.js';
import { kernelFn } from './kernelFn.js';

/**
 * The seeds' networks expressed with ntk-lab's knobs (docs/recipes.md), each checked against the seed's own
 * recursion written out independently here, scalar by scalar, to 1e-10 relative.
 */

const TOL = 1e-10;

function inputs(seed: number, n: number, d: number, sphere = false): Matrix {
  const x = new Matrix(n, d, normal(PRNGKey(seed), n * d));
  if (sphere) {
    for (let i = 0; i < n; i++) {
      const r = x.row(i);
      const norm = Math.hypot(...r);
      for (let k = 0; k < d; k++) r[k] /= norm;
    }
  }
  return x;
}

const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, v, i) => s + v * b[i], 0);

/** Arc-cosine expectations for (u, v) ~ N(0, [[a, c], [c, b]]) (Cho & Saul 2009, n = 0 and n = 1). */
function reluMoments(c: number, a: number, b: number): { ss: number; dd: number } {
  const theta = Math.acos(Math.max(-1, Math.min(1, c / Math.sqrt(a * b))));
  return {
    ss: (Math.sqrt(a * b) * (Math.sin(theta) + (Math.PI - theta) * Math.cos(theta))) / (2 * Math.PI), // E[relu(u)relu(v)]
    dd: (Math.PI - theta) / (2 * Math.PI), // E[1{u>0}1{v>0}]
  };
}

/** Williams (1997): E[erf(u)erf(v)] and E[erf'(u)erf'(v)]. */
function erfMoments(c: number, a: number, b: number): { ss: number; dd: number } {
  return {
    ss: (2 / Math.PI) * Math.asin((2 * c) / Math.sqrt((1 + 2 * a) * (1 + 2 * b))),
    dd: 4 / Math.PI / Math.sqrt((1 + 2 * a) * (1 + 2 * b) - 4 * c * c),
  };
}

function assertClose(got: number, want: number, what: string): void {
  assert.ok(Math.abs(got - want) <= TOL * Math.max(1, Math.abs(want)), `${what}: ${got} vs ${want}`);
}

test('Jacot et al. (seed 001): Σ⁽¹⁾ = xᵀx′/n₀ + β², Σ⁽ᴸ⁺¹⁾ = E[σσ] + β², Θ⁽ᴸ⁺¹⁾ = Θ⁽ᴸ⁾Σ̇⁽ᴸ⁺¹⁾ + Σ⁽ᴸ⁺¹⁾', () => {
  for (const [name, act, moments] of [
    ['relu', Relu, reluMoments],
    ['erf', Erf, erfMoments],
  ] as const) {
    const beta = 0.3;
    const L = 3; // hidden layers
    // recipe: Dense(W_std = 1, b_std = β) between nonlinearities, 'ntk' parameterization
    const layers: Layer[] = [];
    for (let l = 0; l < L; l++) layers.push(Dense({ width: 1, W_std: 1, b_std: beta }), act());
    layers.push(Dense({ width: 1, W_std: 1, b_std: beta }));
    const x = inputs(1, 6, 4);
    const r = kernelFn(serial(...layers), x);
    const n0 = x.cols;
    for (let i = 0; i < x.rows; i++) {
      for (let j = 0; j < x.rows; j++) {
        const xi = x.row(i);
        const xj = x.row(j);
        let S = dot(xi, xj) / n0 + beta * beta;
        let Sii = dot(xi, xi) / n0 + beta * beta;
        let Sjj = dot(xj, xj) / n0 + beta * beta;
        let T = S; // Θ⁽¹⁾ = Σ⁽¹⁾
        for (let l = 0; l < L; l++) {
          const m = moments(S, Sii, Sjj);
          const next = m.ss + beta * beta;
          T = T * m.dd + next;
          Sii = moments(Sii, Sii, Sii).ss + beta * beta;
          Sjj = moments(Sjj, Sjj, Sjj).ss + beta * beta;
          S = next;
        }
        assertClose(r.nngp!.get(i, j), S, `${name} Σ(${i},${j})`);
        assertClose(r.ntk!.get(i, j), T, `${name} Θ(${i},${j})`);
      }
    }
  }
});

test('Arora et al. (seed 002): Σ⁽⁰⁾ = xᵀx′, c_σ = 2 for ReLU, no bias, Θ⁽ᴸ⁾ = Σ_h Σ⁽ʰ⁻¹⁾ Π_{h′≥h} Σ̇⁽ʰ′⁾', () => {
  const L = 4;
  const x = inputs(2, 5, 3);
  const d = x.cols;
  const cSigma = 2; // (E[relu(z)²])⁻¹ = 2
  // recipe: first layer unscaled (W_std = √d undoes the 1/√d), then √c_σ, no bias
  const layers: Layer[] = [Dense({ width: 1, W_std: Math.sqrt(d), b_std: null })];
  for (let h = 1; h <= L; h++)
    layers.push(Relu(), Dense({ width: 1, W_std: Math.sqrt(cSigma), b_std: null }));
  const r = kernelFn(serial(...layers), x);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < x.rows; j++) {
      const xi = x.row(i);
      const xj = x.row(j);
      const Sig = [dot(xi, xj)];
      const Sii = [dot(xi, xi)];
      const Sjj = [dot(xj, xj)];
      const Sdot: number[] = [NaN];
      for (let h = 1; h <= L; h++) {
        const m = reluMoments(Sig[h - 1], Sii[h - 1], Sjj[h - 1]);
        Sig.push(cSigma * m.ss);
        Sdot.push(cSigma * m.dd);
        Sii.push(cSigma * reluMoments(Sii[h - 1], Sii[h - 1], Sii[h - 1]).ss);
        Sjj.push(cSigma * reluMoments(Sjj[h - 1], Sjj[h - 1], Sjj[h - 1]).ss);
      }
      Sdot.push(1); // Σ̇⁽ᴸ⁺¹⁾ = 1
      let theta = 0;
      for (let h = 1; h <= L + 1; h++) {
        let prod = 1;
        for (let hp = h; hp <= L + 1; hp++) prod *= Sdot[hp];
        theta += Sig[h - 1] * prod;
      }
      assertClose(r.nngp!.get(i, j), Sig[L], `Σ⁽ᴸ⁾(${i},${j})`);
      assertClose(r.ntk!.get(i, j), theta, `Θ⁽ᴸ⁾(${i},${j})`);
    }
  }
});

test('Basri et al. (seed 004, eq. 6–7): two-layer ReLU net with bias, first layer trained', () => {
  const x = inputs(3, 8, 3, true); // x on S^{d−1}
  const d = x.cols;
  // f(x) = (1/√m) Σ a_r σ(w_rᵀx + b_r), w_r ~ N(0, I), b_r ~ N(0, 1): Dense(W_std = √d, b_std = 1) → Relu → Dense(W_std = 1, no bias).
  // Only the first layer is trained, so the kernel is Θ − Σ (the readout layer's own term is Σ).
  const net = serial(
    Dense({ width: 1, W_std: Math.sqrt(d), b_std: 1 }),
    Relu(),
    Dense({ width: 1, W_std: 1, b_std: null }),
  );
  const r = kernelFn(net, x);
  const noBias = kernelFn(
    serial(
      Dense({ width: 1, W_std: Math.sqrt(d), b_std: null }),
      Relu(),
      Dense({ width: 1, W_std: 1, b_std: null }),
    ),
    x,
  );
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < x.rows; j++) {
      const u = dot(x.row(i), x.row(j));
      // ‖x‖ = 1 up to rounding; the angle uses the computed norms (acos is ill-conditioned at 1)
      const ni = dot(x.row(i), x.row(i));
      const nj = dot(x.row(j), x.row(j));
      // eq. 7, first formula, with the bias folded into x̄ = (x, 1): E_w̄[x̄ᵀx̄′·1{w̄ᵀx̄ ≥ 0, w̄ᵀx̄′ ≥ 0}]
      // = x̄ᵀx̄′·(π − arccos(x̄ᵀx̄′/(‖x̄‖‖x̄′‖)))/(2π), ‖x̄‖² = 2.
      const ub = u + 1;
      const withBias =
        (ub * (Math.PI - Math.acos(Math.min(1, ub / Math.sqrt((ni + 1) * (nj + 1)))))) / (2 * Math.PI);
      assertClose(r.ntk!.get(i, j) - r.nngp!.get(i, j), withBias, `with bias (${i},${j})`);
      // eq. 7 without bias as printed: xᵢᵀxⱼ(π − arccos(xᵢᵀxⱼ))/(4π) — half of the expectation on its left,
      // whose value is /(2π) (P(wᵀx ≥ 0, wᵀx′ ≥ 0) = (π − θ)/(2π)). We trust the expectation; see docs/recipes.md.
      const seedPrinted =
        (u * (Math.PI - Math.acos(Math.max(-1, Math.min(1, u / Math.sqrt(ni * nj)))))) / (4 * Math.PI);
      assertClose(noBias.ntk!.get(i, j) - noBias.nngp!.get(i, j), 2 * seedPrinted, `no bias (${i},${j})`);
    }
  }
  // The expectation's 1/(2π) normalization by seeded Monte Carlo over w ~ N(0, I) (4e5 draws, 4σ ≈ 0.5%).
  const S = 400_000;
  const w = normal(PRNGKey(9), S * d);
  const [xi, xj] = [x.row(0), x.row(1)];
  let hits = 0;
  for (let s = 0; s < S; s++) {
    let a = 0;
    let b = 0;
    for (let k = 0; k < d; k++) {
      a += w[s * d + k] * xi[k];
      b += w[s * d + k] * xj[k];
    }
    if (a >= 0 && b >= 0) hits++;
  }
  const u = dot(xi, xj);
  const mc = (u * hits) / S;
  const closed = (u * (Math.PI - Math.acos(u))) / (2 * Math.PI);
  assert.ok(Math.abs(mc - closed) < 0.005 * Math.abs(u) + 1e-3, `MC ${mc} vs /(2π) form ${closed}`);
});
