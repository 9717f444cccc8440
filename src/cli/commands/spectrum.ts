import type { Command } from 'commander';
import { NtkInputError } from '../../errors.js';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { writeNpy } from '../../io/npyFile.js';
import { checkOutputs, type NamedPath } from '../../io/outputPlan.js';
import { loadModel, type Model } from '../../nn/model.js';
import { PRNGKey } from '../../random/keys.js';
import { parseDensity, type CircleDensity } from '../../spectral/circle/density.js';
import { basriZ, eq17AsTyped, eq17Corrected } from '../../spectral/circle/eq17.js';
import { circleKernelOf, twoLayerReluBias, type CircleKernel } from '../../spectral/circle/kernels.js';
import { regionFrequencies } from '../../spectral/circle/localFrequency.js';
import { circleNystrom } from '../../spectral/circle/nystrom.js';
import { circleSampleSpectrum } from '../../spectral/circle/samples.js';
import {
  cubePoints,
  cubeSpectrumFromValues,
  cubeSpectrumOfStack,
  type CubeSpectrum,
} from '../../spectral/cube.js';
import {
  networkDotProduct,
  preciseLayersOfModel,
  requireDotProductModel,
  type DotProductPart,
} from '../../spectral/dotProduct.js';
import { sphereSpectrum } from '../../spectral/sphere.js';
import { choice, intArg as intOption, parseNumber } from '../args.js';
import { finiteOrNull, resultJson } from '../jsonResult.js';
import { deferSignals } from '../signals.js';

/**
 * `ntk spectrum cube|sphere|circle`: spectra of dot-product kernels. JSON out (atomic:
 * temp file + rename); the circle's eigenfunctions also as .npy beside it.
 */

/** Default relative error assumed for a float64 network kernel map when the exact path is not available. */
const FLOAT64_KERNEL_REL_ERR = 2 ** -40;

function intArg(flag: string, s: string | undefined, min: number): number {
  if (s === undefined) throw new NtkInputError(`${flag} is required (an integer ≥ ${min})`);
  return intOption(flag, s, min);
}

function partArg(s: string): DotProductPart {
  return choice('--get', s, ['nngp', 'ntk'] as const);
}

/** Bounds and estimates that may legitimately be unbounded or undefined: written as null. */
function nullable(v: ArrayLike<number> | number | null): (number | null)[] | number | null {
  if (v === null) return null;
  if (typeof v === 'number') return finiteOrNull(v);
  return Array.from(v, finiteOrNull);
}

/** The largest cube dimension the exact path is documented for (`--help`): past it, refused at once. */
const CUBE_MAX_DIM = 1000;

function loadDotProductModel(path: string, dim: number | null): Model {
  const model = loadModel(path);
  requireDotProductModel(model);
  if (dim !== null && model.inputShape !== null && model.inputShape[0] !== dim) {
    throw new NtkInputError(`--dim ${dim} does not match the model's inputShape [${model.inputShape[0]}]`);
  }
  return model;
}

function writeJson(path: string, obj: unknown): void {
  deferSignals();
  writeFileAtomic(path, resultJson(obj));
  process.stderr.write(`ntk spectrum: wrote ${path}\n`);
}

/** Check the output (and its .npy companions) against the inputs before any computation. */
function checkSpectrumOutputs(out: string, model: string | undefined, npy: string[] = []): void {
  const inputs: NamedPath[] = model === undefined ? [] : [{ flag: '--model', path: model }];
  checkOutputs(
    [
      { flag: '--out', path: out, kind: 'file' },
      ...npy.map((p) => ({ flag: '--out (.npy beside it)', path: p, kind: 'file' as const })),
    ],
    inputs,
  );
}

function npyPath(out: string, name: string): string {
  return `${out.replace(/\.json$/i, '')}.${name}.npy`;
}

interface CubeOpts {
  model: string;
  dim: string;
  get: string;
  out: string;
  exact: boolean;
  kernelRelErr?: string;
}

