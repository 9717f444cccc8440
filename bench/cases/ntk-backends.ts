/**
 * The NTK workloads on each linear algebra backend: the infinite-width NTK + NNGP of a Dense/ReLU stack
 * (depth 5, N = 4000, d = 10, kernelFn) and the empirical NTK of a ReLU MLP (N = 1000, width 256,
 * depth 4, empiricalNtk), each in a child process with NTK_BACKEND = ts, wasm and blas; the ratios
 * wasm ÷ ts and wasm ÷ blas of the times. Parts: 'analytic', 'empirical'.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchCase, BenchContext } from '../harness.js';
import { Matrix } from '../../src/linalg/matrix.js';
import { getBackend } from '../../src/linalg/select.js';
import { Dense } from '../../src/nn/dense.js';
import { Relu } from '../../src/nn/activations/abRelu.js';
import { serial } from '../../src/nn/combinators/serial.js';
import type { Layer } from '../../src/nn/types.js';
import { kernelFn } from '../../src/kernels/kernelFn.js';
import { empiricalNtk } from '../../src/empirical/empiricalNtk.js';
import { PRNGKey, normal } from '../../src/random/index.js';

const D_IN = 10;
const BACKENDS = ['ts', 'wasm', 'blas'] as const;
const TASKS = {
  analytic: { task: 'analytic ntk+nngp', size: 'N=4000 depth=5 d=10' },
  empirical: { task: 'empirical NTK', size: 'N=1000 width=256 depth=4 d=10' },
};

function mlp(width: number, depth: number, W_std: number, lastW: number): Layer {
  const layers: Layer[] = [];
  for (let i = 0; i < depth; i++) layers.push(Dense({ width, W_std, b_std: 0.1 }), Relu());
  layers.push(Dense({ width: 1, W_std: lastW, b_std: 0.1 }));
  return serial(...layers);
}

function best(f: () => void): number {
  f(); // warm-up
  const times = [0, 1].map(() => {
    const t0 = process.hrtime.bigint();
    f();
    return Number(process.hrtime.bigint() - t0) / 1e9;
  });
  return Math.min(...times);
}

/** One task on the backend of this process (NTK_BACKEND); prints {seconds, backend, k00}. */
function child(task: keyof typeof TASKS): { seconds: number; backend: string; k00: number } {
  let k00 = 0;
  if (task === 'analytic') {
    const N = 4000;
    const x = new Matrix(N, D_IN, normal(PRNGKey(0), N * D_IN));
    const f = mlp(1, 5, 1.4, 1.4);
    const seconds = best(() => {
      k00 = kernelFn(f, x).ntk!.get(0, 0);
    });
    return { seconds, backend: getBackend().name, k00 };
  }
  const N = 1000;
  const net = mlp(256, 4, Math.SQRT2, 1);
  const params = net.init(PRNGKey(0), [D_IN]);
  const x = new Matrix(N, D_IN, normal(PRNGKey(1), N * D_IN));
  const seconds = best(() => {
    k00 = empiricalNtk(net, params, x).get(0, 0);
  });
  return { seconds, backend: getBackend().name, k00 };
}

function runChild(ctx: BenchContext, task: string, backend: string): { seconds: number; k00: number } | null {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', task], {
    encoding: 'utf8',
    env: { ...process.env, NTK_QUIET: '1', NTK_BACKEND: backend },
  });
  if (r.status !== 0) {
    ctx.log(`${task} on ${backend} failed: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return null;
  }
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    seconds: number;
    backend: string;
    k00: number;
  };
  if (out.backend !== backend) throw new Error(`${task}: asked for ${backend}, ran on ${out.backend}`);
  return out;
}

async function run(ctx: BenchContext): Promise<void> {
  for (const key of Object.keys(TASKS) as Array<keyof typeof TASKS>) {
    if (!ctx.wants(key)) continue;
    const { task, size } = TASKS[key];
    const k00: number[] = [];
    for (const backend of BACKENDS) {
      const r = runChild(ctx, key, backend);
      if (r) k00.push(r.k00);
      ctx.record({
        task,
        size,
        impl: backend,
        seconds: r?.seconds ?? null,
        note: 'best of 2 after a warm-up',
      });
    }
    const spread = Math.max(...k00) - Math.min(...k00);
    if (k00.length > 1 && !(spread <= 1e-10 * Math.abs(k00[0]))) {
      throw new Error(`${task}: Θ(x₀, x₀) differs between backends: ${k00.join(', ')}`);
    }
    ctx.compare(task, size, 'wasm', 'ts', 'seconds');
    ctx.compare(task, size, 'wasm', 'blas', 'seconds');
  }
}

export const benchCase: BenchCase = {
  name: 'ntk-backends',
  description:
    'analytic NTK (N=4000, depth 5) and empirical NTK (N=1000, width 256, depth 4) on ts, wasm, blas',
  run,
};

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--child') {
  console.log(JSON.stringify(child(process.argv[3] as keyof typeof TASKS)));
}
