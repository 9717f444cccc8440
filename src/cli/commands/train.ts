import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { NtkInputError } from '../../errors.js';
import { readMatrix } from '../../io/npyFile.js';
import { checkOutputs, type NamedPath, type PlannedOutput } from '../../io/outputPlan.js';
import { readParamsDir, writeParamsDir } from '../../io/paramsDir.js';
import { assertSidecarsAreNotInputs, writeResultSet, type Sidecar } from '../../io/resultSet.js';
import { getBackend } from '../../linalg/index.js';
import type { Matrix } from '../../linalg/matrix.js';
import { loadModel } from '../../nn/model.js';
import { unflattenParams } from '../../nn/params.js';
import type { Tensor } from '../../nn/types.js';
import { PRNGKey, split } from '../../random/index.js';
import {
  alphaScaledModel,
  linearizedModel,
  networkModel,
  trainAsync,
  type TrainModel,
  type TrainResult,
} from '../../train/index.js';
import type { OptimizerSpec } from '../../train/optimizers.js';
import type { ScheduleSpec } from '../../train/schedule.js';
import { parseNumber } from '../args.js';
import { finiteOrNull, resultJson } from '../jsonResult.js';
import { deferSignals, onStopSignal } from '../signals.js';

interface TrainCliOptions {
  model: string;
  params?: string;
  seed?: string;
  x: string;
  y: string;
  xTest?: string;
  yTest?: string;
  optimizer: string;
  momentum?: string;
  lr: string;
  schedule: string;
  steps: string;
  batch?: string;
  loss: string;
  recordEvery?: string;
  ntkEvery?: string;
  ntkTopK?: string;
  ntkImplicit?: boolean;
  linearized?: boolean;
  alpha?: string;
  divergenceBound?: string;
  outputs: boolean;
  out: string;
  saveParams?: string;
  force?: boolean;
}

function parseSchedule(spec: string, lr: number, steps: number): ScheduleSpec {
  const [kind, ...rest] = spec.split(':');
  if (kind === 'constant' && rest.length === 0) return { kind: 'constant', lr };
  if (kind === 'step' && rest.length === 2) {
    return {
      kind: 'step',
      lr,
      every: parseNumber('--schedule step:EVERY', rest[0], { integer: true, min: 1 }),
      factor: parseNumber('--schedule step:…:FACTOR', rest[1], { minExclusive: 0 }),
    };
  }
  if (kind === 'cosine' && rest.length <= 1) {
    return {
      kind: 'cosine',
      lr,
      total: Math.max(1, steps),
      final: rest.length ? parseNumber('--schedule cosine:FINAL', rest[0], { min: 0 }) : 0,
    };
  }
  throw new NtkInputError(
    `--schedule must be 'constant', 'step:EVERY:FACTOR' or 'cosine[:FINAL]', got '${spec}'`,
  );
}

function readData(flag: string, path: string): Matrix {
  const M = readMatrix(path);
  for (let i = 0; i < M.data.length; i++) {
    if (!Number.isFinite(M.data[i])) {
      throw new NtkInputError(
        `${flag} '${path}' must be finite, got ${M.data[i]} at [${Math.floor(i / M.cols)}, ${i % M.cols}]`,
      );
    }
  }
  return M;
}

function asTensor(M: Matrix): Tensor {
  return { shape: [M.rows, M.cols], data: M.data };
}

/** Stack equal-shape matrices into one array of shape [R, rows, cols]. */
function stack(ms: Matrix[]): { data: Float64Array; shape: number[] } {
  const r = ms[0]?.rows ?? 0;
  const c = ms[0]?.cols ?? 0;
  const data = new Float64Array(ms.length * r * c);
  ms.forEach((m, i) => data.set(m.data, i * r * c));
  return { data, shape: [ms.length, r, c] };
}

/**
 * run.json and the .npy arrays beside it, written as one set (src/io/resultSet.ts): arrays first, the
 * manifest last with the run id and each array's SHA-256. Losses that are not finite (a diverged run) are
 * written as null; `diverged` says at which step.
 */
