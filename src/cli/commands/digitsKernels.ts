import { inputKernel } from '../../kernels/inputKernel.js';
import { Matrix } from '../../linalg/matrix.js';
import { Conv, Dense, Flatten, GlobalAvgPool, Relu } from '../../nn/index.js';
import type { Kernel, Tensor } from '../../nn/types.js';

/**
 * CNTK-V and CNTK-GAP NTKs of every depth 1…L in one pass (Arora et al. 2019, §3 and §6): the depth-d network is
 * [Conv 3×3 SAME (W_std² = 2, no bias) → Relu]×d → Flatten or GlobalAvgPool → Dense readout (W_std = 1, no bias).
 * The records of depth d are the prefix of depth d + 1, so each (x, x') tile runs through the L blocks once and
 * both readouts are taken after every block. All position pairs are kept (P² = 4096 floats per pair per array for
 * 8×8; Flatten reads their diagonal). Returns Θ for (x1, x2) (x2 null: symmetric) indexed [depth − 1].
 */
export function cntkByDepth(
  x1: Tensor,
  x2: Tensor | null,
  depth: number,
  tile: number,
  onProgress?: (done: number, total: number) => void,
): { v: Matrix[]; gap: Matrix[] } {
  const conv = Conv({ channels: 1, filter: [3, 3], padding: 'SAME', W_std: Math.SQRT2, b_std: null });
  const relu = Relu();
  const readout = Dense({ width: 1, W_std: 1, b_std: null });
  const flatten = Flatten();
  const gap = GlobalAvgPool();
  const n1 = x1.shape[0];
  const sym = x2 === null;
  const xb = x2 ?? x1;
  const n2 = xb.shape[0];
  const v = Array.from({ length: depth }, () => new Matrix(n1, n2));
  const g = Array.from({ length: depth }, () => new Matrix(n1, n2));
  const rows = (t: Tensor, a: number, b: number): Tensor => ({
    shape: [b - a, ...t.shape.slice(1)],
    data: t.data.subarray(a * 64, b * 64),
  });
  const tiles: [number, number][] = [];
  for (let r0 = 0; r0 < n1; r0 += tile) for (let c0 = sym ? r0 : 0; c0 < n2; c0 += tile) tiles.push([r0, c0]);
  tiles.forEach(([r0, c0], t) => {
    const r1 = Math.min(n1, r0 + tile);
    const c1 = Math.min(n2, c0 + tile);
    const diag = sym && r0 === c0;
    let k: Kernel = inputKernel(rows(x1, r0, r1), diag ? null : rows(xb, c0, c1), { diagonalSpatial: false });
    for (let d = 0; d < depth; d++) {
      k = relu.kernel(conv.kernel(k)) as Kernel;
      for (const [pool, out] of [
        [flatten, v[d]],
        [gap, g[d]],
      ] as const) {
        const r = readout.kernel(pool.kernel(k)) as Kernel;
        const kc = c1 - c0;
        for (let i = 0; i < r1 - r0; i++)
          for (let j = 0; j < kc; j++) {
            const e = diag && i > j ? j * kc + i : i * kc + j;
            out.data[(r0 + i) * n2 + c0 + j] = r.ntk![e];
            if (sym && !diag) out.data[(c0 + j) * n2 + r0 + i] = r.ntk![e];
          }
      }
    }
    onProgress?.(t + 1, tiles.length);
  });
  return { v, gap: g };
}
