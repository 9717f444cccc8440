import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelFn } from '../../kernels/kernelFn.js';
import { Dense } from '../../nn/dense.js';
import { Relu } from '../../nn/activations/abRelu.js';
import { serial } from '../../nn/combinators/serial.js';
import type { Metrics } from '../types.js';
import { runTiny } from '../common/run-tiny.testutil.js';
import { frequencyBias, type FrequencyBiasConfig } from './frequency-bias.js';

test('constant-NTK times equal the circulant closed form t = ln(0.1)/ln|1 − ηλ_κ/N|, λ_κ = Σⱼ K₀ⱼ cos(κ(aⱼ − a₀))', async () => {
  const c: FrequencyBiasConfig = {
    nTrain: 32,
    width: 256,
    kappaLow: 1,
    kappaHigh: 3,
    steps: 400,
    lrFraction: 0.5,
    recordEvery: 1,
    learned: 0.1,
  };
  const r = await runTiny(frequencyBias, c);
  const n = c.nTrain;
  const a = Float64Array.from({ length: n }, (_, i) => -Math.PI + (2 * Math.PI * (i + 0.5)) / n);
  const x = {
    shape: [n, 2],
    data: Float64Array.from(
      { length: 2 * n },
      (_, k) => Math.SQRT2 * (k % 2 === 0 ? Math.cos(a[k >> 1]) : Math.sin(a[k >> 1])),
    ),
  };
  const net = serial(
    Dense({ width: 1, W_std: 1, b_std: 1 }),
    Relu(),
    Dense({ width: 1, W_std: 1, b_std: 0 }),
  );
  const K = kernelFn(net, x, null, { get: 'ntk', threads: 1 }).ntk!;
  const eta = r.metrics.lr as number;
  for (const [kappa, name] of [
    [1, 'stepsLowNtk'],
    [3, 'stepsHighNtk'],
  ] as const) {
    let lam = 0;
    for (let j = 0; j < n; j++) lam += K.data[j] * Math.cos(kappa * (a[j] - a[0]));
    const t = Math.log(0.1) / Math.log(Math.abs(1 - (eta * lam) / n));
    // the measured time interpolates e(t) linearly between integer steps: within one step of the closed form
    assert.ok(Math.abs((r.metrics[name] as number) - t) <= 1, `κ = ${kappa}: ${r.metrics[name]} vs ${t}`);
  }
  assert.ok((r.metrics.ratioHighLow as number) > 1);
});

test('verdict: breaking the numbers changes it', () => {
  const ok: Metrics = {
    stepsLow: 5,
    stepsHigh: 500,
    ratioHighLow: 100,
    ratioHighLowNtk: 90,
    stepsHighEmpiricalNtk: 450,
  };
  const v = (patch: Metrics) => frequencyBias.verdict({ ...ok, ...patch }).verdict;
  assert.equal(v({}), 'holds');
  assert.equal(v({ stepsHigh: 10, ratioHighLow: 2 }), 'partial');
  assert.equal(v({ stepsHigh: Infinity, ratioHighLow: Infinity }), 'partial');
  assert.equal(v({ stepsHigh: 4, ratioHighLow: 0.8 }), 'fails');
});
