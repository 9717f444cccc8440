import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Metrics } from '../types.js';
import { runTiny } from '../common/run-tiny.testutil.js';
import { sphereHalves, type SphereHalvesConfig } from './sphere-halves.js';

test('tiny run: the sparse half of a 1:4 sphere converges clearly slower; the 1:1 control does not', async () => {
  const tiny: SphereHalvesConfig = {
    samples: 300,
    ratios: [1, 4],
    kappas: [2, 3, 4],
    delta: 0.1,
    lrFraction: 0.9,
    maxSteps: 1e6,
  };
  const r = await runTiny(sphereHalves, tiny);
  const med = r.metrics.medianRatios as number[];
  assert.ok(med[0] > 1.5, `1:4 ratio ${med[0]}`);
  const u = r.metrics.uniformRatio as number;
  assert.ok(u > 0.6 && u < 1.6, `control ${u}`);
});

test('verdict: breaking the numbers changes it', () => {
  const ok: Metrics = {
    densityRatios: [2, 3, 4],
    medianRatios: [1.6, 2.3, 2.9],
    uniformRatio: 1.02,
    kappaSlope: 3.5,
    unreached: 0,
  };
  const v = (patch: Metrics) => sphereHalves.verdict({ ...ok, ...patch }).verdict;
  assert.equal(v({}), 'holds');
  assert.equal(v({ medianRatios: [1.1, 1.2, 1.3] }), 'partial');
  assert.equal(v({ medianRatios: [1.6, 1.5, 2.9] }), 'fails');
  assert.equal(v({ uniformRatio: 1.6 }), 'partial');
  assert.throws(() => sphereHalves.verdict({ ...ok, medianRatios: 'x' }), /medianRatios/);
});
