import type { Command } from 'commander';
import { NtkInputError, NtkNumericalError } from '../../errors.js';
import { readMatrix } from '../../io/npyFile.js';
import { checkOutputs, type NamedPath } from '../../io/outputPlan.js';
import { assertSidecarsAreNotInputs, writeResultSet, type Sidecar } from '../../io/resultSet.js';
import { getBackend } from '../../linalg/index.js';
import type { Matrix } from '../../linalg/matrix.js';
import { predictGradientDescent, predictGradientDescentMse, type Dynamics } from '../../predict/index.js';
import { assertFinite, assertSymmetricKernel } from '../../predict/validate.js';
import { lossByName, mse } from '../../train/loss.js';
import { choice, parseNumber } from '../args.js';
import { resultJson } from '../jsonResult.js';
import { deferSignals } from '../signals.js';
import { isTileRun, tiledPredict } from './predictTiles.js';

interface PredictCliOptions {
  kernelTrain: string;
  kernelTest?: string;
  y: string;
  yTest?: string;
  f0?: string;
  f0Test?: string;
  lr: string;
  times: string;
  dynamics: string;
  diagReg: string;
  diagRegAbsolute?: boolean;
  modes?: boolean;
  momentum?: string;
  loss: string;
  out: string;
}

/** "0,10,100,inf" and ranges "START:STOP:STEP" (STOP included), mixed; sorted and de-duplicated. */
export function parseTimes(s: string): number[] {
  const out: number[] = [];
  for (const part of s
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    if (/^(inf|infinity)$/i.test(part)) {
      out.push(Infinity);
      continue;
    }
    const r = part.split(':');
    if (r.length === 3) {
      const [a, b, c] = r.map((v) => parseNumber(`--times range '${part}'`, v, { min: 0 }));
      if (!(c > 0) || b < a)
        throw new NtkInputError(
          `--times range '${part}' must be START:STOP:STEP with STOP ≥ START and STEP > 0`,
        );
      const count = Math.floor((b - a) / c + 1e-9);
      if (count > 1e6)
        throw new NtkInputError(`--times range '${part}' has ${count + 1} values; at most 1e6`);
      for (let k = 0; k <= count; k++) out.push(a + k * c);
    } else if (r.length === 1) out.push(parseNumber('--times', part, { min: 0 }));
    else throw new NtkInputError(`--times entries must be numbers, 'inf' or START:STOP:STEP, got '${part}'`);
  }
  if (out.length === 0) throw new NtkInputError(`--times must list at least one time, got '${s}'`);
  return [...new Set(out)].sort((a, b) => a - b);
}

function read(flag: string, path: string): Matrix {
  const M = readMatrix(path);
  assertFinite('ntk predict', `${flag} '${path}'`, M);
  return M;
}

function stack(ms: Matrix[]): { data: Float64Array; shape: number[] } {
  const r = ms[0].rows;
  const c = ms[0].cols;
  const data = new Float64Array(ms.length * r * c);
  ms.forEach((m, i) => data.set(m.data, i * r * c));
  return { data, shape: [ms.length, r, c] };
}

/** The files `ntk predict` reads. */
function predictInputs(o: PredictCliOptions): NamedPath[] {
  const ins: NamedPath[] = [];
  const add = (flag: string, path: string | undefined): void => {
    if (path !== undefined) ins.push({ flag, path });
  };
  add('--kernel-train', o.kernelTrain);
  add('--kernel-test', o.kernelTest);
  add('--y', o.y);
  add('--y-test', o.yTest);
  add('--f0', o.f0);
  add('--f0-test', o.f0Test);
  return ins;
}

/** Refuse outputs that are not finite (a diverging GD overflowed): they never leave with exit code 0. */
function assertFiniteOutputs(name: string, ms: readonly Matrix[], times: readonly number[]): void {
  ms.forEach((m, t) => {
    const k = m.data.findIndex((v) => !Number.isFinite(v));
    if (k >= 0)
      throw new NtkNumericalError(
        `ntk predict: ${name} at step ${times[t]} is ${m.data[k]} (entry ${k}): the dynamics overflowed float64 ` +
          '(see the warning above); nothing was written',
      );
  });
}

