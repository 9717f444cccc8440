import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Metrics } from '../types.js';
import { runTiny } from '../common/run-tiny.testutil.js';
import { outputSpan } from './output-span.js';
import { firstOrderDynamics } from './first-order.js';
import { targetAlignment } from './target-alignment.js';
import { depthAlignment } from './depth.js';
import { optimizersAlignment } from './optimizers.js';
import { alignmentRun } from './alignment-run.js';
import { PRNGKey } from '../../random/keys.js';

const ctx = {
  key: PRNGKey(0),
  preset: 'quick' as const,
  signal: new AbortController().signal,
  checkpoint: async () => {},
  progress: () => {},
  restore: () => undefined,
  save: () => {},
};

test('alignment curves: non-decreasing in k and equal to 1 at k = N (Parseval, complete eigenbasis)', async () => {
  const r = await alignmentRun(
    { n: 12, width: 16, depth: 2, omega: 2, steps: 20, lrFactor: 0.5, optimizer: 'gd', snapshots: 3 },
    PRNGKey(3),
    ctx,
    () => {},
  );
  for (const s of r.snapshots) {
    for (const c of [s.target, s.output!]) {
      for (let k = 1; k < c.length; k++) assert.ok(c[k] >= c[k - 1] - 1e-12);
      assert.ok(Math.abs(c[c.length - 1] - 1) < 1e-10, `cos α(·, N) = ${c[c.length - 1]}`);
    }
  }
  assert.ok(r.snapshots[r.snapshots.length - 1].loss < r.snapshots[0].loss);
});

test('first-order dynamics: with a small step the constant-Gramian prediction is second-order accurate', async () => {
  const small = await runTiny(firstOrderDynamics, {
    n: 16,
    width: 32,
    depth: 2,
    omega: 2,
    steps: 4,
    lrFactor: 0.01,
    earlyStep: 1,
  });
  const big = await runTiny(firstOrderDynamics, {
    n: 16,
    width: 32,
    depth: 2,
    omega: 2,
    steps: 4,
    lrFactor: 0.1,
    earlyStep: 1,
  });
  const es = small.metrics.relErrEarly as number;
  const eb = big.metrics.relErrEarly as number;
  // One step: ε₁ = O(η²)/O(1); ten times the step gives roughly a hundred times the error (allow 20–500×).
  assert.ok(es < 1e-3, `ε₁ = ${es}`);
  assert.ok(eb / es > 20 && eb / es < 500, `ratio ${eb / es}`);
});

test('Kopitkov & Indelman (000) verdicts follow their thresholds', async () => {
  const span = (p: Metrics) =>
    outputSpan.verdict({ minOutputAlign10: 0.8, minOutputAlign100: 0.99, randomLevel10: 0.04, ...p }).verdict;
  assert.equal(span({}), 'holds');
  assert.equal(span({ minOutputAlign100: 0.92 }), 'partial');
  assert.equal(span({ minOutputAlign100: 0.5 }), 'fails');
  const fo = (p: Metrics) =>
    firstOrderDynamics.verdict({ relErrEarly: 0.01, relErrEnd: 0.3, earlyStep: 10, ...p }).verdict;
  assert.equal(fo({}), 'holds');
  assert.equal(fo({ relErrEarly: 0.1 }), 'partial');
  assert.equal(fo({ relErrEarly: 0.5 }), 'fails');
  const ta: Metrics = {
    targetAlign1Start: 0.1,
    targetAlign1End: 0.2,
    targetAlign10Start: 0.3,
    targetAlign10End: 0.5,
    targetAlign100Start: 0.9,
    targetAlign100End: 0.95,
    targetAlign10RiseBySeed: [0.2, 0.2],
  };
  assert.equal(targetAlignment.verdict(ta).verdict, 'holds');
  assert.equal(targetAlignment.verdict({ ...ta, targetAlign1End: 0.1 }).verdict, 'partial');
  assert.equal(
    targetAlignment.verdict({ ...ta, targetAlign1End: 0, targetAlign10End: 0.2, targetAlign100End: 0.8 })
      .verdict,
    'fails',
  );
  const dp = (p: Metrics) =>
    depthAlignment.verdict({
      depths: [2, 4, 6],
      alignmentByDepth: [0.3, 0.4, 0.5],
      lossRatioByDepth: [0.3, 0.2, 0.1],
      ...p,
    }).verdict;
  assert.equal(dp({}), 'holds');
  assert.equal(dp({ alignmentByDepth: [0.3, 0.45, 0.4] }), 'partial');
  assert.equal(dp({ alignmentByDepth: [0.5, 0.4, 0.3], lossRatioByDepth: [0.1, 0.2, 0.3] }), 'fails');
  const op: Metrics = {
    sgdAlign10Rise: 0.1,
    sgdAlign100Rise: 0.02,
    sgdMinOutput100: 0.99,
    sgdLossRatio: 0.1,
    sgdAlign10RiseBySeed: [0.1, 0.1],
    adamAlign10Rise: 0.05,
    adamAlign100Rise: 0.04,
    adamMinOutput100: 0.98,
    adamLossRatio: 0.01,
    adamAlign10RiseBySeed: [0.05, 0.05],
  };
  assert.equal(optimizersAlignment.verdict(op).verdict, 'holds');
  assert.equal(optimizersAlignment.verdict({ ...op, adamAlign10Rise: -0.1 }).verdict, 'partial');
  assert.equal(
    optimizersAlignment.verdict({ ...op, adamAlign10Rise: -0.1, sgdMinOutput100: 0.5 }).verdict,
    'fails',
  );
});
