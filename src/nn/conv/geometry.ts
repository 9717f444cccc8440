import { NtkInputError } from '../../errors.js';
/**
 * Spatial geometry of stride-s windows over 1-D or 2-D inputs (neural-tangents / XLA conventions):
 * for an axis of size n, window f, stride s and dilation d (effective window f_d = (f − 1)·d + 1),
 *  - 'VALID':    m = ⌊(n − f_d)/s⌋ + 1 outputs, no padding;
 *  - 'SAME':     m = ⌈n/s⌉, zero padding of total t = max((m − 1)·s + f_d − n, 0), ⌊t/2⌋ before, the extra one
 *                after (XLA's `padtype_to_pads`);
 *  - 'CIRCULAR': as 'SAME' but the padding wraps around (periodic boundary).
 * Output position o and window offset a read input position o·s + a·d − before (−1 = a zero of the padding).
 * A 1-D layer is the 2-D one with a height-1 axis and a height-1 window, so every layer has one code path.
 */
export type Padding = 'SAME' | 'VALID' | 'CIRCULAR';

export const PADDINGS: readonly Padding[] = ['SAME', 'VALID', 'CIRCULAR'];

/** One axis: the input index read at (output o, offset a), −1 for a padding zero; row-major [m, f]. */
export interface AxisMap {
  readonly n: number;
  /** Step of the input index between consecutive outputs at one offset (the window sums' runs follow it). */
  readonly stride: number;
  readonly m: number;
  readonly f: number;
  readonly src: Int32Array;
}

export function axisMap(
  n: number,
  f: number,
  stride: number,
  padding: Padding,
  where: string,
  dilation = 1,
): AxisMap {
  const fd = (f - 1) * dilation + 1;
  let m: number;
  let before: number;
  if (padding === 'VALID') {
    if (fd > n)
      throw new NtkInputError(
        `${where}: window ${fd}${dilation > 1 ? ` (filter ${f} at dilation ${dilation})` : ''} is larger than the input size ${n} along an axis with padding 'VALID'`,
      );
    m = Math.floor((n - fd) / stride) + 1;
    before = 0;
  } else {
    m = Math.ceil(n / stride);
    before = Math.floor(Math.max((m - 1) * stride + fd - n, 0) / 2);
  }
  const src = new Int32Array(m * f);
  for (let o = 0; o < m; o++)
    for (let a = 0; a < f; a++) {
      let i = o * stride + a * dilation - before;
      if (padding === 'CIRCULAR') i = ((i % n) + n) % n;
      else if (i < 0 || i >= n) i = -1;
      src[o * f + a] = i;
    }
  return { n, stride, m, f, src };
}

/** Both axes of a (possibly 1-D) spatial window; `spatial` is the input's [H, W] or [L]. */
export interface Geometry {
  /** Rank of the caller's spatial shape (1 or 2). */
  readonly rank: 1 | 2;
  readonly h: AxisMap;
  readonly w: AxisMap;
  /** Output spatial shape in the caller's rank. */
  readonly outSpatial: number[];
  /** Positions in / out and window size. */
  readonly pIn: number;
  readonly pOut: number;
  readonly size: number;
}

export function geometry(
  spatial: readonly number[],
  window: readonly number[],
  strides: readonly number[],
  padding: Padding,
  where: string,
  dilation?: readonly number[],
): Geometry {
  const d = dilation ?? window.map(() => 1);
  return geometryOf(spatial, window, where, (n, f, i) => axisMap(n, f, strides[i], padding, where, d[i]));
}

/**
 * The geometry of a transposed convolution (`lax.conv_transpose` with `transpose_kernel=False`, as
 * neural-tangents' `stax.ConvTranspose`): the input is dilated by the stride s (s − 1 zeros between entries),
 * padded with (p_a, p_b) and convolved with stride 1, where for filter f (XLA's `_conv_transpose_padding`)
 *  - 'SAME':  m = n·s, p_a = f − 1 if s > f − 1 else ⌈(f + s − 2)/2⌉;
 *  - 'VALID': m = n·s + max(f − s, 0), p_a = f − 1;
 * so output o at offset a reads input (o + a − p_a)/s when that is an integer in [0, n) (else a zero).
 * 'CIRCULAR' (neural-tangents): the 'VALID' output folded periodically onto the m = n·s positions of 'SAME',
 * with the crop c = ⌊max(f − s, 0)/2⌋ in front: output o at offset a reads input ((o + c + a − (f − 1))/s) mod n
 * when o + c + a − (f − 1) is a multiple of s.
 */
