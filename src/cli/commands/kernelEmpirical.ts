import { Option, type Command } from 'commander';
import { empiricalNtk, type EmpiricalImplementation } from '../../empirical/empiricalNtk.js';
import { asBatch, outputsOf, singleOutput } from '../../empirical/features.js';
import { parseBytes } from '../../empirical/memory.js';
import { readParamsDir } from '../../io/paramsDir.js';
import { monteCarloKernel } from '../../empirical/monteCarlo.js';
import { Matrix } from '../../linalg/matrix.js';
import { getBackend } from '../../linalg/select.js';
import { withHiddenWidth, type Model } from '../../nn/model.js';
import type { Params } from '../../nn/types.js';
import { PRNGKey } from '../../random/index.js';
import { parseSeed } from './params.js';

/**
 * The finite-width branches of `ntk kernel` (issue 4 item 6, issue 3 item 6): `--empirical` (the kernel of
 * one concrete network, parameters from `--params DIR` or `--seed s`) and `--mc-width W --mc-samples S`
 * (the Monte Carlo estimate of the infinite-width kernel). kernel.ts adds the options with
 * `addFiniteWidthOptions` and hands over to `finiteWidthKernel` when it returns a matrix.
 */
export interface FiniteWidthOptions {
  empirical?: boolean;
  params?: string;
  seed?: string;
  implementation?: string;
  memoryLimit?: string;
  mcWidth?: string;
  mcSamples?: string;
}

export function addFiniteWidthOptions(cmd: Command): Command {
  return cmd
    .option(
      '--empirical',
      'the empirical (finite-width) kernel of one network: parameters from --params DIR or --seed s',
    )
    .option(
      '--params <dir>',
      'with --empirical: parameter directory (dense{i}.W.npy, dense{i}.b.npy as written by `ntk params init`)',
    )
    .option(
      '--seed <s>',
      'with --empirical: initialize the parameters from this seed; with --mc-width: the Monte Carlo key',
    )
    .addOption(
      new Option(
        '--implementation <impl>',
        "with --empirical --get ntk: 'jacobian', 'ntvp' or 'structured' ('auto' picks the cheapest)",
      )
        .choices(['auto', 'jacobian', 'ntvp', 'structured'])
        .default('auto'),
    )
    .option(
      '--memory-limit <bytes>',
      'with --empirical: peak-memory limit, e.g. 6G (default NTK_MEMORY_LIMIT or 6G)',
    )
    .option(
      '--mc-width <W>',
      'Monte Carlo estimate with every hidden width set to W (needs --mc-samples and --seed)',
    )
    .option('--mc-samples <S>', 'Monte Carlo: number of independent initializations')
    .addHelpText(
      'after',
      [
        '',
        'Finite width:',
        '  ntk kernel --model mlp.json --empirical --seed 0 --x1 x.npy --get ntk --out K_emp.npy',
        '  ntk params init --model mlp.json --seed 0 --input-shape 10 --out params/ &&',
        '    ntk kernel --model mlp.json --empirical --params params/ --x1 x.npy --out K_emp.npy --implementation structured',
        '  ntk kernel --model mlp.json --mc-width 1024 --mc-samples 64 --seed 0 --x1 x.npy --get nngp --out K_mc.npy',
        'The empirical NTK is traced over the outputs (mean); --get nngp --empirical gives f(x1)·f(x2)ᵀ / O.',
      ].join('\n'),
    );
}

function positiveInt(flag: string, s: string): number {
  const v = Number(s);
  if (s.trim() === '' || !Number.isInteger(v) || v < 1)
    throw new RangeError(`${flag} must be a positive integer, got '${s}'`);
  return v;
}

/**
 * The requested finite-width kernel (N1×N2), or null when neither --empirical nor --mc-width was given
 * (then kernel.ts computes the analytic kernel).
 */
export function finiteWidthKernel(
  o: FiniteWidthOptions,
  model: Model,
  x1: Matrix,
  x2: Matrix | null,
  get: 'nngp' | 'ntk',
): Matrix | null {
  const mc = o.mcWidth !== undefined || o.mcSamples !== undefined;
  if (!o.empirical && !mc) {
    for (const [flag, v] of [
      ['--params', o.params],
      ['--seed', o.seed],
      ['--memory-limit', o.memoryLimit],
    ] as const) {
      if (v !== undefined) throw new Error(`${flag} needs --empirical or --mc-width`);
    }
    if (o.implementation !== undefined && o.implementation !== 'auto')
      throw new Error('--implementation needs --empirical or --mc-width');
    return null;
  }
  if (o.empirical && mc) throw new Error('--empirical and --mc-width/--mc-samples exclude each other');
  const inShape = [x1.cols];
  if (mc) {
    if (o.mcWidth === undefined || o.mcSamples === undefined || o.seed === undefined) {
      throw new Error('the Monte Carlo estimate needs --mc-width W, --mc-samples S and --seed s');
    }
    if (o.params !== undefined)
      throw new Error('--params belongs to --empirical, not to the Monte Carlo estimate');
    const net = withHiddenWidth(model, positiveInt('--mc-width', o.mcWidth)).net;
    const S = positiveInt('--mc-samples', o.mcSamples);
    const r = monteCarloKernel(net, x1, x2, {
      samples: S,
      key: PRNGKey(parseSeed('--seed', o.seed)),
      get,
      inShape,
      implementation: o.implementation as EmpiricalImplementation | undefined,
      onProgress: process.stderr.isTTY
        ? (d, t) => process.stderr.write(`\rntk kernel: Monte Carlo sample ${d}/${t}${d === t ? '\n' : ''}`)
        : undefined,
    });
    return get === 'nngp' ? r.nngp! : r.ntk!;
  }
  if ((o.params === undefined) === (o.seed === undefined)) {
    throw new Error('--empirical needs exactly one of --params DIR or --seed s');
  }
  const params: Params =
    o.params !== undefined
      ? readParamsDir(o.params, model.net, inShape)
      : model.net.init(PRNGKey(parseSeed('--seed', o.seed!)), inShape);
  if (get === 'nngp') {
    // Empirical NNGP of one network (neural-tangents' empirical_nngp_fn): f(x1)·f(x2)ᵀ / O.
    const f1 = singleOutput(model.net.forward(params, asBatch('x1', x1)).y, 'ntk kernel');
    const f2 = x2 ? singleOutput(model.net.forward(params, asBatch('x2', x2)).y, 'ntk kernel') : f1;
    const O = outputsOf(f1);
    const K = new Matrix(x1.rows, x2 ? x2.rows : x1.rows);
    getBackend().gemm(
      false,
      true,
      1 / O,
      new Matrix(x1.rows, O, f1.data),
      new Matrix(K.cols, O, f2.data),
      0,
      K,
    );
    return K;
  }
  return empiricalNtk(model.net, params, x1, x2, {
    implementation: (o.implementation ?? 'auto') as EmpiricalImplementation,
    memoryLimitBytes: o.memoryLimit !== undefined ? parseBytes('--memory-limit', o.memoryLimit) : undefined,
    onProgress: process.stderr.isTTY
      ? (f, phase) =>
          process.stderr.write(`\rntk kernel: ${phase} ${(100 * f).toFixed(0)}%${f >= 1 ? '\n' : ''}`)
      : undefined,
  });
}
