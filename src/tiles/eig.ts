import { NtkInputError } from '../errors.js';
import { lanczos, type LanczosProgress, type LanczosResult } from '../linalg/lanczos.js';
import { tiledKernel } from './operator.js';

/**
 * Top-k eigenpairs of the kernel of a finished tile plan by block Lanczos with thick restart
 * (src/linalg/lanczos.ts; Wu & Simon 2000) over the tiled operator: each block product streams the tiles,
 * so memory is O(tile² + n·basis), never n².
 */
export function tiledEigenpairs(
  dir: string,
  k: number,
  opts: { tol?: number; seed?: number; onProgress?: (p: LanczosProgress) => void } = {},
): LanczosResult & { n: number; products: number } {
  const op = tiledKernel(dir);
  if (!Number.isInteger(k) || k < 1 || k > op.n)
    throw new NtkInputError(
      `--top must be an integer in [1, ${op.n}] (the kernel is ${op.n}×${op.n}), got ${k}`,
    );
  const r = lanczos(op, {
    k,
    // one pass over the tiles serves b vectors: large blocks cut the passes over the disk
    blockSize: Math.min(k, 16),
    tol: opts.tol ?? 1e-12,
    onProgress: opts.onProgress,
  });
  return { ...r, n: op.n, products: op.products };
}