function runCube(o: CubeOpts): void {
  const d = intArg('--dim', o.dim, 1);
  if (d > CUBE_MAX_DIM)
    throw new NtkInputError(
      `--dim ${d} is past the documented range of the cube spectrum (d ≤ ${CUBE_MAX_DIM}): the exact path works ` +
        `with ≈ d + 128-bit numbers and its time grows steeply with d; use d ≤ ${CUBE_MAX_DIM}`,
    );
  checkSpectrumOutputs(o.out, o.model);
  const part = partArg(o.get);
  const model = loadDotProductModel(o.model, d);
  const { layers, reason } = preciseLayersOfModel(model);
  let s: CubeSpectrum;
  let method: string;
  if (layers !== null && o.exact) {
    s = cubeSpectrumOfStack(layers, d, part);
    method = 'exact: Φ by the high-precision recursion, Krawtchouk sums in integer arithmetic';
  } else {
    if (reason !== null)
      process.stderr.write(`ntk spectrum: ${reason}; using the float64 kernel map (see errorBound)\n`);
    const rel =
      o.kernelRelErr === undefined
        ? FLOAT64_KERNEL_REL_ERR
        : parseNumber('--kernel-rel-err', o.kernelRelErr, { min: 0 });
    s = cubeSpectrumFromValues(networkDotProduct(model.net, part, d)(cubePoints(d)), rel);
    method = `float64 Φ (relative error assumed ≤ ${rel}), exact sums; errorBound propagates it`;
  }
  writeJson(o.out, {
    kind: 'cube',
    convention:
      'x ∈ {±1}^d, K(x,x′) = Φ(⟨x,x′⟩/d), uniform measure; μ_k is the eigenvalue of each parity of degree k',
    dim: d,
    get: part,
    method,
    eigenvalues: s.eigenvalues,
    multiplicities: s.multiplicities,
    fractionalVariance: s.fractionalVariance,
    errorBound: nullable(s.errorBound),
    fractionalVarianceErrorBound: nullable(s.fractionalVarianceErrorBound),
  });
}

interface SphereOpts {
  model: string;
  dim: string;
  maxDegree: string;
  get: string;
  out: string;
  nodes?: string;
}

function runSphere(o: SphereOpts): void {
  const d = intArg('--dim', o.dim, 1);
  checkSpectrumOutputs(o.out, o.model);
  const K = intArg('--max-degree', o.maxDegree, 0);
  const part = partArg(o.get);
  const model = loadDotProductModel(o.model, d);
  const s = sphereSpectrum(networkDotProduct(model.net, part, d), d, K, {
    nodes: o.nodes === undefined ? undefined : intArg('--nodes', o.nodes, 1),
  });
  writeJson(o.out, {
    kind: 'sphere',
    convention:
      '‖x‖² = d (radius √d), K(x,x′) = Φ(⟨x,x′⟩/d), uniform measure on S^{d−1}; μ_k per degree-k spherical harmonic',
    dim: d,
    get: part,
    eigenvalues: s.eigenvalues,
    multiplicities: s.multiplicities,
    fractionalVariance: s.fractionalVariance,
    quadratureNodes: s.nodes,
    quadratureError: nullable(s.quadratureError),
    roundoffBound: nullable(s.roundoffBound),
  });
}

interface CircleOpts {
  kernel?: string;
  model?: string;
  get?: string;
  density: string;
  grid: string;
  top: string;
  samples?: string;
  seed: string;
  out: string;
}

function circleKernel(o: CircleOpts): { kernel: CircleKernel; label: string } {
  if ((o.kernel === undefined) === (o.model === undefined))
    throw new NtkInputError('give exactly one of --kernel two-layer-relu-bias or --model m.json');
  if (o.kernel !== undefined) {
    if (o.kernel !== 'two-layer-relu-bias')
      throw new NtkInputError(`--kernel must be 'two-layer-relu-bias', got '${o.kernel}'`);
    return {
      kernel: twoLayerReluBias,
      label: 'two-layer-relu-bias: k = (cos(x−z)+1)(π−|x−z|)/(4π) (Basri et al. 2020, eq. 11)',
    };
  }
  const part = partArg(o.get ?? 'ntk');
  const model = loadDotProductModel(o.model!, null);
  if (model.inputShape !== null && model.inputShape[0] !== 2)
    throw new NtkInputError(`circle: the model's inputShape is [${model.inputShape[0]}], expected [2]`);
  return {
    kernel: circleKernelOf(networkDotProduct(model.net, part, 2)),
    label: `${o.model} (${part}) on x = √2·(cos a, sin a)`,
  };
}

