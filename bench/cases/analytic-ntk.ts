/**
 * Benchmark: the infinite-width NTK + NNGP of a Dense/ReLU stack (depth 5: 5 × (Dense(W_std 1.4,
 * b_std 0.1) → Relu) → Dense, neural-tangents conventions) on N = 4000 inputs of d = 10, by kernelFn
 * (fused tiles, all cores) against the vectorized NumPy peer bench/peers/analytic_ntk.py in the same run;
 * target ≥ 5× faster. Our result is checked against an independent scalar evaluation on sampled entries.
 */
import type { BenchCase } from '../harness.js';
import { Matrix } from '../../src/linalg/matrix.js';
import { Dense } from '../../src/nn/dense.js';
import { Relu } from '../../src/nn/activations/abRelu.js';
import { serial } from '../../src/nn/combinators/serial.js';
import type { Layer } from '../../src/nn/types.js';
import { kernelFn } from '../../src/kernels/kernelFn.js';
import { PRNGKey, normal } from '../../src/random/index.js';

const N = 4000;
const DEPTH = 5;
const D_IN = 10;

function net(): Layer {
  const layers: Layer[] = [];
  for (let i = 0; i < DEPTH; i++) layers.push(Dense({ width: 1, W_std: 1.4, b_std: 0.1 }), Relu());
  layers.push(Dense({ width: 1, W_std: 1.4, b_std: 0.1 }));
  return serial(...layers);
}

/** The peer's recursion for one pair (x, y), written out scalar by scalar (ntk_numpy.py). */
function reference(x: Float64Array, y: Float64Array): [number, number] {
  let s = 0;
  let q1 = 0;
  let q2 = 0;
  for (let k = 0; k < D_IN; k++) {
    s += x[k] * y[k];
    q1 += x[k] * x[k];
    q2 += y[k] * y[k];
  }
  [s, q1, q2] = [s / D_IN, q1 / D_IN, q2 / D_IN];
  let t = 0;
  const dense = (): void => {
    s = 1.96 * s + 0.01;
    q1 = 1.96 * q1 + 0.01;
    q2 = 1.96 * q2 + 0.01;
    t = s + 1.96 * t;
  };
  for (let l = 0; l < DEPTH; l++) {
    dense();
    const n = Math.sqrt(q1 * q2);
    const th = Math.acos(Math.min(1, Math.max(-1, s / n)));
    t *= (Math.PI - th) / (2 * Math.PI);
    s = (n * (Math.sin(th) + (Math.PI - th) * Math.cos(th))) / (2 * Math.PI);
    q1 /= 2;
    q2 /= 2;
  }
  dense();
  return [s, t];
}

export const benchCase: BenchCase = {
  name: 'analytic-ntk',
  description:
    'infinite-width NTK+NNGP, Dense/ReLU depth 5, N=4000, d=10: kernelFn vs NumPy (analytic_ntk.py)',
  async run(ctx) {
    const size = `N=${N} depth=${DEPTH} d=${D_IN}`;
    const x = new Matrix(N, D_IN, normal(PRNGKey(0), N * D_IN));
    const f = net();
    let result = kernelFn(f, x);
    const t = ctx.measure(() => {
      result = kernelFn(f, x);
    });
    let worst = 0;
    for (let k = 0; k < 200; k++) {
      const i = (k * 7919) % N;
      const j = (k * 104729 + 13) % N;
      const [s, th] = reference(x.row(i), x.row(j));
      worst = Math.max(
        worst,
        Math.abs(result.nngp!.get(i, j) - s) / Math.abs(s),
        Math.abs(result.ntk!.get(i, j) - th) / Math.abs(th),
      );
    }
    ctx.record({
      task: 'analytic ntk+nngp',
      size,
      impl: 'ntk-lab',
      seconds: t.best,
      rate: { value: (N * N) / t.best / 1e6, unit: 'M entries/s' },
      note: `${t.note}; max rel. error vs scalar recursion on 200 entries ${worst.toExponential(1)}`,
    });
    const p = ctx.peer('analytic_ntk.py', [String(N), String(DEPTH), String(D_IN)], { modules: ['numpy'] });
    if (p.ok) {
      const m = /:\s*([0-9.]+)s/.exec(p.stdout);
      ctx.record({
        task: 'analytic ntk+nngp',
        size,
        impl: 'numpy',
        seconds: m ? Number(m[1]) : null,
        note: p.stdout.trim(),
      });
    } else {
      ctx.record({ task: 'analytic ntk+nngp', size, impl: 'numpy', seconds: null, note: p.reason });
    }
    const q = ctx.compare('analytic ntk+nngp', size, 'ntk-lab', 'numpy', 'seconds');
    ctx.accept('analytic NTK: ntk-lab ÷ numpy time (≥ 5× faster)', q.value, { max: 0.2 });
    ctx.accept('analytic NTK: max rel. error vs scalar recursion', worst, { max: 1e-12 });
  },
};
