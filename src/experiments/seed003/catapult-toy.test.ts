import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runExperiments } from '../runner.js';
import type { Metrics } from '../types.js';
import { catapultToy, predictedPhase } from './catapult-toy.js';

test('quick preset: the claim holds, and breaking any number changes the verdict', async () => {
  const { outcomes } = await runExperiments([catapultToy], { preset: 'quick' });
  const o = outcomes[0];
  assert.equal(o.status, 'done', o.error);
  assert.equal(o.verdict?.verdict, 'holds', o.verdict?.reason);
  const m = o.result!.metrics;
  assert.ok(Math.abs((m.etaMaxLambda0 as number) - 4) < 1e-3);
  assert.equal(m.phaseMismatches, 0);
  // The stated recurrence is not exact for y ≠ 0 and the report says so.
  assert.ok((m.seedRecurrenceErrorY1 as number) > 1e-3);
  assert.match(o.verdict!.reason, /exact only for y = 0/);

  const broken = (patch: Metrics) => catapultToy.verdict({ ...m, ...patch }).verdict;
  assert.equal(broken({ etaMaxLambda0: 6 }), 'partial'); // edge off 4 but inside the paper's 4–12
  assert.equal(broken({ etaMaxLambda0: 20 }), 'fails');
  assert.equal(broken({ phaseMismatches: 3 }), 'partial');
  assert.equal(broken({ phaseMismatches: 100 }), 'fails');
  assert.equal(broken({ seedRecurrenceErrorY0: 1e-7 }), 'partial');
  assert.equal(broken({ seedRecurrenceErrorY0: 1e-3 }), 'fails');
  assert.equal(broken({ catapultLambdaMonotone: (m.catapultRuns as number) - 1 }), 'partial');
  assert.throws(
    () => catapultToy.verdict({ ...m, etaMaxLambda0: NaN }),
    /metric 'etaMaxLambda0' must be a number/,
  );
});

test('predicted phases follow the paper: η·λ₀ < 2 lazy, < 4 catapult, else divergent', () => {
  assert.deepEqual([1.99, 2.01, 3.99, 4.01].map(predictedPhase), [
    'lazy',
    'catapult',
    'catapult',
    'divergent',
  ]);
});
