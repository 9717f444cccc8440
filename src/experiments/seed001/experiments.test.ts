import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Metrics } from '../types.js';
import { runTiny } from '../common/run-tiny.testutil.js';
import { nngpGaussian } from './nngp-gaussian.js';
import { ntkConvergence } from './ntk-convergence.js';
import { ntkTraining } from './ntk-training.js';
import { principalComponents } from './principal-components.js';
import { earlyStopping } from './early-stopping.js';

test('001-ntk-convergence: a tiny run follows the contract and the wide net is close to Θ_∞', async () => {
  const r = await runTiny(ntkConvergence, {
    widths: [32, 1024],
    depth: 1,
    beta: 0.1,
    points: 4,
    samples: 2,
  });
  const e = r.metrics.rmsError as number[];
  assert.ok(e[1] < e[0], `error should shrink with width: ${e}`);
  assert.ok(e[1] < 0.1, `width 1024 error ${e[1]}`);
  const v = (p: Metrics) => ntkConvergence.verdict({ ...r.metrics, ...p }).verdict;
  assert.equal(v({ slope: -0.52 }), 'holds');
  assert.equal(v({ slope: -0.35 }), 'partial');
  assert.equal(v({ slope: 0 }), 'fails');
  assert.throws(() => ntkConvergence.verdict({ ...r.metrics, slope: NaN }), /slope/);
});

test('001-nngp-gaussian: tiny run; broken numbers change the verdict', async () => {
  const r = await runTiny(nngpGaussian, { width: 64, depth: 1, beta: 0.1, points: 2, samples: 100 });
  assert.equal(r.metrics.pooled, 200);
  const good: Metrics = {
    pooled: 2000,
    ksStatistic: 0.01,
    mean: 0,
    variance: 1,
    skewness: 0,
    excessKurtosis: 0,
    covarianceRelError: 0.05,
    samples: 500,
  };
  const v = (p: Metrics) => nngpGaussian.verdict({ ...good, ...p }).verdict;
  assert.equal(v({}), 'holds');
  assert.equal(v({ ksStatistic: 0.05 }), 'partial');
  assert.equal(v({ ksStatistic: 0.2 }), 'fails');
  assert.equal(v({ excessKurtosis: 1 }), 'fails');
  assert.equal(v({ covarianceRelError: 0.5 }), 'partial');
});

test('001-ntk-training, principal-components, early-stopping: verdicts follow the stated thresholds', () => {
  const t = (p: Metrics) =>
    ntkTraining.verdict({ slope: -0.9, relChange: [0.8, 0.4, 0.2], lossRatioLargestWidth: 0.1, ...p })
      .verdict;
  assert.equal(t({}), 'holds');
  assert.equal(t({ slope: -0.2 }), 'partial');
  assert.equal(t({ relChange: [0.8, 0.9, 0.2] }), 'partial');
  assert.equal(t({ slope: 0.1 }), 'fails');
  const pc = (p: Metrics) =>
    principalComponents.verdict({
      rankCorrelation: 0.98,
      medianHalfLifeRatio: 1.02,
      componentsMeasured: 8,
      ...p,
    }).verdict;
  assert.equal(pc({}), 'holds');
  assert.equal(pc({ medianHalfLifeRatio: 2 }), 'partial');
  assert.equal(pc({ rankCorrelation: 0.2 }), 'fails');
  const es = (p: Metrics) =>
    earlyStopping.verdict({
      stopStep: 100,
      fittedTopAtStop: 0.97,
      fittedBottomAtStop: 0.05,
      fittedBottomAtEnd: 0.1,
      predictedTopAtStop: 0.99,
      predictedBottomAtStop: 0.06,
      testLossStart: 1,
      testLossStop: 0.1,
      testLossEnd: 0.12,
      ...p,
    }).verdict;
  assert.equal(es({}), 'holds');
  assert.equal(es({ fittedBottomAtStop: 0.5 }), 'partial');
  assert.equal(es({ fittedTopAtStop: 0.3 }), 'fails');
});

test('001-principal-components: tiny run measures half-lives near GD’s prediction', async () => {
  const r = await runTiny(principalComponents, {
    width: 256,
    depth: 1,
    beta: 0.1,
    points: 8,
    dim: 3,
    components: 3,
    steps: 60,
    lrFactor: 0.5,
  });
  assert.ok((r.metrics.componentsMeasured as number) >= 2);
  const ratio = r.metrics.medianHalfLifeRatio as number;
  assert.ok(ratio > 0.6 && ratio < 1.6, `half-life ratio ${ratio}`);
});

test('001-ntk-training: tiny run — the wider net’s NTK moves less', async () => {
  const r = await runTiny(ntkTraining, {
    widths: [32, 1024],
    depth: 1,
    beta: 0.1,
    points: 4,
    steps: 20,
    lrFactor: 0.5,
    samples: 1,
  });
  const c = r.metrics.relChange as number[];
  assert.ok(c[1] < c[0], `relative changes ${c}`);
});

test('001-early-stopping: tiny wide run follows the constant-Θ_∞ prediction of the fitted shares', async () => {
  const r = await runTiny(earlyStopping, {
    width: 1024,
    depth: 1,
    beta: 0.1,
    points: 10,
    testPoints: 16,
    dim: 2,
    noise: 0.5,
    steps: 40,
    lrFactor: 0.5,
  });
  const m = r.metrics;
  assert.ok(
    Math.abs((m.fittedTopAtStop as number) - (m.predictedTopAtStop as number)) < 0.05,
    `top: ${m.fittedTopAtStop} vs ${m.predictedTopAtStop}`,
  );
  assert.ok(
    Math.abs((m.fittedBottomAtStop as number) - (m.predictedBottomAtStop as number)) < 0.05,
    `bottom: ${m.fittedBottomAtStop} vs ${m.predictedBottomAtStop}`,
  );
});
