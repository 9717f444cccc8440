/**
 * Micro-benchmarks of the wasm backend against the ts backend, interleaved in one process (round by
 * round, so that a loaded machine slows both alike) and reported as ratios:
 *  - 'gemm': GEMM n = 1000 — ts, wasm on one thread, wasm on two threads;
 *  - 'eigh-1000', 'eigh-2000': eigh (values + vectors) at that n — ts, wasm;
 *  - 'duals': the fused NTK tile interpreter's inner loop (Dense → ReLU dual, depth 5; see
 *    bench/assembly/reluDual.ts) over 10⁶ entries in TypeScript and in wasm (scalar; f64x2 with scalar
 *    acos), compiled here from AssemblyScript — the measurement behind keeping those loops in TS.
 */
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';
import type { BenchCase, BenchContext } from '../harness.js';
import type { LinalgBackend } from '../../src/linalg/backend.js';
import { Matrix } from '../../src/linalg/matrix.js';
import { tsBackend } from '../../src/linalg/ts/index.js';
import { createWasmBackend } from '../../src/linalg/wasm/index.js';
import { webAssembly } from '../../src/linalg/wasm/webAssembly.js';
import { normal, PRNGKey } from '../../src/random/index.js';

const ROUNDS = 3;

function interleaved(
  ctx: BenchContext,
  task: string,
  size: string,
  runs: Record<string, () => void>,
  rounds: number,
  flops?: number,
): void {
  const best: Record<string, number> = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, f] of Object.entries(runs)) {
      const t0 = performance.now();
      f();
      const s = (performance.now() - t0) / 1000;
      best[name] = Math.min(best[name] ?? Infinity, s);
    }
  }
  for (const [name, s] of Object.entries(best)) {
    ctx.record({
      task,
      size,
      impl: name,
      seconds: s,
      rate: flops ? { value: flops / s / 1e9, unit: 'GFLOP/s' } : undefined,
      note: `best of ${rounds} interleaved rounds`,
    });
  }
}

function gemm(ctx: BenchContext, one: LinalgBackend, two: LinalgBackend): void {
  const n = 1000;
  const A = new Matrix(n, n, normal(PRNGKey(1), n * n));
  const B = new Matrix(n, n, normal(PRNGKey(2), n * n));
  const C = new Matrix(n, n);
  const runs = {
    ts: () => tsBackend.gemm(false, false, 1, A, B, 0, C),
    wasm: () => one.gemm(false, false, 1, A, B, 0, C),
    'wasm×2': () => two.gemm(false, false, 1, A, B, 0, C),
  };
  runs.wasm(); // warm-up (compilation, first growth of the memory, worker start)
  runs['wasm×2']();
  interleaved(ctx, 'gemm', `n=${n}`, runs, ROUNDS, 2 * n ** 3);
  ctx.compare('gemm', `n=${n}`, 'wasm', 'ts', 'rate');
  ctx.compare('gemm', `n=${n}`, 'wasm×2', 'wasm', 'rate');
}

function eigh(ctx: BenchContext, one: LinalgBackend, n: number): void {
  const G = new Matrix(n, n, normal(PRNGKey(3), n * n));
  const S = new Matrix(n, n);
  one.gemm(false, true, 1, G, G, 0, S);
  const runs = { ts: () => tsBackend.syev(S, true), wasm: () => one.syev(S, true) };
  interleaved(ctx, 'eigh values+vectors', `n=${n}`, runs, 2);
  ctx.compare('eigh values+vectors', `n=${n}`, 'wasm', 'ts', 'seconds');
}

const INV_2PI = 1 / (2 * Math.PI);

/** The TypeScript form of the loop (as in src/kernels/fused.ts, one entry at a time). */
function reluDualTs(
  n: number,
  L: number,
  w: number,
  b: number,
  qq: Float64Array,
  s: Float64Array,
  t: Float64Array,
): void {
  for (let j = 0; j < n; j++) {
    let sj = s[j];
    let tj = 0;
    for (let l = 0; l < L; l++) {
      sj = w * sj + b;
      tj = sj + w * tj;
      const nrm = Math.sqrt(qq[l * n + j]);
      const c = nrm === 0 ? 0 : sj / nrm;
      const r = c > 1 ? 1 : c < -1 ? -1 : c;
      const p = Math.PI - Math.acos(r);
      sj = nrm * (Math.sqrt(1 - r * r) + p * r) * INV_2PI;
      tj *= p * INV_2PI;
    }
    s[j] = sj;
    t[j] = tj;
  }
}

