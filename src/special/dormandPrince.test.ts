import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dormandPrince } from './dormandPrince.js';

test('Dormand–Prince: the harmonic oscillator y″ = −y against cos/sin at 41 dense-output times, error ≈ tolerance', () => {
  const times = Array.from({ length: 41 }, (_, i) => i * 0.25);
  for (const tol of [1e-6, 1e-9, 1e-12]) {
    const sol = dormandPrince(
      (_t, y, d) => {
        d[0] = y[1];
        d[1] = -y[0];
      },
      Float64Array.of(1, 0),
      0,
      times,
      { rtol: tol, atol: tol },
    );
    let worst = 0;
    times.forEach((t, i) => {
      worst = Math.max(
        worst,
        Math.abs(sol.values[i][0] - Math.cos(t)),
        Math.abs(sol.values[i][1] + Math.sin(t)),
      );
    });
    // Global error over 10 time units (≈ 1.6 periods) stays within 100× the per-step tolerance.
    assert.ok(worst <= 100 * tol, `tol ${tol}: worst error ${worst}`);
    // FSAL: one F at t0, one for the starting step, then six per attempted step.
    assert.equal(sol.evaluations, 2 + 6 * (sol.acceptedSteps + sol.rejectedSteps));
  }
});

test('Dormand–Prince: the dense output has order 4 — exact for a quartic solution between steps; order 5 steps are exact for a quintic', () => {
  // y′ = 4t³: the solution t⁴ is reproduced by the 5th-order step and its 4th-order continuous extension.
  const q = dormandPrince((t, _y, d) => (d[0] = 4 * t ** 3), Float64Array.of(0), 0, [0.1, 0.37, 1, 2.5, 3], {
    rtol: 1e-3,
    atol: 1e-3,
  });
  for (const [i, t] of [0.1, 0.37, 1, 2.5, 3].entries())
    assert.ok(
      Math.abs(q.values[i][0] - t ** 4) <= 1e-13 * Math.max(1, t ** 4),
      `t⁴ at ${t}: ${q.values[i][0]}`,
    );
  // The steps are long (the error estimate is ~0 for a quartic), so the interpolant is really exercised.
  assert.ok(q.acceptedSteps <= 12, `steps ${q.acceptedSteps}`);
  // y′ = 5t⁴ (solution t⁵): the step endpoints are exact; the order-4 interpolant is not, but its error is O(h⁵).
  const p = dormandPrince((t, _y, d) => (d[0] = 5 * t ** 4), Float64Array.of(0), 0, [3], {
    rtol: 1,
    atol: 1,
  });
  assert.ok(Math.abs(p.values[0][0] - 243) <= 1e-11 * 243);
});

test('Dormand–Prince: a nonlinear blow-up y′ = y² (solution 1/(1 − t)), times in any order, t = t0 returned as given', () => {
  const times = [0.9, 0, 0.5, 0.99];
  const sol = dormandPrince((_t, y, d) => (d[0] = y[0] * y[0]), Float64Array.of(1), 0, times, {
    rtol: 1e-10,
    atol: 1e-12,
  });
  times.forEach((t, i) => {
    const exact = 1 / (1 - t);
    assert.ok(
      Math.abs(sol.values[i][0] - exact) <= 1e-7 * exact,
      `t = ${t}: ${sol.values[i][0]} vs ${exact}`,
    );
  });
  assert.equal(sol.values[1][0], 1);
  assert.throws(
    () => dormandPrince((_t, y, d) => (d[0] = y[0] * y[0]), Float64Array.of(1), 0, [2], { maxSteps: 2000 }),
    (e: Error) => e.name === 'NtkNumericalError',
  );
});

test('Dormand–Prince: a stiff-ish linear decay y′ = −λy keeps its stability-limited step and the error control', () => {
  const lambda = 200;
  const sol = dormandPrince((_t, y, d) => (d[0] = -lambda * y[0]), Float64Array.of(1), 0, [0.01, 1], {
    rtol: 1e-8,
    atol: 1e-14,
  });
  assert.ok(Math.abs(sol.values[0][0] - Math.exp(-2)) <= 1e-7 * Math.exp(-2));
  assert.ok(Math.abs(sol.values[1][0]) <= 1e-12);
  // Stability of DOPRI5 on the negative real axis reaches ≈ −3.3, so ≥ λ·t/3.3 ≈ 60 steps.
  assert.ok(sol.acceptedSteps >= 55, `steps ${sol.acceptedSteps}`);
});

test('Dormand–Prince: bad input names the argument', () => {
  const f = (_t: number, _y: Float64Array, d: Float64Array): void => void d.fill(0);
  assert.throws(
    () => dormandPrince(f, Float64Array.of(1), 0, [-1]),
    /times\[0\] must be a finite number ≥ t0 = 0, got -1/,
  );
  assert.throws(
    () => dormandPrince(f, Float64Array.of(1), 0, [Infinity]),
    /times\[0\] must be a finite number/,
  );
  assert.throws(() => dormandPrince(f, Float64Array.of(NaN), 0, [1]), /y0\[0\] must be finite, got NaN/);
  assert.throws(
    () => dormandPrince(f, Float64Array.of(1), 0, [1], { rtol: 0 }),
    /rtol must be a finite number > 0, got 0/,
  );
  assert.throws(() => dormandPrince(f, [1] as unknown as Float64Array, 0, [1]), /y0 must be a Float64Array/);
});
