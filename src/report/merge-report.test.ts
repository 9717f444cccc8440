import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runExperiments } from '../experiments/runner.js';
import { lineExperiment } from '../experiments/fixtures.testutil.js';
import type { Experiment, Preset } from '../experiments/types.js';
import { mergeReports, type MergeConflict } from './merge-report.js';
import { parseResultsFile } from './results.js';
import { writeReport } from './write-report.js';

/** The project root (this file runs from dist/src/report/). */
const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

const a = lineExperiment('000-line-a') as unknown as Experiment;
const b = lineExperiment('000-line-b') as unknown as Experiment;
const ORDER = ['000-line-a', '000-line-b'];

/** A report of `experiments` (000-line-a with a data file too), stamped with `codeVersion`. */
async function report(dir: string, experiments: Experiment[], codeVersion: string, preset: Preset = 'quick', rootSeed = 0) {
  const { outcomes } = await runExperiments(experiments, { preset, rootSeed });
  const withData = outcomes.map((o) => (o.experiment.id === '000-line-a' && o.result ? { ...o, result: { ...o.result, data: { build: codeVersion } } } : o));
  await writeReport(withData, { outDir: dir, preset, rootSeed, codeVersion, backend: 'ts', order: ORDER });
  // generatedAt has millisecond resolution: keep the runs of a test in a strict order.
  await new Promise((r) => setTimeout(r, 5));
}

function merge(src: string, dst: string, onConflict?: MergeConflict, preset: Preset = 'quick', rootSeed = 0) {
  return mergeReports([src], { outDir: dst, preset, rootSeed, onConflict, order: ORDER });
}

function claims(dir: string) {
  return parseResultsFile(readFileSync(join(dir, 'results.json'), 'utf8'), dir).claims.map((c) => [c.id, c.codeVersion]);
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'ntk-merge-'));
}

test('merging a folder adds its claims with their figure and data files', async () => {
  const [src, dst] = [tmp(), tmp()];
  try {
    await report(src, [a], 'build-src');
    await report(dst, [b], 'build-dst');
    const { decisions, files } = merge(src, dst);
    assert.deepEqual(decisions.map((d) => [d.id, d.action]), [['000-line-a', 'added']]);
    assert.deepEqual(claims(dst), [
      ['000-line-a', 'build-src'],
      ['000-line-b', 'build-dst'],
    ]);
    assert.deepEqual(files.all.map((c) => c.id), ORDER);
    const top = parseResultsFile(readFileSync(join(dst, 'results.quick.json'), 'utf8'), 'dst');
    assert.equal(top.codeVersion, 'build-dst', 'top level stays the target run');
    for (const f of ['fit', 'bars']) {
      for (const ext of ['svg', 'png', 'json']) {
        const p = `figures/000-line-a/${f}.${ext}`;
        assert.deepEqual(readFileSync(join(dst, p)), readFileSync(join(src, p)), p);
      }
    }
    assert.deepEqual(JSON.parse(readFileSync(join(dst, 'data', '000-line-a.json'), 'utf8')), { build: 'build-src' });
    const html = readFileSync(join(dst, 'index.html'), 'utf8');
    assert.match(html, /<img class="figure" src="figures\/000-line-a\/fit.svg" alt="y vs x">/);
    assert.match(html, /<span class="claim-run">code build-src,/);
  } finally {
    for (const d of [src, dst]) rmSync(d, { recursive: true, force: true });
  }
});

