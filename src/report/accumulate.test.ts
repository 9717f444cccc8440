import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { runExperiments, type Outcome } from '../experiments/runner.js';
import { lineExperiment } from '../experiments/fixtures.testutil.js';
import type { Experiment } from '../experiments/types.js';
import { accumulateClaims } from './accumulate.js';
import { parseResultsFile, type ClaimRecord } from './results.js';
import { writeReport } from './write-report.js';

const a = lineExperiment('000-line-a') as unknown as Experiment;
const b = { ...lineExperiment('000-line-b'), presets: { quick: { a: 3, points: 30 }, paper: { a: 3, points: 300 } } } as unknown as Experiment;
/** The registry's order in these tests: b before a (not the order the runs happen in). */
const ORDER = ['000-line-b', '000-line-a'];

async function run(dir: string, experiments: Experiment[], codeVersion: string, rootSeed = 0) {
  const { outcomes } = await runExperiments(experiments, { preset: 'quick', rootSeed });
  return writeReport(outcomes, { outDir: dir, preset: 'quick', rootSeed, codeVersion, backend: 'ts', png: false, order: ORDER });
}

function results(dir: string, name = 'results.json') {
  return parseResultsFile(readFileSync(join(dir, name), 'utf8'), name);
}

test('two runs of one claim each into one folder: the report holds both, each with its own build', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ntk-acc-'));
  try {
    const first = await run(dir, [a], 'build-1');
    assert.deepEqual(first.all.map((c) => c.id), ['000-line-a']);
    const second = await run(dir, [b], 'build-2');
    assert.deepEqual(second.claims.map((c) => c.id), ['000-line-b'], 'this run');
    for (const name of ['results.json', 'results.quick.json']) {
      const r = results(dir, name);
      assert.deepEqual(r.claims.map((c) => [c.id, c.codeVersion, c.metrics.points]), [
        ['000-line-b', 'build-2', 30],
        ['000-line-a', 'build-1', 40],
      ], name);
      assert.equal(r.codeVersion, 'build-2', 'top level: the latest run');
      assert.ok(r.claims[1].generatedAt <= r.claims[0].generatedAt, "the earlier run's claim keeps its time");
      assert.equal(r.generatedAt, r.claims[0].generatedAt);
    }
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    const section = (id: string) => new RegExp(`<section class="claim" id="${id}">.*?</section>`, 's').exec(html)?.[0] ?? '';
    // The earlier claim keeps its figures (title from the figure's data file) and names its build.
    assert.match(section('000-line-a'), /<img class="figure" src="figures\/000-line-a\/fit.svg" alt="y vs x">/);
    assert.match(section('000-line-a'), /<span class="claim-run">code build-1, run of [0-9T:.-]+Z, backend ts<\/span>/);
    assert.equal((section('000-line-a').match(/<img class="figure"/g) ?? []).length, 4);
    assert.doesNotMatch(section('000-line-b'), /claim-run/, 'the page header names build-2 already');
    assert.match(html, /quick: run of [^·]*code build-2 \(1 of 2 claims from other builds\)/);
    assert.deepEqual([...html.matchAll(/<tr data-claim-id="([^"]+)">/g)].map((m) => m[1]), ORDER);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a rerun replaces its claim only; a claim that did not run keeps the earlier record', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ntk-acc-'));
  try {
    await run(dir, [a, b], 'build-1');
    const before = results(dir).claims.find((c) => c.id === '000-line-b');
    await run(dir, [a], 'build-2');
    const after = results(dir).claims;
    assert.deepEqual(after.map((c) => [c.id, c.codeVersion]), [
      ['000-line-b', 'build-1'],
      ['000-line-a', 'build-2'],
    ]);
    assert.deepEqual(after[0], before, 'the other claim is untouched');
    // An interrupted run reports 000-line-b as not run: the earlier result stays.
    const notRun: Outcome = { experiment: b, preset: 'quick', config: b.presets.quick, status: 'not-run' };
    const files = await writeReport([notRun], { outDir: dir, preset: 'quick', rootSeed: 0, codeVersion: 'build-3', backend: 'ts', png: false, order: ORDER });
    assert.equal(files.claims[0].verdict, 'not-run');
    assert.deepEqual(results(dir).claims[0], before);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a results file without per-claim fields (the earlier format) is read with its top-level values', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ntk-acc-'));
  try {
    await run(dir, [a], 'build-1');
    const raw = JSON.parse(readFileSync(join(dir, 'results.quick.json'), 'utf8'));
    for (const c of raw.claims) {
      delete c.codeVersion;
      delete c.generatedAt;
      delete c.backend;
    }
    Object.assign(raw, { codeVersion: 'old-build', generatedAt: '2026-01-02T03:04:05.000Z', backend: 'blas' });
    writeFileAtomic(join(dir, 'results.quick.json'), JSON.stringify(raw));
    const parsed = parseResultsFile(JSON.stringify(raw), 'old');
    assert.deepEqual(
      [parsed.claims[0].codeVersion, parsed.claims[0].generatedAt, parsed.claims[0].backend],
      ['old-build', '2026-01-02T03:04:05.000Z', 'blas'],
    );
    await run(dir, [b], 'build-2');
    const r = results(dir);
    assert.deepEqual(r.claims.map((c) => [c.id, c.codeVersion, c.generatedAt, c.backend]), [
      ['000-line-b', 'build-2', r.generatedAt, 'ts'],
      ['000-line-a', 'old-build', '2026-01-02T03:04:05.000Z', 'blas'],
    ]);
    assert.throws(() => parseResultsFile('{"claims": 3}', 'x.json'), /^Error: x\.json: not a results file/);
    assert.throws(() => parseResultsFile('not json', 'y.json'), /^Error: y\.json: not a results file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('claims of another root seed are not added to a folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ntk-acc-'));
  try {
    await run(dir, [a], 'build-1', 0);
    await assert.rejects(run(dir, [b], 'build-1', 7), /results\.quick\.json holds quick results of root seed 0, got --seed 7/);
    assert.deepEqual(results(dir).claims.map((c) => c.id), ['000-line-a']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('accumulateClaims orders as the registry, unknown ids after in the order first seen', () => {
  const rec = (id: string, verdict: ClaimRecord['verdict'] = 'holds') => ({ id, verdict }) as ClaimRecord;
  const out = accumulateClaims([rec('x'), rec('c'), rec('a')], [rec('b'), rec('y'), rec('a', 'not-run'), rec('x', 'fails')], ['a', 'b', 'c']);
  assert.deepEqual(out.map((c) => [c.id, c.verdict]), [
    ['a', 'holds'],
    ['b', 'holds'],
    ['c', 'holds'],
    ['x', 'fails'],
    ['y', 'holds'],
  ]);
});
