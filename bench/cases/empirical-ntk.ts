/**
 * Benchmark: the empirical NTK of a ReLU MLP (d = 10, scalar output, float64).
 *  1. Kernel on N inputs, ntk-lab ('auto' → structured per-layer Gram products) against functorch's
 *     vmap(jacrev) Jacobian contraction (bench/peers/empirical_ntk_functorch.py, 2 threads) in the
 *     same run, at (N, width, depth) = (256, 512, 3) and (1000, 256, 4); target ≥ 30× faster.
 *     Both sides time only the kernel computation (the peer prints its own timing).
 *  2. Top-20 eigenpairs of the empirical NTK (width 256, depth 3) on N = 20000 through the implicit
 *     operator (ntkOperator + lanczos): true residuals ‖Θv − λv‖ ≤ 1e-8·λ₁, target ≤ 60 s.
 *  3. The full N = 20000 kernel of a width-512 depth-3 MLP within 6 GiB (output alone 3.2 GB): time, peak RSS.
 * Each of ours runs in a child Node process so that its peak memory (maxRSS) is its own; when executed
 * directly with `--child <task> ...` this module runs one task and prints one JSON line.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchCase, BenchContext } from '../harness.js';
import { Matrix } from '../../src/linalg/matrix.js';
import { lanczos } from '../../src/linalg/lanczos.js';
import { getBackend } from '../../src/linalg/select.js';
import { Dense } from '../../src/nn/dense.js';
import { Relu } from '../../src/nn/activations/abRelu.js';
import { serial } from '../../src/nn/combinators/serial.js';
import type { Layer } from '../../src/nn/types.js';
import { PRNGKey, normal } from '../../src/random/index.js';
import { empiricalNtk } from '../../src/empirical/empiricalNtk.js';
import { ntkOperator } from '../../src/empirical/ntkOperator.js';

const D_IN = 10;

/** The peer's model: depth × (Dense(width) → ReLU) → Dense(1), with bias. */
function mlp(width: number, depth: number): Layer {
  const layers: Layer[] = [];
  for (let i = 0; i < depth; i++) layers.push(Dense({ width, W_std: Math.SQRT2, b_std: 0.1 }), Relu());
  layers.push(Dense({ width: 1, W_std: 1, b_std: 0.1 }));
  return serial(...layers);
}

interface ChildResult {
  seconds: number;
  maxRssMB: number;
  [k: string]: number | string | boolean;
}

function timeIt(f: () => void): number {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function child(task: string, args: number[]): ChildResult {
  const [N, width, depth] = args;
  const net = mlp(width, depth);
  const params = net.init(PRNGKey(0), [D_IN]);
  const x = new Matrix(N, D_IN, normal(PRNGKey(1), N * D_IN));
  if (task === 'kernel') {
    empiricalNtk(net, params, x); // warm-up
    const times = [0, 1, 2].map(() => timeIt(() => empiricalNtk(net, params, x)));
    return {
      seconds: Math.min(...times),
      maxRssMB: process.resourceUsage().maxRSS / 1024,
      backend: getBackend().name,
    };
  }
  if (task === 'big') {
    let k00 = 0;
    const seconds = timeIt(() => {
      const K = empiricalNtk(net, params, x, null, { memoryLimitBytes: 6 * 2 ** 30 });
      k00 = K.data[0];
    });
    return { seconds, maxRssMB: process.resourceUsage().maxRSS / 1024, k00, backend: getBackend().name };
  }
  if (task === 'eig') {
    const k = args[3];
    let result: ReturnType<typeof lanczos> | null = null;
    let op: ReturnType<typeof ntkOperator> | null = null;
    const seconds = timeIt(() => {
      op = ntkOperator(net, params, x);
      // Single-vector Lanczos: the structured operator is GEMM-bound even for one vector, and b = 1
      // needs far fewer products than blocks (59 vs 152 for b = 8 on a smaller case).
      result = lanczos(op, { k, tol: 1e-9, blockSize: 1, key: PRNGKey(2) });
    });
    const r = result as unknown as ReturnType<typeof lanczos>;
    // True residuals ‖Θv − λv‖ from one more application of the operator (not Lanczos' own estimate).
    const AV = new Matrix(N, k);
    (op as unknown as ReturnType<typeof ntkOperator>).apply(r.vectors, AV);
    let worst = 0;
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let i = 0; i < N; i++) s += (AV.data[i * k + j] - r.values[j] * r.vectors.data[i * k + j]) ** 2;
      worst = Math.max(worst, Math.sqrt(s));
    }
    const lambda1 = Math.max(...r.values);
    return {
      seconds,
      maxRssMB: process.resourceUsage().maxRSS / 1024,
      lambda1,
      lambda20: Math.min(...r.values),
      relResidual: worst / lambda1,
      matvecs: r.matvecs,
      converged: r.converged,
      backend: getBackend().name,
    };
  }
  throw new Error(`bench empirical-ntk: unknown child task '${task}'`);
}

