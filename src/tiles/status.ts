import { planTiles, readPlan } from './plan.js';
import { readFailure, readRecord, tileState, type TileState } from './store.js';

/** Done, pending, failed and corrupt tiles of a run, their times and an estimate to finish. */
export interface TileStatus {
  dir: string;
  n1: number;
  n2: number;
  tile: number;
  get: string;
  method: string;
  total: number;
  done: number;
  pending: number;
  failed: number;
  corrupt: number;
  /** Tile indices by state. */
  byState: Record<TileState, number[]>;
  /** Mean, min and max seconds per finished tile (null before the first). */
  secondsPerTile: { mean: number; min: number; max: number } | null;
  /** Largest peak RSS of a finished tile's process, bytes. */
  peakRssBytes: number | null;
  /**
   * Estimated seconds to finish: tiles left ÷ the observed throughput (finished tiles per second of wall
   * time between the first start and the last finish — which counts the tasks running at once); with a
   * single finished tile, tiles left × its time. Null before the first tile.
   */
  etaSeconds: number | null;
  failures: { index: number; error: string }[];
}

/** Done / pending / failed / corrupt tiles of a run folder, time per tile and an estimate to finish. */
export function tilesStatus(dir: string, verify = false): TileStatus {
  const plan = readPlan(dir);
  const tiles = planTiles(plan);
  const byState: Record<TileState, number[]> = { done: [], pending: [], failed: [], corrupt: [] };
  const secs: number[] = [];
  let first = Infinity;
  let last = -Infinity;
  let rss = 0;
  const failures: { index: number; error: string }[] = [];
  for (const t of tiles) {
    const s = tileState(dir, t, verify);
    byState[s].push(t.index);
    if (s === 'done') {
      const r = readRecord(dir, t.index)!;
      secs.push(r.seconds);
      const end = Date.parse(r.finished) / 1000;
      first = Math.min(first, end - r.seconds);
      last = Math.max(last, end);
      rss = Math.max(rss, r.peakRssBytes);
    } else if (s === 'failed') failures.push({ index: t.index, error: readFailure(dir, t.index)!.error });
  }
  const left = tiles.length - byState.done.length;
  let eta: number | null = null;
  if (secs.length === 1) eta = left * secs[0];
  else if (secs.length > 1) eta = last > first ? left / (secs.length / (last - first)) : 0;
  return {
    dir,
    n1: plan.n1,
    n2: plan.n2,
    tile: plan.tile,
    get: plan.get,
    method: plan.method,
    total: tiles.length,
    done: byState.done.length,
    pending: byState.pending.length,
    failed: byState.failed.length,
    corrupt: byState.corrupt.length,
    byState,
    secondsPerTile:
      secs.length === 0
        ? null
        : {
            mean: secs.reduce((a, b) => a + b, 0) / secs.length,
            min: Math.min(...secs),
            max: Math.max(...secs),
          },
    peakRssBytes: secs.length === 0 ? null : rss,
    etaSeconds: left === 0 ? 0 : eta,
    failures,
  };
}
