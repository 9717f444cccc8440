import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Metrics } from '../types.js';
import { runTiny } from '../common/run-tiny.testutil.js';
import { catapultRelu, predictedPhase, type CatapultReluConfig } from './catapult-relu.js';

test('tiny net: lazy below r = 2 (λ unchanged to 10%), catapult just above, divergence far above; the edge lies in (2, 12]', async () => {
  const tiny: CatapultReluConfig = {
    widths: [256],
    nTrain: 8,
    d: 4,
    grid: [1, 1.9, 2.6, 3, 20],
    steps: 400,
    tol: 1e-6,
    spikeRatio: 1.1,
    edgeWidth: 0.2,
    traceR: [1, 3],
    traceSteps: 10,
  };
  const r = await runTiny(catapultRelu, tiny);
  const phases = (r.data as { phases: { r: number; phase: string; etaLambdaFinal: number | null }[] }).phases;
  assert.deepEqual(
    phases.map((p) => p.phase),
    ['lazy', 'lazy', 'catapult', 'catapult', 'divergent'],
  );
  // an independent reading of the claim: a catapult run converged although r > 2, so its kernel must have fallen below 2/η
  for (const p of phases.filter((q) => q.phase === 'catapult'))
    assert.ok(p.etaLambdaFinal! < 2, `r = ${p.r}: η·λ_T/N = ${p.etaLambdaFinal}`);
  const c = r.metrics.etaMaxLambda0 as number;
  assert.ok(c > 3 && c <= 12, `edge ${c}`);
});

test('predicted phases and verdict thresholds: breaking the numbers changes the verdict', () => {
  assert.deepEqual(
    [1.99, 2.01, 4.99, 5.01].map((r) => predictedPhase(r, 5)),
    ['lazy', 'catapult', 'catapult', 'divergent'],
  );
  const ok: Metrics = {
    etaMaxLambda0: 4.1,
    etaMaxLambda0ByWidth: [4.1, 4.2],
    gridPoints: 26,
    phaseMismatches: 0,
    catapultRuns: 8,
    catapultEndLazy: 8,
    lazyRuns: 8,
    maxLazyKernelChange: 0.01,
  };
  const v = (patch: Metrics) => catapultRelu.verdict({ ...ok, ...patch }).verdict;
  assert.equal(v({}), 'holds');
  assert.equal(v({ etaMaxLambda0: 3 }), 'partial');
  assert.equal(v({ etaMaxLambda0: 20 }), 'partial');
  assert.equal(v({ etaMaxLambda0: 1.5 }), 'fails');
  assert.equal(v({ phaseMismatches: 2 }), 'partial');
  assert.equal(v({ phaseMismatches: 10 }), 'fails');
  assert.equal(v({ catapultEndLazy: 7 }), 'partial');
  assert.throws(
    () => catapultRelu.verdict({ ...ok, etaMaxLambda0: 'x' }),
    /metric 'etaMaxLambda0' must be a number/,
  );
});