function runCircle(o: CircleOpts): void {
  checkSpectrumOutputs(o.out, o.model, [npyPath(o.out, 'eigenfunctions')]);
  const { kernel, label } = circleKernel(o);
  const p: CircleDensity = parseDensity(o.density);
  if (p.normalizedFrom !== null)
    process.stderr.write(
      `ntk spectrum: warning: the density integrated to ${p.normalizedFrom}; normalized to 1\n`,
    );
  const M = intArg('--grid', o.grid, 4);
  const K = intArg('--top', o.top, 1);
  const e = circleNystrom(kernel, p, { grid: M, top: K });
  const result: Record<string, unknown> = {
    kind: 'circle',
    kernel: label,
    density:
      p.kind === 'piecewise'
        ? { parts: p.values, arcs: 'equal arcs from −π', normalizedFrom: p.normalizedFrom }
        : null,
    grid: e.grid,
    method: e.method,
    eigenvalues: e.eigenvalues,
    extrapolated: e.extrapolated,
    errorEstimate: nullable(e.errorEstimate),
    eigenfunctions: {
      shape: [K, M],
      npy: npyPath(o.out, 'eigenfunctions'),
      values: Array.from({ length: K }, (_, i) => e.eigenfunctions.row(i)),
    },
  };
  if (p.kind === 'piecewise') {
    const J = p.values.length;
    const Z = basriZ(p);
    const q = Array.from({ length: K }, (_, i) => Math.ceil(i / 2));
    if (kernel === twoLayerReluBias) {
      const typed = q.map((qq) => eq17AsTyped(qq, Z));
      const corrected = q.map((qq) => eq17Corrected(qq, Z));
      const ref = e.extrapolated ?? e.eigenvalues;
      result.eq17 = {
        Z,
        q,
        typed,
        corrected,
        relErrorTyped: nullable(typed.map((v, i) => (ref[i] - v) / v)),
        relErrorCorrected: nullable(corrected.map((v, i) => (ref[i] - v) / v)),
        note: 'typed = Basri et al. 2020, eq. 17 as printed; corrected = π·typed (2π·typed at q = 0), exact for the uniform density (src/spectral/circle/eq17.ts)',
      };
    }
    if (J > 1 && M / J >= 12) {
      result.localFrequency = {
        predicted: q.map((qq) => p.values.map((v) => (qq * Math.sqrt(v)) / Z)),
        fit: [] as (number | null)[][],
        fft: [] as (number | null)[][],
      };
      const lf = result.localFrequency as { fit: (number | null)[][]; fft: (number | null)[][] };
      for (let i = 0; i < K; i++) {
        const r = regionFrequencies(e.grid, e.eigenfunctions.row(i), J);
        lf.fit.push(r.map((x) => finiteOrNull(x.fit)));
        lf.fft.push(r.map((x) => finiteOrNull(x.fft)));
      }
    }
  }
  if (o.samples !== undefined) {
    const N = intArg('--samples', o.samples, 2);
    const s = circleSampleSpectrum(kernel, p, N, Math.min(K, N), PRNGKey(intArg('--seed', o.seed, 0)));
    result.samples = { n: N, eigenvalues: s.eigenvalues, residuals: s.residuals, converged: s.converged };
  }
  deferSignals();
  writeNpy(npyPath(o.out, 'eigenfunctions'), e.eigenfunctions.data, [K, M]);
  writeJson(o.out, result);
}

