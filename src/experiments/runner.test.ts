import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachePath, fileCache } from './cache.js';
import { runExperiments, experimentKey } from './runner.js';
import { brokenExperiment, lineExperiment, waitingExperiment } from './fixtures.testutil.js';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'ntk-runner-'));
}

test('runs, decides by the verdict rule, and caches: a rerun reuses the result without running', async () => {
  const dir = tmp();
  try {
    const counter = { runs: 0 };
    const e = lineExperiment('000-line', counter);
    const first = await runExperiments([e], { preset: 'quick', cache: fileCache(dir), codeVersion: 'v1' });
    assert.equal(counter.runs, 1);
    assert.equal(first.outcomes[0].status, 'done');
    assert.equal(first.outcomes[0].verdict?.verdict, 'holds');
    // Infinity survives the cache round trip (JSON would make it null).
    const second = await runExperiments([e], { preset: 'quick', cache: fileCache(dir), codeVersion: 'v1' });
    assert.equal(counter.runs, 1, 'the cached result must be reused');
    assert.equal(second.outcomes[0].status, 'cached');
    assert.deepEqual(second.outcomes[0].result?.metrics, first.outcomes[0].result?.metrics);
    assert.equal(second.outcomes[0].result?.metrics.divergent, Infinity);
    // A different code version, preset or seed is a different key; --fresh ignores the cache.
    await runExperiments([e], { preset: 'quick', cache: fileCache(dir), codeVersion: 'v2' });
    await runExperiments([e], { preset: 'paper', cache: fileCache(dir), codeVersion: 'v2' });
    await runExperiments([e], { preset: 'paper', cache: fileCache(dir), codeVersion: 'v2', rootSeed: 7 });
    await runExperiments([e], {
      preset: 'paper',
      cache: fileCache(dir),
      codeVersion: 'v2',
      rootSeed: 7,
      fresh: true,
    });
    assert.equal(counter.runs, 5);
    assert.equal(readdirSync(join(dir, '000-line')).length, 4);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a corrupt cache entry is ignored and rewritten', async () => {
  const dir = tmp();
  try {
    const counter = { runs: 0 };
    const e = lineExperiment('000-line', counter);
    await runExperiments([e], { preset: 'quick', cache: fileCache(dir), codeVersion: 'v1' });
    writeFileSync(
      cachePath(dir, { id: e.id, preset: 'quick', config: e.presets.quick, rootSeed: 0, codeVersion: 'v1' }),
      '{"trunc',
    );
    const again = await runExperiments([e], { preset: 'quick', cache: fileCache(dir), codeVersion: 'v1' });
    assert.equal(again.outcomes[0].status, 'done');
    assert.equal(counter.runs, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an experiment that throws is an error outcome, and the rest still run', async () => {
  const { outcomes, interrupted } = await runExperiments([brokenExperiment(), lineExperiment()], {
    preset: 'quick',
  });
  assert.equal(interrupted, false);
  assert.equal(outcomes[0].status, 'error');
  assert.match(outcomes[0].error ?? '', /deliberate failure/);
  assert.equal(outcomes[1].status, 'done');
});

test('abort: the running experiment stops, later ones are not run, finished ones are kept', async () => {
  const controller = new AbortController();
  const exps = [
    lineExperiment('000-first'),
    waitingExperiment('002-wait', () => setTimeout(() => controller.abort(), 20)),
    lineExperiment('000-last'),
  ];
  const t0 = Date.now();
  const { outcomes, interrupted } = await runExperiments(exps, {
    preset: 'quick',
    signal: controller.signal,
  });
  assert.ok(Date.now() - t0 < 2000, 'the waiting experiment must stop on abort');
  assert.equal(interrupted, true);
  assert.deepEqual(
    outcomes.map((o) => o.status),
    ['done', 'not-run', 'not-run'],
  );
});

test('each experiment gets its own key, fixed by (root seed, id)', () => {
  assert.deepEqual(experimentKey(0, '003-a'), experimentKey(0, '003-a'));
  assert.notDeepEqual(experimentKey(0, '003-a'), experimentKey(0, '003-b'));
  assert.notDeepEqual(experimentKey(0, '003-a'), experimentKey(1, '003-a'));
});

test('a result that breaks the contract is an error naming the problem', async () => {
  const e = lineExperiment('000-bad');
  const bad = { ...e, headline: ['nonexistent'] };
  const { outcomes } = await runExperiments([bad], { preset: 'quick' });
  assert.equal(outcomes[0].status, 'error');
  assert.match(outcomes[0].error ?? '', /no metric 'nonexistent'/);
  await assert.rejects(
    runExperiments([e], { preset: 'medium' as 'quick' }),
    /preset must be 'quick' or 'paper'/,
  );
  await assert.rejects(runExperiments([e], { preset: 'quick', cache: fileCache('/tmp/x') }), /codeVersion/);
});
