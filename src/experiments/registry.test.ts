import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allExperiments } from './all.js';
import { createRegistry, selectExperiments, validateExperiment } from './registry.js';
import { lineExperiment } from './fixtures.testutil.js';
import { works } from './bibliography.js';
import { parseTagged, stableStringify } from './json-codec.js';

test('the shipped registry is valid: unique ids, cited sources, presets, headlines', () => {
  const r = createRegistry(allExperiments);
  assert.ok(r.experiments.length >= 1);
});

test('every shipped claim cites a work of the bibliography, with a place in it and no seed file name', () => {
  const keys = new Set(works.map((w) => w.key));
  for (const e of allExperiments) {
    assert.ok(keys.has(e.source.key), `${e.id}: source ${e.source.key} is not in bibliography.ts`);
    const work = works.find((w) => w.key === e.source.key)!;
    assert.deepEqual(
      { ...e.source, where: undefined },
      { ...work, where: undefined },
      `${e.id}: source fields`,
    );
    assert.ok(e.source.where.trim().length >= 3, `${e.id}: where`);
    assert.doesNotMatch(JSON.stringify(e), /\d{3}_[0-9a-f]{16}\.txt/, `${e.id} names a seed file`);
  }
});

test('the bibliography: unique keys, arXiv links that match their ids', () => {
  assert.equal(new Set(works.map((w) => w.key)).size, works.length);
  for (const w of works) {
    if (w.arxiv !== undefined) assert.equal(w.url, `https://arxiv.org/abs/${w.arxiv}`, w.key);
  }
});

test('invalid experiments are rejected with the field named', () => {
  const e = lineExperiment();
  assert.throws(() => validateExperiment({ ...e, id: 'Bad Id' }), /id must match/);
  assert.throws(
    () => validateExperiment({ ...e, source: undefined as never }),
    /source must be a citation object/,
  );
  assert.throws(
    () => validateExperiment({ ...e, source: { ...e.source, where: '' } }),
    /source.where must be a non-empty/,
  );
  assert.throws(
    () => validateExperiment({ ...e, source: { ...e.source, authors: [] } }),
    /source.authors must be/,
  );
  assert.throws(() => validateExperiment({ ...e, source: { ...e.source, year: 18 } }), /source.year must be/);
  assert.throws(
    () => validateExperiment({ ...e, source: { ...e.source, arxiv: 'arXiv:1806.07572' } }),
    /source.arxiv must be an identifier/,
  );
  assert.throws(
    () => validateExperiment({ ...e, source: { ...e.source, url: 'seeds/000.txt' } }),
    /source.url must be/,
  );
  assert.throws(() => validateExperiment({ ...e, claim: ' ' }), /claim must be a non-empty string/);
  assert.throws(
    () => validateExperiment({ ...e, presets: { quick: e.presets.quick } as never }),
    /presets.paper must be a JSON object/,
  );
  assert.throws(
    () => validateExperiment({ ...e, presets: { quick: { a: NaN, points: 1 }, paper: e.presets.paper } }),
    /presets.quick.a: numbers must be finite/,
  );
  assert.throws(
    () => validateExperiment({ ...e, expectedSeconds: { quick: 0, paper: 1 } }),
    /expectedSeconds.quick/,
  );
  assert.throws(() => validateExperiment({ ...e, statement: '' }), /statement must be a non-empty string/);
  assert.throws(() => validateExperiment({ ...e, ruleVersion: 0 }), /ruleVersion must be an integer ≥ 1/);
  const old = { version: 2, changeReason: 'x', changedOn: '2026-12-01', verdict: e.verdict };
  assert.throws(
    () => validateExperiment({ ...e, ruleVersion: 2, earlierRules: [old] }),
    /earlier rule's version must be an integer in \[1, ruleVersion = 2\)/,
  );
  assert.doesNotThrow(() => validateExperiment({ ...e, ruleVersion: 3, earlierRules: [old] }));
  assert.throws(() => validateExperiment({ ...e, cost: undefined as never }), /cost must be a function/);
  assert.throws(() => createRegistry([e, lineExperiment()]), /duplicate experiment id/);
});

test('selection: all, exact ids and prefixes in registry order; unknown ids are named', () => {
  const r = createRegistry([lineExperiment('000-a'), lineExperiment('000-b'), lineExperiment('003-c')]);
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
