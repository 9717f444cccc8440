import { empiricalNtk, type EmpiricalImplementation } from '../../empirical/empiricalNtk.js';
import { empiricalNngp } from '../../empirical/empiricalNngp.js';
import { parseBytes } from '../../memoryLimit.js';
import { readParamsDir } from '../../io/paramsDir.js';
import { monteCarloKernel } from '../../empirical/monteCarlo.js';
import { Matrix } from '../../linalg/matrix.js';
import { withHiddenWidth, type Model } from '../../nn/model.js';
import type { Params } from '../../nn/types.js';
import { PRNGKey } from '../../random/index.js';
import { parseSeed, positiveInt } from '../args.js';
import type { FiniteWidthOptions } from './kernelOptions.js';

/**
 * The finite-width branches of `ntk kernel` (loaded only when asked for): `--empirical` (the kernel of one
 * concrete network, parameters from `--params DIR` or `--seed s`) and `--mc-width W --mc-samples S` (the
 * Monte Carlo estimate of the infinite-width kernel). Returns the requested N1×N2 kernel, or null when
 * neither --empirical nor --mc-width was given (then kernel.ts computes the analytic kernel).
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
  // the empirical NNGP of one network (neural-tangents' empirical_nngp_fn): f(x1)·f(x2)ᵀ / O
  if (get === 'nngp') return empiricalNngp(model.net, params, x1, x2);
  return empiricalNtk(model.net, params, x1, x2, {
    implementation: (o.implementation ?? 'auto') as EmpiricalImplementation,
    memoryLimitBytes: o.memoryLimit !== undefined ? parseBytes('--memory-limit', o.memoryLimit) : undefined,
    onProgress: process.stderr.isTTY
      ? (f, phase) =>
          process.stderr.write(`\rntk kernel: ${phase} ${(100 * f).toFixed(0)}%${f >= 1 ? '\n' : ''}`)
      : undefined,
  });
}