function writeRun(out: string, res: TrainResult, meta: Record<string, unknown>, inputs: string[]): string[] {
  const sidecars: Sidecar[] = [];
  const add = (suffix: string, a: { data: Float64Array; shape: number[] }): string => {
    sidecars.push({ suffix, data: a.data, shape: a.shape });
    return suffix;
  };
  const arrays: Record<string, unknown> = {};
  if (res.fTrain && res.fTrain.length) {
    const a = stack(res.fTrain);
    arrays.fTrain = { suffix: add('fTrain', a), shape: a.shape, axes: ['record', 'example', 'output'] };
  }
  if (res.fTest && res.fTest.length) {
    const a = stack(res.fTest);
    arrays.fTest = { suffix: add('fTest', a), shape: a.shape, axes: ['record', 'example', 'output'] };
  }
  const snapshots = res.ntk.map((s) => ({
    step: s.step,
    kernel: s.kernel
      ? add(`ntk.step${s.step}`, { data: s.kernel.data, shape: [s.kernel.rows, s.kernel.cols] })
      : null,
    eigenvalues: Array.from(s.eigenvalues),
    eigenvectors: s.eigenvectors
      ? add(`ntk.step${s.step}.eigenvectors`, {
          data: s.eigenvectors.data,
          shape: [s.eigenvectors.rows, s.eigenvectors.cols],
        })
      : null,
  }));
  return writeResultSet(
    out,
    sidecars,
    (runId, records) => {
      const file = (suffix: string | null): string | null =>
        suffix === null ? null : records.get(suffix)!.file;
      const sha = (suffix: string | null): string | null =>
        suffix === null ? null : records.get(suffix)!.sha256;
      const json: Record<string, unknown> = {
        ...meta,
        runId,
        steps: res.steps,
        loss: res.loss.map(finiteOrNull),
        testLoss: res.testLoss ? res.testLoss.map(finiteOrNull) : null,
        paramDistance: res.paramDistance.map(finiteOrNull),
        diverged: res.diverged ? { step: res.diverged.step, loss: finiteOrNull(res.diverged.loss) } : null,
        interrupted: res.interrupted,
        stepsDone: res.stepsDone,
        seconds: res.seconds,
      };
      for (const [k, v] of Object.entries(arrays)) {
        const { suffix, ...rest } = v as { suffix: string };
        json[k] = { file: file(suffix), sha256: sha(suffix), ...rest };
      }
      if (snapshots.length)
        json.ntk = snapshots.map((s) => ({
          step: s.step,
          kernel: file(s.kernel),
          kernelSha256: sha(s.kernel),
          eigenvalues: s.eigenvalues,
          eigenvectors: file(s.eigenvectors),
          eigenvectorsSha256: sha(s.eigenvectors),
        }));
      json.sidecars = [...records.values()].map((r) => r.file);
      return resultJson(json);
    },
    inputs,
  );
}

/** The files `ntk train` reads. */
function trainInputs(o: TrainCliOptions): NamedPath[] {
  const ins: NamedPath[] = [
    { flag: '--model', path: o.model },
    { flag: '--x', path: o.x },
    { flag: '--y', path: o.y },
  ];
  if (o.params !== undefined) ins.push({ flag: '--params', path: o.params });
  if (o.xTest !== undefined) ins.push({ flag: '--x-test', path: o.xTest });
  if (o.yTest !== undefined) ins.push({ flag: '--y-test', path: o.yTest });
  return ins;
}

