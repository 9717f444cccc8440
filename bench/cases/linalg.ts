/**
 * Benchmark: GEMM GFLOP/s (n = 1000, 2000), symmetric eigh times (n = 1000, 2000, 4000; values only and
 * values + vectors) and Lanczos top-50 of an explicit n = 10000 PSD matrix, per backend — ts, wasm on one
 * thread, wasm on two threads (GEMM only: `wasm×2`), blas; NumPy's linalg_numpy.py (n = 2000, 4000) in the
 * same run, with acceptance targets.
 * Parts: 'gemm', 'eigh', 'lanczos' (the NumPy peer runs with 'gemm' or 'eigh').
 */
import type { BenchCase, BenchContext } from '../harness.js';
import { pythonEval } from '../peers.js';
import type { LinalgBackend } from '../../src/linalg/backend.js';
import { Matrix } from '../../src/linalg/matrix.js';
import { lanczos } from '../../src/linalg/lanczos.js';
import { loadNativeBackend, type NativeBackend } from '../../src/linalg/native/index.cjs';
import { getBackend, setBackend } from '../../src/linalg/select.js';
import { tsBackend } from '../../src/linalg/ts/index.js';
import { createWasmBackend, type WasmBackend } from '../../src/linalg/wasm/index.js';
import { normal, PRNGKey } from '../../src/random/index.js';

const GEMM_SIZES = [1000, 2000];
const EIGH_SIZES = [1000, 2000, 4000];
const PEER_SIZES = [2000, 4000];
const LANCZOS_N = 10000;
const LANCZOS_K = 50;
/** Rank of the Lanczos test matrix and the geometric decay of its spectrum (relative gap ≈ 11% at k = 50). */
const LANCZOS_RANK = 200;
const LANCZOS_DECAY = 0.9;
/** Pure-TS (and wasm) eigh is skipped at n = 4000 when it would take longer than this. */
const TS_EIGH_LIMIT_SECONDS = 120;

const gemmFlops = (n: number): number => 2 * n ** 3;

function gaussian(n: number, m: number, seed: number): Matrix {
  return new Matrix(n, m, normal(PRNGKey(seed), n * m));
}