export function transposeGeometry(
  spatial: readonly number[],
  window: readonly number[],
  strides: readonly number[],
  padding: Padding,
  where: string,
): Geometry {
  return geometryOf(spatial, window, where, (n, f, i) => transposeAxisMap(n, f, strides[i], padding));
}

/** One axis of a transposed convolution (see transposeGeometry). */
export function transposeAxisMap(n: number, f: number, s: number, padding: Padding): AxisMap {
  const m = padding === 'VALID' ? n * s + Math.max(f - s, 0) : n * s;
  let shift: number;
  if (padding === 'SAME') shift = s > f - 1 ? f - 1 : Math.ceil((f + s - 2) / 2);
  else if (padding === 'VALID') shift = f - 1;
  else shift = f - 1 - Math.floor(Math.max(f - s, 0) / 2);
  const src = new Int32Array(m * f);
  for (let o = 0; o < m; o++)
    for (let a = 0; a < f; a++) {
      const t = o + a - shift;
      let i = -1;
      if (padding === 'CIRCULAR') {
        if (((t % s) + s) % s === 0) i = (((t / s) % n) + n) % n;
      } else if (t >= 0 && t % s === 0 && t / s < n) i = t / s;
      src[o * f + a] = i;
    }
  // consecutive outputs at one offset step the input index by 1 only at stride 1 (else every other is a zero)
  return { n, stride: 1, m, f, src };
}

function geometryOf(
  spatial: readonly number[],
  window: readonly number[],
  where: string,
  axis: (n: number, f: number, i: number) => AxisMap,
): Geometry {
  if (spatial.length !== window.length) {
    throw new NtkInputError(
      `${where}: the layer has a ${window.length}-D window [${window.join(', ')}] but the input has ` +
        `${spatial.length} spatial axes [${spatial.join(', ')}] (inputs are NHWC (N, H, W, C) for 2-D, (N, L, C) for 1-D)`,
    );
  }
  const rank = spatial.length as 1 | 2;
  const two = (v: readonly number[]): [number, number] => (rank === 1 ? [1, v[0]] : [v[0], v[1]]);
  const [H, W] = two(spatial);
  const [fh, fw] = two(window);
  // the height-1 axis of a 1-D layer is the identity map
  const h = rank === 1 ? axisMap(1, 1, 1, 'VALID', where) : axis(H, fh, 0);
  const w = axis(W, fw, rank - 1);
  return {
    rank,
    h,
    w,
    outSpatial: rank === 1 ? [w.m] : [h.m, w.m],
    pIn: H * W,
    pOut: h.m * w.m,
    size: fh * fw,
  };
}

/** Check a window/filter option: 1 or 2 positive integers. */
export function checkWindow(v: unknown, where: string, name: string): number[] {
  if (
    !Array.isArray(v) ||
    (v.length !== 1 && v.length !== 2) ||
    !v.every((s) => Number.isInteger(s) && s >= 1)
  )
    throw new NtkInputError(
      `${where}: ${name} must be [n] (1-D) or [h, w] (2-D) positive integers, got ${JSON.stringify(v)}`,
    );
  return [...(v as number[])];
}

export function checkPadding(p: unknown, where: string): Padding {
  if (!PADDINGS.includes(p as Padding))
    throw new NtkInputError(
      `${where}: padding must be 'SAME', 'VALID' or 'CIRCULAR', got ${JSON.stringify(p)}`,
    );
  return p as Padding;
}

/**
 * Runs of one axis for each window offset a: maximal ranges [o0, o1) of outputs whose input index is
 * s0 + (o − o0)·stride (no padding zero inside), as flat triples (o0, o1, s0). Padding zeros fall out, and the
 * innermost loops of the window sums below run over contiguous memory without branches.
 */
function runs(ax: AxisMap): Int32Array[] {
  const out: Int32Array[] = [];
  for (let a = 0; a < ax.f; a++) {
    const r: number[] = [];
    let o = 0;
    while (o < ax.m) {
      const s0 = ax.src[o * ax.f + a];
      if (s0 < 0) {
        o++;
        continue;
      }
      let o1 = o + 1;
      while (o1 < ax.m && ax.src[o1 * ax.f + a] === s0 + (o1 - o) * ax.stride) o1++;
      r.push(o, o1, s0);
      o = o1;
    }
    out.push(Int32Array.from(r));
  }
  return out;
}