async function runTrain(o: TrainCliOptions): Promise<void> {
  if (o.params === undefined && o.seed === undefined)
    throw new NtkInputError('give --params DIR (initial parameters) or --seed S (initialize from a seed)');
  const inputs = trainInputs(o);
  const outputs: PlannedOutput[] = [{ flag: '--out', path: o.out, kind: 'file' }];
  if (o.saveParams !== undefined) outputs.push({ flag: '--save-params', path: o.saveParams, kind: 'dir' });
  checkOutputs(outputs, inputs);
  assertSidecarsAreNotInputs('--out', o.out, inputs);
  const lr = parseNumber('--lr', o.lr, { minExclusive: 0 });
  const steps = parseNumber('--steps', o.steps, { integer: true, min: 0 });
  const model = loadModel(o.model);
  const X = readData('--x', o.x);
  const Y = readData('--y', o.y);
  if (X.rows !== Y.rows)
    throw new NtkInputError(
      `--x and --y must have the same number of examples N, got ${X.rows} ('${o.x}') and ${Y.rows} ('${o.y}')`,
    );
  if (model.inputShape && (model.inputShape.length !== 1 || model.inputShape[0] !== X.cols)) {
    throw new NtkInputError(
      `--x has ${X.cols} features but the model expects inputShape [${model.inputShape.join(', ')}]`,
    );
  }
  let Xt: Matrix | undefined;
  let Yt: Matrix | undefined;
  if ((o.xTest === undefined) !== (o.yTest === undefined))
    throw new NtkInputError('give both --x-test and --y-test, or neither');
  if (o.xTest && o.yTest) {
    Xt = readData('--x-test', o.xTest);
    Yt = readData('--y-test', o.yTest);
    if (Xt.rows !== Yt.rows)
      throw new NtkInputError(
        `--x-test and --y-test must have the same number of examples, got ${Xt.rows} and ${Yt.rows}`,
      );
    if (Xt.cols !== X.cols)
      throw new NtkInputError(`--x-test must have ${X.cols} features as --x, got ${Xt.cols}`);
  }
  const seed = o.seed === undefined ? 0 : parseNumber('--seed', o.seed, { integer: true });
  const [initKey, shuffleKey] = split(PRNGKey(seed), 2);
  const params =
    o.params !== undefined ? readParamsDir(o.params, model.net, [X.cols]) : model.net.init(initKey, [X.cols]);
  let tm: TrainModel = o.linearized ? linearizedModel(model.net, params) : networkModel(model.net, params);
  if (o.alpha !== undefined) tm = alphaScaledModel(tm, parseNumber('--alpha', o.alpha, { minExclusive: 0 }));
  const name = o.optimizer;
  if (!['gd', 'sgd', 'momentum', 'adam'].includes(name))
    throw new NtkInputError(`--optimizer must be gd, sgd, momentum or adam, got '${name}'`);
  const optimizer: OptimizerSpec = {
    name: name as OptimizerSpec['name'],
    ...(o.momentum !== undefined ? { momentum: parseNumber('--momentum', o.momentum, { min: 0 }) } : {}),
  };
  const batch =
    o.batch !== undefined ? parseNumber('--batch', o.batch, { integer: true, min: 1 }) : undefined;
  if (name === 'gd' && batch !== undefined && batch < X.rows)
    throw new NtkInputError(
      `--optimizer gd is full-batch; use --optimizer sgd for --batch ${batch} < N = ${X.rows}`,
    );
  if (o.loss !== 'mse' && o.loss !== 'cross-entropy')
    throw new NtkInputError(`--loss must be mse or cross-entropy, got '${o.loss}'`);

  const ac = new AbortController();
  const removeStop = onStopSignal((sig) => {
    process.stderr.write(
      `\nntk train: ${sig} — finishing the current step and writing what was recorded (a second signal aborts)\n`,
    );
    ac.abort();
  });
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar(
        {
          format: ' train {bar} {value}/{total} steps | loss {loss} | {eta_formatted} left',
          stream: process.stderr,
          hideCursor: true,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  if (bar) bar.start(steps, 0, { loss: '…' });
  else
    process.stderr.write(
      `ntk train: ${steps} steps of ${name} on N = ${X.rows}; Ctrl-C stops after the current step\n`,
    );
  let lastLine = Date.now();
  let res: TrainResult;
  try {
    res = await trainAsync({
      model: tm,
      xTrain: asTensor(X),
      yTrain: Y,
      ...(Xt && Yt ? { xTest: asTensor(Xt), yTest: Yt } : {}),
      optimizer,
      lr: parseSchedule(o.schedule, lr, steps),
      steps,
      batchSize: batch,
      key: shuffleKey,
      loss: o.loss,
      recordEvery:
        o.recordEvery !== undefined
          ? parseNumber('--record-every', o.recordEvery, { integer: true, min: 1 })
          : undefined,
      ntkEvery:
        o.ntkEvery !== undefined
          ? parseNumber('--ntk-every', o.ntkEvery, { integer: true, min: 0 })
          : undefined,
      ntkEigen:
        o.ntkTopK !== undefined ? parseNumber('--ntk-top-k', o.ntkTopK, { integer: true, min: 1 }) : 'full',
      ntkKernel: !o.ntkImplicit,
      divergenceBound:
        o.divergenceBound !== undefined
          ? parseNumber('--divergence-bound', o.divergenceBound, { minExclusive: 0 })
          : undefined,
      recordOutputs: o.outputs,
      signal: ac.signal,
      onStep: (s, loss) => {
        if (bar) bar.update(s, { loss: loss.toExponential(3) });
        else if (Date.now() - lastLine > 5000) {
          lastLine = Date.now();
          process.stderr.write(`ntk train: step ${s}/${steps}, loss ${loss.toExponential(4)}\n`);
        }
      },
    });
  } finally {
    bar?.stop();
    removeStop();
  }
  const meta = {
    command: 'ntk train',
    model: o.model,
    modelJson: model.json,
    params: o.params ?? null,
    seed,
    optimizer,
    lr,
    schedule: o.schedule,
    lossFunction: o.loss,
    batch: batch ?? X.rows,
    linearized: !!o.linearized,
    alpha: o.alpha !== undefined ? Number(o.alpha) : null,
    n: X.rows,
    outputs: Y.cols,
    backend: getBackend().name,
  };
  deferSignals();
  const written = writeRun(
    o.out,
    res,
    meta,
    inputs.map((i) => i.path),
  );
  if (o.saveParams) {
    writeParamsDir(o.saveParams, model.net, unflattenParams(params, res.theta), { force: o.force === true });
    written.push(o.saveParams);
  }
  const last = res.loss[res.loss.length - 1];
  const status = res.diverged
    ? `DIVERGED at step ${res.diverged.step} (loss ${res.diverged.loss})`
    : res.interrupted
      ? `interrupted after ${res.stepsDone} steps`
      : `${res.stepsDone} steps`;
  process.stdout.write(
    `ntk train: ${status}; loss ${res.loss[0].toExponential(4)} → ${last.toExponential(4)}; ${res.seconds.toFixed(2)} s; wrote ${written.join(', ')}\n`,
  );
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description(
      'train a finite network (GD, SGD, momentum, Adam; optionally linearized or α-scaled) and record loss, outputs and NTK snapshots',
    )
    .requiredOption('--model <file>', 'model JSON (layers, parameterization)')
    .option('--params <dir>', 'initial parameters (params directory layout)')
    .option(
      '--seed <s>',
      'seed for the initial parameters and the minibatch shuffles (with --params: the shuffles only; default 0)',
    )
    .requiredOption('--x <file>', 'training inputs, N×d .npy')
    .requiredOption('--y <file>', 'training targets, N×O (or N) .npy')
    .option('--x-test <file>', 'test inputs, M×d .npy')
    .option('--y-test <file>', 'test targets, M×O .npy')
    .option('--optimizer <name>', 'gd | sgd | momentum | adam', 'gd')
    .option('--momentum <mu>', 'momentum μ for --optimizer momentum (default 0.9)')
    .requiredOption('--lr <eta>', 'learning rate η > 0 (loss L = (1/2N)Σ‖f − y‖²)')
    .option('--schedule <spec>', 'constant | step:EVERY:FACTOR | cosine[:FINAL]', 'constant')
    .requiredOption('--steps <T>', 'number of updates')
    .option('--batch <B>', 'minibatch size (sgd, momentum, adam; default N)')
    .option('--loss <name>', 'mse | cross-entropy (softmax; --y one-hot or probabilities, N×O)', 'mse')
    .option(
      '--record-every <k>',
      'record loss/outputs every k steps (default T/100); step 0 and the last step always',
    )
    .option('--ntk-every <k>', 'empirical-NTK snapshot (and its eigendecomposition) every k steps; 0 = none')
    .option('--ntk-top-k <k>', 'keep only the top k eigenpairs of each snapshot')
    .option(
      '--ntk-implicit',
      'with --ntk-top-k: Lanczos on NTK-vector products, without forming the N×N kernel (large N)',
    )
    .option('--linearized', 'train the linearized model f(θ₀) + J₀(θ − θ₀)')
    .option('--alpha <a>', 'train the α-rescaled model α·(f(θ) − f(θ₀)) on (1/α²)·L (Chizat & Bach)')
    .option('--divergence-bound <L>', 'stop when the loss exceeds L (default 1e10 × the initial loss)')
    .option('--no-outputs', 'do not record the outputs f_t')
    .requiredOption('--out <file>', 'run JSON; arrays go beside it as <out>.*.npy')
    .option('--save-params <dir>', 'write the trained parameters (params directory layout)')
    .option('--force', 'with --save-params: replace parameter files of another model in DIR')
    .addHelpText(
      'after',
      `
Examples:
  ntk train --model mlp.json --seed 0 --x x.npy --y y.npy --lr 1 --steps 1000 --out run.json
  ntk train --model mlp.json --params init/ --x x.npy --y y.npy --optimizer sgd --batch 64 \\
            --lr 0.5 --steps 5000 --ntk-every 500 --ntk-top-k 10 --out runs/sgd.json --save-params trained/
  ntk train --model mlp.json --seed 1 --x x.npy --y y.npy --linearized --lr 2 --steps 200 --out lin.json
  ntk train --model mlp.json --seed 1 --x x.npy --y y.npy --alpha 100 --lr 1 --steps 200 --out lazy.json

run.json holds steps (step 0 = before any update), loss, testLoss, paramDistance (‖θ_t − θ₀‖/‖θ₀‖),
diverged ({step, loss} or null; non-finite losses are null), interrupted; outputs and NTK snapshots are
.npy files beside it, listed in "sidecars" with their SHA-256 and the run id (written first, run.json last).
Ctrl-C, SIGTERM or SIGHUP finish the current step and write what was recorded; a second signal aborts.`,
    )
    .action(async (opts: TrainCliOptions) => runTrain(opts));
}