async function runPredict(o: PredictCliOptions): Promise<void> {
  const inputs = predictInputs(o);
  checkOutputs([{ flag: '--out', path: o.out, kind: 'file' }], inputs);
  assertSidecarsAreNotInputs('--out', o.out, inputs);
  if (isTileRun(o.kernelTrain)) {
    if (o.momentum !== undefined || o.loss !== 'mse')
      throw new NtkInputError(
        '--momentum and --loss cross-entropy need a kernel .npy: a tile run folder gives t = inf for MSE only',
      );
    return tiledPredict(
      o,
      inputs.map((i) => i.path),
    ); // a tile run folder: conjugate gradients over the tiles
  }
  const lr = parseNumber('--lr', o.lr, { minExclusive: 0 });
  const dynamics: Dynamics = choice('--dynamics', o.dynamics, ['gd', 'flow'] as const);
  const times = parseTimes(o.times);
  if (dynamics === 'gd') {
    const bad = times.find((t) => t !== Infinity && !Number.isInteger(t));
    if (bad !== undefined)
      throw new NtkInputError(
        `--times must be whole steps for --dynamics gd, got ${bad} (use --dynamics flow for fractional times)`,
      );
  }
  const K = readMatrix(o.kernelTrain);
  assertSymmetricKernel('ntk predict', `--kernel-train '${o.kernelTrain}'`, K);
  const y = read('--y', o.y);
  if (y.rows !== K.rows)
    throw new NtkInputError(
      `--y must have N = ${K.rows} rows (the size of --kernel-train), got ${y.rows}×${y.cols}`,
    );
  const Kt = o.kernelTest ? read('--kernel-test', o.kernelTest) : undefined;
  if (Kt && Kt.cols !== K.rows)
    throw new NtkInputError(`--kernel-test must be M×${K.rows} (test × train), got ${Kt.rows}×${Kt.cols}`);
  const yTest = o.yTest ? read('--y-test', o.yTest) : undefined;
  if (yTest && !Kt) throw new NtkInputError('--y-test needs --kernel-test');
  if (yTest && Kt && (yTest.rows !== Kt.rows || yTest.cols !== y.cols)) {
    throw new NtkInputError(`--y-test must be ${Kt.rows}×${y.cols}, got ${yTest.rows}×${yTest.cols}`);
  }
  const f0 = o.f0 ? read('--f0', o.f0) : undefined;
  const f0t = o.f0Test ? read('--f0-test', o.f0Test) : undefined;
  if (f0 && (f0.rows !== y.rows || f0.cols !== y.cols))
    throw new NtkInputError(`--f0 must be ${y.rows}×${y.cols} as --y, got ${f0.rows}×${f0.cols}`);
  if (f0t && !Kt) throw new NtkInputError('--f0-test needs --kernel-test');
  if (f0t && Kt && (f0t.rows !== Kt.rows || f0t.cols !== y.cols)) {
    throw new NtkInputError(`--f0-test must be ${Kt.rows}×${y.cols}, got ${f0t.rows}×${f0t.cols}`);
  }
  const momentum = o.momentum === undefined ? undefined : parseMomentum(o.momentum);
  const loss = choice('--loss', o.loss, ['mse', 'cross-entropy'] as const);
  const common = { K, y, Kt, yTest, f0, f0t, lr, times, dynamics, momentum };
  if (loss === 'cross-entropy') return crossEntropyPredict(o, common, inputs);
  const warnings: string[] = [];
  const p = predictGradientDescentMse({
    kTrain: K,
    yTrain: y,
    lr,
    ...(Kt ? { kTestTrain: Kt } : {}),
    ...(f0 ? { fTrain0: f0 } : {}),
    ...(f0t ? { fTest0: f0t } : {}),
    diagReg: parseNumber('--diag-reg', o.diagReg, { min: 0 }),
    diagRegAbsolute: !!o.diagRegAbsolute,
    ...(momentum !== undefined ? { momentum } : {}),
    onWarning: (m) => {
      warnings.push(m);
      process.stderr.write(`ntk predict: warning: ${m}\n`);
    },
  });
  const res = p.predict(times, dynamics);
  assertFiniteOutputs('fTrain', res.fTrain, times);
  if (res.fTest) assertFiniteOutputs('fTest', res.fTest, times);
  const sidecars: Sidecar[] = [{ suffix: 'fTrain', ...stack(res.fTrain) }];
  if (res.fTest) sidecars.push({ suffix: 'fTest', ...stack(res.fTest) });
  const json: Record<string, unknown> = {
    command: 'ntk predict',
    kernelTrain: o.kernelTrain,
    kernelTest: o.kernelTest ?? null,
    dynamics,
    loss: 'mse',
    lr,
    momentum: momentum ?? null,
    normalization:
      momentum === undefined
        ? 'L = (1/2N)·Σ‖f − y‖²; GD: f ← f − (η/N)·K·(f − y); continuous time t = η·steps'
        : MOMENTUM_NORMALIZATION,
    diagReg: p.diagReg,
    maxLearningRate: p.maxLearningRate(),
    steps: times.map((t) => (t === Infinity ? 'inf' : t)),
    trainLoss: res.fTrain.map((f) => mse.evaluate(f.data, y.data, y.cols)),
    testLoss: yTest && res.fTest ? res.fTest.map((f) => mse.evaluate(f.data, yTest.data, y.cols)) : null,
    fTrain: { suffix: 'fTrain', shape: stack(res.fTrain).shape, axes: ['time', 'example', 'output'] },
    fTest: res.fTest
      ? { suffix: 'fTest', shape: stack(res.fTest).shape, axes: ['time', 'example', 'output'] }
      : null,
    warnings,
    backend: getBackend().name,
  };
  if (o.modes) {
    const finite = times.filter((t) => t !== Infinity || dynamics === 'flow');
    const m = p.residualModes(finite, dynamics);
    sidecars.push(
      {
        suffix: 'eigenvectors',
        data: m.eigenvectors.data,
        shape: [m.eigenvectors.rows, m.eigenvectors.cols],
      },
      { suffix: 'modes', ...stack(m.coefficients) },
    );
    json.modes = {
      steps: finite.map((t) => (t === Infinity ? 'inf' : t)),
      eigenvalues: Array.from(m.eigenvalues),
      eigenvectors: { suffix: 'eigenvectors' },
      coefficients: { suffix: 'modes' },
      note: 'residual m_t = Σ_i coefficients[t, i, :] ⊗ v_i, eigenvalues descending (Kopitkov & Indelman 2020)',
    };
  }
  const written = writeOutputs(o.out, sidecars, json, inputs);
  process.stdout.write(
    `ntk predict: ${times.length} times (${dynamics}); max learning rate ${momentum === undefined ? '2N/λ_max' : '2(1 + μ)N/λ_max'} = ${p.maxLearningRate().toPrecision(6)}; wrote ${written.join(', ')}\n`,
  );
}

