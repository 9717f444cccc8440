/**
 * General matrix multiply on strided float64 storage (BLAS dgemm semantics, row-major):
 *   C ← α·op(A)·op(B) + β·C,  op(A) m×k, op(B) k×n.
 * Goto–van de Geijn layering (Goto & van de Geijn, "Anatomy of high-performance matrix
 * multiplication", ACM TOMS 34(3), 2008): B is packed into KC×NR column panels, A into MR×KC row
 * panels, and a 6×4 register-blocked micro-kernel accumulates each tile of C in 24 local variables.
 * Packing absorbs the transposes, so the micro-kernel sees one layout for all four combinations.
 */

/** The signature of `gemmStrided`, which the blocked drivers take as a parameter so that another backend can supply its GEMM. */
export type GemmStrided = typeof gemmStrided;

const MR = 6;
const NR = 4;
const KC = 256;
const MC = 96;
const NC = 1024;
/** Below this many multiply–adds the packing overhead dominates and a direct loop is used. */
const SMALL = 32 * 32 * 32;

let packA = new Float64Array(MC * KC);
let packB = new Float64Array(KC * NC);
const tile = new Float64Array(MR * NR);

/**
 * C[cOff + i·ldc + j] ← α·Σ_p op(A)[i][p]·op(B)[p][j] + β·C[…], where
 * op(A)[i][p] = transA ? a[aOff + p·lda + i] : a[aOff + i·lda + p] and likewise for B.
 * β = 0 overwrites C (NaN/Inf already in C do not propagate), as in the reference BLAS.
 */
export function gemmStrided(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float64Array,
  aOff: number,
  lda: number,
  b: Float64Array,
  bOff: number,
  ldb: number,
  beta: number,
  c: Float64Array,
  cOff: number,
  ldc: number,
): void {
  if (m === 0 || n === 0) return;
  if (beta !== 1) scaleBlock(m, n, beta, c, cOff, ldc);
  if (alpha === 0 || k === 0) return;
  if (m * n * k <= SMALL) {
    directProduct(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    return;
  }
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packPanelsB(transB, b, bOff, ldb, pc, kc, jc, nc);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packPanelsA(transA, a, aOff, lda, ic, mc, pc, kc);
        macroKernel(mc, nc, kc, alpha, c, cOff + ic * ldc + jc, ldc);
      }
    }
  }
}

function scaleBlock(m: number, n: number, beta: number, c: Float64Array, cOff: number, ldc: number): void {
  for (let i = 0; i < m; i++) {
    const r = cOff + i * ldc;
    if (beta === 0) c.fill(0, r, r + n);
    else for (let j = r; j < r + n; j++) c[j] *= beta;
  }
}

function directProduct(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float64Array,
  aOff: number,
  lda: number,
  b: Float64Array,
  bOff: number,
  ldb: number,
  c: Float64Array,
  cOff: number,
  ldc: number,
): void {
  const sai = transA ? 1 : lda;
  const sap = transA ? lda : 1;
  const sbp = transB ? 1 : ldb;
  const sbj = transB ? ldb : 1;
  for (let i = 0; i < m; i++) {
    const ai = aOff + i * sai;
    const ci = cOff + i * ldc;
    for (let j = 0; j < n; j++) {
      const bj = bOff + j * sbj;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ai + p * sap] * b[bj + p * sbp];
      c[ci + j] += alpha * s;
    }
  }
}

/** Pack op(B)[pc:pc+kc, jc:jc+nc] as ⌈nc/NR⌉ panels, each kc rows of NR entries, zero-padded. */
function packPanelsB(
  transB: boolean,
  b: Float64Array,
  bOff: number,
  ldb: number,
  pc: number,
  kc: number,
  jc: number,
  nc: number,
): void {
  const panels = Math.ceil(nc / NR);
  if (packB.length < panels * NR * kc) packB = new Float64Array(panels * NR * kc);
  const bp = packB;
  let q = 0;
  for (let jp = 0; jp < panels; jp++) {
    const j0 = jc + jp * NR;
    const w = Math.min(NR, jc + nc - j0);
    if (!transB) {
      for (let p = 0; p < kc; p++) {
        const r = bOff + (pc + p) * ldb + j0;
        if (w === NR) {
          bp[q] = b[r];
          bp[q + 1] = b[r + 1];
          bp[q + 2] = b[r + 2];
          bp[q + 3] = b[r + 3];
        } else {
          for (let j = 0; j < NR; j++) bp[q + j] = j < w ? b[r + j] : 0;
        }
        q += NR;
      }
    } else {
      for (let j = 0; j < NR; j++) {
        const r = bOff + (j0 + j) * ldb + pc;
        if (j < w) for (let p = 0; p < kc; p++) bp[q + p * NR + j] = b[r + p];
        else for (let p = 0; p < kc; p++) bp[q + p * NR + j] = 0;
      }
      q += kc * NR;
    }
  }
}

