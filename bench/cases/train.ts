/**
 * Benchmark: full-batch gradient descent on a ReLU MLP with MSE (N = 2000, width 256,
 * depth 4, d = 10, float64), ntk-lab against PyTorch's train_mlp_torch.py (2 threads) in the same run.
 * Both sides are timed as whole processes (start-up, init, one warm-up step, 100 steps) and by their
 * own steps/s over the 100 timed steps. ntk-lab runs in a child Node process: this module, when
 * executed directly with `--child N WIDTH DEPTH STEPS`, trains and prints its steps/s.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchCase, BenchContext } from '../harness.js';
import { Matrix } from '../../src/linalg/matrix.js';
import { Dense } from '../../src/nn/dense.js';
import { Relu } from '../../src/nn/activations/abRelu.js';
import { serial } from '../../src/nn/combinators/serial.js';
import { initParams } from '../../src/nn/network.js';
import { unflattenParams } from '../../src/nn/params.js';
import type { Layer } from '../../src/nn/types.js';
import { PRNGKey, normal } from '../../src/random/index.js';
import { networkModel, train } from '../../src/train/index.js';

const N = 2000;
const WIDTH = 256;
const DEPTH = 4;
const STEPS = 100;
const D_IN = 10;

/** The peer's model: DEPTH × (Dense(WIDTH) → ReLU) → Dense(1), full-batch GD with lr 1e-3. */
function child(n: number, width: number, depth: number, steps: number): void {
  const layers: Layer[] = [];
  for (let i = 0; i < depth; i++) layers.push(Dense({ width, W_std: Math.SQRT2, b_std: 0.1 }), Relu());
  layers.push(Dense({ width: 1, b_std: 0.1 }));
  const net = serial(...layers);
  const params = initParams(net, PRNGKey(0), [D_IN]);
  const x = { shape: [n, D_IN], data: normal(PRNGKey(1), n * D_IN) };
  const y = new Matrix(n, 1, normal(PRNGKey(2), n));
  const model = networkModel(net, params);
  // One warm-up step, as the peer, then the timed steps.
  const warm = train({
    model,
    xTrain: x,
    yTrain: y,
    optimizer: 'gd',
    lr: 1e-3,
    steps: 1,
    recordOutputs: false,
  });
  const timed = train({
    model: networkModel(net, unflattenParams(params, warm.theta)),
    xTrain: x,
    yTrain: y,
    optimizer: 'gd',
    lr: 1e-3,
    steps,
    recordEvery: steps,
    recordOutputs: false,
  });
  if (timed.diverged || timed.loss.some((l) => !Number.isFinite(l)))
    throw new Error(`bench train: loss is not finite: ${timed.loss}`);
  console.log(
    `ntk-lab GD N=${n} width=${width} depth=${depth}: ${(steps / timed.seconds).toFixed(2)} steps/s`,
  );
}

function stepsPerSecond(stdout: string): number | null {
  const m = /([\d.]+) steps\/s/.exec(stdout);
  return m ? Number(m[1]) : null;
}

async function run(ctx: BenchContext): Promise<void> {
  const size = `N=${N} width=${WIDTH} depth=${DEPTH} steps=${STEPS}`;
  const args = [String(N), String(WIDTH), String(DEPTH), String(STEPS)];
  const self = fileURLToPath(import.meta.url);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [self, '--child', ...args], {
    encoding: 'utf8',
    env: { ...process.env, NTK_QUIET: '1' },
  });
  const whole = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`bench train child failed: ${r.stderr}`);
  const ours = stepsPerSecond(r.stdout);
  ctx.record({
    task: 'full-batch GD, whole process',
    size,
    impl: 'ntk-lab',
    seconds: whole,
    note: 'node child process',
  });
  ctx.record({
    task: 'full-batch GD steps/s',
    size,
    impl: 'ntk-lab',
    seconds: ours ? STEPS / ours : null,
    rate: ours ? { value: ours, unit: 'steps/s' } : undefined,
  });

  const p = ctx.peer('train_mlp_torch.py', [...args, '2'], { modules: ['torch'] });
  if (!p.ok) {
    ctx.log(`peer skipped: ${p.command}: ${p.reason}`);
    ctx.record({ task: 'full-batch GD, whole process', size, impl: 'torch', seconds: null, note: p.reason });
    ctx.accept('ntk-lab steps/s ÷ torch steps/s', null, { min: 1 });
    return;
  }
  const theirs = stepsPerSecond(p.stdout);
  ctx.record({
    task: 'full-batch GD, whole process',
    size,
    impl: 'torch',
    seconds: p.seconds,
    note: '2 threads',
  });
  ctx.record({
    task: 'full-batch GD steps/s',
    size,
    impl: 'torch',
    seconds: theirs ? STEPS / theirs : null,
    rate: theirs ? { value: theirs, unit: 'steps/s' } : undefined,
  });
  ctx.accept(
    'ntk-lab steps/s ÷ torch steps/s',
    ctx.compare('full-batch GD steps/s', size, 'ntk-lab', 'torch', 'rate').value,
    { min: 1 },
  );
  ctx.accept(
    'whole process: ntk-lab seconds ÷ torch seconds',
    ctx.compare('full-batch GD, whole process', size, 'ntk-lab', 'torch', 'seconds').value,
    { max: 1 },
  );
}

export const benchCase: BenchCase = {
  name: 'train',
  description: `full-batch GD on a ReLU MLP (N=${N}, width ${WIDTH}, depth ${DEPTH}), ntk-lab vs PyTorch, ${STEPS} steps`,
  run,
};

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--child') {
  const [n, w, d, s] = process.argv.slice(3).map(Number);
  child(n, w, d, s);
}
