/**
 * `npm run bench -- tiles`: an N = 40000 depth-5 analytic NTK (5 × (Dense(W_std 1.4, b_std 0.1) → Relu) →
 * Dense, d = 10) in tiles of 4000 (55 upper tiles), computed (1) in one process (`ntk tiles run RUN`, all
 * cores) and (2) through the local Slurm (`ntk tiles submit RUN --slurm --cpus 1 --tiles-per-task K`, with K
 * = ⌈tiles / cores⌉ so there is one array task per core, each running its share of tiles balanced by work),
 * then merged, and `ntk eig --top 20` on the tiles. Acceptance: Slurm wall time within 1.15× of the single
 * process, peak RSS per task ≤ 1.5 GiB. NTK_BENCH_TILES_N / NTK_BENCH_TILES_TILE shrink it for a trial.
 * Needs a reachable Slurm (scripts/slurm-local.sh start) for part (2); disk: N²·8 bytes per copy of K.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchCase } from '../harness.js';
import { writeMatrix } from '../../src/io/npyFile.js';
import { Matrix } from '../../src/linalg/matrix.js';
import { PRNGKey, normal } from '../../src/random/index.js';
import { planTiles, readPlan } from '../../src/tiles/plan.js';
import { readRecord, type TileRecord } from '../../src/tiles/store.js';
import { repoRoot } from '../peers.js';

const N = Number(process.env.NTK_BENCH_TILES_N ?? 40000);
const TILE = Number(process.env.NTK_BENCH_TILES_TILE ?? 4000);
const DEPTH = 5;
const D = 10;

function sh(cmd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

const ntk = (args: string[]): ReturnType<typeof sh> =>
  sh(process.execPath, [join(repoRoot(), 'bin', 'ntk.js'), ...args]);

function wall(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / 1000;
}

/**
 * How long the array tasks ran at the same time, as a share of the shortest task: each task's span is from its
 * first tile's start (finished − seconds) to its last tile's end, from the tile records. 1 = fully side by
 * side; 0 = one after the other (e.g. tasks given the whole node's memory).
 */
function taskOverlap(records: TileRecord[]): number {
  const spans = new Map<string, [number, number]>();
  for (const r of records) {
    const end = Date.parse(r.finished) / 1000;
    const s = spans.get(r.job ?? '') ?? [Infinity, -Infinity];
    spans.set(r.job ?? '', [Math.min(s[0], end - r.seconds), Math.max(s[1], end)]);
  }
  const all = [...spans.values()];
  if (all.length < 2) return 0;
  const both = Math.min(...all.map((s) => s[1])) - Math.max(...all.map((s) => s[0]));
  return Math.max(0, both) / Math.min(...all.map((s) => s[1] - s[0]));
}

function waitIdle(ids: string[]): void {
  for (;;) {
    const q = sh('squeue', ['-h', '-j', ids.join(',')]);
    if (q.status !== 0 || q.stdout.trim() === '') return;
    spawnSync('sleep', ['1']);
  }
}

