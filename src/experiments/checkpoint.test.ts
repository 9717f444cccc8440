import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileCache } from './cache.js';
import type { ResultCache } from './result-cache.js';
import { runExperiments } from './runner.js';
import { outputSpan } from './seed000/output-span.js';
import { targetAlignment } from './seed000/target-alignment.js';
import type { Config, Experiment } from './types.js';

/** A small config of a checkpointed experiment, as its `quick` preset (Lanczos snapshots, two seeds). */
const tiny = {
  ...targetAlignment,
  presets: {
    ...targetAlignment.presets,
    quick: { n: 40, width: 16, depth: 2, omega: 2, steps: 60, lrFactor: 1, snapshots: 4, seeds: 2, topK: 8 },
  },
} as Experiment as Experiment<Config>;

/** A file cache whose k-th checkpoint write aborts the run (as a SIGINT arriving then would). */
function abortingCache(
  dir: string,
  k: number,
  controller: AbortController,
): { cache: ResultCache; saves: () => number } {
  const base = fileCache(dir);
  let saves = 0;
  return {
    cache: {
      ...base,
      writeCheckpoint(key, state) {
        base.writeCheckpoint(key, state);
        if (++saves === k) controller.abort(new Error('interrupted'));
      },
    },
    saves: () => saves,
  };
}

test('an interrupted experiment resumes from its checkpoint and gives the uninterrupted metrics bit for bit', async () => {
  const dirA = mkdtempSync(join(tmpdir(), 'ntk-ckpt-a-'));
  const dirB = mkdtempSync(join(tmpdir(), 'ntk-ckpt-b-'));
  try {
    const opts = { preset: 'quick' as const, codeVersion: 'v1', rootSeed: 3 };
    // Uninterrupted reference, counting its checkpoint saves.
    const ref = abortingCache(dirB, Infinity, new AbortController());
    const whole = await runExperiments([tiny], { ...opts, cache: ref.cache });
    assert.equal(whole.outcomes[0].status, 'done');
    const totalSaves = ref.saves();
    // 2 seeds × (1 initial state + 6 snapshots: t = 0, the log-spaced 4, t = T) saves.
    assert.ok(totalSaves >= 10, `saves: ${totalSaves}`);

    // Stop after 4 saves (inside seed 0), then again after 5 more (inside seed 1), then finish.
    const c1 = new AbortController();
    const first = await runExperiments([tiny], {
      ...opts,
      cache: abortingCache(dirA, 4, c1).cache,
      signal: c1.signal,
    });
    assert.equal(first.outcomes[0].status, 'not-run');
    assert.ok(
      readdirSync(join(dirA, tiny.id)).some((f) => f.endsWith('.checkpoint.json')),
      'checkpoint kept',
    );
    const c2 = new AbortController();
    const second = await runExperiments([tiny], {
      ...opts,
      cache: abortingCache(dirA, 5, c2).cache,
      signal: c2.signal,
    });
    assert.equal(second.outcomes[0].status, 'not-run');
    const last = abortingCache(dirA, Infinity, new AbortController());
    const resumed = await runExperiments([tiny], { ...opts, cache: last.cache });
    assert.equal(resumed.outcomes[0].status, 'done');
    // It resumed: the three pieces together saved as often as one whole run, not more.
    assert.equal(4 + 5 + last.saves(), totalSaves);
    assert.deepStrictEqual(resumed.outcomes[0].result?.metrics, whole.outcomes[0].result?.metrics);
    assert.deepStrictEqual(resumed.outcomes[0].result?.figures, whole.outcomes[0].result?.figures);
    // The finished run's checkpoint is gone; its result is cached.
    assert.ok(!readdirSync(join(dirA, tiny.id)).some((f) => f.endsWith('.checkpoint.json')));
  } finally {
    rmSync(dirA, { recursive: true, force: true });
    rmSync(dirB, { recursive: true, force: true });
  }
});

test('checkpointed segments give the same numbers as one uninterrupted trainer call (dense eigh, tiny N)', async () => {
  // output-span checkpoints; the same config through the trainer in one call must agree to rounding.
  const c = { n: 24, width: 12, depth: 2, omega: 2, steps: 40, lrFactor: 1, snapshots: 3, topK: 0 };
  const e = {
    ...outputSpan,
    presets: { ...outputSpan.presets, quick: c },
  } as Experiment as Experiment<Config>;
  const viaRunner = await runExperiments([e], { preset: 'quick' });
  assert.equal(viaRunner.outcomes[0].status, 'done', viaRunner.outcomes[0].error);
  const { alignmentRun } = await import('./seed000/alignment-run.js');
  const { experimentKey } = await import('./runner.js');
  const ctx = {
    key: experimentKey(0, e.id),
    signal: new AbortController().signal,
    checkpoint: async () => {},
    progress: () => {},
    restore: () => undefined,
    save: () => {},
  };
  const plain = await alignmentRun({ ...c, optimizer: 'gd' }, ctx.key, ctx, () => {});
  const { CheckpointSlots } = await import('./common/checkpoint-slots.js');
  const seg = await alignmentRun({ ...c, optimizer: 'gd' }, ctx.key, ctx, () => {}, {
    slots: new CheckpointSlots(ctx),
    name: 'run',
  });
  assert.deepEqual(
    seg.snapshots.map((s) => s.step),
    plain.snapshots.map((s) => s.step),
  );
  for (let i = 0; i < seg.snapshots.length; i++) {
    assert.ok(Math.abs(seg.snapshots[i].loss - plain.snapshots[i].loss) <= 1e-12 * plain.snapshots[i].loss);
    for (let k = 0; k < c.n; k++)
      assert.ok(
        Math.abs(seg.snapshots[i].target[k] - plain.snapshots[i].target[k]) <= 1e-9,
        `snapshot ${i}, k ${k}`,
      );
  }
});