test('a claim in both folders keeps the newer run unless --on-conflict says otherwise', async () => {
  const [older, newer, work] = [tmp(), tmp(), tmp()];
  try {
    await report(older, [a, b], 'build-old');
    await report(newer, [a], 'build-new');
    // The default: the newer generatedAt, whichever side it is on.
    cpSync(older, work, { recursive: true });
    const d1 = merge(newer, work).decisions;
    assert.deepEqual(d1.map((d) => [d.id, d.action]), [['000-line-a', 'replaced']]);
    assert.match(d1[0].why, /^newer: /);
    assert.deepEqual(claims(work), [
      ['000-line-a', 'build-new'],
      ['000-line-b', 'build-old'],
    ]);
    assert.deepEqual(JSON.parse(readFileSync(join(work, 'data', '000-line-a.json'), 'utf8')), { build: 'build-new' }, 'its own files replaced');
    const d2 = merge(older, work).decisions;
    assert.deepEqual(d2.map((d) => [d.id, d.action]), [
      ['000-line-a', 'kept'],
      ['000-line-b', 'kept'],
    ]);
    assert.match(d2[0].why, /^not newer: /);
    assert.deepEqual(claims(work)[0], ['000-line-a', 'build-new']);
    // Prefer the source, or the target, whatever the times.
    assert.equal(merge(older, work, 'source').decisions[0].action, 'replaced');
    assert.deepEqual(claims(work)[0], ['000-line-a', 'build-old']);
    assert.deepEqual(JSON.parse(readFileSync(join(work, 'data', '000-line-a.json'), 'utf8')), { build: 'build-old' });
    assert.equal(merge(newer, work, 'target').decisions[0].action, 'kept');
    assert.deepEqual(claims(work)[0], ['000-line-a', 'build-old']);
  } finally {
    for (const d of [older, newer, work]) rmSync(d, { recursive: true, force: true });
  }
});

test('a source of another preset or seed, a missing one, and a file the tool did not write are refused', async () => {
  const [src, paper, seven, dst] = [tmp(), tmp(), tmp(), tmp()];
  try {
    await report(src, [a], 'build-src');
    await report(paper, [a], 'build-src', 'paper');
    await report(seven, [a], 'build-src', 'quick', 7);
    await report(dst, [b], 'build-dst');
    const before = readFileSync(join(dst, 'results.json'), 'utf8');
    assert.throws(() => merge(paper, dst), /'.*' has no results of preset 'quick' \(results\.quick\.json or a results\.json of that preset\); its results\.json is of preset 'paper'/);
    assert.throws(() => merge(seven, dst), /results\.quick\.json is of root seed 7, expected 0 \(--seed\)/);
    assert.throws(() => merge(join(src, 'nothing'), dst), /--merge-from: '.*nothing' does not exist/);
    assert.throws(() => merge(dst, dst), /is the --out folder itself/);
    assert.throws(() => merge(src, dst, undefined, 'quick', 3), /--out: .*results\.quick\.json holds quick results of root seed 0, got --seed 3/);
    // A user's file where a figure of the merged claim would go: nothing is copied, nothing rewritten.
    mkdirSync(join(dst, 'figures', '000-line-a'), { recursive: true });
    writeFileSync(join(dst, 'figures', '000-line-a', 'fit.png'), 'mine');
    assert.throws(() => merge(src, dst), /fit\.png exists and is not a file of the report's record of 000-line-a; not overwritten/);
    assert.equal(readFileSync(join(dst, 'figures', '000-line-a', 'fit.png'), 'utf8'), 'mine');
    assert.equal(existsSync(join(dst, 'figures', '000-line-a', 'fit.svg')), false);
    assert.equal(readFileSync(join(dst, 'results.json'), 'utf8'), before);
  } finally {
    for (const d of [src, paper, seven, dst]) rmSync(d, { recursive: true, force: true });
  }
});

test('the committed paper report (results without per-claim fields) merges into an empty folder', () => {
  const src = join(ROOT, 'docs', 'results', 'paper');
  const dst = tmp();
  try {
    const raw = JSON.parse(readFileSync(join(src, 'results.json'), 'utf8'));
    mergeReports([src], { outDir: dst, preset: 'paper', rootSeed: raw.rootSeed });
    const r = parseResultsFile(readFileSync(join(dst, 'results.paper.json'), 'utf8'), dst);
    assert.deepEqual(r.claims.map((c) => c.id), raw.claims.map((c: { id: string }) => c.id));
    for (const c of r.claims) {
      const own = raw.claims.find((x: { id: string }) => x.id === c.id);
      assert.equal(c.codeVersion, own.codeVersion ?? raw.codeVersion, c.id);
      assert.equal(c.generatedAt, own.generatedAt ?? raw.generatedAt, c.id);
      for (const f of c.figures) assert.ok(existsSync(join(dst, f)), f);
    }
  } finally {
    rmSync(dst, { recursive: true, force: true });
  }
});