const MOMENTUM_NORMALIZATION =
  'L = (1/2N)·Σ‖f − y‖²; heavy ball v ← μ·v + ∇θL, θ ← θ − η·v from v = 0 (gd, per step); ' +
  'flow: the continuous heavy ball in τ = √η·steps (neural-tangents gradient_descent with momentum)';

function parseMomentum(s: string): number {
  const mu = parseNumber('--momentum', s, { min: 0 });
  if (!(mu < 1))
    throw new NtkInputError(
      `--momentum must be a number in [0, 1) (heavy ball converges only for μ < 1), got '${s}'`,
    );
  return mu;
}

interface CommonInputs {
  K: Matrix;
  y: Matrix;
  Kt?: Matrix;
  yTest?: Matrix;
  f0?: Matrix;
  f0t?: Matrix;
  lr: number;
  times: number[];
  dynamics: Dynamics;
  momentum?: number;
}

/**
 * --loss cross-entropy: predictGradientDescent, the function-space gradient-flow ODE df/ds = −η·K·∂L/∂f solved
 * by Dormand–Prince (or its continuous heavy ball with --momentum), at finite steps only.
 */
function crossEntropyPredict(o: PredictCliOptions, c: CommonInputs, inputs: NamedPath[]): void {
  if (c.dynamics !== 'flow')
    throw new NtkInputError(
      '--loss cross-entropy needs --dynamics flow: its outputs come from the gradient-flow ODE (no closed form for discrete steps)',
    );
  if (c.times.includes(Infinity))
    throw new NtkInputError(
      "--loss cross-entropy: --times must be finite ('inf' has no limit: the logits grow without bound)",
    );
  if (o.modes)
    throw new NtkInputError('--modes is for --loss mse (the residual modes of the linear dynamics)');
  if (parseNumber('--diag-reg', o.diagReg, { min: 0 }) !== 0)
    throw new NtkInputError('--diag-reg is for --loss mse (the ODE uses the kernel as given)');
  if (c.y.cols < 2)
    throw new NtkInputError(
      `--loss cross-entropy needs targets with O ≥ 2 classes (N×O), got ${c.y.rows}×${c.y.cols}`,
    );
  const p = predictGradientDescent({
    loss: 'cross-entropy',
    kTrain: c.K,
    yTrain: c.y,
    lr: c.lr,
    ...(c.Kt ? { kTestTrain: c.Kt } : {}),
    ...(c.f0 ? { fTrain0: c.f0 } : {}),
    ...(c.f0t ? { fTest0: c.f0t } : {}),
    ...(c.momentum !== undefined ? { momentum: c.momentum } : {}),
  });
  const res = p.predict(c.times);
  assertFiniteOutputs('fTrain', res.fTrain, c.times);
  if (res.fTest) assertFiniteOutputs('fTest', res.fTest, c.times);
  const ce = lossByName('cross-entropy');
  const sidecars: Sidecar[] = [{ suffix: 'fTrain', ...stack(res.fTrain) }];
  if (res.fTest) sidecars.push({ suffix: 'fTest', ...stack(res.fTest) });
  const json: Record<string, unknown> = {
    command: 'ntk predict',
    kernelTrain: o.kernelTrain,
    kernelTest: o.kernelTest ?? null,
    dynamics: c.dynamics,
    loss: 'cross-entropy',
    lr: c.lr,
    momentum: c.momentum ?? null,
    normalization:
      c.momentum === undefined
        ? 'L = −(1/N)·Σ y·log softmax f; gradient flow df/ds = −η·K·∂L/∂f (Dormand–Prince, rtol 1e-9, atol 1e-12)'
        : 'L = −(1/N)·Σ y·log softmax f; ' + MOMENTUM_NORMALIZATION.split('; ').slice(1).join('; '),
    steps: c.times,
    trainLoss: res.fTrain.map((f) => ce.evaluate(f.data, c.y.data, c.y.cols)),
    testLoss:
      c.yTest && res.fTest ? res.fTest.map((f) => ce.evaluate(f.data, c.yTest!.data, c.y.cols)) : null,
    fTrain: { suffix: 'fTrain', shape: stack(res.fTrain).shape, axes: ['time', 'example', 'output'] },
    fTest: res.fTest
      ? { suffix: 'fTest', shape: stack(res.fTest).shape, axes: ['time', 'example', 'output'] }
      : null,
    solver: res.solver,
    backend: getBackend().name,
  };
  const written = writeOutputs(o.out, sidecars, json, inputs);
  process.stdout.write(
    `ntk predict: ${c.times.length} times (cross-entropy, gradient-flow ODE: ${res.solver.acceptedSteps} steps); wrote ${written.join(', ')}\n`,
  );
}

