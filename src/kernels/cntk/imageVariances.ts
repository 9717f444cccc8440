import type { Kernel, Tensor } from '../../nn/types.js';
import { inputKernel } from '../inputKernel.js';
import type { CntkProgram } from './program.js';

/**
 * The per-image variances var_l(x, p) = Σ_l(x, x)(p, p) before every spatial layer of a fused CNTK program (and after
 * the last), computed once per image and shared by every pair it appears in. They are the equal-position records of
 * one image, so the layers' own kernel maps give them (the diagonal layout is exact through Conv, Dense and
 * activations: Arora et al. 2019, eq. 7 at p = p').
 */
export interface ImageVariances {
  /** Offsets of the arrays of one image (varCount + 1 entries; the last is the per-image stride). */
  readonly offsets: Int32Array;
  readonly stride: number;
}

export function varianceLayout(p: CntkProgram): ImageVariances {
  const offsets = new Int32Array(p.varCount + 1);
  let h = p.H;
  let w = p.W;
  let leaf = 0;
  const sizes: number[] = [h * w];
  for (const b of p.blocks) {
    if (b.conv !== null) {
      sizes.push(b.hOut * b.wOut);
      h = b.hOut;
      w = b.wOut;
    }
    for (let k = 0; k < b.ops.length; k++) sizes.push(h * w);
    leaf += (b.conv ? 1 : 0) + b.ops.length;
  }
  if (leaf !== p.leaves.length) throw new Error('cntk program: leaves and blocks disagree');
  for (let i = 0; i < sizes.length; i++) offsets[i + 1] = offsets[i] + sizes[i];
  return { offsets, stride: offsets[sizes.length] };
}

/** Fill the variances of images [i0, i1) of `x` into `out` (stride `layout.stride` per image). */
export function imageVariances(
  p: CntkProgram,
  layout: ImageVariances,
  x: Tensor,
  i0: number,
  i1: number,
  out: Float64Array,
  outImage0 = i0,
): void {
  const per = x.data.length / x.shape[0];
  for (let i = i0; i < i1; i++) {
    const one: Tensor = { shape: [1, ...x.shape.slice(1)], data: x.data.subarray(i * per, (i + 1) * per) };
    let k: Kernel = inputKernel(one, null, { ntk: false, diagonalSpatial: true });
    const base = (outImage0 + i - i0) * layout.stride;
    out.set(k.var1, base + layout.offsets[0]);
    p.leaves.forEach((leaf, l) => {
      k = leaf.kernel(k) as Kernel;
      out.set(k.var1, base + layout.offsets[l + 1]);
    });
  }
}