/** Backends in order of speed (the last builds the test matrices); `wasm×2` is only timed on GEMM. */
function backends(ctx: BenchContext): Array<{ name: string; b: LinalgBackend }> {
  const list: Array<{ name: string; b: LinalgBackend }> = [{ name: 'ts', b: tsBackend }];
  try {
    const one: WasmBackend = createWasmBackend({ threads: 1 });
    const two: WasmBackend = createWasmBackend({ threads: 2 });
    list.push({ name: 'wasm', b: one }, { name: 'wasm×2', b: two });
    ctx.info('wasm SIMD', one.info.simd === 'relaxed' ? 'relaxed SIMD (FMA)' : 'plain SIMD (no FMA)');
    ctx.info(
      'wasm×2 threads',
      `${two.info.threads}${two.info.threadNote ? ` (${two.info.threadNote})` : ''}`,
    );
  } catch (err) {
    ctx.log(`wasm backend skipped: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    const blas: NativeBackend = loadNativeBackend(Matrix);
    list.push({ name: 'blas', b: blas });
    ctx.info('blas libraries', blas.native.libraries.join(' + '));
    ctx.info('openblas config', blas.native.config);
    ctx.info('openblas threads (ntk-lab)', blas.native.threads());
  } catch (err) {
    ctx.log(`blas backend skipped: ${err instanceof Error ? err.message : String(err)}`);
  }
  ctx.info('ts threads', '1 (pure TypeScript on the main thread)');
  const py = pythonEval(
    [
      'import numpy, ctypes',
      "libs = sorted({l.split()[-1] for l in open('/proc/self/maps') if 'blas' in l or 'lapack' in l})",
      "print(ctypes.CDLL('libopenblas.so.0').openblas_get_num_threads(), ' '.join(libs))",
    ].join('\n'),
    ['numpy'],
  );
  ctx.info('openblas threads (numpy) and its libraries', py);
  return list;
}

/** Eigen-solver sanity: Σλ = tr(S) (to rounding) — a timed wrong answer is worth nothing. */
function checkTrace(S: Matrix, values: Float64Array, what: string): void {
  let tr = 0;
  let sum = 0;
  let scale = 0;
  for (let i = 0; i < S.rows; i++) tr += S.get(i, i);
  for (const v of values) {
    sum += v;
    scale = Math.max(scale, Math.abs(v));
  }
  if (!(Math.abs(sum - tr) <= 1e-10 * S.rows * scale))
    throw new Error(`${what}: Σλ = ${sum} but tr(S) = ${tr}`);
}

function benchGemm(ctx: BenchContext, list: Array<{ name: string; b: LinalgBackend }>): void {
  for (const n of GEMM_SIZES) {
    const A = gaussian(n, n, 1);
    const B = gaussian(n, n, 2);
    const C = new Matrix(n, n);
    for (const { name, b } of list) {
      const t = ctx.measure(() => b.gemm(false, false, 1, A, B, 0, C));
      ctx.record({
        task: 'gemm',
        size: `n=${n}`,
        impl: name,
        seconds: t.best,
        rate: { value: gemmFlops(n) / t.best / 1e9, unit: 'GFLOP/s' },
        note: t.note,
      });
    }
  }
}

function benchEigh(ctx: BenchContext, list: Array<{ name: string; b: LinalgBackend }>): void {
  const fastest = list[list.length - 1].b;
  const seen = new Map<string, number>(); // `${impl} ${task}` → seconds at the previous size
  for (const n of EIGH_SIZES) {
    const G = gaussian(n, n, 3);
    const S = new Matrix(n, n);
    fastest.gemm(false, true, 1, G, G, 0, S); // S = G·Gᵀ, as the NumPy peer's A @ A.T
    for (const { name, b } of list) {
      if (name === 'wasm×2') continue;
      for (const vectors of [false, true]) {
        const task = vectors ? 'eigh values+vectors' : 'eigh values';
        const key = `${name} ${task}`;
        const prev = seen.get(key);
        const estimate = prev === undefined ? 0 : prev * 8; // O(n³), n doubled
        if (name !== 'blas' && n === 4000 && estimate > TS_EIGH_LIMIT_SECONDS) {
          ctx.record({
            task,
            size: `n=${n}`,
            impl: name,
            seconds: null,
            note: `skipped: ≈${estimate.toFixed(0)} s (8 × n=2000) > ${TS_EIGH_LIMIT_SECONDS} s`,
          });
          continue;
        }
        let values: Float64Array = new Float64Array(0);
        // Compared with NumPy (a fresh process per run, no eigh warm-up, best of ctx.reps runs):
        // blas gets the same — no warm-up, every one of ctx.reps runs, whatever they cost.
        const vsPeer = name === 'blas' && PEER_SIZES.includes(n);
        const t = ctx.measure(
          () => {
            values = b.syev(S, vectors).values;
          },
          vsPeer ? { warmup: false, budgetSeconds: Infinity } : {},
        );
        checkTrace(S, values, `${name} ${task} n=${n}`);
        seen.set(key, t.best);
        ctx.record({ task, size: `n=${n}`, impl: name, seconds: t.best, note: t.note });
      }
    }
  }
}

/**
 * Lanczos top-50 of an explicit PSD matrix S = H·Hᵀ, H = G·diag(√dᵢ) with G (n × r) Gaussian / √n and
 * dᵢ = 0.9ⁱ. The nonzero eigenvalues of H·Hᵀ are those of the small r × r matrix Hᵀ·H, which gives an
 * exact reference for the k values; the true residuals come from lanczos itself.
 */
function benchLanczos(ctx: BenchContext, list: Array<{ name: string; b: LinalgBackend }>): void {
  const n = LANCZOS_N;
  const r = LANCZOS_RANK;
  const fastest = list[list.length - 1].b;
  const H = gaussian(n, r, 4);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < r; j++) H.data[i * r + j] *= Math.sqrt(LANCZOS_DECAY ** j / n);
  }
  const S = new Matrix(n, n);
  fastest.syrk(false, 1, H, 0, S);
  const small = new Matrix(r, r);
  fastest.syrk(true, 1, H, 0, small);
  const exact = fastest.syev(small, false).values.reverse().subarray(0, LANCZOS_K);
  const before = getBackend().name;
  for (const { name } of list) {
    if (name === 'wasm×2') continue;
    setBackend(name === 'blas' ? 'blas' : name === 'wasm' ? 'wasm' : 'ts');
    let err = NaN;
    let res = NaN;
    let conv = false;
    let matvecs = 0;
    const t = ctx.measure(
      () => {
        const out = lanczos(S, { k: LANCZOS_K, which: 'largest' });
        err = 0;
        for (let j = 0; j < LANCZOS_K; j++)
          err = Math.max(err, Math.abs(out.values[j] - exact[j]) / exact[0]);
        res = Math.max(...out.residuals) / exact[0];
        conv = out.converged;
        matvecs = out.matvecs;
      },
      { warmup: name === 'blas', budgetSeconds: 10 },
    );
    if (!(err <= 1e-10))
      throw new Error(`lanczos (${name}): top-${LANCZOS_K} values are off by ${err} (relative to λ₁)`);
    ctx.record({
      task: `lanczos top-${LANCZOS_K}`,
      size: `n=${n}`,
      impl: name,
      seconds: t.best,
      note: `${t.note}; ${matvecs} matvecs; max|Δλ|/λ₁ = ${err.toExponential(1)}; max‖Av−λv‖/λ₁ = ${res.toExponential(1)}${conv ? '' : '; NOT converged'}`,
    });
  }
  setBackend(before);
}

/** Parse linalg_numpy.py's three lines; null fields when a line is missing. */
export function parseNumpy(stdout: string) {
  const num = (re: RegExp, group = 1): number | null => {
    const m = re.exec(stdout);
    return m ? Number(m[group]) : null;
  };
  return {
    gemmSeconds: num(/numpy gemm n=\d+: ([\d.]+)s/),
    gemmRate: num(/numpy gemm n=\d+: [\d.]+s ([\d.]+) GFLOPS/),
    eighSeconds: num(/numpy eigh \(values\+vectors\) n=\d+: ([\d.]+)s/),
    eigvalshSeconds: num(/numpy eigvalsh n=\d+: ([\d.]+)s/),
  };
}

function benchNumpy(ctx: BenchContext): boolean {
  let ran = false;
  for (const n of PEER_SIZES) {
    const best = { gemmSeconds: Infinity, gemmRate: 0, eighSeconds: Infinity, eigvalshSeconds: Infinity };
    let runs = 0;
    for (let rep = 0; rep < ctx.reps; rep++) {
      const r = ctx.peer('linalg_numpy.py', [String(n)], { modules: ['numpy'] });
      if (!r.ok) {
        ctx.log(`peer skipped: ${r.command}: ${r.reason}`);
        return false;
      }
      const p = parseNumpy(r.stdout);
      if (
        p.gemmSeconds === null ||
        p.gemmRate === null ||
        p.eighSeconds === null ||
        p.eigvalshSeconds === null
      ) {
        throw new Error(`could not parse the output of ${r.command}:\n${r.stdout}`);
      }
      best.gemmSeconds = Math.min(best.gemmSeconds, p.gemmSeconds);
      best.gemmRate = Math.max(best.gemmRate, p.gemmRate);
      best.eighSeconds = Math.min(best.eighSeconds, p.eighSeconds);
      best.eigvalshSeconds = Math.min(best.eigvalshSeconds, p.eigvalshSeconds);
      runs++;
    }
    const note = runs === 1 ? 'one run' : `best of ${runs} script runs`;
    const size = `n=${n}`;
    ctx.record({
      task: 'gemm',
      size,
      impl: 'numpy',
      seconds: best.gemmSeconds,
      rate: { value: best.gemmRate, unit: 'GFLOP/s' },
      note,
    });
    ctx.record({ task: 'eigh values', size, impl: 'numpy', seconds: best.eigvalshSeconds, note });
    ctx.record({ task: 'eigh values+vectors', size, impl: 'numpy', seconds: best.eighSeconds, note });
    ran = true;
  }
  return ran;
}

async function run(ctx: BenchContext): Promise<void> {
  const list = backends(ctx);
  const gemm = ctx.wants('gemm');
  const eigh = ctx.wants('eigh');
  if (gemm) benchGemm(ctx, list);
  if (eigh) benchEigh(ctx, list);
  if (ctx.wants('lanczos')) benchLanczos(ctx, list);
  // The NumPy peer times GEMM and eigh together; it runs with either part.
  const peer = (gemm || eigh) && benchNumpy(ctx);

  const ts = (task: string, n: number) => ctx.row(task, `n=${n}`, 'ts');
  if (gemm) {
    if (peer) for (const { name } of list) ctx.compare('gemm', 'n=2000', name, 'numpy', 'rate');
    if (peer)
      ctx.accept(
        'blas gemm n=2000 GFLOP/s ÷ numpy',
        ctx.compare('gemm', 'n=2000', 'blas', 'numpy', 'rate').value,
        { min: 0.8 },
      );
    ctx.accept('ts gemm n=1000 GFLOP/s (one thread)', ts('gemm', 1000)?.rate?.value ?? null, { min: 4 });
    const wasmRate = ctx.row('gemm', 'n=1000', 'wasm')?.rate?.value ?? null;
    ctx.accept('wasm gemm n=1000 GFLOP/s (one thread)', wasmRate, { min: 15 });
    ctx.accept('wasm gemm n=1000 GFLOP/s ÷ ts', ctx.compare('gemm', 'n=1000', 'wasm', 'ts', 'rate').value, {
      min: 3,
    });
    ctx.accept(
      'wasm gemm n=1000 two threads ÷ one',
      ctx.compare('gemm', 'n=1000', 'wasm×2', 'wasm', 'rate').value,
      { min: 1.8 },
    );
  }
  if (eigh) {
    for (const { name } of peer ? list.filter((x) => x.name !== 'wasm×2') : []) {
      for (const n of PEER_SIZES) {
        ctx.compare('eigh values', `n=${n}`, name, 'numpy', 'seconds');
        ctx.compare('eigh values+vectors', `n=${n}`, name, 'numpy', 'seconds');
      }
    }
    if (peer) {
      const q = ctx.compare('eigh values+vectors', 'n=4000', 'blas', 'numpy', 'seconds');
      ctx.accept('blas eigh values+vectors n=4000 time ÷ numpy', q.value, { max: 1.2 });
    }
    ctx.accept('ts eigh values n=1000 seconds', ts('eigh values', 1000)?.seconds ?? null, { max: 0.6 });
    ctx.accept(
      'wasm eigh values+vectors n=2000 time ÷ ts',
      ctx.compare('eigh values+vectors', 'n=2000', 'wasm', 'ts', 'seconds').value,
      { max: 0.4 },
    );
    ctx.accept('ts eigh values+vectors n=1000 seconds', ts('eigh values+vectors', 1000)?.seconds ?? null, {
      max: 3,
    });
  }
  if (ctx.wants('lanczos')) {
    const row = ctx.row(`lanczos top-${LANCZOS_K}`, `n=${LANCZOS_N}`, 'blas');
    ctx.accept(`blas lanczos top-${LANCZOS_K} n=${LANCZOS_N} seconds`, row?.seconds ?? null, { max: 10 });
  }
}

export const benchCase: BenchCase = {
  name: 'linalg',
  description:
    'GEMM GFLOP/s, eigh (values; values+vectors) and Lanczos top-50 per backend, vs NumPy (linalg_numpy.py)',
  run,
};
