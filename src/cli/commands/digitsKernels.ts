import { cntkKernelFn } from '../../kernels/cntk/cntkKernelFn.js';
import { compileCntk } from '../../kernels/cntk/program.js';
import { Matrix } from '../../linalg/matrix.js';
import { Conv, Dense, GlobalAvgPool, Relu, serial } from '../../nn/index.js';
import type { Layer, Tensor } from '../../nn/types.js';

/**
 * CNTK-V and CNTK-GAP NTKs of every depth 1…L in one pass (Arora et al. 2019, §3 and §6): the depth-d network is
 * [Conv 3×3 SAME (W_std² = 2, no bias) → Relu]×d → Flatten or GlobalAvgPool → Dense readout (W_std = 1, no bias).
 * The depth-d network is the prefix of the depth-L one, so the fused CNTK recursion (src/kernels/cntk/) runs each
 * image pair through the L blocks once and takes both readouts after every block ("taps"), on all cores.
 * Returns Θ for (x1, x2) (x2 null: symmetric) indexed [depth − 1].
 */
export function cntkByDepth(
  x1: Tensor,
  x2: Tensor | null,
  depth: number,
  tile: number,
  onProgress?: (done: number, total: number) => void,
): { v: Matrix[]; gap: Matrix[] } {
  const layers: Layer[] = [];
  for (let d = 0; d < depth; d++)
    layers.push(
      Conv({ channels: 1, filter: [3, 3], padding: 'SAME', W_std: Math.SQRT2, b_std: null }),
      Relu(),
    );
  const net = serial(...layers, GlobalAvgPool(), Dense({ width: 1, W_std: 1, b_std: null }));
  const p = compileCntk(net, x1.shape.slice(1, -1), x1.shape[x1.shape.length - 1]);
  if (typeof p === 'string') throw new Error(`cntkByDepth: the fused CNTK does not apply (${p})`);
  const xb = x2 ?? x1;
  const r = cntkKernelFn(net, p, x1, xb, x2 === null, {
    wantNtk: true,
    maxTile: tile,
    taps: true,
    onProgress,
  });
  const n1 = x1.shape[0];
  const n2 = xb.shape[0];
  const at = (k: number): Matrix => new Matrix(n1, n2, r.taps![k]);
  return {
    v: Array.from({ length: depth }, (_, d) => at(2 * d + 1)),
    gap: Array.from({ length: depth }, (_, d) => at(2 * d)),
  };
}