export const benchCase: BenchCase = {
  name: 'tiles',
  description: `N=${N} depth-${DEPTH} analytic NTK in tiles of ${TILE}: one process vs local Slurm array; peak RSS per task; ntk eig --top 20`,
  async run(ctx) {
    const size = `N=${N} tile=${TILE} depth=${DEPTH}`;
    const dir = mkdtempSync(join(tmpdir(), 'ntk-bench-tiles-'));
    try {
      const layers: unknown[] = [];
      for (let i = 0; i < DEPTH; i++)
        layers.push({ type: 'Dense', width: 1, W_std: 1.4, b_std: 0.1 }, { type: 'Relu' });
      layers.push({ type: 'Dense', width: 1, W_std: 1.4, b_std: 0.1 });
      writeFileSync(join(dir, 'm.json'), JSON.stringify({ layers }));
      writeMatrix(join(dir, 'x.npy'), new Matrix(N, D, normal(PRNGKey(0), N * D)));
      const plan = (run: string): void => {
        const r = ntk([
          'tiles',
          'plan',
          '--model',
          join(dir, 'm.json'),
          '--x1',
          join(dir, 'x.npy'),
          '--tile',
          String(TILE),
          '--dir',
          run,
        ]);
        if (r.status !== 0) throw new Error(r.stderr);
      };
      const one = join(dir, 'one');
      plan(one);
      ctx.log(`single process: ntk tiles run (${readPlan(one).tiles} tiles)`);
      const tOne = wall(() => {
        const r = ntk(['tiles', 'run', one]);
        if (r.status !== 0) throw new Error(r.stderr);
      });
      ctx.record({ task: 'tiles (compute)', size, impl: 'one process', seconds: tOne });
      let tSlurm: number | null = null;
      let rss: number | null = null;
      let overlap: number | null = null;
      const slurm = join(dir, 'slurm');
      if (sh('sinfo', ['-h']).status === 0) {
        plan(slurm);
        const perTask = Math.ceil(readPlan(slurm).tiles / availableParallelism());
        ctx.log(`local Slurm: ntk tiles submit --slurm --cpus 1 --tiles-per-task ${perTask} --no-merge`);
        tSlurm = wall(() => {
          const r = ntk([
            'tiles',
            'submit',
            slurm,
            '--slurm',
            '--cpus',
            '1',
            '--tiles-per-task',
            String(perTask),
            '--no-merge',
          ]);
          if (r.status !== 0) throw new Error(r.stderr);
          const subs = JSON.parse(readFileSync(join(slurm, 'slurm', 'submissions.json'), 'utf8')) as {
            arrayJob: string;
          }[];
          waitIdle([subs[subs.length - 1].arrayJob]);
        });
        const records = planTiles(readPlan(slurm)).map((t) => readRecord(slurm, t.index));
        rss = Math.max(...records.map((r) => r?.peakRssBytes ?? NaN));
        overlap = taskOverlap(records.filter((r) => r !== null));
        ctx.record({
          task: 'tiles (compute)',
          size,
          impl: `slurm array, ${perTask} tiles per task`,
          seconds: tSlurm,
          note: `peak RSS per task ${(rss / 2 ** 30).toFixed(2)} GiB; the array tasks ran side by side for ${(100 * overlap).toFixed(0)} % of the shorter one`,
        });
      } else {
        ctx.record({
          task: 'tiles (compute)',
          size,
          impl: 'slurm array',
          seconds: null,
          note: 'no Slurm answers (scripts/slurm-local.sh start)',
        });
      }
      const tMerge = wall(() => {
        const r = ntk(['tiles', 'merge', one, '--out', join(dir, 'k.npy')]);
        if (r.status !== 0) throw new Error(r.stderr);
      });
      ctx.record({ task: 'merge', size, impl: 'ntk tiles merge', seconds: tMerge });
      rmSync(join(dir, 'k.npy'), { force: true });
      const tEig = wall(() => {
        const r = ntk(['eig', one, '--top', '20', '--out', join(dir, 'e.json')]);
        if (r.status !== 0) throw new Error(r.stderr);
      });
      const e = JSON.parse(readFileSync(join(dir, 'e.json'), 'utf8')) as {
        passesOverTiles: number;
        converged: boolean;
      };
      ctx.record({
        task: 'eig --top 20',
        size,
        impl: 'block Lanczos over tiles',
        seconds: tEig,
        note: `${e.passesOverTiles} passes over the tiles, converged ${e.converged}`,
      });
      ctx.accept('tiles: Slurm wall ÷ single process (≤ 1.15)', tSlurm === null ? null : tSlurm / tOne, {
        max: 1.15,
      });
      ctx.accept('tiles: array tasks side by side, share of the shorter task (≥ 0.9)', overlap, { min: 0.9 });
      ctx.accept('tiles: peak RSS per task, GiB (≤ 1.5)', rss === null ? null : rss / 2 ** 30, { max: 1.5 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
