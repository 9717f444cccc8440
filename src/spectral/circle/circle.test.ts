import { test } from 'node:test';
import assert from 'node:assert/strict';
import { functionDensity, parseDensity, piecewiseDensity, uniformDensity } from './density.js';
import { basriZ, eq17AsTyped, eq17Corrected } from './eq17.js';
import { fft } from './fft.js';
import { twoLayerReluBias } from './kernels.js';
import { localFrequency, regionFrequencies } from './localFrequency.js';
import { circleNystrom } from './nystrom.js';

/**
 * Fourier coefficients of the seed's kernel k(u) = (cos u + 1)(π − |u|)/(4π) under p = 1/(2π), by
 * hand: λ_q = (1/(4π²))·[∫₀^π (π−u)cos(qu)du + ∫₀^π (π−u)cos(u)cos(qu)du] with
 * ∫₀^π (π−u)cos(qu)du = (1 − (−1)^q)/q² (q ≥ 1), π²/2 (q = 0).
 */
function fourier(q: number): number {
  const A = (m: number) => (m === 0 ? (Math.PI * Math.PI) / 2 : (1 - (-1) ** m) / (m * m));
  return (A(q) + 0.5 * (A(Math.abs(q - 1)) + A(q + 1))) / (4 * Math.PI * Math.PI);
}

const seedDensity = () => piecewiseDensity([1, 2, 4].map((v) => (3 / (2 * Math.PI)) * (v / 7)));

test('Fourier coefficients by hand agree with the closed forms λ₀ = 1/8 + 1/(2π²), λ₁ = 1/16 + 1/(2π²)', () => {
  assert.ok(Math.abs(fourier(0) - (1 / 8 + 1 / (2 * Math.PI ** 2))) < 1e-16);
  assert.ok(Math.abs(fourier(1) - (1 / 16 + 1 / (2 * Math.PI ** 2))) < 1e-16);
  assert.ok(Math.abs(fourier(4) - 17 / (2 * Math.PI ** 2 * 225)) < 1e-17);
});

test('uniform density: eigenvalues = Fourier coefficients of k to 1e-8 (M = 8192; and by Richardson from M = 1024)', () => {
  const r = circleNystrom(twoLayerReluBias, uniformDensity(), { grid: 8192, top: 41 });
  assert.equal(r.method, 'circulant');
  const rr = circleNystrom(twoLayerReluBias, uniformDensity(), { grid: 1024, top: 41 });
  for (let i = 0; i < 41; i++) {
    const q = Math.ceil(i / 2);
    assert.ok(
      Math.abs(r.eigenvalues[i] - fourier(q)) <= 1e-8,
      `#${i} q=${q}: ${r.eigenvalues[i]} vs ${fourier(q)}`,
    );
    assert.ok(Math.abs(rr.extrapolated![i] - fourier(q)) <= 1e-8, `Richardson #${i}`);
  }
});

test('uniform density on the dense path: same eigenvalues as the DFT; eigenfunctions span {cos qx, sin qx}', () => {
  const M = 256;
  const dense = circleNystrom(
    twoLayerReluBias,
    functionDensity(() => 1 / (2 * Math.PI)),
    { grid: M, top: 9, errorEstimate: false },
  );
  const circ = circleNystrom(twoLayerReluBias, uniformDensity(), { grid: M, top: 9, errorEstimate: false });
  assert.equal(dense.method, 'dense');
  for (let i = 0; i < 9; i++) {
    assert.ok(Math.abs(dense.eigenvalues[i] - circ.eigenvalues[i]) <= 1e-14, `#${i}`);
    const q = Math.ceil(i / 2);
    // coefficients on the L²(p)-orthonormal pair √2·cos(qx), √2·sin(qx) (or 1 for q = 0)
    let c = 0;
    let s = 0;
    for (let j = 0; j < M; j++) {
      const f = dense.eigenfunctions.data[i * M + j];
      const x = dense.grid[j];
      c += (f * (q === 0 ? 1 : Math.SQRT2 * Math.cos(q * x))) / M;
      s += (f * (q === 0 ? 0 : Math.SQRT2 * Math.sin(q * x))) / M;
    }
    assert.ok(
      Math.abs(c * c + s * s - 1) <= 1e-10,
      `eigenfunction ${i} is not in span{cos ${q}x, sin ${q}x}: ${c * c + s * s}`,
    );
  }
});

test('Nyström converges as the grid refines: |λ(M) − λ(2M)| shrinks ≈ 4× per doubling (seed density)', () => {
  const lam = [96, 192, 384, 768].map(
    (M) =>
      circleNystrom(twoLayerReluBias, seedDensity(), { grid: M, top: 6, errorEstimate: false }).eigenvalues,
  );
  for (let i = 0; i < 6; i++) {
    const d1 = Math.abs(lam[1][i] - lam[0][i]);
    const d2 = Math.abs(lam[2][i] - lam[1][i]);
    const d3 = Math.abs(lam[3][i] - lam[2][i]);
    assert.ok(d2 < d1 / 3 && d3 < d2 / 3, `#${i}: successive differences ${d1}, ${d2}, ${d3}`);
  }
});