/** Pack op(A)[ic:ic+mc, pc:pc+kc] as ⌈mc/MR⌉ panels, each kc columns of MR entries, zero-padded. */
function packPanelsA(
  transA: boolean,
  a: Float64Array,
  aOff: number,
  lda: number,
  ic: number,
  mc: number,
  pc: number,
  kc: number,
): void {
  const panels = Math.ceil(mc / MR);
  if (packA.length < panels * MR * kc) packA = new Float64Array(panels * MR * kc);
  const ap = packA;
  let q = 0;
  for (let ip = 0; ip < panels; ip++) {
    const i0 = ic + ip * MR;
    const h = Math.min(MR, ic + mc - i0);
    if (!transA) {
      for (let i = 0; i < MR; i++) {
        const r = aOff + (i0 + i) * lda + pc;
        if (i < h) for (let p = 0; p < kc; p++) ap[q + p * MR + i] = a[r + p];
        else for (let p = 0; p < kc; p++) ap[q + p * MR + i] = 0;
      }
      q += kc * MR;
    } else {
      for (let p = 0; p < kc; p++) {
        const r = aOff + (pc + p) * lda + i0;
        for (let i = 0; i < MR; i++) ap[q + i] = i < h ? a[r + i] : 0;
        q += MR;
      }
    }
  }
}

/** C[mc×nc] += α·(packed A)(packed B), tile by tile. */
function macroKernel(
  mc: number,
  nc: number,
  kc: number,
  alpha: number,
  c: Float64Array,
  cOff: number,
  ldc: number,
): void {
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const w = Math.min(NR, nc - j0);
    const bo = (j0 / NR) * kc * NR;
    for (let i0 = 0; i0 < mc; i0 += MR) {
      const h = Math.min(MR, mc - i0);
      microKernel(kc, packA, (i0 / MR) * kc * MR, packB, bo, tile);
      const t = tile;
      const co = cOff + i0 * ldc + j0;
      if (h === MR && w === NR) {
        for (let i = 0; i < MR; i++) {
          const r = co + i * ldc;
          const s = i * NR;
          c[r] += alpha * t[s];
          c[r + 1] += alpha * t[s + 1];
          c[r + 2] += alpha * t[s + 2];
          c[r + 3] += alpha * t[s + 3];
        }
      } else {
        for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) c[co + i * ldc + j] += alpha * t[i * NR + j];
      }
    }
  }
}

/** The 6×4 register tile: t ← Σ_p ap[:, p]·bp[p, :]ᵀ over kc packed columns/rows. */
// prettier-ignore
function microKernel(kc: number, ap: Float64Array, ao: number, bp: Float64Array, bo: number, t: Float64Array): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  let c40 = 0, c41 = 0, c42 = 0, c43 = 0;
  let c50 = 0, c51 = 0, c52 = 0, c53 = 0;
  for (let p = 0; p < kc; p++) {
    const b0 = bp[bo], b1 = bp[bo + 1], b2 = bp[bo + 2], b3 = bp[bo + 3];
    let x = ap[ao];
    c00 += x * b0; c01 += x * b1; c02 += x * b2; c03 += x * b3;
    x = ap[ao + 1];
    c10 += x * b0; c11 += x * b1; c12 += x * b2; c13 += x * b3;
    x = ap[ao + 2];
    c20 += x * b0; c21 += x * b1; c22 += x * b2; c23 += x * b3;
    x = ap[ao + 3];
    c30 += x * b0; c31 += x * b1; c32 += x * b2; c33 += x * b3;
    x = ap[ao + 4];
    c40 += x * b0; c41 += x * b1; c42 += x * b2; c43 += x * b3;
    x = ap[ao + 5];
    c50 += x * b0; c51 += x * b1; c52 += x * b2; c53 += x * b3;
    ao += MR;
    bo += NR;
  }
  t[0] = c00; t[1] = c01; t[2] = c02; t[3] = c03;
  t[4] = c10; t[5] = c11; t[6] = c12; t[7] = c13;
  t[8] = c20; t[9] = c21; t[10] = c22; t[11] = c23;
  t[12] = c30; t[13] = c31; t[14] = c32; t[15] = c33;
  t[16] = c40; t[17] = c41; t[18] = c42; t[19] = c43;
  t[20] = c50; t[21] = c51; t[22] = c52; t[23] = c53;
}
