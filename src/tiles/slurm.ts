import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NtkInputError } from '../errors.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { ntkCommand, shellQuote } from './engine.js';
import { indexRanges } from './grid.js';
import { planTiles, readPlan } from './plan.js';
import { tileState } from './store.js';
import { groupTiles } from './taskGroups.js';
import { mergeMemoryMiB, taskMemoryLimit, taskMemoryRequest } from './taskMemory.js';

/**
 * Slurm job arrays for a tile plan (docs/conventions.md §5): ntk-lab writes the batch scripts and calls `sbatch`,
 * Slurm schedules. One array task per pending tile (the task id is the tile index, read by `ntk tiles run`
 * from SLURM_ARRAY_TASK_ID) or, with `tilesPerTask`, per group of tiles balanced by work; and a merge job that starts only when every task succeeded
 * (`--dependency=afterok`, and `--kill-on-invalid-dep=yes` so a failed or cancelled task cancels the merge
 * instead of leaving it pending forever; resubmitting then runs the missing tiles and a new merge).
 */
export interface SlurmOptions {
  partition?: string;
  /** CPUs per task (also the tile's threads). Default 1. */
  cpus?: number;
  /**
   * Memory per task, Slurm syntax (e.g. 2G; no suffix = MiB). Default: the planned peak of a task
   * (src/tiles/taskMemory.ts) with its margin; a request below the planned peak is refused.
   */
  mem?: string;
  /** Time limit per task, Slurm syntax (e.g. 01:00:00). */
  time?: string;
  /** At most this many array tasks at once (`--array=…%K`). */
  maxRunning?: number;
  /**
   * About this many tiles per array task (default 1: the task id is the tile index). Above 1 the pending
   * tiles are grouped by work (src/tiles/taskGroups.ts) and task k runs group k.
   */
  tilesPerTask?: number;
  /** Merged kernel (default RUN/kernel.npy); null = no merge job. */
  out?: string | null;
  /** Extra `#SBATCH` lines' worth of arguments, e.g. ['--account=x']. */
  extra?: string[];
}

/** The sbatch scripts written for a run: the tile array and the merge job that depends on it (afterok). */
export interface SlurmScripts {
  tiles: string;
  merge: string | null;
  /** The tiles the array covers. */
  indices: number[];
  array: string | null;
  /** With tilesPerTask > 1: the tiles of each array task (task k runs tasks[k]). */
  tasks?: number[][];
  /** The memory each array task asks for (`#SBATCH --mem`). */
  mem: string;
}

function header(name: string, log: string, o: SlurmOptions, mem: string): string[] {
  const lines = ['#!/bin/bash', `#SBATCH --job-name=${name}`, `#SBATCH --output=${log}`];
  if (o.partition) lines.push(`#SBATCH --partition=${o.partition}`);
  lines.push(`#SBATCH --mem=${mem}`);
  if (o.time) lines.push(`#SBATCH --time=${o.time}`);
  for (const e of o.extra ?? []) lines.push(`#SBATCH ${e}`);
  return lines;
}

/** Write RUN/slurm/tiles.sbatch and merge.sbatch for the tiles not done yet (and not in `exclude`). */
export function writeSlurmScripts(
  dir: string,
  o: SlurmOptions = {},
  exclude: ReadonlySet<number> = new Set(),
): SlurmScripts {
  const run = resolve(dir);
  const plan = readPlan(run);
  const cpus = o.cpus ?? 1;
  if (!Number.isInteger(cpus) || cpus < 1)
    throw new NtkInputError(`--cpus must be a positive integer, got ${o.cpus}`);
  if (o.maxRunning !== undefined && !(Number.isInteger(o.maxRunning) && o.maxRunning >= 1))
    throw new NtkInputError(`--max-running must be a positive integer, got ${o.maxRunning}`);
  const perTask = o.tilesPerTask ?? 1;
  if (!Number.isInteger(perTask) || perTask < 1)
    throw new NtkInputError(`--tiles-per-task must be a positive integer, got ${o.tilesPerTask}`);
  const pending = planTiles(plan).filter((t) => !exclude.has(t.index) && tileState(run, t, true) !== 'done');
  const indices = pending.map((t) => t.index);
  const tasks = perTask > 1 ? groupTiles(pending, perTask, plan.symmetric) : undefined;
  const sdir = join(run, 'slurm');
  mkdirSync(join(sdir, 'logs'), { recursive: true });
  const memBytes = taskMemoryRequest(plan, cpus, '--mem', o.mem);
  const mem = o.mem ?? `${memBytes / 2 ** 20}M`;
  const ntk = ntkCommand().map(shellQuote).join(' ');
  const env = `export NTK_BACKEND=${plan.backend}`;
  // the task's threads for BLAS and wasm too (a 1-CPU task must not run a 2-thread OpenBLAS), and its planners'
  // limit: what the request leaves after the runtime and the inputs
  const threads = `\${SLURM_CPUS_PER_TASK:-${cpus}}`;
  const taskEnv = [
    env,
    `export OPENBLAS_NUM_THREADS="${threads}" NTK_WASM_THREADS="${threads}"`,
    `export NTK_MEMORY_LIMIT=${taskMemoryLimit(plan, cpus, memBytes)}`,
  ];
  const tiles = join(sdir, 'tiles.sbatch');
  writeFileAtomic(
    tiles,
    [
      ...header('ntk-tiles', join(sdir, 'logs', 'tile-%A_%a.out'), o, mem),
      `#SBATCH --cpus-per-task=${cpus}`,
      ...(tasks === undefined
        ? [
            '# one kernel tile per array task; the tile index is $SLURM_ARRAY_TASK_ID',
            'set -euo pipefail',
            ...taskEnv,
            `exec ${ntk} tiles run ${shellQuote(run)} --threads "${threads}"`,
          ]
        : [
            `# ${tasks.length} array tasks of about ${perTask} tiles each (balanced by work); task k runs TASKS[k]`,
            'set -euo pipefail',
            ...taskEnv,
            `TASKS=(${tasks.map((g) => `'${g.join(',')}'`).join(' ')})`,
            `exec ${ntk} tiles run ${shellQuote(run)} --tiles "\${TASKS[$SLURM_ARRAY_TASK_ID]}" --threads "${threads}"`,
          ]),
      '',
    ].join('\n'),
    { label: 'ntk tiles submit' },
  );
  let merge: string | null = null;
  if (o.out !== null) {
    merge = join(sdir, 'merge.sbatch');
    const out = resolve(o.out ?? join(run, 'kernel.npy'));
    writeFileAtomic(
      merge,
      [
        ...header(
          'ntk-merge',
          join(sdir, 'logs', 'merge-%j.out'),
          o,
          `${Math.max(mergeMemoryMiB(plan), Math.ceil(memBytes / 2 ** 20))}M`,
        ),
        '#SBATCH --cpus-per-task=1',
        '# streams the finished tiles into one .npy (memory: one tile row)',
        'set -euo pipefail',
        env,
        `exec ${ntk} tiles merge ${shellQuote(run)} --out ${shellQuote(out)}`,
        '',
      ].join('\n'),
      { label: 'ntk tiles submit' },
    );
  }
  const ids = tasks === undefined ? indices : tasks.map((_, k) => k);
  const array = ids.length === 0 ? null : `${indexRanges(ids)}${o.maxRunning ? `%${o.maxRunning}` : ''}`;
  return { tiles, merge, indices, array, ...(tasks === undefined ? {} : { tasks }), mem };
}

