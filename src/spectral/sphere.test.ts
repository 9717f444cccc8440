import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eigvalsh } from '../linalg/eigh.js';
import { Matrix } from '../linalg/matrix.js';
import { normal, PRNGKey } from '../random/index.js';
import { gaussGegenbauer } from './quadrature.js';
import { sphereMultiplicity, sphereSpectrum } from './sphere.js';
import { reluKernel } from './testkit.testutil.js';

const SLOW = process.env.NTK_SLOW === '1';

test('Gauss–Gegenbauer: moments E[t^{2m}] = Π_{i<m} (2i+1)/(d+2i) of t = ⟨x, e⟩, x uniform on S^{d−1}, exact to 2n−1', () => {
  for (const d of [2, 3, 4, 7, 50]) {
    for (const n of [3, 8, 40]) {
      const q = gaussGegenbauer(n, (d - 3) / 2);
      let want = 1;
      for (let m = 0; 2 * m <= 2 * n - 1; m++) {
        let got = 0;
        for (let i = 0; i < n; i++) got += q.weights[i] * q.nodes[i] ** (2 * m);
        assert.ok(Math.abs(got - want) <= 1e-13 * want, `d=${d} n=${n} m=${m}: ${got} vs ${want}`);
        want *= (2 * m + 1) / (d + 2 * m);
      }
    }
  }
});

test('multiplicities: N(3,k) = 2k+1, N(2,k≥1) = 2, N(d,1) = d, N(d,2) = (d+2)(d−1)/2', () => {
  for (let k = 0; k < 10; k++) assert.equal(sphereMultiplicity(3, k), 2 * k + 1);
  for (let k = 1; k < 10; k++) assert.equal(sphereMultiplicity(2, k), 2);
  for (const d of [2, 5, 100]) {
    assert.equal(sphereMultiplicity(d, 1), d);
    assert.equal(sphereMultiplicity(d, 2), ((d + 2) * (d - 1)) / 2);
  }
});

test('closed forms: Φ = t gives μ_1 = 1/d; Φ = t² gives μ_0 = 1/d, μ_2 = 2/(d(d+2)); Φ = e^t on S¹ gives μ_k = I_k(1)', () => {
  for (const d of [3, 10, 200]) {
    const s1 = sphereSpectrum((t) => t.slice(), d, 4, { nodes: 16 });
    const s2 = sphereSpectrum((t) => t.map((x) => x * x), d, 4, { nodes: 16 });
    for (let k = 0; k <= 4; k++) {
      assert.ok(Math.abs(s1.eigenvalues[k] - (k === 1 ? 1 / d : 0)) <= 1e-15);
      const w2 = k === 0 ? 1 / d : k === 2 ? 2 / (d * (d + 2)) : 0;
      assert.ok(Math.abs(s2.eigenvalues[k] - w2) <= 1e-15, `d=${d} k=${k}`);
    }
  }
  const bessel = [
    1.2660658777520084, 0.565159103992485, 0.13574766976703828, 0.022168424924331902, 0.0027371202210468661,
  ]; // Σ_m 2^{−2m−k}/(m!(m+k)!)
  const s = sphereSpectrum((t) => t.map(Math.exp), 2, 4, { nodes: 64 });
  for (let k = 0; k <= 4; k++)
    assert.ok(Math.abs(s.eigenvalues[k] - bessel[k]) <= s.roundoffBound[k], `I_${k}(1): ${s.eigenvalues[k]}`);
  // Σ_k N(d,k)·μ_k = Φ(1) for a smooth kernel
  // (μ_k ≤ 1/(k!·5^k) here, so degrees > 20 add < 1e-30; the sum is limited by the stated rounding)
  const e = sphereSpectrum((t) => t.map(Math.exp), 5, 20, { nodes: 200 });
  let sum = 0;
  let tol = 0;
  for (let k = 0; k <= 20; k++) {
    sum += e.multiplicities[k] * e.eigenvalues[k];
    tol += e.multiplicities[k] * e.roundoffBound[k];
  }
  assert.ok(Math.abs(sum - Math.E) <= tol, `${sum} vs e (tol ${tol})`);
});

test('S⁰ (d = 1): μ = (Φ(1) ± Φ(−1))/2', () => {
  const s = sphereSpectrum((t) => t.map((x) => 2 + x), 1, 5);
  assert.deepEqual(Array.from(s.eigenvalues), [2, 1]);
});

test('Gram check: eigenvalues of the Gram matrix of M uniform samples / M approach μ_k (ReLU NTK on S², depth 2)', () => {
  // Sampling error: kernel-matrix eigenvalues converge at rate ‖K‖_∞/√M (Koltchinskii & Giné 2000);
  // we assert |mean of the N(d,k) Gram eigenvalues of degree k − μ_k| ≤ Φ(1)/(2√M) for the top 6 degrees.
  const d = 3;
  const M = SLOW ? 4000 : 800;
  const K = (t: number) => reluKernel(t, 2, Math.SQRT2, 0.1).ntk;
  const s = sphereSpectrum((t) => t.map(K), d, 12);
  for (let k = 0; k <= 12; k++)
    assert.ok(s.quadratureError[k] < 1e-8, `quadrature error at k=${k}: ${s.quadratureError[k]}`);
  const z = normal(PRNGKey(7), M * d);
  for (let i = 0; i < M; i++) {
    let n = 0;
    for (let j = 0; j < d; j++) n += z[i * d + j] ** 2;
    n = Math.sqrt(n);
    for (let j = 0; j < d; j++) z[i * d + j] /= n;
  }
  const G = new Matrix(M, M);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j <= i; j++) {
      let t = 0;
      for (let a = 0; a < d; a++) t += z[i * d + a] * z[j * d + a];
      const v = K(Math.max(-1, Math.min(1, t))) / M;
      G.data[i * M + j] = v;
      G.data[j * M + i] = v;
    }
  }
  const ev = Array.from(eigvalsh(G)).reverse();
  const order = Array.from(s.eigenvalues.keys()).sort((a, b) => s.eigenvalues[b] - s.eigenvalues[a]);
  const tol = K(1) / (2 * Math.sqrt(M));
  let pos = 0;
  for (const k of order.slice(0, 6)) {
    const m = s.multiplicities[k];
    let sum = 0;
    for (let i = 0; i < m; i++) sum += ev[pos + i];
    pos += m;
    assert.ok(
      Math.abs(sum / m - s.eigenvalues[k]) <= tol,
      `degree ${k}: Gram ${sum / m} vs μ ${s.eigenvalues[k]} (tol ${tol})`,
    );
  }
});

test('bad input', () => {
  assert.throws(() => sphereSpectrum((t) => t, 0, 3), /dim d must be an integer ≥ 1, got 0/);
  assert.throws(() => sphereSpectrum((t) => t, 3, -1), /max degree/);
  assert.throws(() => gaussGegenbauer(4, -1), /alpha/);
});
