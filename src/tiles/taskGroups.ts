import { NtkInputError } from '../errors.js';
import type { Tile } from './grid.js';

/**
 * The work of a tile in units of kernel entries computed: a diagonal tile of a symmetric plan computes each
 * pair once (about half its area), every other tile its whole area.
 */
export function tileWork(t: Tile, symmetric: boolean): number {
  const area = (t.r1 - t.r0) * (t.c1 - t.c0);
  return symmetric && t.r0 === t.c0 ? area / 2 : area;
}

/**
 * Tiles grouped into array tasks of about `perTask` tiles each, so that one task's start-up (process,
 * modules, plan checks) and the engine's per-task scheduling are paid once per group instead of once per
 * tile. The number of tasks is ⌈tiles / perTask⌉; tiles are dealt by the longest-processing-time rule
 * (Graham 1969, "Bounds on multiprocessing timing anomalies": largest work first, each to the least loaded
 * task), which keeps the tasks' work within 4/3 of the best split. Each group is sorted by tile index;
 * groups are ordered by their first tile.
 */
export function groupTiles(tiles: readonly Tile[], perTask: number, symmetric: boolean): number[][] {
  if (!Number.isInteger(perTask) || perTask < 1)
    throw new NtkInputError(`--tiles-per-task must be a positive integer, got ${perTask}`);
  if (tiles.length === 0) return [];
  const n = Math.ceil(tiles.length / perTask);
  const groups: number[][] = Array.from({ length: n }, () => []);
  const load = new Float64Array(n);
  const order = [...tiles].sort(
    (a, b) => tileWork(b, symmetric) - tileWork(a, symmetric) || a.index - b.index,
  );
  for (const t of order) {
    let g = 0;
    for (let k = 1; k < n; k++) if (load[k] < load[g]) g = k;
    groups[g].push(t.index);
    load[g] += tileWork(t, symmetric);
  }
  for (const g of groups) g.sort((a, b) => a - b);
  return groups.sort((a, b) => a[0] - b[0]);
}

/** Parse a tile list "3,5,9" or "0-4,7" (what an array task of grouped tiles runs) into indices. */
export function parseTileList(arg: string, what = '--tiles'): number[] {
  const out: number[] = [];
  for (const part of arg.split(',')) {
    const m = /^\s*(\d+)(?:-(\d+))?\s*$/.exec(part);
    if (m === null)
      throw new NtkInputError(`${what} must be tile indices like '3,5,9' or '0-4,7', got '${arg}'`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw new NtkInputError(`${what}: range '${part.trim()}' runs backwards, in '${arg}'`);
    for (let i = a; i <= b; i++) out.push(i);
  }
  return out;
}
