import { dirname, resolve } from 'node:path';
import { NtkInputError } from '../errors.js';
import { writeStreamAtomic } from '../io/atomicWrite.js';
import { headerFor } from '../io/npy.js';
import type { Tile } from './grid.js';
import { planTiles, readPlan } from './plan.js';
import { readTile, tileState } from './store.js';

/**
 * Stream the tiles of a run folder into one N1 × N2 float64 `.npy` (byte-identical to `ntk kernel`'s
 * output of the same kernel): one block row of tiles at a time is assembled — the lower tiles of a
 * symmetric plan as transposes of the upper ones — and appended, so memory holds at most a tile row
 * (tile·N2 entries) plus one tile. The file is written atomically (io/atomicWrite's writeStreamAtomic: the
 * same target checks, temporary file, flush and rename as every ntk output). Every tile is checked against
 * its checksum; a missing one is an error naming it.
 */
export function mergeTiles(
  dir: string,
  out: string,
  onRow?: (done: number, total: number) => void,
): { rows: number; cols: number } {
  const plan = readPlan(dir);
  const tiles = planTiles(plan);
  const missing = tiles.filter((t) => tileState(dir, t, false) !== 'done').map((t) => t.index);
  if (missing.length > 0)
    throw new Error(
      `ntk tiles merge: ${missing.length} of ${tiles.length} tiles of '${dir}' are not done (${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ', …' : ''}); run or submit them first`,
    );
  const at = new Map<string, Tile>(tiles.map((t) => [`${t.bi},${t.bj}`, t]));
  const n2 = plan.n2;
  const blockRows = Math.ceil(plan.n1 / plan.tile);
  const blockCols = Math.ceil(n2 / plan.tile);
  const target = resolve(out);
  const own = [plan.model.path, plan.x1.path, plan.x2?.path, plan.params?.path, resolve(dir, 'plan.json')];
  if (own.includes(target) || dirname(target) === resolve(dir, 'tiles'))
    throw new NtkInputError(
      `ntk tiles merge: --out '${out}' is an input or a tile of the plan in '${dir}'; choose another file`,
    );
  writeStreamAtomic(
    out,
    (write) => {
      write(headerFor('float64', [plan.n1, n2]));
      for (let bi = 0; bi < blockRows; bi++) {
        const r0 = bi * plan.tile;
        const rows = Math.min(plan.tile, plan.n1 - r0);
        const buf = new Float64Array(rows * n2);
        for (let bj = 0; bj < blockCols; bj++) {
          const upper = !plan.symmetric || bj >= bi;
          const t = at.get(upper ? `${bi},${bj}` : `${bj},${bi}`)!;
          const K = readTile(dir, t);
          if (upper) {
            for (let r = 0; r < rows; r++) buf.set(K.row(r), r * n2 + t.c0);
          } else {
            // tile (bj, bi) holds K[c-block, r-block]; its transpose is this row's block at columns t.r0…
            const kc = K.cols;
            for (let r = 0; r < rows; r++) {
              const o = r * n2 + t.r0;
              for (let c = 0; c < K.rows; c++) buf[o + c] = K.data[c * kc + r];
            }
          }
        }
        write(new Uint8Array(buf.buffer, 0, buf.byteLength));
        onRow?.(bi + 1, blockRows);
      }
    },
    { label: 'ntk tiles merge' },
  );
  return { rows: plan.n1, cols: n2 };
}
