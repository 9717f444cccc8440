import { OP_DUAL, OP_RELU, type CntkProgram } from './program.js';

/**
 * Floating-point operations per kernel entry of the fused CNTK recursion (for the benchmark's GFLOP/s), counting
 * +, −, ×, ÷, √ and arccos as one each: per position pair a Conv with |f| taps costs 2·(|f| − 1) additions for the
 * window sums of Σ and Θ and 6 for the scalings (w²·(Σ/|f|) + b², Σ' + w²·(Θ/|f|)); a ReLU dual 15 (√(q·q'), ÷, π − arccos,
 * √(1 − ρ²), the arc-cosine formula, Θ·Σ̇); an affine map 4; another dual is counted as a ReLU's. Position pairs per
 * layer: Σ over displacements of the overlap region (P² for SAME and GlobalAvgPool, P for Flatten).
 */
export function flopsPerEntry(p: CntkProgram): number {
  let total = 0;
  const gap = p.readout === 'gap';
  const last = p.blocks[p.blocks.length - 1];
  const hL = last?.hOut ?? p.H;
  const wL = last?.wOut ?? p.W;
  const axis = (n: number, m: number): number => {
    // Σ over displacements |d| < m of the region length n − |d| (d = 0 only for Flatten)
    if (!gap) return n;
    let s = 0;
    for (let d = -(m - 1); d <= m - 1; d++) s += n - Math.abs(d);
    return s;
  };
  for (const b of p.blocks) {
    const pairs = axis(b.hOut, hL) * axis(b.wOut, wL);
    let per = 0;
    if (b.conv !== null) per += 2 * (b.conv.fh * b.conv.fw - 1) + 6;
    for (const o of b.ops) per += o.op === OP_RELU || o.op === OP_DUAL ? 15 : 4;
    total += pairs * per;
  }
  return total;
}
