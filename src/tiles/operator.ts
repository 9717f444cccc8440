import { NtkInputError } from '../errors.js';
import { matmul } from '../linalg/blas.js';
import type { BlockOperator } from '../linalg/lanczos.js';
import { Matrix } from '../linalg/matrix.js';
import { planTiles, readPlan, type TilePlan } from './plan.js';
import type { Tile } from './grid.js';
import { readTile, tileState } from './store.js';

/**
 * The kernel of a finished symmetric tile plan as an implicit operator V ↦ K·V (n × b blocks), for block
 * Lanczos and conjugate gradients: each product streams the tiles from disk — out[R] += K_RC·V[C], and for
 * an upper tile off the diagonal also out[C] += K_RCᵀ·V[R] — so memory holds one tile and the n × b
 * blocks, never K. Every tile's checksum is verified once, when the operator is made.
 */
export interface TiledKernel extends BlockOperator {
  readonly plan: TilePlan;
  /** The diagonal of K (from the diagonal tiles). */
  readonly diagonal: Float64Array;
  /** Operator applications so far (block products). */
  readonly products: number;
}

/** The symmetric kernel of a finished run as an implicit operator V ↦ K·V that streams its tiles (for Lanczos and CG). */
export function tiledKernel(dir: string): TiledKernel {
  const plan = readPlan(dir);
  if (!plan.symmetric)
    throw new NtkInputError(
      `'${dir}' holds a non-symmetric kernel (--x2 given, ${plan.n1}×${plan.n2}); eigenpairs and kernel regression need the train–train kernel (a plan without --x2)`,
    );
  const tiles = planTiles(plan);
  const bad = tiles.filter((t) => tileState(dir, t, true) !== 'done').map((t) => t.index);
  if (bad.length > 0)
    throw new NtkInputError(
      `${bad.length} of ${tiles.length} tiles of '${dir}' are not done or corrupt (${bad.slice(0, 20).join(', ')}${bad.length > 20 ? ', …' : ''}); run \`ntk tiles run ${dir}\` or submit them`,
    );
  const n = plan.n1;
  const diagonal = new Float64Array(n);
  for (const t of tiles) {
    if (t.bi !== t.bj) continue;
    const K = readTile(dir, t, false);
    for (let i = 0; i < K.rows; i++) diagonal[t.r0 + i] = K.data[i * K.cols + i];
  }
  let products = 0;
  const rowsOf = (M: Matrix, r0: number, r1: number): Matrix => M.rowBlock(r0, r1);
  return {
    n,
    plan,
    diagonal,
    get products() {
      return products;
    },
    apply(V: Matrix, out: Matrix): void {
      if (V.rows !== n || out.rows !== n || out.cols !== V.cols)
        throw new NtkInputError(
          `tiled kernel: V and out must be ${n}×b, got ${V.rows}×${V.cols} and ${out.rows}×${out.cols}`,
        );
      out.data.fill(0);
      const b = V.cols;
      const acc = (t: Tile, K: Matrix, trans: boolean): void => {
        const [o0, o1, v0, v1] = trans ? [t.c0, t.c1, t.r0, t.r1] : [t.r0, t.r1, t.c0, t.c1];
        const part = matmul(K, rowsOf(V, v0, v1), { transA: trans });
        const dst = out.data;
        const off = o0 * b;
        for (let k = 0; k < (o1 - o0) * b; k++) dst[off + k] += part.data[k];
      };
      for (const t of tiles) {
        const K = readTile(dir, t, false);
        acc(t, K, false);
        if (t.bi !== t.bj) acc(t, K, true);
      }
      products++;
    },
  };
}
