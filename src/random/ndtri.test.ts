import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ndtri } from './ndtri.js';

// Reference values: Φ⁻¹(p) to 50 digits with mpmath 1.3 (√2·erfinv(2p − 1), or a root of
// log Φ(x) = log p in the far tail), rounded to float64.
const REF: [number, number][] = [
  [1e-300, -37.0470962993612],
  [1e-100, -21.273453560965326],
  [1e-20, -9.262340089798407],
  [5.551115123125783e-17, -8.292361075813595],
  [1e-10, -6.361340902404057],
  [1e-5, -4.264890793922825],
  [0.001, -3.0902323061678136],
  [0.02425, -1.972961051311885],
  [0.05, -1.6448536269514726],
  [0.075, -1.439531470938456],
  [0.1, -1.2815515655446004],
  [0.3, -0.5244005127080408],
  [0.499999999, -2.5066283428845328e-9],
  [0.5, 0.0],
  [0.6, 0.2533471031357997],
  [0.75, 0.6744897501960817],
  [0.9, 1.2815515655446006],
  [0.925, 1.4395314709384561],
  [0.975, 1.9599639845400538],
  [0.999, 3.090232306167813],
  [0.9999999999, 6.361340889697422],
];

test('ndtri (AS 241) is within 8e-16 relative of Φ⁻¹ (mpmath) over 1e-300 … 1 − 1e-10', () => {
  for (const [p, z] of REF) {
    const got = ndtri(p);
    const tol = 8e-16 * Math.abs(z) + 1e-300;
    assert.ok(Math.abs(got - z) <= tol, `ndtri(${p}) = ${got}, exact ${z}, diff ${got - z}`);
  }
});

/** Φ(x) − ½ = ∫₀ˣ φ by composite Simpson with 2000 panels (error ≲ 1e-15 for |x| ≤ 6). */
function phiMinusHalf(x: number): number {
  const m = 2000;
  const h = x / m;
  const f = (t: number): number => Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI);
  let s = f(0) + f(x);
  for (let i = 1; i < m; i++) s += (i % 2 === 1 ? 4 : 2) * f(i * h);
  return (s * h) / 3;
}

test('Φ(ndtri(p)) = p in the body, with Φ by independent quadrature', () => {
  for (let p = 0.01; p < 0.995; p += 0.0137) {
    assert.ok(Math.abs(phiMinusHalf(ndtri(p)) - (p - 0.5)) < 2e-15, `p = ${p}`);
  }
});

test('ndtri: symmetry, monotonicity, end points and bad input', () => {
  // p = i/1024 so that 1 − p is exact.
  for (let i = 1; i < 1024; i++) {
    const p = i / 1024;
    assert.ok(Math.abs(ndtri(p) + ndtri(1 - p)) <= 1e-15 * Math.max(1, Math.abs(ndtri(p))) + 2e-16);
    if (i > 1) assert.ok(ndtri(p) > ndtri((i - 1) / 1024));
  }
  assert.equal(ndtri(0), -Infinity);
  assert.equal(ndtri(1), Infinity);
  assert.throws(() => ndtri(1.5), /ndtri: p must be a probability in \[0, 1\], got 1.5/);
  assert.throws(() => ndtri(NaN), /got NaN/);
});
