import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runExperiments } from '../runner.js';
import type { Metrics } from '../types.js';
import { ntkHessian } from './ntk-hessian.js';

test('quick preset: H → JᵀJ near the minimum, JJᵀ and JᵀJ share eigenvalues; broken numbers change the verdict', async () => {
  const { outcomes } = await runExperiments([ntkHessian], { preset: 'quick' });
  const o = outcomes[0];
  assert.equal(o.status, 'done', o.error);
  assert.equal(o.verdict?.verdict, 'holds', o.verdict?.reason);
  const m = o.result!.metrics;
  // At initialization the residual term matters: the spectra differ by far more than at the end.
  assert.ok((m.initHessianNtkMismatch as number) > 1e4 * (m.finalHessianNtkMismatch as number));
  const verdict = (patch: Metrics) => ntkHessian.verdict({ ...m, ...patch }).verdict;
  assert.equal(verdict({ mismatchResidualSlope: 2 }), 'partial');
  assert.equal(verdict({ finalHessianNtkMismatch: 1e-3 }), 'partial');
  assert.equal(verdict({ finalHessianNtkMismatch: 0.5 }), 'fails');
  assert.equal(verdict({ jjtJtjMismatch: 1e-3 }), 'fails');
  assert.equal(verdict({ finalResidualRatio: 1e-2 }), 'partial');
  assert.throws(() => ntkHessian.verdict({ ...m, mismatchResidualSlope: NaN }), /mismatchResidualSlope/);
});

test('a config that cannot interpolate is refused with the reason', async () => {
  const bad = {
    ...ntkHessian,
    presets: { ...ntkHessian.presets, quick: { ...ntkHessian.presets.quick, N: 8 } },
  };
  const { outcomes } = await runExperiments([bad], { preset: 'quick' });
  assert.equal(outcomes[0].status, 'error');
  assert.match(outcomes[0].error ?? '', /need integers N < d/);
});
