import { NtkInputError } from '../errors.js';
import type { Config, CostEstimate, Experiment, Preset } from './types.js';

/**
 * Cost of an experiment's config on the project's machine (2 cores, OpenBLAS): FLOP and peak bytes from
 * each experiment's `cost`, seconds = FLOP / the sustained rate below. The rate is the one measured for a
 * full-batch training step of the MLP at N = 10000, width 256, depth 6 (`ntk train`, ≈ 2·10¹⁰ FLOP per
 * step at 1.77 steps/s ≈ 35 GFLOP/s); kernel recursions and eigensolvers run at a similar or higher rate
 * (they are GEMM-bound), so the estimate is an upper bound for them.
 */
export const MACHINE = {
  cores: 2,
  flopPerSecond: 3.5e10,
  /** The peak-memory budget of one experiment (the library's default NTK_MEMORY_LIMIT). */
  memoryBytes: 6 * 1024 ** 3,
} as const;

/** The budgets the paper preset must fit: the whole preset and its largest experiment, seconds. */
export const PAPER_BUDGET = { totalSeconds: 12 * 3600, experimentSeconds: 3 * 3600 } as const;

export interface ExperimentCost extends CostEstimate {
  readonly id: string;
  readonly preset: Preset;
  /** FLOP / the measured training rate: the estimate the budgets are checked against. */
  readonly seconds: number;
  /** The quick preset's expected seconds × the FLOP ratio, when larger: an upper bound. */
  readonly upperSeconds: number;
}

/** The experiment's cost at `preset`: validates the config (through `cost`) and converts FLOP to seconds. */
export function experimentCost(
  e: Experiment,
  preset: Preset,
  config: Config = e.presets[preset],
): ExperimentCost {
  const c = e.cost(config);
  if (!(Number.isFinite(c?.flop) && c.flop > 0 && Number.isFinite(c?.bytes) && c.bytes > 0)) {
    throw new NtkInputError(
      `${e.id}: cost(${preset}) must give finite positive flop and bytes, got ${JSON.stringify(c)}`,
    );
  }
  const seconds = c.flop / MACHINE.flopPerSecond;
  // Work below the GEMM rate (kernel recursions, small matrices, per-step overhead) shows in the quick
  // preset's measured time: scaled by the FLOP ratio it bounds the paper time from above (pessimistic for
  // GEMM-bound work, whose rate grows with size).
  const quick = preset === 'quick' ? c : e.cost(e.presets.quick);
  const upperSeconds = Math.max(seconds, (e.expectedSeconds.quick * c.flop) / quick.flop);
  return { id: e.id, preset, flop: c.flop, bytes: c.bytes, seconds, upperSeconds };
}

/** Parameters of a ReLU MLP d → width (×depth) → out. */
export function mlpParams(d: number, width: number, depth: number, out = 1): number {
  return (d + 1) * width + (depth - 1) * (width + 1) * width + (width + 1) * out;
}

/** One full forward + backward pass on n rows: ≈ 6·n·P (two GEMMs back, one forward, per weight). */
export function passFlop(n: number, params: number): number {
  return 6 * n * params;
}

/**
 * Top-k eigenpairs of the N×N empirical NTK through the implicit operator (Lanczos, ≈ 3k operator
 * products, each ≈ 4·N·P: a VJP and a JVP through the network) plus the orthogonalization 3k·k·N·4.
 */
export function lanczosNtkFlop(n: number, params: number, k: number): number {
  return 3 * k * 4 * n * params + 12 * k * k * n;
}

/** The dense empirical NTK J·Jᵀ (n×P Jacobian by n VJPs, then the Gram product) and its full eigh (≈ 9n³). */
export function denseNtkFlop(n: number, params: number, eigh = true): number {
  return n * passFlop(1, params) + 2 * n * n * params + (eigh ? 9 * n ** 3 : 0);
}

/** A number field of a config, checked: finite, and an integer ≥ min when asked. */
export function field(c: Config, name: string, o: { integer?: boolean; min?: number } = {}): number {
  const v = c[name];
  if (
    typeof v !== 'number' ||
    !Number.isFinite(v) ||
    (o.integer && !Number.isInteger(v)) ||
    v < (o.min ?? -Infinity)
  ) {
    throw new NtkInputError(
      `config.${name} must be ${o.integer ? 'an integer' : 'a finite number'}${o.min !== undefined ? ` ≥ ${o.min}` : ''}, got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

/** The checker of a config's counts (sizes, steps, seeds): `F(name, min = 1)` is `field(c, name)`, an integer ≥ min. */
export function countField(c: Config): (name: string, min?: number) => number {
  return (name, min = 1) => field(c, name, { integer: true, min });
}

/** A number of a config strictly between `lo` and `hi` (a step size, a tolerance). */
export function fieldBetween(c: Config, name: string, lo: number, hi: number): number {
  const v = c[name];
  if (typeof v !== 'number' || !(v > lo && v < hi)) {
    throw new NtkInputError(`config.${name} must be a number in (${lo}, ${hi}), got ${JSON.stringify(v)}`);
  }
  return v;
}

/** A non-empty list of numbers of a config, each checked as by `field`. */
export function fieldList(c: Config, name: string, o: { integer?: boolean; min?: number } = {}): number[] {
  const v = c[name];
  if (!Array.isArray(v) || v.length === 0) {
    throw new NtkInputError(`config.${name} must be a non-empty array of numbers, got ${JSON.stringify(v)}`);
  }
  return v.map((x, i) => field({ [`${name}[${i}]`]: x as number }, `${name}[${i}]`, o));
}

/**
 * Peak bytes of training plus the dense empirical NTK on n rows: θ, its gradient and two optimizer
 * buffers, the n×n Gramian with its eigenvectors and a work copy, and the tiled Jacobian workspace the
 * empirical NTK plans within (src/empirical/memory.ts; at most 256 MiB here).
 */
export function denseNtkBytes(n: number, params: number): number {
  return 8 * 4 * params + 8 * 3 * n * n + 2 ** 28;
}
