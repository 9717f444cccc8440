import { at, ld, madd, st } from './simd';

// General matrix multiply (BLAS dgemm semantics, row-major): C ← α·op(A)·op(B) + β·C with op(A) m×k and
// op(B) k×n. Goto–van de Geijn layering (Goto & van de Geijn, "Anatomy of high-performance matrix
// multiplication", ACM TOMS 34(3), 2008) as in the TypeScript backend: B is packed into KC×NR column
// panels, A into MR×KC row panels, and a 4×4 register-blocked micro-kernel keeps a tile of C in eight
// f64x2 accumulators (a 6×4 tile, as in the TS GEMM, ran at half the speed in V8: twelve accumulators
// plus operands exceed the sixteen SIMD registers it allocates). Packing absorbs the transposes. All
// pointers are byte addresses in linear memory.

const MR = 4;
const NR = 4;
const KC = 256;
const MC = 96;
const NC = 1024;

/** float64 words of workspace that `gemm` needs: the packed A block and the packed B panel. */
const GEMM_WORK: i32 = MC * KC + KC * NC;

export function gemmWork(): i32 {
  return GEMM_WORK;
}

export function gemm(
  transA: bool,
  transB: bool,
  m: i32,
  n: i32,
  k: i32,
  alpha: f64,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  beta: f64,
  c: usize,
  ldc: i32,
  work: usize,
): void {
  if (m <= 0 || n <= 0) return;
  if (beta != 1) scaleBlock(m, n, beta, c, ldc);
  if (alpha == 0 || k <= 0) return;
  const packA = work;
  const packB = at(work, MC * KC);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packPanelsB(transB, b, ldb, pc, kc, jc, nc, packB);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packPanelsA(transA, a, lda, ic, mc, pc, kc, packA);
        macroKernel(mc, nc, kc, alpha, packA, packB, at(c, ic * ldc + jc), ldc);
      }
    }
  }
}

function scaleBlock(m: i32, n: i32, beta: f64, c: usize, ldc: i32): void {
  for (let i = 0; i < m; i++) {
    const r = at(c, i * ldc);
    if (beta == 0) memory.fill(r, 0, (<usize>n) << 3);
    else for (let j = 0; j < n; j++) st(r, j, ld(r, j) * beta);
  }
}

/** Pack op(B)[pc:pc+kc, jc:jc+nc] as ⌈nc/NR⌉ panels, each kc rows of NR entries, zero-padded. */
function packPanelsB(transB: bool, b: usize, ldb: i32, pc: i32, kc: i32, jc: i32, nc: i32, bp: usize): void {
  const panels = (nc + NR - 1) / NR;
  let q = bp;
  for (let jp = 0; jp < panels; jp++) {
    const j0 = jc + jp * NR;
    const w = min(NR, jc + nc - j0);
    if (!transB) {
      for (let p = 0; p < kc; p++) {
        const r = at(b, (pc + p) * ldb + j0);
        if (w == NR) {
          v128.store(q, v128.load(r));
          v128.store(q, v128.load(r, 16), 16);
        } else {
          for (let j = 0; j < NR; j++) st(q, j, j < w ? ld(r, j) : 0);
        }
        q += NR << 3;
      }
    } else {
      for (let j = 0; j < NR; j++) {
        const r = at(b, (j0 + j) * ldb + pc);
        if (j < w) for (let p = 0; p < kc; p++) st(q, p * NR + j, ld(r, p));
        else for (let p = 0; p < kc; p++) st(q, p * NR + j, 0);
      }
      q += (<usize>(kc * NR)) << 3;
    }
  }
}

