import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allExperiments } from './all.js';
import { createRegistry, selectExperiments, validateExperiment } from './registry.js';
import { lineExperiment } from './test-fixtures.js';
import { parseTagged, stableStringify } from './json-codec.js';

test('the shipped registry is valid: unique ids, seeds that exist, presets, headlines', () => {
  const r = createRegistry(allExperiments);
  assert.ok(r.experiments.length >= 1);
});

test('invalid experiments are rejected with the field named', () => {
  const e = lineExperiment();
  assert.throws(() => validateExperiment({ ...e, id: 'Bad Id' }), /id must match/);
  assert.throws(() => validateExperiment({ ...e, seed: '000.txt' }), /seed must be a seed file name/);
  assert.throws(() => validateExperiment({ ...e, id: '004-line' }), /must start with the seed number '000'/);
  assert.throws(() => validateExperiment({ ...e, claim: ' ' }), /claim must be a non-empty string/);
  assert.throws(
    () => validateExperiment({ ...e, presets: { quick: e.presets.quick } as never }),
    /presets.full must be a JSON object/,
  );
  assert.throws(
    () => validateExperiment({ ...e, presets: { quick: { a: NaN, points: 1 }, full: e.presets.full } }),
    /presets.quick.a: numbers must be finite/,
  );
  assert.throws(
    () => validateExperiment({ ...e, expectedSeconds: { quick: 0, full: 1 } }),
    /expectedSeconds.quick/,
  );
  assert.throws(() => createRegistry([e, lineExperiment()]), /duplicate experiment id/);
});

test('selection: all, exact ids and prefixes in registry order; unknown ids are named', () => {
  const r = createRegistry([
    lineExperiment('000-a'),
    lineExperiment('000-b'),
    { ...lineExperiment('003-c'), seed: '003_5bc7c7a840856489.txt' },
  ]);
  assert.deepEqual(
    selectExperiments(r, ['all']).map((e) => e.id),
    ['000-a', '000-b', '003-c'],
  );
  assert.deepEqual(
    selectExperiments(r, []).map((e) => e.id),
    ['000-a', '000-b', '003-c'],
  );
  assert.deepEqual(
    selectExperiments(r, ['003', '000-b']).map((e) => e.id),
    ['000-b', '003-c'],
  );
  assert.throws(
    () => selectExperiments(r, ['005']),
    /no experiment matches '005'; known ids: 000-a, 000-b, 003-c/,
  );
});

test('stable JSON: key order does not matter; non-finite numbers round-trip', () => {
  assert.equal(
    stableStringify({ b: 1, a: { d: 2, c: [3, { f: 4, e: 5 }] } }),
    stableStringify({ a: { c: [3, { e: 5, f: 4 }], d: 2 }, b: 1 }),
  );
  const v = { x: [Infinity, -Infinity, 1.5], y: NaN };
  const back = parseTagged(stableStringify(v)) as { x: number[]; y: number };
  assert.deepEqual(back.x, [Infinity, -Infinity, 1.5]);
  assert.ok(Number.isNaN(back.y));
});
