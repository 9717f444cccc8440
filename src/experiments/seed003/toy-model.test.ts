import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normal } from '../../random/normal.js';
import { PRNGKey, split } from '../../random/keys.js';
import { divergenceEdge, runToy, toyGdStep, toyStateOf, toyStep, toyStepExact } from './toy-model.js';

function weights(n: number, seed: number) {
  const [ku, kv] = split(PRNGKey(seed));
  return { u: normal(ku, n), v: normal(kv, n) };
}

test('the recurrences match GD on the weights (independent implementation): stated form for y = 0, corrected form for any y', () => {
  for (const y of [0, 0.7, -2]) {
    const { u, v } = weights(50, 1);
    let s = toyStateOf(u, v, y);
    const eta = 3 / s.lambda; // catapult: the errors would be amplified if the algebra were off
    for (let t = 0; t < 60; t++) {
      toyGdStep(u, v, y, eta);
      s = toyStepExact(s, eta, 50, y);
      const g = toyStateOf(u, v, y);
      assert.ok(Math.abs(g.df - s.df) <= 1e-9 * (1 + Math.abs(g.df)), `y=${y} t=${t}: Δf ${g.df} vs ${s.df}`);
      assert.ok(
        Math.abs(g.lambda - s.lambda) <= 1e-12 * g.lambda,
        `y=${y} t=${t}: λ ${g.lambda} vs ${s.lambda}`,
      );
    }
  }
  // For y = 0 the stated form and the corrected one are the same map.
  const st = { df: 0.3, lambda: 2.1 };
  assert.deepEqual(toyStep(st, 1.2, 10), toyStepExact(st, 1.2, 10, 0));
});

test('one step by hand: n = 1, u = 1, v = 2, y = 0, η = 0.1', () => {
  // f = vu = 2, λ = u² + v² = 5; u' = 1 − 0.1·2·2 = 0.6, v' = 2 − 0.1·2·1 = 1.8 → f' = 1.08, λ' = 0.36 + 3.24 = 3.6.
  const s = toyStep({ df: 2, lambda: 5 }, 0.1, 1);
  assert.ok(Math.abs(s.df - 1.08) < 1e-15);
  assert.ok(Math.abs(s.lambda - 3.6) < 1e-15);
});

test('wide limit of the lazy phase: Δf_t ≈ (1 − ηλ₀)^t Δf₀ (linear model), error O(1/n)', () => {
  const s0 = { df: 1, lambda: 2 };
  const n = 1e8;
  const eta = 0.6;
  let s = s0;
  for (let t = 1; t <= 20; t++) {
    s = toyStep(s, eta, n);
    assert.ok(Math.abs(s.df - (1 - eta * 2) ** t) <= 1e-6);
  }
});

test('phases: lazy below 2, catapult with monotone λ in (2, 4), divergent above; edge at c = 4', () => {
  const { u, v } = weights(1000, 2);
  const s0 = toyStateOf(u, v, 0);
  const o = { n: 1000, steps: 20000, tol: 1e-8, blowup: 1e8 };
  assert.equal(runToy(s0, 1.5, o).phase, 'lazy');
  const cat = runToy(s0, 3, o);
  assert.equal(cat.phase, 'catapult');
  assert.ok(cat.lambdaMonotone && cat.spike > 1 && cat.etaLambdaFinal <= 2);
  assert.equal(runToy(s0, 4.5, o).phase, 'divergent');
  const c = divergenceEdge(s0, 3.5, 4.5, 1e-6, o);
  assert.ok(Math.abs(c - 4) < 1e-5, `c = ${c}`);
  assert.throws(() => runToy({ df: 0, lambda: 1 }, 1, o), /Δf₀ must be finite and nonzero/);
  assert.throws(() => divergenceEdge(s0, 4.5, 3.5, 1e-6, o), /need lo < hi/);
});
