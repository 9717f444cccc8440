import type { Geometry } from './geometry.js';

/**
 * im2col and its adjoint for the windows of a Geometry: the patch tensor of x [N, H, W, C] is
 * [N, m_h, m_w, |window|, C] with patch(n, o, a, c) = x(n, src(o, a), c), 0 on padding.
 * A convolution is then one GEMM with the filter reshaped to [|window|·C, C_out].
 */
export function im2col(g: Geometry, x: Float64Array, N: number, C: number): Float64Array {
  const { h, w } = g;
  const K = g.size * C;
  const out = new Float64Array(N * g.pOut * K);
  for (let n = 0; n < N; n++)
    for (let o = 0; o < h.m; o++)
      for (let q = 0; q < w.m; q++) {
        const row = ((n * h.m + o) * w.m + q) * K;
        for (let a = 0; a < h.f; a++) {
          const s = h.src[o * h.f + a];
          if (s < 0) continue;
          for (let b = 0; b < w.f; b++) {
            const t = w.src[q * w.f + b];
            if (t < 0) continue;
            const xo = ((n * h.n + s) * w.n + t) * C;
            const po = row + (a * w.f + b) * C;
            for (let c = 0; c < C; c++) out[po + c] = x[xo + c];
          }
        }
      }
  return out;
}

/** The adjoint of im2col: gx(n, src(o, a), c) += gpatch(n, o, a, c). */
export function col2im(g: Geometry, gp: Float64Array, N: number, C: number): Float64Array {
  const { h, w } = g;
  const K = g.size * C;
  const gx = new Float64Array(N * g.pIn * C);
  for (let n = 0; n < N; n++)
    for (let o = 0; o < h.m; o++)
      for (let q = 0; q < w.m; q++) {
        const row = ((n * h.m + o) * w.m + q) * K;
        for (let a = 0; a < h.f; a++) {
          const s = h.src[o * h.f + a];
          if (s < 0) continue;
          for (let b = 0; b < w.f; b++) {
            const t = w.src[q * w.f + b];
            if (t < 0) continue;
            const xo = ((n * h.n + s) * w.n + t) * C;
            const po = row + (a * w.f + b) * C;
            for (let c = 0; c < C; c++) gx[xo + c] += gp[po + c];
          }
        }
      }
  return gx;
}