export function registerSpectrum(program: Command): void {
  const spectrum = program
    .command('spectrum')
    .description('spectra of dot-product kernels: boolean cube, sphere, circle with a density');

  spectrum
    .command('cube')
    .description(
      'eigenvalue μ_k of each degree k = 0..d on {±1}^d, multiplicities C(d,k), fractional variances',
    )
    .requiredOption('--model <file>', 'model JSON (fully-connected; src/nn/model.ts)')
    .requiredOption('--dim <d>', `cube dimension 1 ≤ d ≤ ${CUBE_MAX_DIM}`)
    .option('--get <nngp|ntk>', 'which kernel', 'ntk')
    .requiredOption('--out <file>', 'output JSON')
    .option('--no-exact', 'use the float64 kernel map (faster; high degrees then carry large error bounds)')
    .option(
      '--kernel-rel-err <e>',
      'float64 path: relative error of the kernel map values, propagated into the bounds (default 2^-40)',
    )
    .addHelpText(
      'after',
      `
Exact for every degree up to d = ${CUBE_MAX_DIM} (larger d is refused) when the model uses Dense/Relu/ABRelu/LeakyRelu/Abs/Erf/Identity
('ntk' parameterization): Φ is then evaluated with ≈ d + 128 bits and the alternating Krawtchouk sums
are done in integer arithmetic. Other layers fall back to float64 with stated error bounds.

Example:
  ntk spectrum cube --model relu3.json --dim 128 --get ntk --out cube.json`,
    )
    .action((o: CubeOpts) => runCube(o));

  spectrum
    .command('sphere')
    .description(
      'eigenvalue and multiplicity per degree on the sphere of radius √d in ℝ^d (Gegenbauer projection)',
    )
    .requiredOption('--model <file>', 'model JSON (fully-connected)')
    .requiredOption('--dim <d>', 'ambient dimension d ≥ 1 (S^{d−1})')
    .requiredOption('--max-degree <K>', 'largest degree')
    .option('--get <nngp|ntk>', 'which kernel', 'ntk')
    .option('--nodes <n>', 'Gauss–Gegenbauer nodes (default max(1024, 4(K+1)))')
    .requiredOption('--out <file>', 'output JSON')
    .addHelpText(
      'after',
      '\nExample:\n  ntk spectrum sphere --model relu3.json --dim 3 --max-degree 20 --out sphere.json',
    )
    .action((o: SphereOpts) => runSphere(o));

  spectrum
    .command('circle')
    .description('eigenvalues/eigenfunctions of ∫k(x,z)p(z)f(z)dz = λf(x) on S¹ (Nyström; Basri et al. 2020)')
    .option('--kernel <name>', "closed-form kernel: 'two-layer-relu-bias' (Basri et al. 2020, eq. 11)")
    .option(
      '--model <file>',
      "a network's kernel restricted to the circle (x = √2·(cos a, sin a), so ⟨x,x′⟩/2 = cos(a − a′))",
    )
    .option('--get <nngp|ntk>', 'with --model: which kernel', 'ntk')
    .requiredOption(
      '--density <spec>',
      "'uniform', 'seed004-continuous' or p1,p2,… (constant on equal arcs from −π; normalized with a warning if ∫p ≠ 1)",
    )
    .option('--grid <M>', 'Nyström grid size', '1024')
    .option('--top <K>', 'number of eigenpairs', '20')
    .option(
      '--samples <N>',
      'also: top eigenvalues of the Gram matrix of N samples from p (Lanczos, implicit operator)',
    )
    .option('--seed <s>', 'seed for --samples', '0')
    .requiredOption('--out <file>', 'output JSON (eigenfunctions also in <out>.eigenfunctions.npy, K × M)')
    .addHelpText(
      'after',
      `
Examples:
  ntk spectrum circle --kernel two-layer-relu-bias --density 0.0682,0.1364,0.2728 --grid 2048 --top 20 --out c.json
  ntk spectrum circle --kernel two-layer-relu-bias --density 1,2,4 --samples 50000 --out c.json   # normalized
  ntk spectrum circle --model deep.json --get ntk --density uniform --out d.json`,
    )
    .action((o: CircleOpts) => runCircle(o));
}