test('eq. 17: the corrected form is exact for the uniform density; the typed one is off by π (and 2π at q = 0)', () => {
  const Z = basriZ(uniformDensity());
  assert.ok(Math.abs(Z - 1 / Math.sqrt(2 * Math.PI)) < 1e-15);
  for (let q = 0; q < 30; q++) {
    assert.ok(Math.abs(eq17Corrected(q, Z) - fourier(q)) <= 1e-16, `q=${q}`);
    const ratio = fourier(q) / eq17AsTyped(q, Z);
    assert.ok(Math.abs(ratio - (q === 0 ? 2 * Math.PI : Math.PI)) < 1e-12, `q=${q}: ratio ${ratio}`);
  }
});

test('local frequency: exact for a sinusoid segment (fit), close by FFT; √p scaling (ratio √2 within 3%) on the seed density for q ≥ 6', () => {
  const x = Float64Array.from({ length: 300 }, (_, i) => -1 + (i * 2) / 299);
  for (const w of [3.3, 7.9, 15.2]) {
    const r = localFrequency(
      x,
      x.map((v) => 0.7 * Math.cos(w * v + 0.4)),
    );
    assert.ok(Math.abs(r.fit - w) <= 1e-8 * w, `fit ${r.fit} vs ${w}`);
    assert.ok(
      Math.abs(r.fft - w) <= (2 * Math.PI) / 2 / 4,
      `fft ${r.fft} vs ${w}: beyond a quarter of the resolution cell 2π/L`,
    );
  }
  const M = 1536;
  const e = circleNystrom(twoLayerReluBias, seedDensity(), { grid: M, top: 15, errorEstimate: false });
  for (let i = 11; i < 15; i++) {
    const f = regionFrequencies(e.grid, e.eigenfunctions.data.subarray(i * M, (i + 1) * M), 3);
    for (let j = 0; j < 2; j++) {
      const ratio = f[j + 1].fit / f[j].fit;
      assert.ok(
        Math.abs(ratio - Math.SQRT2) <= 0.03 * Math.SQRT2,
        `eigenfunction ${i}, regions ${j + 1}→${j + 2}: ratio ${ratio}`,
      );
    }
  }
});

test('FFT equals the direct DFT', () => {
  const N = 64;
  const re = Float64Array.from({ length: N }, (_, i) => Math.sin(i * 0.37) + i / N);
  const im = Float64Array.from({ length: N }, (_, i) => Math.cos(i * 1.1));
  const r0 = re.slice();
  const i0 = im.slice();
  fft(re, im);
  for (let k = 0; k < N; k++) {
    let a = 0;
    let b = 0;
    for (let n = 0; n < N; n++) {
      const t = (-2 * Math.PI * k * n) / N;
      a += r0[n] * Math.cos(t) - i0[n] * Math.sin(t);
      b += r0[n] * Math.sin(t) + i0[n] * Math.cos(t);
    }
    assert.ok(Math.abs(re[k] - a) < 1e-12 && Math.abs(im[k] - b) < 1e-12);
  }
});

test('continuous density (seed 004): integrates to 1 as given; Nyström converges ≈ 4× per doubling', () => {
  const p = parseDensity('seed004-continuous');
  assert.equal(p.normalizedFrom, null);
  const lam = [128, 256, 512].map(
    (M) => circleNystrom(twoLayerReluBias, p, { grid: M, top: 6, errorEstimate: false }).eigenvalues,
  );
  for (let i = 0; i < 6; i++) {
    const d1 = Math.abs(lam[1][i] - lam[0][i]);
    const d2 = Math.abs(lam[2][i] - lam[1][i]);
    assert.ok(d2 < d1 / 3, `#${i}: ${d1}, ${d2}`);
  }
});

test('densities: normalization is reported, bad input refused', () => {
  const p = parseDensity('1,2,4');
  assert.ok(p.kind === 'piecewise' && Math.abs(p.normalizedFrom! - 2 * Math.PI * (7 / 3)) < 1e-12);
  assert.ok(p.kind === 'piecewise' && Math.abs(p.values[0] - 3 / (2 * Math.PI * 7)) < 1e-15);
  assert.equal(seedDensity().normalizedFrom, null);
  assert.throws(() => parseDensity('1,-2,4'), /part 2 is -2/);
  assert.throws(() => parseDensity('0,0'), /positive mass/);
  assert.throws(() => parseDensity('1,x'), /part 2 'x' is not a number/);
  assert.throws(
    () => circleNystrom(twoLayerReluBias, uniformDensity(), { grid: 2 }),
    /grid M must be an integer ≥ 4/,
  );
});