/** What `submitSlurm` submitted: the array and merge job ids and the tile indices the array covers. */
export interface Submission {
  arrayJob: string | null;
  mergeJob: string | null;
  indices: number[];
  /** With --tiles-per-task above 1: the tiles of each array task. */
  tasks?: number[][];
  /** The memory each array task asked for. */
  mem?: string;
  submitted: string;
}

/** Run `sbatch --parsable …`; the job id, or an error with sbatch's message. */
export function sbatch(args: string[], cwd: string): string {
  const r = spawnSync('sbatch', ['--parsable', ...args], { cwd, encoding: 'utf8' });
  if (r.error)
    throw new Error(
      `sbatch could not be started (${r.error.message}); is Slurm installed here (slurm-client) and SLURM_CONF set?`,
    );
  if (r.status !== 0) throw new Error(`sbatch ${args.join(' ')} failed: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout.trim().split(';')[0];
}

/**
 * Tiles that earlier array jobs of this run still have queued or running in Slurm (`squeue -r`), and those
 * jobs: a resubmit leaves them to finish instead of computing them twice.
 */
function stillQueued(prev: Submission[], cwd: string): { tiles: Set<number>; jobs: string[] } {
  const ids = prev.map((p) => p.arrayJob).filter((j): j is string => j !== null);
  const tiles = new Set<number>();
  const jobs = new Set<string>();
  if (ids.length === 0) return { tiles, jobs: [] };
  const r = spawnSync('squeue', ['-h', '-r', '-o', '%F %K', '-j', ids.join(',')], { cwd, encoding: 'utf8' });
  if (r.error || r.status !== 0) return { tiles, jobs: [] }; // none of them known to Slurm any more
  for (const line of r.stdout.trim().split('\n')) {
    const [job, task] = line.trim().split(/\s+/);
    if (job === undefined || task === undefined || !/^\d+$/.test(task)) continue;
    const groups = prev.find((p) => p.arrayJob === job)?.tasks;
    for (const t of groups === undefined ? [Number(task)] : (groups[Number(task)] ?? [])) tiles.add(t);
    jobs.add(job);
  }
  return { tiles, jobs: [...jobs] };
}

/**
 * Submit the pending tiles of a plan as one Slurm job array and the merge job after it (afterok; also
 * afterany on earlier arrays still running tiles of this run, whose tiles are not submitted again).
 * Nothing pending: only the merge job. Each submission is appended to RUN/slurm/submissions.json.
 */
export function submitSlurm(dir: string, o: SlurmOptions = {}): Submission {
  const run = resolve(dir);
  const sdir = join(run, 'slurm');
  const log = join(sdir, 'submissions.json');
  const prev: Submission[] = existsSync(log) ? (JSON.parse(readFileSync(log, 'utf8')) as Submission[]) : [];
  const queued = stillQueued(prev, run);
  const s = writeSlurmScripts(run, o, queued.tiles);
  const arrayJob = s.array === null ? null : sbatch([`--array=${s.array}`, s.tiles], sdir);
  const deps = [
    ...(arrayJob === null ? [] : [`afterok:${arrayJob}`]),
    ...(queued.jobs.length === 0 ? [] : [`afterany:${queued.jobs.join(':')}`]),
  ];
  const mergeJob =
    s.merge === null
      ? null
      : sbatch(
          deps.length === 0
            ? [s.merge]
            : [`--dependency=${deps.join(',')}`, '--kill-on-invalid-dep=yes', s.merge],
          sdir,
        );
  const sub: Submission = {
    arrayJob,
    mergeJob,
    indices: s.indices,
    ...(s.tasks === undefined ? {} : { tasks: s.tasks }),
    mem: s.mem,
    submitted: new Date().toISOString(),
  };
  writeFileAtomic(log, `${JSON.stringify([...prev, sub], null, 2)}\n`, { label: 'ntk tiles submit' });
  return sub;
}
