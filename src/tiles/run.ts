import { NtkInputError } from '../errors.js';
import type { Tile } from './grid.js';
import { tileContext, computeTile, type TileContext } from './compute.js';
import { checkPlanCurrent, planTiles, readPlan } from './plan.js';
import { forgetTile, sweepTile, tileState, writeFailure, writeTile, type TileState } from './store.js';

/** Options of `runTiles`: one tile or every pending one, threads, progress and cancellation. */
export interface RunOptions {
  /** Only this tile (default: every tile not done). */
  index?: number;
  /** Only these tiles (an array task of grouped tiles; default: every tile not done). */
  indices?: readonly number[];
  /** Threads per tile (default: all cores). */
  threads?: number;
  /** Called before and after each tile. */
  onTile?: (e: {
    tile: Tile;
    state: TileState | 'computed' | 'error';
    seconds?: number;
    error?: string;
  }) => void;
  /** Stop before the next tile once aborted (SIGINT/SIGTERM/SIGHUP): what was computed is kept. */
  signal?: AbortSignal;
}

/** The indices of the tiles a run computed, skipped as already done, and failed. */
export interface RunSummary {
  computed: number[];
  skipped: number[];
  failed: number[];
  interrupted: boolean;
}

/** The job a tile runs in, for its record: Slurm array task or Kubernetes Indexed Job pod. */
function jobName(): string | null {
  const e = process.env;
  if (e.SLURM_ARRAY_JOB_ID && e.SLURM_ARRAY_TASK_ID)
    return `slurm ${e.SLURM_ARRAY_JOB_ID}_${e.SLURM_ARRAY_TASK_ID}`;
  if (e.SLURM_JOB_ID) return `slurm ${e.SLURM_JOB_ID}`;
  if (e.JOB_COMPLETION_INDEX !== undefined) return `k8s ${e.HOSTNAME ?? ''}#${e.JOB_COMPLETION_INDEX}`.trim();
  return null;
}

/**
 * Compute the tiles of a run folder that are not done: a finished tile (record + matching checksum) is
 * skipped, a corrupt one dropped and recomputed, a missing or failed one computed. Refused at once when
 * the model, inputs, parameters, code or backend differ from the plan's. Each tile is written atomically,
 * so a run killed at any point leaves finished tiles and no partial one.
 */
export async function runTiles(dir: string, o: RunOptions = {}): Promise<RunSummary> {
  const plan = readPlan(dir);
  checkPlanCurrent(plan, dir);
  const all = planTiles(plan);
  if (o.index !== undefined && o.indices !== undefined)
    throw new NtkInputError('runTiles: give one tile (index) or a list (indices), not both');
  const wanted = o.index !== undefined ? [o.index] : o.indices;
  for (const i of wanted ?? [])
    if (!(Number.isInteger(i) && i >= 0 && i < all.length))
      throw new NtkInputError(
        `tile index must be an integer in [0, ${all.length - 1}] (the plan of '${dir}' has ${all.length} tiles), got ${i}`,
      );
  const todo = wanted === undefined ? all : wanted.map((i) => all[i]);
  const summary: RunSummary = { computed: [], skipped: [], failed: [], interrupted: false };
  let ctx: TileContext | null = null;
  for (const t of todo) {
    // a checkpoint: signals are delivered here, between tiles
    await new Promise((r) => setImmediate(r));
    if (o.signal?.aborted) {
      summary.interrupted = true;
      break;
    }
    const state = tileState(dir, t, true);
    if (state === 'done') {
      summary.skipped.push(t.index);
      o.onTile?.({ tile: t, state });
      continue;
    }
    if (state === 'corrupt') forgetTile(dir, t.index);
    sweepTile(dir, t.index);
    o.onTile?.({ tile: t, state });
    const t0 = performance.now();
    try {
      ctx ??= tileContext(plan);
      const K = computeTile(ctx, t, o.threads);
      const seconds = (performance.now() - t0) / 1000;
      writeTile(dir, t, K, { seconds, job: jobName(), peakRssBytes: process.resourceUsage().maxRSS * 1024 });
      summary.computed.push(t.index);
      o.onTile?.({ tile: t, state: 'computed', seconds });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      writeFailure(dir, t, msg);
      summary.failed.push(t.index);
      o.onTile?.({ tile: t, state: 'error', error: msg });
    }
  }
  return summary;
}