const runCache = new WeakMap<AxisMap, Int32Array[]>();
function runsOf(ax: AxisMap): Int32Array[] {
  let r = runCache.get(ax);
  if (!r) runCache.set(ax, (r = runs(ax)));
  return r;
}

/**
 * Window sums of a kernel over position pairs, the core of the convolutional kernel maps
 * (Arora et al. 2019, eqs. 7–8; neural-tangents `_conv_kernel_full_spatial`):
 *   out(o1, o2) = Σ_{a ∈ window} in(src(o1, a), src(o2, a))        (same offset: `shared` = true, Conv),
 *   out(o1, o2) = Σ_{a, a' ∈ window} in(src(o1, a), src(o2, a'))   (all offset pairs: AvgPool),
 * for one (x, x') pair block: `inp` is [H, W, H, W] (all pairs), `out` [m_h, m_w, m_h, m_w]; padding zeros add 0.
 * Cost |window|·m² (shared) or |window|²·m² additions per pair block.
 */
export function pairWindowSum(
  g: Geometry,
  inp: Float64Array,
  io: number,
  out: Float64Array,
  oo: number,
  shared: boolean,
): void {
  const { h, w } = g;
  const W = w.n;
  const P = h.n * W;
  const mw = w.m;
  const Q = h.m * mw;
  const rh = runsOf(h);
  const rw = runsOf(w);
  const sh = h.stride;
  const sw = w.stride;
  for (let e = 0; e < Q * Q; e++) out[oo + e] = 0;
  for (let a = 0; a < h.f; a++) {
    const A = rh[a];
    for (let b = shared ? a : 0; b < (shared ? a + 1 : h.f); b++) {
      const B = rh[b];
      for (let i = 0; i < A.length; i += 3)
        for (let o1 = A[i]; o1 < A[i + 1]; o1++) {
          const s1 = A[i + 2] + (o1 - A[i]) * sh;
          for (let j = 0; j < B.length; j += 3)
            for (let o2 = B[j]; o2 < B[j + 1]; o2++) {
              const s2 = B[j + 2] + (o2 - B[j]) * sh;
              const inBase = io + s1 * W * P + s2 * W;
              const outBase = oo + o1 * mw * Q + o2 * mw;
              for (let c = 0; c < w.f; c++) {
                const Cr = rw[c];
                for (let d = shared ? c : 0; d < (shared ? c + 1 : w.f); d++) {
                  const D = rw[d];
                  for (let k = 0; k < Cr.length; k += 3)
                    for (let q1 = Cr[k]; q1 < Cr[k + 1]; q1++) {
                      const rowBase = inBase + (Cr[k + 2] + (q1 - Cr[k]) * sw) * P;
                      const outRow = outBase + q1 * Q;
                      for (let l = 0; l < D.length; l += 3) {
                        const q0 = D[l];
                        const t0 = rowBase + D[l + 2] - q0 * sw;
                        const q2end = D[l + 1];
                        if (sw === 1) for (let q2 = q0; q2 < q2end; q2++) out[outRow + q2] += inp[t0 + q2];
                        else for (let q2 = q0; q2 < q2end; q2++) out[outRow + q2] += inp[t0 + q2 * sw];
                      }
                    }
                }
              }
            }
        }
    }
  }
}

/** Σ_{a ∈ window} in(src(o, a), src(o, a)) for the diagonal layout (equal positions): `inp` [H, W], `out` [m_h, m_w]. */
export function diagWindowSum(
  g: Geometry,
  inp: Float64Array,
  io: number,
  out: Float64Array,
  oo: number,
): void {
  const { h, w } = g;
  const W = w.n;
  for (let o = 0; o < h.m; o++)
    for (let q = 0; q < w.m; q++) {
      let s = 0;
      for (let a = 0; a < h.f; a++) {
        const s1 = h.src[o * h.f + a];
        if (s1 < 0) continue;
        for (let c = 0; c < w.f; c++) {
          const t1 = w.src[q * w.f + c];
          if (t1 >= 0) s += inp[io + s1 * W + t1];
        }
      }
      out[oo + o * w.m + q] = s;
    }
}
