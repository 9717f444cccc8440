import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '../../linalg/matrix.js';
import { PRNGKey } from '../../random/index.js';
import type { Metrics } from '../types.js';
import { accuracy, digitsSplit } from './common.js';
import { cntkDigits } from './cntk-digits.js';
import { runTiny } from '../common/run-tiny.testutil.js';

test('digitsSplit: disjoint draws, centred images with ‖x‖² = 64, targets one-hot − 0.1; accuracy by argmax', () => {
  const s = digitsSplit(PRNGKey(5), 30, 20);
  for (const x of [s.xTrain, s.xTest])
    for (let i = 0; i < x.rows; i++) {
      const row = x.data.subarray(i * 64, (i + 1) * 64);
      assert.ok(Math.abs(row.reduce((a, v) => a + v, 0)) < 1e-10);
      assert.ok(Math.abs(row.reduce((a, v) => a + v * v, 0) - 64) < 1e-10);
    }
  for (let i = 0; i < 30; i++) {
    const row = Array.from(s.yTrain.data.subarray(i * 10, i * 10 + 10));
    assert.deepEqual(
      row.map((v) => Math.round((v + 0.1) * 10) / 10),
      row.map((_, o) => (o === s.labelsTrain[i] ? 1 : 0)),
    );
  }
  const f = new Matrix(3, 10);
  f.data[0 * 10 + 2] = 1;
  f.data[1 * 10 + 7] = 1;
  f.data[2 * 10 + 0] = 1;
  assert.equal(accuracy(f, Int32Array.from([2, 7, 1])), 2 / 3);
  assert.throws(() => digitsSplit(PRNGKey(0), 1000, 1000), /nTrain/);
});

test('tiny config: every kernel classifies far above chance; broken numbers change the verdict', async () => {
  const r = await runTiny(cntkDigits, { nTrain: 40, nTest: 30, depth: 1 });
  const m = r.metrics;
  for (const k of ['accuracyNtk', 'accuracyCntkV', 'accuracyCntkGap'])
    assert.ok((m[k] as number) > 0.5, `${k} = ${m[k]}`);
  assert.equal(m.trainAccuracyMin, 1);
  const verdict = (patch: Metrics) => cntkDigits.verdict({ ...m, ...patch }).verdict;
  assert.equal(verdict({ accuracyNtk: 0.9, accuracyCntkV: 0.92, accuracyCntkGap: 0.95 }), 'holds');
  assert.equal(verdict({ accuracyNtk: 0.9, accuracyCntkV: 0.92, accuracyCntkGap: 0.85 }), 'partial');
  assert.equal(verdict({ accuracyNtk: 0.9, accuracyCntkV: 0.3, accuracyCntkGap: 0.95 }), 'fails');
});