/** Pack op(A)[ic:ic+mc, pc:pc+kc] as ⌈mc/MR⌉ panels, each kc columns of MR entries, zero-padded. */
function packPanelsA(transA: bool, a: usize, lda: i32, ic: i32, mc: i32, pc: i32, kc: i32, ap: usize): void {
  const panels = (mc + MR - 1) / MR;
  let q = ap;
  for (let ip = 0; ip < panels; ip++) {
    const i0 = ic + ip * MR;
    const h = min(MR, ic + mc - i0);
    if (!transA) {
      for (let i = 0; i < MR; i++) {
        const r = at(a, (i0 + i) * lda + pc);
        if (i < h) for (let p = 0; p < kc; p++) st(q, p * MR + i, ld(r, p));
        else for (let p = 0; p < kc; p++) st(q, p * MR + i, 0);
      }
      q += (<usize>(kc * MR)) << 3;
    } else {
      for (let p = 0; p < kc; p++) {
        const r = at(a, (pc + p) * lda + i0);
        if (h == MR) {
          v128.store(q, v128.load(r));
          v128.store(q, v128.load(r, 16), 16);
        } else {
          for (let i = 0; i < MR; i++) st(q, i, i < h ? ld(r, i) : 0);
        }
        q += MR << 3;
      }
    }
  }
}

/** C[mc×nc] += α·(packed A)(packed B), one MR×NR tile at a time. */
function macroKernel(mc: i32, nc: i32, kc: i32, alpha: f64, ap: usize, bp: usize, c: usize, ldc: i32): void {
  const va = f64x2.splat(alpha);
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const w = min(NR, nc - j0);
    const bo = at(bp, (j0 / NR) * kc * NR);
    for (let i0 = 0; i0 < mc; i0 += MR) {
      const h = min(MR, mc - i0);
      const ao = at(ap, (i0 / MR) * kc * MR);
      const co = at(c, i0 * ldc + j0);
      if (h == MR && w == NR) microKernel(kc, ao, bo, va, co, ldc);
      else edgeKernel(kc, ao, bo, alpha, co, ldc, h, w);
    }
  }
}

/** The 4×4 register tile: C[0:4, 0:4] += α·Σ_p ap[:, p]·bp[p, :]ᵀ, accumulators c{i}{0,1} = lanes (0,1), (2,3). */
function microKernel(kc: i32, ao: usize, bo: usize, va: v128, co: usize, ldc: i32): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
  let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
  let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bo);
    const b1 = v128.load(bo, 16);
    let x = v128.load64_splat(ao);
    c00 = madd(x, b0, c00); c01 = madd(x, b1, c01);
    x = v128.load64_splat(ao, 8);
    c10 = madd(x, b0, c10); c11 = madd(x, b1, c11);
    x = v128.load64_splat(ao, 16);
    c20 = madd(x, b0, c20); c21 = madd(x, b1, c21);
    x = v128.load64_splat(ao, 24);
    c30 = madd(x, b0, c30); c31 = madd(x, b1, c31);
    ao += MR << 3;
    bo += NR << 3;
  }
  const s = (<usize>ldc) << 3;
  let r = co;
  v128.store(r, madd(va, c00, v128.load(r))); v128.store(r, madd(va, c01, v128.load(r, 16)), 16);
  r += s;
  v128.store(r, madd(va, c10, v128.load(r))); v128.store(r, madd(va, c11, v128.load(r, 16)), 16);
  r += s;
  v128.store(r, madd(va, c20, v128.load(r))); v128.store(r, madd(va, c21, v128.load(r, 16)), 16);
  r += s;
  v128.store(r, madd(va, c30, v128.load(r))); v128.store(r, madd(va, c31, v128.load(r, 16)), 16);
}

/** A partial tile (h ≤ MR rows, w ≤ NR columns) at the bottom or right edge, in scalar arithmetic. */
function edgeKernel(kc: i32, ao: usize, bo: usize, alpha: f64, co: usize, ldc: i32, h: i32, w: i32): void {
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      let s: f64 = 0;
      for (let p = 0; p < kc; p++) s += ld(ao, p * MR + i) * ld(bo, p * NR + j);
      const q = at(co, i * ldc + j);
      store<f64>(q, load<f64>(q) + alpha * s);
    }
  }
}