async function duals(ctx: BenchContext): Promise<void> {
  const src = fileURLToPath(new URL('../../../bench/assembly/reluDual.ts', import.meta.url));
  let binary: Uint8Array | null = null;
  const { error } = await asc.main(
    [
      src,
      '-O3',
      '--runtime',
      'stub',
      '--importMemory',
      '--noAssert',
      '--enable',
      'simd',
      '--outFile',
      'r.wasm',
    ],
    {
      writeFile(name: string, contents: Uint8Array | string) {
        if (name.endsWith('.wasm')) binary = contents as Uint8Array;
      },
    },
  );
  if (error || binary === null)
    throw new Error(`duals: AssemblyScript failed: ${error?.message ?? 'no output'}`);
  const n = 1 << 20;
  const L = 5;
  const api = webAssembly()!;
  const pages = Math.ceil(((L + 2) * n * 8) / 65536) + 1;
  const memory = new api.Memory({ initial: pages, maximum: pages, shared: false });
  const wasm = new api.Instance(new api.Module(binary), { env: { memory } }).exports as unknown as Record<
    'scalar' | 'simd',
    (n: number, L: number, w: number, b: number, qq: number, s: number, t: number) => void
  >;
  const heap = new Float64Array(memory.buffer);
  const qq = heap.subarray(0, L * n);
  const s = heap.subarray(L * n, (L + 1) * n);
  const t = heap.subarray((L + 1) * n, (L + 2) * n);
  const u = normal(PRNGKey(4), 2 * n);
  const s0 = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    for (let l = 0; l < L; l++) qq[l * n + j] = (1 + u[j] ** 2) * (1 + u[n + j] ** 2) * 4 ** l;
    s0[j] = u[j] * u[n + j];
  }
  const sTs = new Float64Array(n);
  const tTs = new Float64Array(n);
  const qqTs = qq.slice();
  const results: Record<string, Float64Array> = {};
  const runs: Record<string, () => void> = {
    ts: () => {
      sTs.set(s0);
      reluDualTs(n, L, 1.4, 0.1, qqTs, sTs, tTs);
      results.ts = tTs;
    },
    'wasm scalar': () => {
      s.set(s0);
      wasm.scalar(n, L, 1.4, 0.1, 0, L * n * 8, (L + 1) * n * 8);
      results['wasm scalar'] = t.slice();
    },
    'wasm f64x2': () => {
      s.set(s0);
      wasm.simd(n, L, 1.4, 0.1, 0, L * n * 8, (L + 1) * n * 8);
      results['wasm f64x2'] = t.slice();
    },
  };
  interleaved(ctx, 'relu dual chain', `${n} entries, depth ${L}`, runs, ROUNDS);
  for (const name of ['wasm scalar', 'wasm f64x2']) {
    let d = 0;
    for (let j = 0; j < n; j++)
      d = Math.max(d, Math.abs(results[name][j] - results.ts[j]) / Math.abs(results.ts[j]));
    if (!(d <= 1e-12)) throw new Error(`duals: ${name} differs from ts by ${d} (relative)`);
    ctx.compare('relu dual chain', `${n} entries, depth ${L}`, name, 'ts', 'seconds');
  }
}

async function run(ctx: BenchContext): Promise<void> {
  const one = createWasmBackend({ threads: 1 });
  const two = createWasmBackend({ threads: 2 });
  ctx.info('wasm SIMD', one.info.simd === 'relaxed' ? 'relaxed SIMD (FMA)' : 'plain SIMD (no FMA)');
  if (ctx.wants('gemm')) gemm(ctx, one, two);
  for (const n of [1000, 2000]) if (ctx.wants(`eigh-${n}`)) eigh(ctx, one, n);
  if (ctx.wants('duals')) await duals(ctx);
}

export const benchCase: BenchCase = {
  name: 'wasm-kernels',
  description:
    'wasm vs ts interleaved: GEMM n=1000 (1 and 2 threads), eigh n=1000 and 2000, the fused ReLU-dual loop',
  run,
};