function runChild(ctx: BenchContext, task: string, args: number[]): ChildResult | null {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(
    process.execPath,
    ['--max-old-space-size=8192', self, '--child', task, ...args.map(String)],
    {
      encoding: 'utf8',
      env: { ...process.env, NTK_QUIET: '1' },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  if (r.status !== 0) {
    ctx.log(`ntk-lab ${task} ${args.join(' ')} failed: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
}

async function run(ctx: BenchContext): Promise<void> {
  for (const [N, width, depth] of [
    [256, 512, 3],
    [1000, 256, 4],
  ]) {
    if (!ctx.wants('kernel')) break;
    const size = `N=${N} width=${width} depth=${depth}`;
    const ours = runChild(ctx, 'kernel', [N, width, depth]);
    ctx.record({
      task: 'empirical NTK',
      size,
      impl: 'ntk-lab',
      seconds: ours?.seconds ?? null,
      note: ours
        ? `structured, ${ours.backend}, best of 3; peak RSS ${ours.maxRssMB.toFixed(0)} MB`
        : 'failed',
    });
    const p = ctx.peer('empirical_ntk_functorch.py', [String(N), String(width), String(depth), '2'], {
      modules: ['torch', 'functorch'],
    });
    if (!p.ok) {
      ctx.log(`peer skipped: ${p.command}: ${p.reason}`);
      ctx.record({ task: 'empirical NTK', size, impl: 'functorch', seconds: null, note: p.reason });
      ctx.accept(`functorch ÷ ntk-lab time, ${size}`, null, { min: 30 });
      continue;
    }
    const m = /: ([\d.]+)s/.exec(p.stdout);
    const theirs = m ? Number(m[1]) : null;
    ctx.record({
      task: 'empirical NTK',
      size,
      impl: 'functorch',
      seconds: theirs,
      note: `vmap(jacrev), 2 threads; whole process ${p.seconds.toFixed(1)} s`,
    });
    const ratio = ctx.compare('empirical NTK', size, 'ntk-lab', 'functorch', 'seconds').value;
    ctx.accept(`functorch ÷ ntk-lab time, ${size}`, ratio === null ? null : 1 / ratio, { min: 30 });
  }

  if (ctx.wants('eig')) {
    const size = 'N=20000 width=256 depth=3 k=20';
    const e = runChild(ctx, 'eig', [20000, 256, 3, 20]);
    ctx.record({
      task: 'top-20 eigenpairs (ntkOperator + lanczos)',
      size,
      impl: 'ntk-lab',
      seconds: e?.seconds ?? null,
      note: e
        ? `${e.backend}; ${e.matvecs} matvecs; λ₁ = ${Number(e.lambda1).toPrecision(6)}; max ‖Θv−λv‖/λ₁ = ${Number(e.relResidual).toExponential(2)}; peak RSS ${e.maxRssMB.toFixed(0)} MB`
        : 'failed',
    });
    ctx.accept('top-20 eigenpairs N=20000: seconds', e?.seconds ?? null, { max: 60 });
    ctx.accept('top-20 eigenpairs N=20000: max residual / λ₁', e ? Number(e.relResidual) : null, {
      max: 1e-8,
    });
  }

  if (ctx.wants('big')) {
    const size = 'N=20000 width=512 depth=3';
    const b = runChild(ctx, 'big', [20000, 512, 3]);
    ctx.record({
      task: 'full empirical NTK (N×N, 3.2 GB)',
      size,
      impl: 'ntk-lab',
      seconds: b?.seconds ?? null,
      note: b ? `${b.backend}; peak RSS ${b.maxRssMB.toFixed(0)} MB` : 'failed',
    });
    ctx.accept('N=20000 kernel: peak RSS (GiB)', b ? b.maxRssMB / 1024 : null, { max: 6 });
  }
}

export const benchCase: BenchCase = {
  name: 'empirical-ntk',
  description:
    'empirical NTK of a ReLU MLP vs functorch vmap(jacrev); top-20 eigenpairs at N=20000; N=20000 kernel in ≤ 6 GiB',
  run,
};

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--child') {
  const task = process.argv[3];
  console.log(JSON.stringify(child(task, process.argv.slice(4).map(Number))));
}