/** The JSON and its sidecars through the result set (sidecars first, manifest last), signals deferred. */
function writeOutputs(
  out: string,
  sidecars: Sidecar[],
  json: Record<string, unknown>,
  inputs: NamedPath[],
): string[] {
  deferSignals();
  return writeResultSet(
    out,
    sidecars,
    (runId, records) => {
      // each { suffix } placeholder becomes the file name beside the JSON (and its SHA-256)
      const place = (v: unknown): unknown => {
        if (v !== null && typeof v === 'object' && 'suffix' in v) {
          const { suffix, ...rest } = v as { suffix: string };
          const r = records.get(suffix)!;
          return Object.keys(rest).length === 0 ? r.file : { file: r.file, sha256: r.sha256, ...rest };
        }
        return v;
      };
      const out: Record<string, unknown> = { runId };
      for (const [k, v] of Object.entries(json)) out[k] = place(v);
      if (json.modes) {
        const modes = json.modes as Record<string, unknown>;
        out.modes = {
          ...modes,
          eigenvectors: place(modes.eigenvectors),
          coefficients: place(modes.coefficients),
        };
      }
      out.sidecars = [...records.values()].map((r) => r.file);
      return resultJson(out);
    },
    inputs.map((i) => i.path),
  );
}

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description(
      'training dynamics from a kernel: MSE in closed form (GD, heavy ball or gradient flow; t = ∞ kernel regression), cross-entropy by the gradient-flow ODE',
    )
    .requiredOption(
      '--kernel-train <file>',
      'train–train kernel K, N×N symmetric .npy, or a tile run folder (t = inf by conjugate gradients)',
    )
    .option('--kernel-test <file>', 'test–train kernel, M×N .npy')
    .requiredOption('--y <file>', 'training targets, N×O (or N) .npy')
    .option('--y-test <file>', 'test targets (for the test loss)')
    .option('--f0 <file>', 'train outputs at step 0 (default 0)')
    .option('--f0-test <file>', 'test outputs at step 0 (default 0)')
    .requiredOption('--lr <eta>', 'learning rate η > 0')
    .requiredOption(
      '--times <list>',
      "steps: '0,10,100,inf' or START:STOP:STEP ranges (continuous time t = η·steps)",
    )
    .option('--dynamics <kind>', 'gd (discrete, (I − ηK/N)^t) | flow (e^{−ηtK/N})', 'gd')
    .option('--diag-reg <eps>', 'diagonal regularization, relative to the mean diagonal', '0')
    .option('--diag-reg-absolute', 'take --diag-reg in absolute units')
    .option('--modes', 'also write the residual per eigendirection (Kopitkov & Indelman 2020)')
    .option(
      '--momentum <mu>',
      'heavy-ball momentum μ ∈ [0, 1): per step for gd, the continuous heavy ball (time √η·steps) for flow',
    )
    .option(
      '--loss <name>',
      'mse (closed form) | cross-entropy (targets N×O, the gradient-flow ODE; --dynamics flow, finite --times)',
      'mse',
    )
    .requiredOption('--out <file>', 'JSON; arrays go beside it as <out>.*.npy')
    .addHelpText(
      'after',
      `
Examples:
  ntk predict --kernel-train k.npy --y y.npy --lr 1 --times 0:1000:10 --out p.json
  ntk predict --kernel-train k.npy --kernel-test kt.npy --y y.npy --f0 f0.npy --f0-test ft0.npy \\
              --lr 0.5 --times 0,100,1000,inf --dynamics flow --diag-reg 1e-6 --modes --out p.json

  ntk predict --kernel-train k.npy --y y.npy --lr 1 --momentum 0.9 --times 0:200:10 --out p.json
  ntk predict --kernel-train k.npy --y onehot.npy --loss cross-entropy --dynamics flow --lr 1 --times 0,10,100 --out p.json

The MSE loss is L = (1/2N)·Σ‖f − y‖²; the largest stable learning rate is 2N/λ_max, 2(1 + μ)N/λ_max with
momentum μ (reported as maxLearningRate).
'inf' is the kernel-regression limit f_test = f_test,0 + K_*X·(K + εI)⁻¹·(y − f₀).`,
    )
    .action(async (opts: PredictCliOptions) => runPredict(opts));
}
