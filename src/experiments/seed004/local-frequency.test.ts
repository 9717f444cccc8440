import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Metrics } from '../types.js';
import { runTiny } from '../common/run-tiny.testutil.js';
import { localFrequency, type LocalFrequencyConfig } from './local-frequency.js';

test('uniform density: every eigenfunction is a pure cos/sin of frequency q = ⌈i/2⌉ (exact local frequency q√p/Z = q)', async () => {
  const tiny: LocalFrequencyConfig = { density: [1, 1, 1], grid: 512, qMin: 4, qMax: 6, deepDepth: 2 };
  const r = await runTiny(localFrequency, tiny);
  assert.ok((r.metrics.absDevMaxTwoLayer as number) < 1e-3, `two-layer ${r.metrics.absDevMaxTwoLayer}`);
  assert.ok((r.metrics.absDevMaxDeep as number) < 1e-3, `deep ${r.metrics.absDevMaxDeep}`);
});

test('seed density, small grid: the √p ratio shows; breaking the numbers changes the verdict', async () => {
  const tiny: LocalFrequencyConfig = { density: [1, 2, 4], grid: 768, qMin: 6, qMax: 7, deepDepth: 2 };
  const r = await runTiny(localFrequency, tiny);
  assert.ok((r.metrics.ratioDevMedian as number) < 0.05, `ratio deviation ${r.metrics.ratioDevMedian}`);
  const ok: Metrics = {
    ratioDevMedian: 0.01,
    ratioDevMax: 0.05,
    absDevMedianTwoLayer: 0.01,
    absDevMedianDeep: 0.02,
  };
  const v = (patch: Metrics) => localFrequency.verdict({ ...ok, ...patch }).verdict;
  assert.equal(v({}), 'holds');
  assert.equal(v({ absDevMedianDeep: 0.3 }), 'partial');
  assert.equal(v({ ratioDevMedian: 0.05 }), 'partial');
  assert.equal(v({ ratioDevMax: 0.4 }), 'fails');
});
